"""Fuzzing the input: whatever comes in, the answer is a result or one of etiquette's errors.

* any JSON document given to ``Application.from_dict`` and then ``next_action`` gives a
  ``Decision``, ``InvalidApplication`` (bad input) or ``InvalidEvent`` (a history that cannot
  happen), never another exception;
* any TOML text given to ``policy_from_text`` gives a ``Policy`` or ``SpecError``;
* the command line, whatever its arguments and files, exits 0, 1 or 2 and never prints a
  traceback.
"""

from __future__ import annotations

import contextlib
import io
import json
import sys
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from etiquette import (
    Application,
    Decision,
    InvalidApplication,
    InvalidEvent,
    Policy,
    SpecError,
    next_action,
)
from etiquette._cli import main
from etiquette._engine.spec import policy_from_text

from . import strategies as s


@given(document=s.json_documents(), now=s.instants())
def test_any_json_document_gives_a_decision_or_an_input_error(document: Any, now: datetime) -> None:
    try:
        app = Application.from_dict(document)
        decision = next_action(app, now)
    except (InvalidApplication, InvalidEvent) as exc:
        error: Exception = exc
    else:
        assert isinstance(decision, Decision)
        json.dumps(decision.to_dict())  # and it can be written out
        return
    assert str(error)  # says what is wrong


@given(document=s.json_documents())
def test_any_json_text_gives_an_application_or_an_input_error(document: Any) -> None:
    text = json.dumps(document)
    try:
        app = Application.from_json(text)
    except InvalidApplication:
        return
    assert Application.from_json(app.to_json()) == app


@given(text=s.toml_texts())
def test_any_spec_text_gives_a_policy_or_a_spec_error(text: str) -> None:
    try:
        policy = policy_from_text(text, "fuzzed.toml")
    except SpecError as exc:
        error = exc
    else:
        assert isinstance(policy, Policy)
        return
    assert str(error).startswith("fuzzed.toml")  # names the file


# Places where the spec expects a name: a list or a table there is a SpecError naming the key
# (found by the fuzzer: it was a TypeError, and `etiquette … --policy` printed a traceback).
NAME_PLACES = [
    ('dest = "interviewed"', "dest = []"),
    ('trigger = "interview"', "trigger = []"),
    ('source = "interviewed"', 'source = [["interviewed"]]'),
    ('conditions = ["everyone_thanked"]', "conditions = [[]]"),
    ('guards = ["inquiry_open", ', "guards = [{}, "),
    ('silence_rule = "offer-respond"', "silence_rule = []"),
]


def _default_text() -> str:
    return s.spec_text(s.default_spec())


@pytest.mark.parametrize(("name", "broken"), NAME_PLACES, ids=[p[1] for p in NAME_PLACES])
def test_spec_with_a_list_for_a_name_is_a_spec_error(name: str, broken: str) -> None:
    text = _default_text()
    assert name in text
    with pytest.raises(SpecError):
        policy_from_text(text.replace(name, broken, 1), "broken.toml")


def test_cli_spec_with_a_list_for_a_name_is_one_line(tmp_path: Path) -> None:
    spec = tmp_path / "broken.toml"
    spec.write_text(_default_text().replace('dest = "interviewed"', "dest = []", 1))
    code, _, err = _run(["demo", "--policy", str(spec)], "")
    assert code == 2
    assert err.startswith("error: ")
    assert len(err.strip().splitlines()) == 1


def _run(argv: list[str], stdin: str) -> tuple[int | str | None, str, str]:
    out, err = io.StringIO(), io.StringIO()
    saved = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code: int | str | None = main(argv)
            except SystemExit as exc:  # argparse: --help, or a bad command line
                code = exc.code
    finally:
        sys.stdin = saved
    return code, out.getvalue(), err.getvalue()


@given(
    argv=s.cli_arguments(),
    document=s.json_documents(),
    spec=s.toml_texts(),
    raw=st.booleans(),
    junk=st.text(max_size=60),
)
def test_cli_never_prints_a_traceback(
    argv: list[str], document: Any, spec: str, raw: bool, junk: str
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        app_file = Path(folder) / "app.json"
        spec_file = Path(folder) / "spec.toml"
        app_file.write_text(junk if raw else json.dumps(document), encoding="utf-8")
        spec_file.write_text(spec, encoding="utf-8")
        places = {"{app}": str(app_file), "{spec}": str(spec_file), "{missing}": folder + "/no"}
        args = [places.get(word, word) for word in argv]
        code, _, err = _run(args, junk)
    assert code in (0, 1, 2), (args, code, err)
    assert "Traceback" not in err
    if code == 2:
        assert err.strip(), "a bad input says what is wrong"
