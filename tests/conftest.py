"""Shared pytest configuration: hypothesis profiles.

``ETIQUETTE_HYPOTHESIS=deep`` selects the deep profile (many more examples, random seeds);
the default ``ci`` profile is fast and derandomised, so a CI run is repeatable.
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

from etiquette import Application
from etiquette._cli import main

settings.register_profile(
    "ci",
    max_examples=40,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
settings.register_profile(
    "deep",
    max_examples=2000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
settings.load_profile(os.environ.get("ETIQUETTE_HYPOTHESIS", "ci"))


#: What the ``cli`` fixture returns for one run: (exit status, stdout, stderr).
Run = tuple[int, str, str]


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Callable[..., Run]:
    """Run the CLI in-process: ``cli(args, stdin=None) -> (status, stdout, stderr)``."""

    def run(args: Sequence[str], stdin: str | None = None) -> Run:
        if stdin is not None:
            monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        try:
            status = main(list(args))
        except SystemExit as exc:  # argparse
            status = exc.code if isinstance(exc.code, int) else 2
        out, err = capsys.readouterr()
        return status, out, err

    return run


# --- the contract's running example ------------------------------------------------------------

#: The interview of the contract's example application (contract §5): Acme, America/New_York,
#: Mon 2026-11-23 10:00-11:00 EST with Ana Ruiz and Bo Chen, decision expected by Fri 2026-12-04.
CONTRACT_INTERVIEW: dict[str, Any] = {
    "type": "interview",
    "at": "2026-11-23T10:00:00-05:00",
    "ends_at": "2026-11-23T11:00:00-05:00",
    "interviewers": ["Ana Ruiz", "Bo Chen"],
    "decision_expected_by": "2026-12-04",
    "notes": ["their migration to event sourcing"],
}
#: Ana's thank-you, the afternoon of the interview.
ANA_THANKED: dict[str, Any] = {
    "type": "thank_you_sent",
    "at": "2026-11-23T15:00:00-05:00",
    "to": "Ana Ruiz",
    "channel": "email",
}


def contract_data(
    *more: dict[str, Any], events: Sequence[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """The contract's application in the wire format: the interview, Ana's thank-you and
    ``more`` (or exactly ``events``)."""
    return {
        "id": "acme-backend-1",
        "company": "Acme",
        "role": "Backend Engineer",
        "timezone": "America/New_York",
        "country": "US",
        "events": list(events) if events is not None else [CONTRACT_INTERVIEW, ANA_THANKED, *more],
    }


def contract_application(*more: dict[str, Any]) -> Application:
    """The contract's application as a value, with ``more`` events."""
    return Application.from_dict(contract_data(*more))


@pytest.fixture
def contract() -> Application:
    """The contract's application: the interview and Ana's thank-you."""
    return contract_application()


def bench_workload(n: int) -> list[dict[str, Any]]:
    """The first ``n`` applications of the benchmark's workload (``bench/workload.py``, seed
    2026), as wire-format dicts: every state, eleven regions."""
    import importlib.util

    path = Path(__file__).resolve().parent.parent / "bench" / "workload.py"
    spec = importlib.util.spec_from_file_location("workload", path)
    assert spec is not None
    assert spec.loader is not None
    workload: Any = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(workload)
    return list(workload.applications(n, 2026))
