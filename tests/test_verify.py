"""``etiquette verify``: the default spec passes; every deliberately broken spec is caught.

Each broken spec changes one thing in the default spec (a number below a floor, a guard left
out of a transition, a state wired to allow what it must not) and must be caught with a
counterexample that names the invariant or floor it breaks and that the referee confirms.
"""

from __future__ import annotations

import contextlib
import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from etiquette import Policy, load_policy, next_action
from etiquette._cli import main
from etiquette._engine.spec import policy_from_text
from etiquette._proof.verify import DEFAULT_DEPTH, Progress, Report, progress_bar, render, verify
from etiquette.referee import audit, check_floors

from . import strategies as s

Change = Callable[[dict[str, Any]], None]


def _transitions(data: dict[str, Any], trigger: str) -> list[dict[str, Any]]:
    found = [t for t in data["transitions"] if t["trigger"] == trigger]
    assert found, f"the default spec has no {trigger} transition"
    return found


def _sources(transition: dict[str, Any]) -> list[str]:
    source = transition["source"]
    return [source] if isinstance(source, str) else list(source)


def _without_guard(trigger: str, guard: str) -> Change:
    def change(data: dict[str, Any]) -> None:
        for t in _transitions(data, trigger):
            assert guard in t["guards"]
            t["guards"] = [g for g in t["guards"] if g != guard]

    return change


def _number(rule: str, param: str, value: object) -> Change:
    def change(data: dict[str, Any]) -> None:
        assert param in data["rules"][rule]
        data["rules"][rule][param] = value

    return change


def _unanswered_ten(data: dict[str, Any]) -> None:
    data["rules"]["inquiry-max-unanswered"]["max_unanswered"] = 10
    data["rules"]["inquiry-max-unanswered"]["max_total"] = 10
    # spaced and closed as tightly as the floors allow, so that only floor-unanswered breaks:
    # 9 spacings of 3 business days + 3 = 30 business days after the opening
    data["rules"]["inquiry-spacing"]["spacing"] = {"business_days": 3}
    data["rules"]["ghosted-close"]["wait"] = {"business_days": 3}


def _quiet_an_hour(data: dict[str, Any]) -> None:
    data["rules"]["no-bombarding"]["quiet"] = {"hours": 1}
    data["rules"]["inquiry-after-timeline"]["default_wait"] = {"business_days": 1}


def _inquiries_after_rejection(data: dict[str, Any]) -> None:
    for t in _transitions(data, "status_inquiry_sent"):
        t["source"] = [*_sources(t), "rejected"]


def _rejection_replied_twice(data: dict[str, Any]) -> None:
    # the reply no longer closes: the application stays rejected until its window ends
    for t in _transitions(data, "rejection_reply_sent"):
        t["dest"] = "="
        t.pop("outcome", None)


def _withdrawal_keeps_it_open(data: dict[str, Any]) -> None:
    for t in _transitions(data, "withdrawn"):
        t["dest"] = "awaiting"
        t.pop("outcome", None)


def _never_closes_when_silent(data: dict[str, Any]) -> None:
    data["transitions"] = [
        t for t in data["transitions"] if t["trigger"] not in ("ghosted", "gone_cold")
    ]


def _spec(change: Change) -> Policy:
    data = s.default_spec()
    change(data)
    return policy_from_text(s.spec_text(data), "<broken spec>")


#: (name, change, the invariant or floor the counterexample must name, a floor the numbers break)
BROKEN: list[tuple[str, Change, str, str | None]] = [
    (
        "inquiry-spacing of one hour",
        _number("inquiry-spacing", "spacing", {"hours": 1}),
        "floor-spacing",
        "floor-spacing",
    ),
    ("10 unanswered inquiries", _unanswered_ten, "floor-unanswered", "floor-unanswered"),
    ("no-bombarding quiet of one hour", _quiet_an_hour, "floor-quiet", "floor-quiet"),
    (
        "inquiry wired without inquiry_open",
        _without_guard("status_inquiry_sent", "inquiry_open"),
        "P2",
        None,
    ),
    (
        "thank-you wired without interview_over",
        _without_guard("thank_you_sent", "interview_over"),
        "P1",
        None,
    ),
    (
        "thank-you wired without within_late_limit",
        _without_guard("thank_you_sent", "within_late_limit"),
        "P1",
        None,
    ),
    (
        "duplicate thank-you allowed (no first_thank_you)",
        _without_guard("thank_you_sent", "first_thank_you"),
        "P1",
        None,
    ),
    (
        "duplicate handwritten note allowed (no first_note)",
        _without_guard("note_mailed", "first_note"),
        "P1",
        None,
    ),
    ("rejected state allows inquiries", _inquiries_after_rejection, "P5", None),
    ("rejection replied twice", _rejection_replied_twice, "P5", None),
    ("withdrawal does not close", _withdrawal_keeps_it_open, "P6", None),
    ("silent employer never closes", _never_closes_when_silent, "P7", None),
    (
        "ghosting wait of 100 business days",
        _number("ghosted-close", "wait", {"business_days": 100}),
        "floor-bounded",
        "floor-bounded",
    ),
]


def _confirmed(report: Report, policy: Policy, invariant: str) -> None:
    """The counterexample names ``invariant`` and the referee (or the engine) confirms it."""
    cx = report.counterexample
    assert cx is not None, render(report)
    assert invariant in (cx.invariant, *cx.also), render(report)
    assert cx.at is not None
    if cx.how == "not closed":
        assert next_action(cx.app, cx.at, policy).state not in policy.final_states
    else:
        assert cx.how in ("permitted", "recommended")
        assert invariant in {f.invariant for f in audit(cx.app, policy)}


def _cases() -> list[Any]:
    return [pytest.param(*case, id=case[0]) for case in BROKEN]


@pytest.mark.parametrize(("name", "change", "invariant", "floor"), _cases())
def test_verify_catches_a_broken_spec(
    name: str, change: Change, invariant: str, floor: str | None
) -> None:
    policy = _spec(change)
    report = verify(policy)
    assert not report.ok
    _confirmed(report, policy, invariant)
    if floor is not None:
        assert floor in {f.invariant for f in report.floors}
        assert floor in {f.invariant for f in check_floors(policy)}
    text = render(report)
    assert invariant in text
    assert "shortest counterexample" in text
    cx = report.counterexample
    assert cx is not None
    # the timeline shows every event of the counterexample, one numbered line each
    numbered = [line for line in text.splitlines() if re.match(r"\s+\d+\. ", line)]
    assert len(numbered) == len(cx.app.events)


def test_verify_passes_the_default_spec() -> None:
    report = verify(load_policy())
    assert report.ok, render(report)
    assert report.floors == ()
    assert report.depth == DEFAULT_DEPTH
    # the exploration is not vacuous: it reaches every state an interview leads to
    assert {
        "interviewed",
        "thanked",
        "awaiting",
        "inquired",
        "offered",
        "rejected",
        "closed",
    } <= report.reached
    assert report.histories >= report.states > 0
    assert "OK" in render(report)


def test_the_shortest_counterexample_is_found_first() -> None:
    # a duplicate thank-you needs three events: the interview and two thank-yous
    report = verify(_spec(_without_guard("thank_you_sent", "first_thank_you")))
    cx = report.counterexample
    assert cx is not None
    assert len(cx.app.events) == 3
    assert [e.type for e in cx.app.events] == ["interview", "thank_you_sent", "thank_you_sent"]


def _run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


def test_cli_verify_prints_the_counterexample_and_exits_1(tmp_path: Path) -> None:
    data = s.default_spec()
    _without_guard("status_inquiry_sent", "inquiry_open")(data)
    spec = tmp_path / "early-inquiry.toml"
    spec.write_text(s.spec_text(data), encoding="utf-8")
    code, out, err = _run(["verify", str(spec)])
    assert code == 1
    assert "FAIL P2" in out
    assert "shortest counterexample" in out
    assert "status inquiry" in out
    assert "permitted by the engine" in out
    assert "explored" in out
    assert err == ""  # not a terminal: no progress bar


def test_cli_verify_bad_spec_is_one_line_on_stderr(tmp_path: Path) -> None:
    spec = tmp_path / "bad.toml"
    spec.write_text("[policy\n", encoding="utf-8")
    code, out, err = _run(["verify", str(spec)])
    assert code == 2
    assert out == ""
    assert err.startswith("error: ")
    assert len(err.strip().splitlines()) == 1
    code, _, err = _run(["verify", str(tmp_path / "missing.toml")])
    assert code == 2
    assert "missing.toml" in err


def test_cli_verify_depth_must_be_positive() -> None:
    code, _, err = _run(["verify", "--depth", "0"])
    assert code == 2
    assert "--depth" in err


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_only_on_a_terminal() -> None:
    assert progress_bar(io.StringIO()) is None
    screen = _Terminal()
    bar = progress_bar(screen)
    assert bar is not None
    bar(Progress(level=2, depth=4, done=0, total=10, states=7, histories=9))
    assert "events 2/4" in screen.getvalue()
    assert "states 7" in screen.getvalue()
    bar.close()
    assert screen.getvalue().endswith("\r\033[K")
