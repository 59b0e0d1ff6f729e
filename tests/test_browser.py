"""The dashboard in a real headless Chromium (Debian's ``chromium``, driven by Playwright).

``ETIQUETTE_REQUIRE_BROWSER=1`` (set by ``.ci/run``) makes a missing browser a failure; on a
machine without one the tests skip, saying so.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import contract_data

NOW = "2026-11-24T15:00:00Z"  # Tue 10:00 in New York


def _browser() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    if os.environ.get("ETIQUETTE_REQUIRE_BROWSER"):
        pytest.fail("no Chromium found, and ETIQUETTE_REQUIRE_BROWSER is set")
    pytest.skip("SKIPPED LOUDLY: no Chromium on this machine (apt-get install chromium)")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("served")
    db = folder / "t.sqlite3"
    app = folder / "acme.json"
    app.write_text(json.dumps(contract_data()), encoding="utf-8")
    env = {**os.environ, "ETIQUETTE_DB": str(db)}
    subprocess.run([sys.executable, "-m", "etiquette", "add", str(app)], env=env, check=True)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "etiquette", "serve", "--port", str(port)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"{base}/healthz", timeout=1).close()
            break
        except OSError:
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.1)
    yield base
    proc.send_signal(signal.SIGINT)
    proc.wait(timeout=30)


def test_the_due_list_in_a_real_browser(server: str, tmp_path: Path) -> None:
    executable = _browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=executable, headless=True, args=["--no-sandbox"]
        )
        page = browser.new_page(viewport={"width": 1100, "height": 520})
        page.goto(f"{server}/?now={NOW}")
        rows = page.locator("#due tbody tr")
        assert rows.count() == 1
        cells = [c.strip() for c in rows.nth(0).locator("td").all_inner_texts()]
        assert cells[1] == "Tue 2026-11-24 10:00 EST"
        assert cells[2].startswith("acme-backend-1")
        assert cells[3] == "send_thank_you → Bo Chen"
        assert cells[5] == "thank-you-24h"
        assert page.locator("#feed").inner_text().endswith("/calendar.ics")
        page.locator("#due a", has_text="acme-backend-1").click()
        assert "thank-you sent to Ana Ruiz" in page.locator("#history").inner_text()
        page.screenshot(path=str(tmp_path / "dashboard.png"))
        browser.close()
    assert (tmp_path / "dashboard.png").stat().st_size > 1000
