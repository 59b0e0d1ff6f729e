"""Random policies: the strategy ``strategies.policy_specs`` tested, and the invariants under it.

Every drawn spec must load, keep its numbers within the floors, and the strategy must reach the
variety the other tests rely on (``hypothesis.find`` shows one of each kind). Under every such
policy, ``etiquette verify`` finds no counterexample (at a small depth here; the stateful tests
in ``test_stateful.py`` run whole lives under random policies too).
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, find, given, settings

from etiquette import Policy
from etiquette._engine.spec import policy_from_text
from etiquette._proof.verify import render, verify
from etiquette.referee import FLOORS, check_floors

from . import strategies as s

FIND = settings(max_examples=2000, database=None, phases=[Phase.generate], derandomize=True)


def _load(text: str) -> Policy:
    return policy_from_text(text, "<random policy>")


def test_spec_text_writes_back_the_default_spec() -> None:
    data = s.default_spec()
    assert tomllib.loads(s.spec_text(data)) == data


@given(text=s.policy_specs())
def test_every_drawn_policy_loads_within_the_floors(text: str) -> None:
    policy = _load(text)
    assert check_floors(policy) == []
    n = policy.numbers
    assert n.quiet.unit == "business_days"
    assert n.quiet.amount >= FLOORS.quiet.amount
    assert n.spacing.unit == "business_days"
    assert n.spacing.amount >= FLOORS.spacing.amount
    assert 1 <= n.max_unanswered <= FLOORS.max_unanswered


def _reaches(condition: Callable[[Policy, dict[str, Any]], bool]) -> None:
    def holds(text: str) -> bool:
        return condition(_load(text), tomllib.loads(text))

    find(s.policy_specs(), holds, settings=FIND)


def _triggers(data: dict[str, Any]) -> set[str]:
    return {t["trigger"] for t in data["transitions"]}


VARIETY: dict[str, Callable[[Policy, dict[str, Any]], bool]] = {
    "no handwritten notes": lambda p, d: "note_mailed" not in _triggers(d),
    "handwritten notes": lambda p, d: "note_mailed" in _triggers(d),
    "one unanswered inquiry": lambda p, d: p.numbers.max_unanswered == 1,
    "three unanswered inquiries": lambda p, d: p.numbers.max_unanswered == FLOORS.max_unanswered,
    "spacing at the floor": lambda p, d: p.numbers.spacing == FLOORS.spacing,
    "quiet at the floor": lambda p, d: p.numbers.quiet == FLOORS.quiet,
    "thank-you due in hours": lambda p, d: p.numbers.thank_you_due.unit == "hours",
    "thank-you due in business days": lambda p, d: p.numbers.thank_you_due.unit != "hours",
    "ghosting wait in hours": lambda p, d: p.numbers.ghost_wait.unit == "hours",
    "a state without silence_rule": lambda p, d: any(
        "silence_rule" not in body for name, body in d["states"].items() if name != "scheduled"
    ),
    "a send window of one hour": lambda p, d: (
        int(d["rules"]["send-window"]["end"][:2]) - int(d["rules"]["send-window"]["start"][:2]) == 1
    ),
    "a description": lambda p, d: "description" in d["policy"],
}


@pytest.mark.parametrize("kind", list(VARIETY))
def test_policy_specs_reach(kind: str) -> None:
    _reaches(VARIETY[kind])


@settings(
    max_examples=4,
    suppress_health_check=[HealthCheck.too_slow],
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # each shrink step explores a policy
)
@given(text=s.policy_specs())
def test_verify_passes_every_policy_within_the_floors(text: str) -> None:
    policy = _load(text)
    report = verify(policy, depth=3, jobs=1)
    assert report.ok, render(report)
