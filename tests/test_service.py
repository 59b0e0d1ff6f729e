"""``etiquette serve``: every endpoint and every error class through Starlette's test client,
the token, a fuzz of bodies that never makes a 5xx, and a real uvicorn on a free port."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from starlette.testclient import TestClient

from etiquette._service import create_app

from . import strategies as s
from .conftest import contract_data

NOW = "2026-11-24T09:00:00-05:00"


@pytest.fixture
def client(tmp_path: Path) -> TestClient:
    return TestClient(create_app(tmp_path / "t.sqlite3"), raise_server_exceptions=False)


def cli_json(cli: Any, tmp_path: Path, *args: str, data: Any = None) -> Any:
    path = tmp_path / "in.json"
    path.write_text(json.dumps(contract_data() if data is None else data), encoding="utf-8")
    _status, out, err = cli([args[0], str(path), *args[1:], "--json"])
    assert err == ""
    return json.loads(out)


# --- the engine's endpoints -------------------------------------------------------------------


def test_healthz_and_openapi(client: TestClient) -> None:
    health = client.get("/healthz")
    assert health.status_code == 200
    assert health.json()["status"] == "ok"
    doc = client.get("/openapi.json").json()
    assert doc["openapi"] == "3.1.0"
    assert {"/v1/next", "/v1/check", "/v1/plan", "/v1/record", "/v1/due"} <= set(doc["paths"])
    # the component schemas are the package's JSON Schemas, not a second copy
    schema = json.loads(
        (Path(__file__).parent.parent / "specs/schema/decision.schema.json").read_text()
    )
    decision = doc["components"]["schemas"]["Decision"]
    assert decision["required"] == schema["required"]
    assert set(decision["properties"]) == set(schema["properties"])
    assert "instant" in doc["components"]["schemas"]
    assert "$defs" not in json.dumps(doc)


def test_next_is_the_clis_json(client: TestClient, cli: Any, tmp_path: Path) -> None:
    answer = client.post(f"/v1/next?now={NOW}", json=contract_data())
    assert answer.status_code == 200
    assert answer.json() == cli_json(cli, tmp_path, "next", "--now", NOW)
    listed = client.post(f"/v1/next?now={NOW}", json=[contract_data(), contract_data()])
    assert [d["action"] for d in listed.json()] == ["send_thank_you"] * 2


def test_check_answers_200_either_way(client: TestClient, cli: Any, tmp_path: Path) -> None:
    refused = client.post(f"/v1/check?action=send_status_inquiry&at={NOW}", json=contract_data())
    assert refused.status_code == 200
    assert refused.json()["allowed"] is False
    assert refused.json() == cli_json(cli, tmp_path, "check", "send_status_inquiry", "--at", NOW)
    allowed = client.post(
        f"/v1/check?action=send_thank_you&at={NOW}&to=Bo Chen", json=contract_data()
    )
    assert allowed.json()["allowed"] is True


def test_plan(client: TestClient) -> None:
    answer = client.post(f"/v1/plan?now={NOW}", json=contract_data())
    assert answer.status_code == 200
    assert answer.json()["windows"][0]["to"] == ["Bo Chen"]


def test_record_200_and_409_when_strict_refuses(client: TestClient) -> None:
    event = {"type": "thank_you_sent", "at": NOW, "to": "Bo Chen"}
    ok = client.post("/v1/record", json={"application": contract_data(), "event": event})
    assert ok.status_code == 200
    assert ok.json()["events"][-1]["to"] == "Bo Chen"
    early = {"type": "status_inquiry_sent", "at": NOW}
    refused = client.post("/v1/record", json={"application": contract_data(), "event": early})
    assert refused.status_code == 409
    assert "inquiry-after-timeline" in {v["rule"] for v in refused.json()["violations"]}
    lenient = client.post(
        "/v1/record?strict=false", json={"application": contract_data(), "event": early}
    )
    assert lenient.status_code == 200
    assert "inquiry-after-timeline" in lenient.json()["events"][-1]["violations"]


# --- the tracker's endpoints ------------------------------------------------------------------


def test_the_tracker_over_http_shares_the_clis_store(tmp_path: Path, cli: Any) -> None:
    db = tmp_path / "shared.sqlite3"
    client = TestClient(create_app(db), raise_server_exceptions=False)
    made = client.post("/v1/applications", json=contract_data())
    assert made.status_code == 201
    assert client.post("/v1/applications", json=contract_data()).status_code == 409
    assert [a["id"] for a in client.get("/v1/applications").json()] == ["acme-backend-1"]
    one = client.get(f"/v1/applications/acme-backend-1?now={NOW}").json()
    assert set(one) == {"application", "decision", "plan"}
    early = {"type": "status_inquiry_sent", "at": NOW}
    refused = client.post("/v1/applications/acme-backend-1/events", json=early)
    assert refused.status_code == 409
    forced = client.post("/v1/applications/acme-backend-1/events?force=true", json=early)
    assert forced.status_code == 201
    # what one writes, the other reads
    _status, out, _ = cli(["due", "--now", NOW, "--json", "--db", str(db)])
    assert client.get(f"/v1/due?now={NOW}").json() == json.loads(out)
    assert client.get(f"/v1/due?now={NOW}&within=0h").status_code == 200
    calendar = client.get(f"/calendar.ics?now={NOW}")
    assert calendar.status_code == 200
    assert calendar.headers["content-type"].startswith("text/calendar")
    assert "BEGIN:VTODO" in calendar.text
    assert client.get("/v1/applications/nobody").status_code == 422


# --- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "url", "body", "status", "path"),
    [
        ("post", "/v1/next", b"{not json", 400, "line 1 column 2"),
        ("post", "/v1/next", b"", 400, ""),
        (
            "post",
            f"/v1/next?now={NOW}",
            {"id": "a", "events": [{"type": "interview", "at": "2026-11-23T10:00"}]},
            422,
            "events[0].at",
        ),
        ("post", "/v1/next?now=tomorrow", {"id": "a"}, 422, "now"),
        ("post", "/v1/check?at=2026-11-24T09:00:00Z", {"id": "a"}, 422, "action"),
        ("post", "/v1/check?action=shout", {"id": "a"}, 422, "action"),
        (
            "post",
            "/v1/record?strict=maybe",
            {"application": {"id": "a"}, "event": {}},
            422,
            "strict",
        ),
        ("post", "/v1/record", {"application": {"id": "a"}}, 422, ""),
        ("get", "/v1/due?within=soon", None, 422, "within"),
        ("get", "/nowhere", None, 404, ""),
        ("get", "/v1/next", None, 405, ""),
    ],
)
def test_bad_input_is_a_4xx_naming_the_path(
    client: TestClient, method: str, url: str, body: Any, status: int, path: str
) -> None:
    kwargs: dict[str, Any] = {}
    if isinstance(body, bytes):
        kwargs["content"] = body
    elif body is not None:
        kwargs["json"] = body
    answer = getattr(client, method)(url, **kwargs)
    assert answer.status_code == status, answer.text
    assert answer.json()["error"]["path"] == path
    assert answer.json()["error"]["message"]


def test_a_body_over_the_limit_is_413(tmp_path: Path) -> None:
    client = TestClient(create_app(tmp_path / "t.sqlite3", max_body=1000))
    answer = client.post("/v1/next", content=b"[" + b" " * 2000 + b"]")
    assert answer.status_code == 413


@settings(max_examples=60)
@given(document=s.json_documents())
def test_no_body_makes_a_5xx(document: Any) -> None:
    client = TestClient(create_app(":memory:"), raise_server_exceptions=False)
    for url in (f"/v1/next?now={NOW}", f"/v1/plan?now={NOW}", "/v1/check?action=send_thank_you"):
        answer = client.post(url, content=json.dumps(document))
        assert answer.status_code < 500, (url, answer.text)


# --- the token ----------------------------------------------------------------------------------


def test_the_token_guards_every_request_but_healthz(tmp_path: Path) -> None:
    client = TestClient(create_app(tmp_path / "t.sqlite3", token="s3cret"))
    assert client.get("/healthz").status_code == 200
    assert client.post(f"/v1/next?now={NOW}", json=contract_data()).status_code == 401
    wrong = {"Authorization": "Bearer nope"}
    assert (
        client.post(f"/v1/next?now={NOW}", json=contract_data(), headers=wrong).status_code == 401
    )
    right = {"Authorization": "Bearer s3cret"}
    assert (
        client.post(f"/v1/next?now={NOW}", json=contract_data(), headers=right).status_code == 200
    )


def test_serve_refuses_another_host_without_a_token(
    cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ETIQUETTE_TOKEN", raising=False)
    status, _out, err = cli(["serve", "--host", "0.0.0.0"])
    assert status == 2
    assert "token" in err
    assert len(err.splitlines()) == 1


# --- a real server ----------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def test_a_real_uvicorn_answers_concurrent_requests_alike(tmp_path: Path) -> None:
    port = _free_port()
    env = {**os.environ, "ETIQUETTE_DB": str(tmp_path / "t.sqlite3")}
    server = subprocess.Popen(
        [sys.executable, "-m", "etiquette", "serve", "--port", str(port)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=1) as r:
                    assert json.loads(r.read())["status"] == "ok"
                break
            except OSError:
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.1)
        body = json.dumps(contract_data()).encode()

        def ask(_: int) -> bytes:
            request = urllib.request.Request(
                f"{base}/v1/next?now={NOW}", data=body, headers={"Content-Type": "application/json"}
            )
            with urllib.request.urlopen(request, timeout=30) as r:
                answer: bytes = r.read()
                return answer

        answers: set[bytes] = set()
        for _ in range(4):
            with ThreadPoolExecutor(max_workers=50) as pool:
                answers |= set(pool.map(ask, range(50)))
        assert len(answers) == 1
        assert json.loads(answers.pop())["action"] == "send_thank_you"
    finally:
        server.send_signal(signal.SIGINT)  # Ctrl-C
        _, err = server.communicate(timeout=30)
    assert server.returncode == 0
    assert "Traceback" not in err


# --- the dashboard ----------------------------------------------------------------------------


def tracked(tmp_path: Path, **more: Any) -> TestClient:
    client = TestClient(create_app(tmp_path / "t.sqlite3"), raise_server_exceptions=False)
    assert client.post("/v1/applications", json={**contract_data(), **more}).status_code == 201
    return client


def test_the_due_list_soonest_first_with_its_window_rule_and_draft(tmp_path: Path) -> None:
    client = tracked(tmp_path)
    page = client.get("/?now=2026-11-24T15:00:00Z")  # Tue 10:00 in New York
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    html = page.text
    assert "acme-backend-1" in html
    assert "send_thank_you → Bo Chen" in html
    assert "due Tue 2026-11-24 11:00" in html
    assert "thank-you-24h" in html
    assert 'href="/applications/acme-backend-1/draft"' in html
    assert "calendar.ics" in html
    late = client.get("/?now=2026-11-25T15:00:00Z").text
    assert 'class="overdue"' in late


def test_an_applications_page_and_its_drafts(tmp_path: Path) -> None:
    client = tracked(tmp_path)
    html = client.get(f"/applications/acme-backend-1?now={NOW}").text
    assert "thank-you sent to Ana Ruiz" in html
    assert "send_status_inquiry" in html  # ahead
    drafts = client.get(f"/applications/acme-backend-1/draft?now={NOW}").text
    assert "Dear Bo Chen," in drafts


def test_everything_an_application_holds_is_escaped(tmp_path: Path) -> None:
    client = tracked(tmp_path, company="<script>alert(1)</script>")
    html = client.get(f"/?now={NOW}").text
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_form_logs_an_event_and_refuses_cross_site_requests(tmp_path: Path) -> None:
    client = tracked(tmp_path)
    html = client.get(f"/applications/acme-backend-1?now={NOW}").text
    csrf = html.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    form = {"csrf": csrf, "type": "thank_you_sent", "at": "2026-11-24T14:00:00Z", "to": "Bo Chen"}
    done = client.post("/applications/acme-backend-1/events", data=form)
    assert done.status_code == 200
    assert "logged: thank_you_sent" in done.text
    assert len(client.get("/v1/applications").json()[0]["events"]) == 3
    forged = client.post("/applications/acme-backend-1/events", data={**form, "csrf": "x"})
    assert forged.status_code == 403
    other = client.post(
        "/applications/acme-backend-1/events", data=form, headers={"Origin": "https://evil.example"}
    )
    assert other.status_code == 403
    pushy = {**form, "type": "status_inquiry_sent", "at": "2026-11-24T14:30:00Z"}
    refused = client.post("/applications/acme-backend-1/events", data=pushy)
    assert refused.status_code == 409
    assert "inquiry-after-timeline" in refused.text
    assert len(client.get("/v1/applications").json()[0]["events"]) == 3
