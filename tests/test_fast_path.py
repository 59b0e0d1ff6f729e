"""The bulk path's output is pinned: the benchmark's workload gives, byte for byte, what it gave
when the second performance pass began, and each line is ``next_action`` of its application."""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import attrs
import pytest
from hypothesis import given

from etiquette import Application, Blocked, Decision, next_action
from etiquette._bulk import run_jsonl
from etiquette._engine import (
    InvalidApplication,
    InvalidEvent,
    decide_at,
    decide_wire,
    default_policy,
    parse_instant,
)
from etiquette._engine.advice import _as_decision, _inquiry_held
from etiquette._engine.wire import DecisionFields, fields_dict

from . import strategies as s
from .conftest import bench_workload

NOW = parse_instant("2026-12-01T14:00:00+00:00", "now")

#: sha256 of ``etiquette next FILE --jsonl --now 2026-12-01T14:00:00+00:00`` on the first 3,000
#: applications of the benchmark's workload (seed 2026), at the start of the performance pass
PINNED_3000 = "73db335a00be3c4a3bd5f633c1014e935149e998cd97bddfeb3694d574e95a2c"


def bench_lines(n: int) -> list[bytes]:
    return [(json.dumps(d, ensure_ascii=False) + "\n").encode() for d in bench_workload(n)]


def test_the_jsonl_output_of_the_benchmark_workload_is_byte_identical_to_the_pinned_one() -> None:
    out = io.StringIO()
    assert run_jsonl(bench_lines(3000), out, NOW) == 3000
    assert hashlib.sha256(out.getvalue().encode()).hexdigest() == PINNED_3000


def test_each_jsonl_line_is_next_action_of_its_application_one_by_one() -> None:
    lines = bench_lines(1000)
    out = io.StringIO()
    run_jsonl(lines, out, NOW)
    written = out.getvalue().splitlines()
    assert len(written) == len(lines)
    for line, text in zip(lines, written, strict=True):
        app = Application.from_dict(json.loads(line))
        assert json.loads(text) == next_action(app, NOW).to_dict()


def test_a_decision_built_by_its_fields_equals_the_constructors() -> None:
    # the engine makes a decision's fields (wire.DecisionFields), then the decision by setting
    # its slots (advice._as_decision), or writes the fields' wire form itself (the bulk path):
    # each field must land where the constructor puts it, so every field gets a value no other
    # field has
    values: dict[str, Any] = {
        "application": "acme",
        "as_of": NOW,
        "state": "awaiting",
        "action": "wait",
        "to": ("Ana",),
        "not_before": NOW + timedelta(hours=1),
        "due_by": NOW + timedelta(hours=2),
        "suggested_at": NOW + timedelta(hours=3),
        "late": True,
        "rule": "inquiry-spacing",
        "reason": "Space your follow-ups.",
        "optional": ("mail_handwritten_note",),
        "blocked": (Blocked("send_status_inquiry", "no-bombarding", None),),
        "outcome": "withdrawn",
        "timezone": "Europe/Berlin",
        "revisit_at": NOW + timedelta(hours=4),
    }
    assert list(values) == [a.name for a in attrs.fields(Decision)]
    fields = DecisionFields(**values)
    built = _as_decision(fields)
    made = Decision(**values)
    assert built == made
    assert attrs.asdict(built, recurse=False) == values
    assert built.to_dict() == made.to_dict()
    assert fields_dict(fields) == made.to_dict()
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        built.action = "none"  # type: ignore[misc]


def test_a_held_back_inquiry_built_by_its_fields_equals_the_constructors() -> None:
    # advice._inquiry_held sets the fields of a Blocked directly, as _as_decision does a decision's
    until = NOW + timedelta(days=3)
    built = _inquiry_held("inquiry-spacing", until)
    made = Blocked("send_status_inquiry", "inquiry-spacing", until)
    assert built == made
    assert attrs.asdict(built) == {
        "action": "send_status_inquiry",
        "rule": "inquiry-spacing",
        "until": until,
    }
    never = Blocked("send_status_inquiry", "ongoing-wait", None)
    assert _inquiry_held("ongoing-wait", None) == never
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        built.rule = "no-bombarding"  # type: ignore[misc]


def _outcome(step: Callable[[], Any]) -> Any:
    try:
        return step()
    except (InvalidApplication, InvalidEvent) as exc:
        return (type(exc), exc.path, exc.why)


@given(s.json_documents())
def test_decide_wire_is_from_dict_then_decide_then_to_dict_errors_included(document: Any) -> None:
    # the bulk path's one compiled call per line: the same decision, or the same error
    policy = default_policy()
    assert _outcome(lambda: decide_wire(document, NOW, policy)) == _outcome(
        lambda: decide_at(Application.from_dict(document), NOW, policy).to_dict()
    )
