"""``plan`` and ``revisit_at`` (contract §5, §6), and the facts rule as properties.

- ``revisit_at``: the decision holds on ``[now, revisit_at)`` and changes at ``revisit_at``;
- the plan's windows are exactly where ``check`` allows: every allowed instant lies in a window
  of its action and recipient, and every instant of a window is allowed;
- ``record`` never raises ``InvalidEvent`` for a fact that follows the history's own facts.

Each runs under the default policy and under random policies within the floors.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from etiquette import (
    Application,
    Decision,
    Interview,
    Plan,
    Policy,
    check,
    load_policy,
    next_action,
    plan,
    record,
)
from etiquette._engine import ACTIONS, CHECKABLE
from etiquette._engine.spec import policy_from_text

from . import strategies as s
from .test_api import acme, t
from .test_stateful import _offer_pending

DEFAULT = load_policy()

#: Under the default policy, or under a random one (fewer examples: each loads a spec).
POLICIES = st.one_of(
    st.just(DEFAULT), s.policy_specs().map(lambda text: policy_from_text(text, "<random>"))
)


def until(app: Application, now: datetime) -> Application:
    """The application as known at ``now``: its events at or before it."""
    return attrs.evolve(app, events=tuple(e for e in app.events if e.at <= now))


def key(d: Decision) -> tuple[Any, ...]:
    """What ``revisit_at`` promises to keep: state, action, recipients, rule, late, windows."""
    return (d.state, d.action, d.to, d.rule, d.late, d.not_before, d.due_by)


def situation(data: st.DataObject) -> tuple[Application, datetime, Policy]:
    policy = data.draw(POLICIES, label="policy")
    app = data.draw(s.histories(), label="history")
    now = data.draw(s.instants_around(app), label="now")
    return until(app, now), now, policy


# --- the contract's example -------------------------------------------------------------------


def test_the_contract_example_plan(contract: Application) -> None:
    # Acme as of Tue 09:00: Bo is owed a thank-you (due 11:00, allowed until the late limit,
    # Fri 27 11:00, Thanksgiving on Thu 26), both may get a note, the inquiry opens Tue 8 Dec
    p = plan(contract, t("2026-11-24T09:00:00-05:00"))
    wire = p.to_dict()
    assert list(wire) == ["application", "as_of", "state", "revisit_at", "windows", "changes"]
    assert (wire["application"], wire["as_of"], wire["state"], wire["revisit_at"]) == (
        "acme-backend-1",
        "2026-11-24T09:00:00-05:00",
        "interviewed",
        "2026-11-24T11:00:00-05:00",
    )
    assert wire["windows"][0] == {
        "action": "send_thank_you",
        "to": ["Bo Chen"],
        "not_before": "2026-11-23T11:00:00-05:00",
        "due_by": "2026-11-24T11:00:00-05:00",
        "limit": "2026-11-27T11:00:00-05:00",
        "rule": "thank-you-24h",
        "optional": False,
    }
    notes = [w for w in wire["windows"] if w["action"] == "mail_handwritten_note"]
    assert [w["to"] for w in notes] == [["Ana Ruiz"], ["Bo Chen"]]
    assert all(w["optional"] and w["due_by"] is None for w in notes)
    assert all(w["limit"] == "2026-11-27T11:00:00-05:00" for w in notes)
    inquiry = wire["windows"][-1]
    assert (inquiry["action"], inquiry["to"], inquiry["not_before"], inquiry["rule"]) == (
        "send_status_inquiry",
        [],
        "2026-12-08T09:00:00-05:00",
        "inquiry-after-timeline",
    )
    # the inquiry is allowed until the application closes by itself
    assert inquiry["limit"] == wire["changes"][-1]["at"]
    assert wire["changes"][0] == {
        "at": "2026-11-27T11:00:00-05:00",
        "from": "interviewed",
        "to": "awaiting",
        "rule": "thank-you-late-limit",
    }
    assert (wire["changes"][-1]["from"], wire["changes"][-1]["to"]) == ("awaiting", "closed")
    assert wire["changes"][-1]["rule"] == "ghosted-close"
    assert [w["not_before"] for w in wire["windows"]] == sorted(
        w["not_before"] for w in wire["windows"]
    )


def test_a_closed_application_has_no_window_and_no_change() -> None:
    app = acme({"type": "withdrawn", "at": "2026-11-24T08:00:00-05:00"})
    p = plan(app, t("2026-11-24T09:00:00-05:00"))
    assert (p.state, p.windows, p.changes, p.revisit_at) == ("closed", (), (), None)


def test_plan_refuses_a_naive_now() -> None:
    from etiquette import InvalidApplication

    with pytest.raises(InvalidApplication) as info:
        plan(acme(), datetime(2026, 11, 24, 9, 0))
    assert info.value.path == "now"


# --- revisit_at -----------------------------------------------------------------------------------


@given(data=st.data())
def test_revisit_at_the_decision_holds_until_revisit_at_and_changes_there(
    data: st.DataObject,
) -> None:
    app, now, policy = situation(data)
    decision = next_action(app, now, policy)
    assert decision.action in ACTIONS  # the vocabulary's actions, and no other
    revisit = decision.revisit_at
    # (instants reckoned on the UTC line: adding to a zoned value counts wall-clock time, and
    # drops the fold of a repeated hour, which may land an hour before now)
    start = s.utc(now)
    if revisit is None:
        later = start + timedelta(days=data.draw(st.integers(1, 800)))
        assert key(next_action(app, later, policy)) == key(decision)
        return
    assert revisit > now
    share = data.draw(st.floats(0, 1, exclude_max=True), label="share")
    # (timedelta * float rounds to the microsecond: a share just under 1 may reach revisit_at)
    inside = min(start + (revisit - start) * share, revisit - timedelta(microseconds=1))
    for instant in (inside, revisit - timedelta(microseconds=1)):
        if instant >= start:
            assert key(next_action(app, instant, policy)) == key(decision), instant
    assert key(next_action(app, revisit, policy)) != key(decision)


@given(data=st.data())
def test_plan_revisit_at_is_the_decisions(data: st.DataObject) -> None:
    app, now, policy = situation(data)
    p = plan(app, now, policy)
    decision = next_action(app, now, policy)
    assert (p.state, p.revisit_at) == (decision.state, decision.revisit_at)
    assert [c.at for c in p.changes] == sorted(c.at for c in p.changes)
    assert all(c.at > now for c in p.changes)
    assert [w.not_before for w in p.windows] == sorted(w.not_before for w in p.windows)


# --- plan and check agree ---------------------------------------------------------------------


def _round(app: Application) -> tuple[str, ...]:
    interviews = [e for e in app.events if isinstance(e, Interview)]
    return max(interviews, key=lambda e: e.at).interviewers if interviews else ()


def _inside(p: Plan, action: str, to: str | None, at: datetime, coordinator: bool) -> bool:
    for w in p.windows:
        if w.action != action:
            continue
        thanks = action in ("send_thank_you", "mail_handwritten_note")
        if thanks and not coordinator and w.to != (to,):
            continue
        if w.not_before <= at and (w.limit is None or at < w.limit):
            return True
    return False


@settings(max_examples=100)
@given(data=st.data())
def test_check_allows_exactly_inside_the_windows_of_the_plan(data: st.DataObject) -> None:
    app, now, policy = situation(data)
    p = plan(app, now, policy)
    names = _round(app)
    about_a_window: bool = data.draw(st.booleans(), label="about a window of the plan")
    if p.windows and about_a_window:
        # mostly: an action and recipient the plan has a window for, near its edges
        w = data.draw(st.sampled_from(p.windows), label="window")
        action, to = w.action, (w.to[0] if w.to else None)
        edges = [w.not_before, *(e for e in (w.due_by, w.limit) if e is not None)]
    else:
        action = data.draw(st.sampled_from(CHECKABLE), label="action")
        to = data.draw(st.sampled_from((*names, "Zed Stranger", None)), label="to")
        edges = [e for w in p.windows for e in (w.not_before, w.due_by, w.limit) if e is not None]
    # the instants where the answer could change: the bounds and the state changes, a
    # microsecond either side, and any instant within two months
    edges += [now, *(c.at for c in p.changes)]
    near = [e + timedelta(microseconds=d) for e in edges for d in (-1, 0, 1)]
    anywhere = now + timedelta(seconds=data.draw(st.integers(0, 60 * 86400)))
    at = data.draw(st.sampled_from([i for i in (*near, anywhere) if i >= now]), label="at")
    verdict = check(app, action, at, policy, to=to)
    assert verdict.allowed == _inside(p, action, to, at, coordinator=not names), (
        verdict,
        p,
    )


# --- facts are never refused -----------------------------------------------------------------


@given(data=st.data())
def test_record_never_raises_invalid_event_for_a_fact_that_follows_the_history(
    data: st.DataObject,
) -> None:
    policy = data.draw(POLICIES, label="policy")
    app = data.draw(s.histories(), label="history")
    for fact in data.draw(s.facts_after(app), label="facts"):
        if fact.type in ("offer_accepted", "offer_declined") and not _offer_pending(app):
            continue  # an answer to an offer never made contradicts the history
        app = record(app, fact, policy)  # strict: a fact is never a violation either
        assert app.events[-1].violations == ()
        decision = next_action(app, fact.at, policy)
        if fact.type == "interview":
            assert decision.state not in policy.final_states
        if fact.type == "offer_received" and decision.state not in policy.final_states:
            assert _offer_pending(app)


# --- the README says what the engine does -------------------------------------------------------


def _readme_json(first_key: str) -> dict[str, Any]:
    text = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    for block in re.findall(r"```json\n(.*?)```", text, flags=re.DOTALL):
        value = json.loads(block)
        if first_key in value:
            found: dict[str, Any] = value
            return found
    raise AssertionError(f"no JSON example with {first_key!r} in the README")


def test_the_readmes_decision_and_plan_are_the_engines() -> None:
    app = Application.from_dict(_readme_json("events"))
    now = t("2026-11-24T09:00:00-05:00")
    assert _readme_json("action") == next_action(app, now).to_dict()
    assert _readme_json("windows") == plan(app, now).to_dict()
