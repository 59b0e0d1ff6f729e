"""What to do next, from a replayed context: the decisions of ``next_action``.

The hot half of :mod:`etiquette._engine.decisions`, compiled with mypyc when the package is
built: it is called with the engine's own values only (an application, the context its replay
made, a policy, a ``now`` already checked), while the public functions that check what a caller
gives stay Python, so that a value of the wrong type is refused with the engine's own error,
not the compiled code's ``TypeError``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final

from .machine import (
    COORDINATOR,
    Context,
    closing,
    hold_back,
    next_deadline,
    replay,
)
from .model import _LOADER, Application
from .policy import Policy
from .results import Blocked, Decision
from .times import quoted
from .wire import DecisionFields, _new, fields_dict

__all__ = ["decide", "decide_at", "decide_wire"]

# what a state without follow-ups holds back, for good (values are immutable: made once)
_CLOSED: Final = (Blocked("send_status_inquiry", "closed-silence", None),)
_OFFERED: Final = (Blocked("send_status_inquiry", "offer-respond", None),)
_REJECTED: Final = (Blocked("send_status_inquiry", "rejection-one-reply", None),)


def decide_at(app: Application, now: datetime, policy: Policy) -> Decision:
    """:func:`next_action` for a ``now`` already checked by :func:`as_of`."""
    return decide(app, replay(app, policy, now), policy, now)


def decide_wire(data: object, now: datetime, policy: Policy) -> dict[str, Any]:
    """``decide_at(Application.from_dict(data), now, policy).to_dict()``: the wire form of the
    decision of an application given in the wire form, for a ``now`` already checked by
    :func:`as_of`; bad input raises what ``from_dict`` raises.

    The bulk path's line between reading its JSON and writing its decision's, in one compiled
    call: the two Python methods around it (``from_dict``, ``to_dict``) cost a twentieth of a
    line. It writes the decision's fields as the engine made them, without making the
    :class:`Decision` of them (setting its sixteen slots, then reading them back, cost a
    twentieth of a line more).
    """
    app: Application = _LOADER.application(Application, data)
    return fields_dict(_decide(app, replay(app, policy, now), policy, now))


def decide(app: Application, ctx: Context, policy: Policy, now: datetime) -> Decision:
    """The decision for a context already replayed and advanced to ``now``."""
    return _as_decision(_decide(app, ctx, policy, now))


def _decide(app: Application, ctx: Context, policy: Policy, now: datetime) -> DecisionFields:
    """The fields of :func:`decide`'s decision."""
    state = ctx.state
    if state == "closed":
        return DecisionFields(
            application=app.id,
            as_of=now,
            state=ctx.state,
            action="none",
            to=(),
            not_before=None,
            due_by=None,
            suggested_at=None,
            late=False,
            rule="closed-silence",
            reason=f"The application is closed ({ctx.outcome}); no more contact.",
            optional=(),
            blocked=_CLOSED,
            outcome=ctx.outcome,
            timezone=app.timezone,
            revisit_at=None,
        )
    if state == "scheduled":
        return _wait(
            app, ctx, policy, now, None, "no-bombarding", "No interview has taken place yet."
        )
    if state in ("interviewed", "thanked", "awaiting", "inquired"):
        return _follow_up(app, ctx, policy, now)
    if state == "offered":
        return _respond_to_offer(app, ctx, policy, now, _OFFERED)
    if state == "rejected":
        assert ctx.rejection_at is not None
        due = ctx.rejection_due()
        limit = ctx.rejection_limit()
        assert due is not None
        assert limit is not None
        return _act(
            app,
            ctx,
            policy,
            now,
            action="reply_to_rejection",
            to=(),
            not_before=ctx.rejection_at,
            due_by=due,
            limit=limit,
            rule="rejection-one-reply",
            reason=(
                "Send one gracious reply: thanks for the opportunity and their time, and your "
                f"continued interest in the company; then stop. Allowed until {_when(ctx, limit)}."
            ),
            blocked=_REJECTED,
        )
    raise AssertionError(f"no decision for state {quoted(state)}")  # pragma: no cover


def _respond_to_offer(
    app: Application,
    ctx: Context,
    policy: Policy,
    now: datetime,
    blocked: tuple[Blocked, ...],
    optional: tuple[str, ...] = (),
) -> DecisionFields:
    # rule offer-respond: answer a pending offer by its respond-by
    assert ctx.offer_at is not None
    assert ctx.offer_due is not None
    late = now >= ctx.offer_due
    return _act(
        app,
        ctx,
        policy,
        now,
        action="respond_to_offer",
        to=(),
        not_before=ctx.offer_at,
        due_by=ctx.offer_due,
        limit=None,
        rule="offer-respond",
        reason=(
            f"Answer the offer by {_when(ctx, ctx.offer_due)}"
            + (" (late: the date has passed)." if late else ".")
        ),
        optional=optional,
        blocked=blocked,
    )


def _reopened(ctx: Context, reason: str) -> str:
    """The reason, saying that a closed application was reopened (contract: facts rule)."""
    if ctx.reopened_at is None:
        return reason
    return (
        f"{reason} (Reopened at {_when(ctx, ctx.reopened_at)}: the employer wrote after it had "
        f"closed as {ctx.reopened_from}.)"
    )


def _when(ctx: Context, instant: datetime) -> str:
    return ctx.calendar.wall_clock(instant)


def _names(names: tuple[str, ...]) -> str:
    shown = ["the interview's coordinator" if n == COORDINATOR else n for n in names]
    if len(shown) <= 1:
        return "".join(shown)
    return ", ".join(shown[:-1]) + " and " + shown[-1]


def _optional(ctx: Context, policy: Policy, now: datetime) -> tuple[str, ...]:
    if ctx.end is None or (ctx.state, "note_mailed") not in policy.table:
        return ()
    limit = ctx.late_limit()
    if limit is not None and now < limit and not ctx.noted.issuperset(ctx.recipients):
        return _NOTE  # someone of the round has no handwritten note yet, and there is time
    return ()


_NOTE: Final = ("mail_handwritten_note",)


def _inquiry_block(ctx: Context, policy: Policy, now: datetime) -> Blocked | None:
    """What holds a status inquiry back at ``now``, or None when it is allowed."""
    _, holds = hold_back(ctx, policy, "status_inquiry_sent", now, None)
    if not holds:
        return None
    # a rule that never allows it by waiting is the one to name (the first), else the rule that
    # holds it back longest
    named = holds[0]
    for hold in holds:
        if hold[1] is None:
            return _inquiry_held(hold[0], None)
        if named[1] is not None and hold[1] > named[1]:
            named = hold
    return _inquiry_held(named[0], named[1])


def _inquiry_held(rule: str, until: datetime | None) -> Blocked:
    """``Blocked("send_status_inquiry", rule, until)``, its fields set directly as
    :func:`_as_decision` sets a decision's (a test proves it equal to the constructor's)."""
    blocked: Blocked = _new(Blocked)
    object.__setattr__(blocked, "action", "send_status_inquiry")
    object.__setattr__(blocked, "rule", rule)
    object.__setattr__(blocked, "until", until)
    return blocked


def _follow_up(app: Application, ctx: Context, policy: Policy, now: datetime) -> DecisionFields:
    assert ctx.end is not None
    optional = _optional(ctx, policy, now)
    block = _inquiry_block(ctx, policy, now)
    blocked = () if block is None else (block,)
    if ctx.state == "interviewed" and ctx.owed():
        due = ctx.thank_you_due()
        limit = ctx.late_limit()
        assert due is not None
        assert limit is not None
        late = now >= due
        owed = ctx.owed()
        who = _names(owed)
        if late:
            reason = (
                f"The thank-you was due by {_when(ctx, due)}; a late one to {who} is still "
                f"allowed until {_when(ctx, limit)}."
            )
        else:
            reason = (
                f"Thank each interviewer within {ctx.numbers.thank_you_due.describe()} of the "
                f"interview; {who} {'has' if len(owed) == 1 else 'have'} not been thanked."
            )
        return _act(
            app,
            ctx,
            policy,
            now,
            action="send_thank_you",
            to=owed,
            not_before=ctx.end,
            due_by=due,
            limit=limit,
            rule="thank-you-late-limit" if late else "thank-you-24h",
            reason=reason,
            optional=optional,
            blocked=blocked,
        )
    if ctx.offer_pending:
        # a new round during a pending offer: its thank-yous done, the offer is answered
        return _respond_to_offer(app, ctx, policy, now, blocked, optional)
    if block is None:
        return _act(
            app,
            ctx,
            policy,
            now,
            action="send_status_inquiry",
            to=(),
            not_before=_inquiry_from(ctx),
            # the application closes by itself (ghosted-close) if no inquiry is sent by then
            due_by=None,
            limit=None,
            due_at_close=True,
            rule=_inquiry_rule(ctx),
            reason=(
                "The expected timeframe has passed: send one polite, concise status inquiry."
                if ctx.unanswered == 0
                else "Your inquiry is unanswered: one more polite follow-up is allowed."
            ),
            optional=optional,
        )
    if ctx.state in ("interviewed", "thanked"):
        return _wait(
            app,
            ctx,
            policy,
            now,
            None,
            "no-bombarding",
            "Everyone has been thanked; give them time to deliberate before reaching out again.",
            optional=optional,
            blocked=blocked,
        )
    if block.until is not None:
        reason = _WAIT_REASONS.get(block.rule, "Wait.")
        return _wait(
            app,
            ctx,
            policy,
            now,
            block.until,
            block.rule,
            f"{reason} A status inquiry is allowed from {_when(ctx, block.until)}.",
            optional=optional,
            blocked=blocked,
        )
    timed = next_deadline(ctx, policy)
    if ctx.state == "inquired" and timed is not None:
        reason = (
            "No more follow-ups: the limit of unanswered inquiries is reached. If they do not "
            f"write, this closes as no_response at {_when(ctx, timed[0])}."
        )
    else:
        reason = "No more follow-ups are allowed this round; wait for the employer to write."
    return _wait(
        app,
        ctx,
        policy,
        now,
        None,
        block.rule,
        reason,
        optional=optional,
        blocked=blocked,
    )


#: Why to wait, by the rule that holds the status inquiry back.
_WAIT_REASONS: Final = {
    "no-bombarding": "Give them time to deliberate; no follow-up yet.",
    "inquiry-after-timeline": "Wait for the expected timeframe to pass before asking.",
    "ongoing-wait": "They said the decision is still ongoing; wait patiently.",
    "inquiry-spacing": "Space your follow-ups; the next one may follow later.",
}


def _inquiry_rule(ctx: Context) -> str:
    spaced = ctx.spaced_from()
    if spaced is not None and (ctx.opening is None or spaced > ctx.opening):
        return "inquiry-spacing"
    return ctx.opening_rule


def _inquiry_from(ctx: Context) -> datetime:
    candidates = [t for t in (ctx.opening, ctx.spaced_from()) if t is not None]
    return max(candidates)


def _wait(
    app: Application,
    ctx: Context,
    policy: Policy,
    now: datetime,
    change: datetime | None,
    rule: str,
    reason: str,
    *,
    optional: tuple[str, ...] = (),
    blocked: tuple[Blocked, ...] = (),
) -> DecisionFields:
    """A wait whose ``not_before`` is the first instant the decision changes by itself: the
    ``change`` the caller knows of (an inquiry opening), the next timed transition, or the end
    of the optional handwritten note, whichever comes first (and so also its ``revisit_at``)."""
    timed = next_deadline(ctx, policy)
    changes = [change, None if timed is None else timed[0]]
    if optional:
        changes.append(ctx.late_limit())
    ahead = [t for t in changes if t is not None and t > now]
    first = min(ahead) if ahead else None
    return DecisionFields(
        application=app.id,
        as_of=now,
        state=ctx.state,
        action="wait",
        to=(),
        not_before=first,
        due_by=None,
        suggested_at=None,
        late=False,
        rule=rule,
        reason=reason if ctx.reopened_at is None else _reopened(ctx, reason),
        optional=optional,
        blocked=blocked,
        outcome=None,
        timezone=app.timezone,
        revisit_at=first,
    )


def _act(
    app: Application,
    ctx: Context,
    policy: Policy,
    now: datetime,
    *,
    action: str,
    to: tuple[str, ...],
    not_before: datetime,
    due_by: datetime | None,
    limit: datetime | None,
    rule: str,
    reason: str,
    optional: tuple[str, ...] = (),
    blocked: tuple[Blocked, ...] = (),
    due_at_close: bool = False,
) -> DecisionFields:
    """An action allowed from ``not_before``, due by ``due_by``, allowed until ``limit``."""
    start = max(now, not_before)
    n = policy.numbers
    closes = closing(ctx, policy)  # never suggest an instant at which it will have closed
    if due_at_close:
        due_by = limit = closes
    late = due_by is not None and now >= due_by
    # rule send-window: suggest business hours before the deadline; for a late action, before
    # the limit until which it stays allowed
    until = limit if late else due_by
    if closes is not None and (until is None or closes < until):
        until = closes
    suggested = ctx.calendar.next_in_window(start, until, n.window_start, n.window_end)
    # revisit_at: the decision changes when it becomes late, when its window ends, or when
    # time moves the state (what comes first after now)
    timed = next_deadline(ctx, policy)
    revisit = None if timed is None or timed[0] <= now else timed[0]
    for instant in (due_by, limit):
        if instant is not None and instant > now and (revisit is None or instant < revisit):
            revisit = instant
    return DecisionFields(
        application=app.id,
        as_of=now,
        state=ctx.state,
        action=action,
        to=to,
        not_before=not_before,
        due_by=due_by,
        suggested_at=suggested or start,
        late=late,
        rule=rule,
        reason=reason if ctx.reopened_at is None else _reopened(ctx, reason),
        optional=optional,
        blocked=blocked,
        outcome=None,
        timezone=app.timezone,
        revisit_at=revisit,
    )


def _as_decision(fields: DecisionFields) -> Decision:
    """The :class:`Decision` of fields the engine made: its slots set directly, since it has no
    validator or converter to run, through ``object.__setattr__`` as attrs' ``__init__`` sets
    them (compiled, each is one call of the generic setter: a third of what calling the slot's
    own ``__set__`` costs). A test proves the result equal to the constructor's."""
    decision: Decision = _new(Decision)
    object.__setattr__(decision, "application", fields.application)
    object.__setattr__(decision, "as_of", fields.as_of)
    object.__setattr__(decision, "state", fields.state)
    object.__setattr__(decision, "action", fields.action)
    object.__setattr__(decision, "to", fields.to)
    object.__setattr__(decision, "not_before", fields.not_before)
    object.__setattr__(decision, "due_by", fields.due_by)
    object.__setattr__(decision, "suggested_at", fields.suggested_at)
    object.__setattr__(decision, "late", fields.late)
    object.__setattr__(decision, "rule", fields.rule)
    object.__setattr__(decision, "reason", fields.reason)
    object.__setattr__(decision, "optional", fields.optional)
    object.__setattr__(decision, "blocked", fields.blocked)
    object.__setattr__(decision, "outcome", fields.outcome)
    object.__setattr__(decision, "timezone", fields.timezone)
    object.__setattr__(decision, "revisit_at", fields.revisit_at)
    return decision
