"""The command line (contract §7): ``next``, ``check``, ``demo``, and bad input of every kind.

Most tests call ``etiquette._cli.main`` in-process; one runs ``python -m etiquette`` for real.
Bad input always exits with status 2 and exactly one line on stderr, ``error: …``, naming the
problem and its place; never a traceback.
"""

from __future__ import annotations

import argparse
import copy
import io
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from etiquette._cli import COMMANDS, _parser

from .conftest import contract_data
from .test_api import CONTRACT_DECISION

ACME: dict[str, Any] = contract_data()
WITHDRAWN: dict[str, Any] = {
    "id": "globex-sre",
    "timezone": "Europe/Berlin",
    "country": "DE",
    "events": [
        {"type": "interview", "at": "2026-11-20T14:00:00+01:00"},
        {"type": "withdrawn", "at": "2026-11-21T09:00:00+01:00"},
    ],
}
NOW = "2026-11-24T14:00:00Z"  # Tue 09:00 in New York


def write(tmp_path: Path, data: object, name: str = "app.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


def one_error_line(err: str) -> str:
    """The single ``error: …`` line of stderr (fails if there is anything else)."""
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert err.endswith("\n")
    assert lines[0].startswith("error: ")
    return lines[0]


# --- next ---------------------------------------------------------------------------------------


def test_next_prints_the_decision_as_text(cli: Any, tmp_path: Path) -> None:
    status, out, err = cli(["next", write(tmp_path, ACME), "--now", NOW])
    assert (status, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].startswith("acme-backend-1")
    assert "Acme" in lines[0]
    fields = {}
    columns = set()
    for line in lines[1:]:
        match = re.match(r"^  (\S+(?: \S+)*) {2,}(?=\S)", line)
        assert match, line
        fields[match.group(1)] = line[match.end() :]
        columns.add(match.end())
    assert len(columns) == 1, "the values are aligned in one column"
    # times in the application's timezone, with the weekday
    assert fields["as of"] == "Tue 2026-11-24 09:00 EST"
    assert fields["state"] == "interviewed"
    assert fields["action"] == "send_thank_you → Bo Chen"
    assert fields["due by"] == "Tue 2026-11-24 11:00 EST"
    assert fields["rule"] == "thank-you-24h"
    assert "Bo Chen" in fields["why"]
    assert "Tue 2026-12-08 09:00 EST" in fields["blocked"]


def test_next_json_prints_the_wire_format(cli: Any, tmp_path: Path) -> None:
    status, out, err = cli(["next", write(tmp_path, ACME), "--now", NOW, "--json"])
    assert (status, err) == (0, "")
    assert json.loads(out) == CONTRACT_DECISION


def test_next_takes_a_list_of_applications(cli: Any, tmp_path: Path) -> None:
    path = write(tmp_path, [ACME, WITHDRAWN])
    status, out, err = cli(["next", path, "--now", NOW, "--json"])
    assert (status, err) == (0, "")
    first, second = json.loads(out)
    assert first == CONTRACT_DECISION
    assert (second["application"], second["action"], second["outcome"]) == (
        "globex-sre",
        "none",
        "withdrawn",
    )
    assert second["as_of"] == "2026-11-24T15:00:00+01:00"  # in the application's timezone

    status, text, err = cli(["next", path, "--now", NOW])
    assert (status, err) == (0, "")
    blocks = text.split("\n\n")
    assert len(blocks) == 2
    assert blocks[0].startswith("acme-backend-1")
    assert blocks[1].startswith("globex-sre")
    assert "Tue 2026-11-24 15:00 CET" in blocks[1]


def test_a_list_of_one_stays_a_list(cli: Any, tmp_path: Path) -> None:
    status, out, _ = cli(["next", write(tmp_path, [ACME]), "--now", NOW, "--json"])
    assert status == 0
    assert json.loads(out) == [CONTRACT_DECISION]


def test_next_reads_stdin(cli: Any) -> None:
    status, out, err = cli(["next", "-", "--now", NOW, "--json"], stdin=json.dumps(ACME))
    assert (status, err) == (0, "")
    assert json.loads(out) == CONTRACT_DECISION


def test_next_reads_stdin_as_utf8_bytes(cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    # a terminal's or a pipe's stdin: its bytes are UTF-8 (as a file's), whatever the locale
    # would make of them; an invalid byte is named as such, not read as half of a character
    for data, expected in [
        (json.dumps({**ACME, "company": "Café Ça"}, ensure_ascii=False).encode(), 0),
        (json.dumps(ACME).encode().replace(b"Ana", b"An\xff"), 2),
    ]:
        stdin = io.TextIOWrapper(io.BytesIO(data), encoding="ascii", errors="surrogateescape")
        monkeypatch.setattr(sys, "stdin", stdin)
        status, out, err = cli(["next", "-", "--now", NOW, "--json"])
        assert status == expected
        if expected == 0:
            assert json.loads(out) == CONTRACT_DECISION
        else:
            assert err.startswith("error: -: cannot read: 'utf-8' codec can't decode byte 0xff")


def test_next_defaults_now_to_the_current_time(cli: Any, tmp_path: Path) -> None:
    # closed in the past: the decision is the same whatever the current time
    status, out, err = cli(["next", write(tmp_path, WITHDRAWN), "--json"])
    assert (status, err) == (0, "")
    assert json.loads(out)["outcome"] == "withdrawn"


def test_next_with_a_policy_file(cli: Any, tmp_path: Path) -> None:
    spec = Path(__file__).resolve().parents[1] / "specs" / "default.toml"
    text = spec.read_text(encoding="utf-8").replace("due = { hours = 24 }", "due = { hours = 48 }")
    policy = tmp_path / "patient.toml"
    policy.write_text(text, encoding="utf-8")
    status, out, err = cli(
        ["next", write(tmp_path, ACME), "--now", NOW, "--json", "--policy", str(policy)]
    )
    assert (status, err) == (0, "")
    assert json.loads(out)["due_by"] == "2026-11-25T11:00:00-05:00"


# --- check --------------------------------------------------------------------------------------


def test_check_exits_1_when_refused(cli: Any, tmp_path: Path) -> None:
    path = write(tmp_path, ACME)
    status, out, err = cli(
        ["check", path, "send_status_inquiry", "--at", "2026-12-01T10:00:00-05:00"]
    )
    assert (status, err) == (1, "")
    assert out.startswith("refused")
    assert "inquiry-after-timeline" in out
    assert "Tue 2026-12-08 09:00" in out  # from when it would be allowed, local time


def test_check_exits_0_when_allowed(cli: Any, tmp_path: Path) -> None:
    path = write(tmp_path, ACME)
    status, out, err = cli(
        ["check", path, "send_status_inquiry", "--at", "2026-12-08T09:00:00-05:00"]
    )
    assert (status, err) == (0, "")
    assert out.startswith("allowed")


def test_check_json_and_to(cli: Any, tmp_path: Path) -> None:
    path = write(tmp_path, ACME)
    args = ["check", path, "send_thank_you", "--at", "2026-11-23T16:00:00-05:00", "--json"]
    status, out, _ = cli([*args, "--to", "Ana Ruiz"])
    assert status == 1
    verdict = json.loads(out)
    assert verdict["allowed"] is False
    assert [v["rule"] for v in verdict["violations"]] == ["thank-you-24h"]
    assert verdict["violations"][0]["allowed_from"] is None
    status, out, _ = cli([*args, "--to", "Bo Chen"])
    assert status == 0
    assert json.loads(out) == {
        "allowed": True,
        "action": "send_thank_you",
        "at": "2026-11-23T16:00:00-05:00",
        "violations": [],
    }


def test_check_thank_you_24h_to_a_stranger_is_refused_not_an_error(
    cli: Any, tmp_path: Path
) -> None:
    # a question is not an error: exit 1 with a violation naming the round's interviewers
    path = write(tmp_path, ACME)
    status, out, err = cli(["check", path, "send_thank_you", "--at", NOW, "--to", "Cy Diaz"])
    assert (status, err) == (1, "")
    assert out.startswith("refused")
    assert "thank-you-24h" in out
    assert "Cy Diaz" in out
    assert "Ana Ruiz, Bo Chen" in out


# --- demo ---------------------------------------------------------------------------------------


def test_demo_plays_a_whole_life(cli: Any) -> None:
    status, out, err = cli(["demo"])
    assert (status, err) == (0, "")
    lines = out.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("when"))
    start = lines[header].index("state")
    states = []
    for line in lines[header + 1 :]:
        word = line[start:].split(" ", 1)[0] if len(line) > start else ""
        if word and not line[start:].startswith(" "):
            states.append(word)
    for state in ("interviewed", "thanked", "awaiting", "inquired", "rejected", "closed"):
        assert state in states, (state, states)
    assert states[0] == "interviewed"
    assert states[-1] == "closed"


# --- python -m etiquette --------------------------------------------------------------------------


def test_python_m_etiquette(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "etiquette", "next", write(tmp_path, ACME), "--now", NOW, "--json"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert json.loads(done.stdout) == CONTRACT_DECISION


def test_next_on_an_application_without_a_country_imports_no_heavy_library(tmp_path: Path) -> None:
    # start-up (under 0.3 s): a command imports only what it needs; the holiday registry comes
    # with the first country, the layers (and their libraries) with their own commands
    app = {k: v for k, v in ACME.items() if k != "country"}
    heavy = ["holidays", "jinja2", "starlette", "uvicorn", "icalendar", "spellchecker", "dask"]
    heavy += ["etiquette._drafts", "etiquette._ics", "etiquette._store", "etiquette._service"]
    # the other command groups, whose parsers are not built either (COMMANDS)
    heavy += [f"etiquette._cli.{group}" for group in COMMANDS if group != "decide"]
    script = (
        "import sys\n"
        "from etiquette._cli import main\n"
        f"code = main(['next', {write(tmp_path, app)!r}, '--now', {NOW!r}, '--json'])\n"
        f"print(code, sorted(m for m in {heavy!r} if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert (done.stderr, done.stdout.splitlines()[-1]) == ("", "0 []")


def _sub_parsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    (action,) = (a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def test_commands_lists_each_groups_commands_in_the_order_of_help() -> None:
    everything = _sub_parsers(_parser())
    assert list(everything) == [c for commands in COMMANDS.values() for c in commands]
    for commands in COMMANDS.values():
        assert list(_sub_parsers(_parser(commands[0]))) == list(commands)


@pytest.mark.parametrize("command", list(_sub_parsers(_parser())))
def test_a_command_alone_has_the_help_it_has_among_all(command: str) -> None:
    alone = _sub_parsers(_parser(command))[command]
    assert alone.format_help() == _sub_parsers(_parser())[command].format_help()


def test_help_and_an_unknown_command_list_every_command(cli: Any) -> None:
    listed = ", ".join(repr(c) for commands in COMMANDS.values() for c in commands)
    code, _, err = cli(["nxt"])
    assert code == 2
    assert listed in one_error_line(err)
    code, out, _ = cli(["--help"])
    assert code == 0
    assert all(c in out for commands in COMMANDS.values() for c in commands)


# --- bad input ----------------------------------------------------------------------------------


def naive_inquiry() -> dict[str, Any]:
    bad: dict[str, Any] = copy.deepcopy(ACME)
    bad["events"].append({"type": "status_inquiry_sent", "at": "2026-11-23T10:00"})
    return bad


def impossible_second() -> list[dict[str, Any]]:
    early = {
        "id": "initech-42",
        "events": [
            {"type": "thank_you_sent", "at": "2026-11-20T10:00:00Z"},
            {"type": "interview", "at": "2026-11-23T10:00:00Z"},
        ],
    }
    return [ACME, early]


def naive_in_second() -> list[dict[str, Any]]:
    second = copy.deepcopy(WITHDRAWN)
    second["events"][0]["at"] = "2026-11-20T14:00:00"
    return [ACME, second]


@pytest.mark.parametrize(
    ("make", "args", "stdin", "words"),
    [
        pytest.param(
            None, ["next", "{missing}"], None, ("nowhere.json", "cannot read"), id="missing-file"
        ),
        pytest.param(None, ["next", "{folder}"], None, ("cannot read",), id="folder"),
        pytest.param(
            "{", ["next", "{file}"], None, ("app.json", "invalid JSON", "line 1"), id="invalid-json"
        ),
        pytest.param(b"\xff\xfe{}", ["next", "{file}"], None, ("app.json",), id="not-utf-8"),
        pytest.param(None, ["next", "-"], "", ("invalid JSON",), id="empty-stdin"),
        pytest.param(
            ACME,
            ["next", "{file}", "--now", "2026-11-24T09:00:00"],
            None,
            ("--now", "UTC offset"),
            id="naive-now",
        ),
        pytest.param(
            ACME,
            ["next", "{file}", "--now", "tomorrow"],
            None,
            ("--now", "RFC 3339"),
            id="garbage-now",
        ),
        pytest.param(
            ACME,
            ["check", "{file}", "send_status_inquiry", "--at", "2026-12-08"],
            None,
            ("--at",),
            id="date-for-at",
        ),
        pytest.param(
            naive_inquiry(),
            ["next", "{file}", "--now", NOW],
            None,
            ("events[2].at", "UTC offset"),
            id="naive-event",
        ),
        pytest.param(
            {**ACME, "timezone": "Mars/Olympus_Mons"},
            ["next", "{file}", "--now", NOW],
            None,
            ("timezone", "Mars/Olympus_Mons"),
            id="unknown-timezone",
        ),
        pytest.param(
            {**ACME, "colour": "blue"},
            ["next", "{file}", "--now", NOW],
            None,
            ("colour", "unknown field"),
            id="unknown-field",
        ),
        pytest.param(
            impossible_second(),
            ["next", "{file}", "--now", NOW],
            None,
            ("[1].events[0]", "interview"),
            id="impossible-in-list",
        ),
        pytest.param(
            naive_in_second(),
            ["next", "{file}", "--now", NOW],
            None,
            ("[1].events[0].at",),
            id="naive-in-list",
        ),
        pytest.param(
            [ACME, 42],
            ["next", "{file}", "--now", NOW],
            None,
            ("[1]", "application object"),
            id="number-in-list",
        ),
        pytest.param(
            [ACME],
            ["check", "{file}", "send_status_inquiry", "--at", NOW],
            None,
            ("list",),
            id="check-a-list",
        ),
        pytest.param(
            ACME,
            ["next", "{file}", "--now", NOW, "--policy", "{bad_policy}"],
            None,
            ("bad.toml", "rules.thank-you-24h.due.hours", "positive"),
            id="bad-policy",
        ),
        pytest.param(
            ACME,
            ["next", "{file}", "--now", NOW, "--policy", "{missing}"],
            None,
            ("nowhere.json", "cannot read"),
            id="missing-policy",
        ),
        pytest.param(
            None, ["demo", "--policy", "{bad_policy}"], None, ("bad.toml",), id="demo-bad-policy"
        ),
    ],
)
def test_bad_input_exits_2_with_one_error_line(
    cli: Any,
    tmp_path: Path,
    make: object,
    args: list[str],
    stdin: str | None,
    words: tuple[str, ...],
) -> None:
    file = tmp_path / "app.json"
    if isinstance(make, bytes):
        file.write_bytes(make)
    elif isinstance(make, str):
        file.write_text(make, encoding="utf-8")
    elif make is not None:
        write(tmp_path, make)
    spec = Path(__file__).resolve().parents[1] / "specs" / "default.toml"
    bad_policy = tmp_path / "bad.toml"
    bad_policy.write_text(
        spec.read_text(encoding="utf-8").replace("due = { hours = 24 }", "due = { hours = 0 }"),
        encoding="utf-8",
    )
    places = {
        "file": str(file),
        "missing": str(tmp_path / "nowhere.json"),
        "folder": str(tmp_path),
        "bad_policy": str(bad_policy),
    }
    status, out, err = cli([arg.format(**places) for arg in args], stdin=stdin)
    assert status == 2
    assert out == ""
    line = one_error_line(err)
    for word in words:
        assert word in line, (word, line)


def test_the_contract_example_error_line(cli: Any, tmp_path: Path) -> None:
    status, _, err = cli(["next", write(tmp_path, naive_inquiry()), "--now", NOW])
    assert status == 2
    assert err == 'error: events[2].at: "2026-11-23T10:00" has no UTC offset\n'


@pytest.mark.parametrize(
    "args",
    [
        ["check", "app.json", "send_flowers"],
        ["next"],
        ["snooze"],
        [],
        ["next", "app.json", "--later"],
    ],
    ids=[
        "unknown-action",
        "missing-file-argument",
        "unknown-command",
        "no-command",
        "unknown-option",
    ],
)
def test_usage_errors_exit_2_with_one_error_line(cli: Any, args: list[str]) -> None:
    status, _, err = cli(args)
    assert status == 2
    one_error_line(err)


@pytest.mark.parametrize(
    "args",
    [["check", "app.json", "send_flowers"], ["next"], ["snooze"]],
    ids=["unknown-action", "missing-file-argument", "unknown-command"],
)
def test_usage_errors_exit_2_without_a_traceback(cli: Any, args: list[str]) -> None:
    status, out, err = cli(args)
    assert status == 2
    assert out == ""
    assert "Traceback" not in err
    assert err.splitlines()[-1].startswith("error: ")
