"""The embedding example of ``examples/``, run for real on a SQLite file."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from .conftest import contract_data

EXAMPLE = Path(__file__).parent.parent / "examples" / "tracker.py"


def run(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, str(EXAMPLE), *args], capture_output=True, text=True, check=True
    )
    return done.stdout


def test_the_example_tracker_asks_only_what_is_due(tmp_path: Path) -> None:
    db = str(tmp_path / "mine.sqlite3")
    app = tmp_path / "acme.json"
    app.write_text(json.dumps(contract_data()), encoding="utf-8")
    assert run(db, "add", str(app)).startswith("tracking acme-backend-1")
    first = run(db, "run", "2026-11-24T09:00:00-05:00")
    assert "acme-backend-1: send_thank_you to Bo Chen (thank-you-24h)" in first
    assert first.endswith("1 of 1 asked\n")
    # its decision changes next at 11:00 (the thank-you's deadline): before it, nothing is asked
    assert run(db, "run", "2026-11-24T10:59:00-05:00").endswith("0 of 1 asked\n")
    late = run(db, "run", "2026-11-24T11:00:00-05:00")
    assert "send_thank_you to Bo Chen (thank-you-late-limit)" in late
