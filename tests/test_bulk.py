"""Bulk paths: ``next_actions`` and ``etiquette next FILE --jsonl``.

Both must give exactly the decisions of ``next_action`` one application at a time, stream (one
application in, one decision out, nothing held back), and report a bad application by its place.
Nothing here is timed: throughput and memory are the benchmark's business (``bench/run.py``).
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from etiquette import (
    Application,
    Decision,
    InvalidApplication,
    InvalidEvent,
    next_action,
    next_actions,
)
from etiquette._bulk import LineError, json_line, read_line, run_jsonl, wants_progress
from etiquette._engine.spec import policy_from_text

from . import strategies as s

NOW = datetime(2026, 12, 1, 14, 0, tzinfo=UTC)

ACME: dict[str, Any] = {
    "id": "acme-backend-1",
    "timezone": "America/New_York",
    "country": "US",
    "events": [
        {
            "type": "interview",
            "at": "2026-11-23T10:00:00-05:00",
            "interviewers": ["Ana Ruiz", "Bo Chen"],
            "decision_expected_by": "2026-12-04",
        },
        {"type": "thank_you_sent", "at": "2026-11-23T15:00:00-05:00", "to": "Ana Ruiz"},
    ],
}
GLOBEX: dict[str, Any] = {
    "id": "globex-sre",
    "timezone": "Europe/Berlin",
    "country": "DE",
    "events": [
        {"type": "interview", "at": "2026-11-10T14:00:00+01:00"},
        {"type": "rejection_received", "at": "2026-11-30T09:00:00+01:00"},
    ],
}
TOKYO: dict[str, Any] = {"id": "tokyo-1", "timezone": "Asia/Tokyo", "events": []}
# a history that cannot have happened: a gracious reply with no rejection
IMPOSSIBLE: dict[str, Any] = {
    "id": "initech-1",
    "events": [
        {"type": "interview", "at": "2026-11-02T10:00:00Z"},
        {"type": "rejection_reply_sent", "at": "2026-11-05T10:00:00Z"},
    ],
}


def _apps(*data: dict[str, Any]) -> list[Application]:
    return [Application.from_dict(d) for d in data]


# --- next_actions -------------------------------------------------------------------------------


@given(apps=st.lists(s.histories(shuffle=True), max_size=4), data=st.data())
def test_next_actions_gives_exactly_next_action_one_by_one(
    apps: list[Application], data: st.DataObject
) -> None:
    now = data.draw(s.instants_around(apps[0]) if apps else s.instants())
    bulk = list(next_actions(apps, now))
    single = [next_action(app, now) for app in apps]
    assert bulk == single
    assert [d.to_dict() for d in bulk] == [d.to_dict() for d in single]


@given(app=s.histories(), data=st.data())
def test_next_actions_over_one_application_many_times_is_stable(
    app: Application, data: st.DataObject
) -> None:
    # a bulk run shares caches between applications; repeating one must not drift
    now = data.draw(s.instants_around(app))
    first, *rest = next_actions([app] * 3, now)
    assert first == next_action(app, now)
    assert rest == [first, first]


def test_next_actions_with_a_policy_of_ones_own() -> None:
    text = Path(__file__).parents[1].joinpath("specs", "default.toml").read_text("utf-8")
    strict = policy_from_text(text.replace("max_unanswered = 2", "max_unanswered = 1"), "mine")
    apps = _apps(ACME, GLOBEX, TOKYO)
    later = NOW + timedelta(days=20)
    assert list(next_actions(apps, later, strict)) == [next_action(a, later, strict) for a in apps]


def test_next_actions_is_lazy_one_application_at_a_time() -> None:
    pulled: list[str] = []

    def source() -> Iterator[Application]:
        for app in _apps(ACME, GLOBEX, TOKYO):
            pulled.append(app.id)
            yield app

    decisions = next_actions(source(), NOW)
    assert pulled == []  # nothing read before the first decision is asked for
    first = next(decisions)
    assert first.application == "acme-backend-1"
    assert pulled == ["acme-backend-1"]
    assert [d.application for d in decisions] == ["globex-sre", "tokyo-1"]


def test_next_actions_checks_now_at_the_call() -> None:
    def never() -> Iterator[Application]:
        raise AssertionError("no application may be read")
        yield  # pragma: no cover

    with pytest.raises(InvalidApplication) as caught:
        next_actions(never(), datetime(2026, 12, 1, 14, 0))  # naive
    assert caught.value.path == "now"


def test_next_actions_names_the_position_of_an_impossible_history() -> None:
    apps = _apps(ACME, IMPOSSIBLE, GLOBEX)
    with pytest.raises(InvalidEvent) as alone:
        next_action(apps[1], NOW)
    decisions = next_actions(apps, NOW)
    assert next(decisions) == next_action(apps[0], NOW)  # the one before stands
    with pytest.raises(InvalidEvent) as caught:
        next(decisions)
    assert caught.value.path == f"[1].{alone.value.path}"
    assert caught.value.why == alone.value.why


def test_next_actions_returns_decisions() -> None:
    assert all(isinstance(d, Decision) for d in next_actions(_apps(ACME, TOKYO), NOW))
    assert list(next_actions([], NOW)) == []


# --- --jsonl ------------------------------------------------------------------------------------


def _lines(*data: dict[str, Any] | str) -> str:
    return "".join((d if isinstance(d, str) else json.dumps(d)) + "\n" for d in data)


def _expected(*data: dict[str, Any]) -> list[dict[str, Any]]:
    return [next_action(Application.from_dict(d), NOW).to_dict() for d in data]


def _decisions(out: str) -> list[dict[str, Any]]:
    assert out.endswith("\n") or out == ""
    return [json.loads(line) for line in out.splitlines()]


def test_jsonl_gives_one_decision_per_line_in_order(cli: Any, tmp_path: Path) -> None:
    path = tmp_path / "apps.jsonl"
    path.write_text(_lines(ACME, GLOBEX, TOKYO), encoding="utf-8")
    status, out, err = cli(["next", str(path), "--jsonl", "--now", NOW.isoformat()])
    assert (status, err) == (0, "")
    assert _decisions(out) == _expected(ACME, GLOBEX, TOKYO)
    assert all("\n" not in line for line in out.splitlines())  # one line each, compact


@given(decision=s.decisions())
def test_a_decision_line_is_the_text_json_writes_of_its_wire_form(decision: Decision) -> None:
    # --jsonl writes each decision with msgspec: it must be json's text of to_dict(), to the
    # byte (escapes, key order, no spaces, null and booleans), whatever the decision holds
    expected = json.dumps(decision.to_dict(), ensure_ascii=False, separators=(",", ":"))
    if not _is_unicode(expected):
        # a lone surrogate, which no UTF-8 line can hold (the loader and the constructors refuse
        # one, so no decision of an application has one): refused, not written half
        with pytest.raises(UnicodeEncodeError):
            json_line(decision)
        return
    assert json_line(decision) == expected + "\n"


def _is_unicode(text: str) -> bool:
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return True


@given(app=s.histories(shuffle=True), data=st.data())
def test_jsonl_writes_the_text_json_writes_of_next_action(
    app: Application, data: st.DataObject
) -> None:
    now = data.draw(s.instants_around(app))
    out = io.StringIO()
    assert run_jsonl([json.dumps(app.to_dict()).encode()], out, now) == 1
    decision = next_action(app, now)
    expected = json.dumps(decision.to_dict(), ensure_ascii=False, separators=(",", ":"))
    assert out.getvalue() == expected + "\n"


def test_jsonl_reads_stdin(cli: Any) -> None:
    stdin = _lines(GLOBEX, ACME)
    status, out, err = cli(["next", "-", "--jsonl", "--now", NOW.isoformat()], stdin=stdin)
    assert (status, err) == (0, "")
    assert _decisions(out) == _expected(GLOBEX, ACME)


def test_jsonl_skips_blank_lines_but_counts_them(cli: Any) -> None:
    stdin = "\n" + _lines(ACME) + "   \n\n" + _lines(TOKYO) + "\n"
    status, out, _ = cli(["next", "-", "--jsonl", "--now", NOW.isoformat()], stdin=stdin)
    assert status == 0
    assert _decisions(out) == _expected(ACME, TOKYO)
    # line numbers are those of the file, blank lines included
    bad = "\n\n" + _lines({"id": "x", "events": [{"type": "interview"}]})
    status, out, err = cli(["next", "-", "--jsonl", "--now", NOW.isoformat()], stdin=bad)
    assert (status, out) == (2, "")
    assert err == "error: line 3: events[0].at: missing; expected an RFC 3339 instant\n"


def test_jsonl_empty_input_gives_no_output(cli: Any) -> None:
    status, out, err = cli(["next", "-", "--jsonl", "--now", NOW.isoformat()], stdin="")
    assert (status, out, err) == (0, "", "")


def test_jsonl_bad_line_stops_with_status_2_after_the_lines_before_it(cli: Any) -> None:
    naive = {"id": "n", "events": [{"type": "interview", "at": "2026-11-23T10:00"}]}
    stdin = _lines(ACME, GLOBEX, naive, TOKYO)
    status, out, err = cli(["next", "-", "--jsonl", "--now", NOW.isoformat()], stdin=stdin)
    assert status == 2
    assert _decisions(out) == _expected(ACME, GLOBEX)  # written before the bad line; none after
    assert err == 'error: line 3: events[0].at: "2026-11-23T10:00" has no UTC offset\n'


def test_jsonl_invalid_json_names_the_line_and_column(cli: Any) -> None:
    stdin = _lines(ACME, '{"id": "broken", ')
    status, out, err = cli(["next", "-", "--jsonl", "--now", NOW.isoformat()], stdin=stdin)
    assert status == 2
    assert _decisions(out) == _expected(ACME)
    assert err.startswith("error: line 2: column ")
    assert "invalid JSON" in err
    assert err.count("\n") == 1


def test_jsonl_impossible_history_names_the_line_and_event(cli: Any) -> None:
    stdin = _lines(TOKYO, IMPOSSIBLE)
    status, out, err = cli(["next", "-", "--jsonl", "--now", NOW.isoformat()], stdin=stdin)
    assert status == 2
    assert _decisions(out) == _expected(TOKYO)
    assert err == ("error: line 2: events[1]: a reply to a rejection, but there is no rejection\n")


def test_jsonl_half_a_character_is_refused_by_its_line_and_path(cli: Any) -> None:
    # valid JSON, but no UTF-8 output can hold a lone surrogate: refused, never a traceback
    half = '{"id": "a\\ud800b", "events": []}'
    stdin = _lines(TOKYO, half)
    status, out, err = cli(["next", "-", "--jsonl", "--now", NOW.isoformat()], stdin=stdin)
    assert status == 2
    assert _decisions(out) == _expected(TOKYO)
    assert err.startswith("error: line 2: id: expected Unicode text, got half of a character")


def test_jsonl_a_line_that_is_not_an_application(cli: Any) -> None:
    status, _, err = cli(["next", "-", "--jsonl", "--now", NOW.isoformat()], stdin="[1, 2]\n")
    assert status == 2
    assert err == "error: line 1: expected an application object, got a list\n"


def test_jsonl_missing_file(cli: Any, tmp_path: Path) -> None:
    missing = str(tmp_path / "nope.jsonl")
    status, out, err = cli(["next", missing, "--jsonl", "--now", NOW.isoformat()])
    assert (status, out) == (2, "")
    assert err.startswith(f"error: {missing}: cannot read")


def test_jsonl_streams_each_decision_before_reading_the_next_line() -> None:
    out = io.StringIO()
    data = [ACME, GLOBEX, TOKYO]

    def source() -> Iterator[bytes]:
        for i, d in enumerate(data):
            assert out.getvalue().count("\n") == i  # every line so far is already answered
            yield json.dumps(d).encode()

    assert run_jsonl(source(), out, NOW) == 3
    assert _decisions(out.getvalue()) == _expected(*data)


def test_jsonl_line_error_keeps_the_field_path() -> None:
    with pytest.raises(LineError) as caught:
        run_jsonl([b"\n", b'{"id": "a", "timezone": "Mars/Olympus"}\n'], io.StringIO(), NOW)
    assert (caught.value.line, caught.value.path) == (2, "timezone")


def test_jsonl_lines_are_utf8_and_a_byte_order_mark_is_skipped() -> None:
    # a file saved with a byte order mark starts its first line with one
    lines = [b"\xef\xbb\xbf" + json.dumps(ACME).encode() + b"\n", json.dumps(TOKYO).encode()]
    out = io.StringIO()
    assert run_jsonl(lines, out, NOW) == 2
    assert _decisions(out.getvalue()) == _expected(ACME, TOKYO)


def test_jsonl_a_line_that_is_not_utf8_names_its_line() -> None:
    latin1 = json.dumps({"id": "café"}, ensure_ascii=False).encode("latin-1")
    with pytest.raises(LineError) as caught:
        run_jsonl([json.dumps(ACME).encode(), latin1], io.StringIO(), NOW)
    assert caught.value.line == 2
    assert "not UTF-8 text" in caught.value.why


# --- the progress bar ---------------------------------------------------------------------------


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_only_on_a_terminal() -> None:
    assert wants_progress(_Terminal()) is True
    assert wants_progress(io.StringIO()) is False


def test_progress_bar_draws_on_its_stream_and_never_on_stdout() -> None:
    out, bar = io.StringIO(), _Terminal()
    lines = [json.dumps(d).encode() + b"\n" for d in (ACME, GLOBEX, TOKYO)]
    run_jsonl(lines, out, NOW, progress=bar, total=sum(map(len, lines)))
    assert _decisions(out.getvalue()) == _expected(ACME, GLOBEX, TOKYO)
    drawn = bar.getvalue()
    assert drawn.startswith("\r")
    assert drawn.endswith("\n")
    assert "3 decisions" in drawn
    assert "100%" in drawn


def test_no_progress_bar_when_stderr_is_not_a_terminal(cli: Any, tmp_path: Path) -> None:
    path = tmp_path / "apps.jsonl"
    path.write_text(_lines(ACME, GLOBEX), encoding="utf-8")
    status, _, err = cli(["next", str(path), "--jsonl", "--now", NOW.isoformat()])
    assert (status, err) == (0, "")


@given(s.json_lines())
@example("\ufeff\ufeff{}")  # a second mark: json.loads' own error
@example(' {"a": 1}\r\n')
@example('{"a": 1} \u00a0')  # after it, whitespace that JSON does not take
@example('{"a": NaN, "b": 1e400}')  # json's and not msgspec's: json reads them
@example('{"a": 1, "a": 123456789012345678901234567890}')  # the last key wins, any integer
@example('{"a": "\\ud800"}')  # a lone surrogate spelt as an escape (the loader refuses it)
def test_jsonl_reads_a_line_as_json_loads_reads_it(text: str) -> None:
    # the same value, or the same error at the same column, as json.loads gives for the line
    # (whose byte order mark, if any, is skipped as json.loads skips one in bytes)
    line = text.encode()
    expected: Any = None
    error = None
    try:
        expected = json.loads(text.removeprefix("\ufeff"))
    except json.JSONDecodeError as exc:
        error = (f"column {exc.colno}", f"invalid JSON: {exc.msg}")
    if error is None:
        assert read_line(line) == expected
    else:
        with pytest.raises(InvalidApplication) as caught:
            read_line(line)
        assert (caught.value.path, caught.value.why) == error


# --- keep going past bad lines ------------------------------------------------------------------


def test_keep_going_writes_each_bad_lines_error_in_its_place(cli: Any, tmp_path: Path) -> None:
    path = tmp_path / "apps.jsonl"
    lines = [json.dumps(ACME), "{not json", json.dumps(IMPOSSIBLE), json.dumps(GLOBEX)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    status, out, err = cli(["next", str(path), "--jsonl", "--keep-going", "--now", NOW.isoformat()])
    assert status == 1
    assert err == "2 bad line(s): 2, 3\n"
    written = [json.loads(line) for line in out.splitlines()]
    assert len(written) == 4
    assert written[0] == next_action(Application.from_dict(ACME), NOW).to_dict()
    assert written[1] == {
        "line": 2,
        "error": {"path": "column 2", "message": written[1]["error"]["message"]},
    }
    assert written[1]["error"]["message"].startswith("invalid JSON")
    assert written[2]["line"] == 3
    assert written[2]["error"]["path"] == "events[1]"
    assert written[3]["application"] == "globex-sre"
    # without the flag the first bad line stops the run, as before
    status, out, err = cli(["next", str(path), "--jsonl", "--now", NOW.isoformat()])
    assert status == 2
    assert len(out.splitlines()) == 1
    assert err.startswith("error: line 2: ")


def test_keep_going_only_with_jsonl(cli: Any, tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text(json.dumps(ACME), encoding="utf-8")
    status, _, err = cli(["next", str(path), "--keep-going"])
    assert status == 2
    assert "--keep-going" in err


def test_next_actions_can_yield_the_errors_in_place() -> None:
    apps = [Application.from_dict(d) for d in (ACME, IMPOSSIBLE, GLOBEX)]
    out = list(next_actions(apps, NOW, errors="yield"))
    assert isinstance(out[0], Decision)
    assert isinstance(out[1], InvalidEvent)
    assert out[1].path == "[1].events[1]"
    assert isinstance(out[2], Decision)
    with pytest.raises(InvalidEvent):
        list(next_actions(apps, NOW))
    with pytest.raises(InvalidApplication):
        next_actions(apps, NOW, errors="ignore")  # type: ignore[call-overload]
