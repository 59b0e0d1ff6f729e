"""The common alternative: one ``transitions.Machine`` per application.

This is how a competent user of ``transitions`` would write the tracker without etiquette's
compiled table: build a Machine for each application from the same policy spec (same states,
same transitions, conditions and guards as model methods), replay the history through its
triggers, fire the timed triggers at their deadlines, and ask the guards with ``may_*``.

It uses the same rules as the engine, literally: the same policy, the same guard and condition
functions, the same bookkeeping and the same calendar (business days, caches and all), so that
the comparison measures the Machine-per-application pattern, not different arithmetic. Its
answer is simpler than a :class:`etiquette.Decision` (action and recipients, no reasons,
suggested instants or blocked list), which favours it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import transitions

from etiquette import Application, Policy
from etiquette._engine.machine import (
    CONDITIONS,
    DEADLINES,
    GUARDS,
    Context,
    _apply,
    new_context,
    ordered,
    recipient,
)
from etiquette._engine.model import ThankYouSent
from etiquette._engine.vocabulary import term_of_event

__all__ = ["decide"]


class Tracked:
    """The model a Machine drives: the application's bookkeeping and its guards as methods."""

    state: str
    timed: dict[str, set[str]]

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.judging = True  # may_* judges the guards; a recorded fact passes them

    def __getattr__(self, name: str) -> Any:
        # trigger() and the may_* methods are added by the Machine at run time
        raise AttributeError(name)

    def _at(self, ev: transitions.EventData) -> datetime:
        at: datetime = ev.kwargs["at"]
        return at


def _guard_method(name: str) -> Any:
    fn = GUARDS[name][2]

    def guard(self: Tracked, ev: transitions.EventData) -> bool:
        if not self.judging:
            return True
        return fn(self.ctx, self._at(ev), ev.kwargs.get("to")) is None

    guard.__name__ = name
    return guard


def _condition_method(name: str) -> Any:
    fn = CONDITIONS[name][1]

    def condition(self: Tracked, ev: transitions.EventData) -> bool:
        return fn(self.ctx, ev.kwargs.get("to"))

    condition.__name__ = name
    return condition


for _name in GUARDS:
    setattr(Tracked, _name, _guard_method(_name))
for _name in CONDITIONS:
    setattr(Tracked, _name, _condition_method(_name))


def _spec(policy: Policy) -> tuple[list[str], list[dict[str, Any]], dict[tuple[str, str], str]]:
    raw = policy.spec["transitions"]
    specs = []
    outcomes: dict[tuple[str, str], str] = {}
    for t in raw:
        sources = [t["source"]] if isinstance(t["source"], str) else list(t["source"])
        specs.append(
            {
                "trigger": t["trigger"],
                "source": sources,
                "dest": t["dest"],
                "conditions": [*t.get("conditions", []), *t.get("guards", [])],
            }
        )
        if "outcome" in t:
            for s in sources:
                outcomes.setdefault((t["trigger"], s), t["outcome"])
    return list(policy.states), specs, outcomes


def _timed(specs: list[dict[str, Any]], states: list[str]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {s: set() for s in states}
    for t in specs:
        if t["trigger"] in DEADLINES:
            for source in t["source"]:
                out[source].add(t["trigger"])
    return out


_TIMED: dict[int, dict[str, set[str]]] = {}
_SPECS: dict[int, tuple[list[str], list[dict[str, Any]], dict[tuple[str, str], str]]] = {}


def _machine(app: Application, policy: Policy) -> tuple[Tracked, dict[tuple[str, str], str]]:
    states, specs, outcomes = _SPECS.get(id(policy)) or _SPECS.setdefault(id(policy), _spec(policy))
    model = Tracked(new_context(app, policy))
    model.timed = _TIMED.get(id(policy)) or _TIMED.setdefault(id(policy), _timed(specs, states))
    transitions.Machine(
        model=model,
        states=states,
        initial=policy.initial,
        transitions=specs,
        auto_transitions=False,
        send_event=True,
        ignore_invalid_triggers=True,
    )
    return model, outcomes


def _fire(model: Tracked, outcomes: dict[tuple[str, str], str], trigger: str, **kw: Any) -> bool:
    source = model.state
    model.judging = False
    fired = bool(model.trigger(trigger, **kw))
    model.judging = True
    ctx = model.ctx
    ctx.state = model.state
    if fired and (trigger, source) in outcomes:
        ctx.outcome = outcomes[(trigger, source)]
        ctx.closed_at = kw["at"]
    return fired


def _next_timed(model: Tracked) -> tuple[datetime, str] | None:
    best: tuple[datetime, str] | None = None
    for trigger, deadline_of in DEADLINES.items():
        if trigger not in _timed_from(model):
            continue
        deadline = deadline_of(model.ctx)
        if deadline is None or (best is not None and deadline >= best[0]):
            continue
        if getattr(model, f"may_{trigger}")(at=deadline, to=None):
            best = (deadline, trigger)
    return best


def _timed_from(model: Tracked) -> set[str]:
    """The timed triggers that leave the model's current state (as the spec lists them)."""
    return model.timed[model.state]


def _advance(model: Tracked, outcomes: dict[tuple[str, str], str], until: datetime) -> None:
    while model.state != "closed":
        due = _next_timed(model)
        if due is None or due[0] > until:
            return
        _fire(model, outcomes, due[1], at=due[0], to=None)


def decide(app: Application, now: datetime, policy: Policy) -> tuple[str, str, tuple[str, ...]]:
    """(state, action, recipients) for ``app`` as of ``now``, the Machine-per-application way."""
    model, outcomes = _machine(app, policy)
    ctx = model.ctx
    for _, event in ordered(app):
        if event.at > now:
            break
        _advance(model, outcomes, event.at)
        trigger = term_of_event(event).trigger
        to = recipient(ctx, event.to) if isinstance(event, ThankYouSent) else None
        # a contact is judged by its guards (a refusal would be reported); the fact is recorded
        getattr(model, f"may_{trigger}")(at=event.at, to=to)
        before = (ctx.state, ctx.outcome, ctx.closed_at)
        _fire(model, outcomes, trigger, at=event.at, to=to)
        after = (ctx.state, ctx.outcome, ctx.closed_at)
        # the bookkeeping sees the state the event arrived in, as the engine's does
        ctx.state, ctx.outcome, ctx.closed_at = before
        _apply(ctx, event, trigger, to)
        ctx.state, ctx.outcome, ctx.closed_at = after
        if ctx.state != before[0] and before[1] is not None and after[1] == before[1]:
            ctx.outcome = ctx.closed_at = None  # a fact reopened a closed application
    _advance(model, outcomes, now)
    state = model.state
    if state == "closed":
        return state, "none", ()
    if state == "offered":
        return state, "respond_to_offer", ()
    if state == "rejected":
        allowed = model.may_rejection_reply_sent(at=now, to=None)
        return state, "reply_to_rejection" if allowed else "wait", ()
    if state == "interviewed":
        owed = tuple(r for r in ctx.recipients if r not in ctx.thanked)
        asked = [model.may_thank_you_sent(at=max(now, ctx.end or now), to=r) for r in owed]
        if owed and any(asked):
            return state, "send_thank_you", owed
    if model.may_status_inquiry_sent(at=now, to=None):
        return state, "send_status_inquiry", ()
    return state, "wait", ()
