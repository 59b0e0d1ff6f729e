"""What to do next: ``next_action``, ``check`` and ``record``, and their results.

These read the state machine of :mod:`etiquette._engine.machine`; they never read the clock.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import attrs

from .errors import EtiquetteViolation, InvalidApplication, InvalidEvent, Violation
from .machine import (
    COORDINATOR,
    Context,
    apply,
    closing,
    hold_back,
    impossible_refusal,
    judge_contact,
    new_context,
    next_deadline,
    ordered,
    replay,
)
from .model import (
    EVENT_TYPES,
    Application,
    Event,
    RejectionReplySent,
    StatusInquirySent,
    ThankYouSent,
    event_from_dict,
)
from .policy import Policy
from .spec import default_policy
from .times import _zone, calendar_for, fixed_offset, format_instant, quoted, require_aware
from .vocabulary import ACTIONS, CHECKABLE, by_action

__all__ = [
    "ACTIONS",
    "Blocked",
    "Decision",
    "Verdict",
    "check",
    "next_action",
    "record",
]


def _instant(value: datetime | None, tz: Any) -> str | None:
    return None if value is None else format_instant(value.astimezone(tz))


@functools.lru_cache(maxsize=256)
def _as_of(now: datetime, timezone: str) -> str:
    # every decision of a bulk run shares its `now`: written once per timezone
    return format_instant(now.astimezone(_zone(timezone)))


@attrs.frozen
class Blocked:
    """An action held back: by which rule, and until when (``None``: not by waiting)."""

    action: str
    rule: str
    until: datetime | None


@attrs.frozen
class Decision:
    """What to do next for one application, from when, until when, and why."""

    application: str
    as_of: datetime
    state: str
    action: str
    to: tuple[str, ...]
    not_before: datetime | None
    due_by: datetime | None
    suggested_at: datetime | None
    late: bool
    rule: str
    reason: str
    optional: tuple[str, ...] = ()
    blocked: tuple[Blocked, ...] = ()
    outcome: str | None = None
    timezone: str = "UTC"
    #: the earliest instant after ``as_of`` at which the decision's state, action, recipients,
    #: rule, late flag, ``not_before`` or ``due_by`` change with no new event (None: only an
    #: event can change them); the instant a tracker indexes to know when to look again
    revisit_at: datetime | None = None

    def to_dict(self) -> dict[str, Any]:
        """The wire format; instants in the application's timezone."""
        tz = _zone(self.timezone)
        return {
            "application": self.application,
            "as_of": _as_of(self.as_of, self.timezone),
            "state": self.state,
            "action": self.action,
            "to": list(self.to),
            "not_before": _instant(self.not_before, tz),
            "due_by": _instant(self.due_by, tz),
            "suggested_at": _instant(self.suggested_at, tz),
            "late": self.late,
            "rule": self.rule,
            "reason": self.reason,
            "optional": list(self.optional),
            "blocked": [
                {"action": b.action, "rule": b.rule, "until": _instant(b.until, tz)}
                for b in self.blocked
            ],
            "outcome": self.outcome,
            "revisit_at": _instant(self.revisit_at, tz),
        }


@attrs.frozen
class Verdict:
    """Whether a contact is allowed at an instant, and if not, which rules it breaks."""

    allowed: bool
    action: str
    at: datetime
    violations: tuple[Violation, ...] = ()
    timezone: str = "UTC"

    @property
    def allowed_from(self) -> datetime | None:
        """The earliest instant every broken rule would allow it (``None``: never)."""
        if self.allowed:
            return self.at
        times = [v.allowed_from for v in self.violations]
        if any(t is None for t in times):
            return None
        return max(t for t in times if t is not None)

    def to_dict(self) -> dict[str, Any]:
        """The wire format; instants in the application's timezone."""
        tz = calendar_for(self.timezone, None).tz
        return {
            "allowed": self.allowed,
            "action": self.action,
            "at": _instant(self.at, tz),
            "violations": [v.to_dict(tz) for v in self.violations],
        }


# --- next_action --------------------------------------------------------------------------------

# what a state without follow-ups holds back, for good (values are immutable: made once)
_CLOSED = (Blocked("send_status_inquiry", "closed-silence", None),)
_OFFERED = (Blocked("send_status_inquiry", "offer-respond", None),)
_REJECTED = (Blocked("send_status_inquiry", "rejection-one-reply", None),)


def next_action(app: Application, now: datetime, policy: Policy | None = None) -> Decision:
    """What to do next for ``app`` as of ``now`` (timezone-aware), under ``policy``.

    Only events at or before ``now`` count. Raises :class:`InvalidApplication` for a naive
    ``now`` and :class:`InvalidEvent` for a history that cannot have happened.
    """
    return decide_at(app, as_of(now), policy or default_policy())


def as_of(now: datetime) -> datetime:
    """``now`` checked (aware, else :class:`InvalidApplication`) and with a fixed offset."""
    return fixed_offset(require_aware(now, "now"))


def decide_at(app: Application, now: datetime, policy: Policy) -> Decision:
    """:func:`next_action` for a ``now`` already checked by :func:`as_of`."""
    return decide(app, replay(app, policy, now), policy, now)


def decide(app: Application, ctx: Context, policy: Policy, now: datetime) -> Decision:
    """The decision for a context already replayed and advanced to ``now``."""
    state = ctx.state
    if state == "closed":
        return Decision(
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
) -> Decision:
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


_NOTE = ("mail_handwritten_note",)


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
            return Blocked("send_status_inquiry", hold[0], None)
        if named[1] is not None and hold[1] > named[1]:
            named = hold
    return Blocked("send_status_inquiry", named[0], named[1])


def _follow_up(app: Application, ctx: Context, policy: Policy, now: datetime) -> Decision:
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
_WAIT_REASONS = {
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
) -> Decision:
    """A wait whose ``not_before`` is the first instant the decision changes by itself: the
    ``change`` the caller knows of (an inquiry opening), the next timed transition, or the end
    of the optional handwritten note, whichever comes first (and so also its ``revisit_at``)."""
    timed = next_deadline(ctx, policy)
    changes = [change, None if timed is None else timed[0]]
    if optional:
        changes.append(ctx.late_limit())
    ahead = [t for t in changes if t is not None and t > now]
    first = min(ahead) if ahead else None
    return Decision(
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
) -> Decision:
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
    return Decision(
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


# --- check --------------------------------------------------------------------------------------


def check(
    app: Application,
    action: str,
    at: datetime,
    policy: Policy | None = None,
    *,
    to: str | None = None,
) -> Verdict:
    """Whether sending ``action`` at ``at`` keeps the etiquette, and if not, why and from when.

    ``action`` is one of ``send_thank_you``, ``mail_handwritten_note`` (both need ``to`` when
    the round names its interviewers), ``send_status_inquiry``, ``reply_to_rejection`` and
    ``respond_to_offer``. The contact is judged as :func:`record` would judge it: against the
    events at or before ``at``, and, when it falls before recorded events, against what it would
    make of them.
    """
    at = fixed_offset(require_aware(at, "at"))
    policy = policy or default_policy()
    if not isinstance(action, str) or action not in CHECKABLE:
        raise InvalidApplication(
            "action", f"unknown action {quoted(action)} (expected one of {', '.join(CHECKABLE)})"
        )
    violations = _check_once(app, policy, action, at, to)
    if violations and by_action(action) is not None and any(e.at > at for e in app.events):
        violations = _settle(app, policy, action, to, violations)
    return Verdict(not violations, action, at, violations, app.timezone)


def _check_once(
    app: Application, policy: Policy, action: str, at: datetime, to: str | None
) -> tuple[Violation, ...]:
    """The violations of a contact at ``at``, as :func:`record` would find them."""
    ctx = replay(app, policy, at)
    violations = _judge_action(ctx, policy, action, at, to)
    term = by_action(action)
    if term is None or term.make is None or not any(e.at > at for e in app.events):
        return violations
    # Sending into the past of the recorded history: judge it as `record` would, with the
    # later events replayed after it, and report every rule either way finds broken.
    try:
        more = _contact_violations(app, policy, term.make(at, to))
    except InvalidEvent as exc:
        if violations:
            return violations
        refusal = impossible_refusal(ctx, term.trigger, exc.why)
        assert refusal is not None
        return (refusal,)
    known = {v.rule for v in violations}
    return violations + tuple(v for v in more if v.rule not in known)


def _settle(
    app: Application,
    policy: Policy,
    action: str,
    to: str | None,
    violations: tuple[Violation, ...],
) -> tuple[Violation, ...]:
    """Make ``allowed_from`` true of the whole history, not only of the events before ``at``.

    Judged as of ``at``, a contact may look allowed from t; but a contact recorded after t can
    refuse it there. Follow the chain of ``allowed_from`` until the contact is allowed, or until
    it never will be. Where only the recorded events stand in the way, look again after the
    last of them.
    """
    last = max(e.at for e in app.events)
    times = [v.allowed_from for v in violations]
    when = None if any(t is None for t in times) else max(t for t in times if t is not None)
    jumped = False
    for _ in range(16):
        if when is None:
            if jumped:
                break
            jumped, when = True, last
        found = _check_once(app, policy, action, when, to)
        if not found:
            return tuple(
                attrs.evolve(v, allowed_from=max(when, v.allowed_from or when)) for v in violations
            )
        later = Verdict(False, action, when, found).allowed_from
        if later is not None and later <= when:
            break
        when = later
    return tuple(attrs.evolve(v, allowed_from=None) for v in violations)


def _judge_action(
    ctx: Context, policy: Policy, action: str, at: datetime, to: str | None
) -> tuple[Violation, ...]:
    """The violations of ``action`` at ``at``, judged as :func:`record` judges the contact."""
    if action == "respond_to_offer":  # (a reply to the employer, not a contact of the machine)
        if ctx.state == "closed":
            return (
                Violation(
                    "closed-silence", f"the application is closed ({ctx.outcome}): no more contact"
                ),
            )
        if ctx.offer_pending:
            return ()
        return (Violation("offer-respond", "there is no pending offer to answer"),)
    term = by_action(action)
    assert term is not None
    trigger = term.trigger
    refusal = impossible_refusal(ctx, trigger)
    if refusal is not None:  # what record cannot take is refused here, not raised
        return (refusal,)
    return judge_contact(ctx, policy, trigger, at, to)[2]


def _violations(
    app: Application, policy: Policy, new_index: int
) -> dict[int, tuple[Violation, ...]]:
    """Replay every event; the violations of each contact, by index."""
    ctx = new_context(app, policy)
    out: dict[int, tuple[Violation, ...]] = {}
    for index, item in ordered(app):
        try:
            out[index] = apply(ctx, policy, item)
        except InvalidEvent as exc:
            error = exc.within("event" if index == new_index else f"events[{index}]")
            if index == new_index or new_index >= len(app.events):
                raise error from None
            raise InvalidEvent(
                error.path, f"{error.why} (once the new event at {item.at.isoformat()} is added)"
            ) from None
    return out


# --- record -------------------------------------------------------------------------------------


def record(
    app: Application,
    event: Event | Mapping[str, Any],
    policy: Policy | None = None,
    *,
    strict: bool = True,
) -> Application:
    """Return a new application with ``event`` added.

    ``event`` is an event value or its wire-format dict. Facts are never refused: an employer
    event or a decision of the candidate is always recorded. A contact that breaks the etiquette
    raises :class:`EtiquetteViolation` in strict mode and changes nothing; with ``strict=False``
    it is recorded with its violations noted (``event.violations``; ``closed-silence`` after the
    application closed). Only an event that contradicts the history itself (a thank-you before
    any interview, a reply to a rejection that never came, an answer to an offer never made)
    raises :class:`InvalidEvent`, either way.
    """
    policy = policy or default_policy()
    if isinstance(event, Mapping):
        event = event_from_dict(event, "event")
    elif not isinstance(event, tuple(EVENT_TYPES.values())):
        raise InvalidApplication(
            "event", f"expected an event value or dict, got {type(event).__name__}"
        )
    if isinstance(event, _CONTACT_EVENTS):
        found = _contact_violations(app, policy, event)
    else:
        # a fact (an employer event, a decision of the candidate) is never refused: it is
        # checked only against the history's own facts (InvalidEvent when it contradicts them)
        _violations(attrs.evolve(app, events=(*app.events, event)), policy, len(app.events))
        found = ()
    if found and strict:
        raise EtiquetteViolation(event.type, found)
    # the rules it broke, as found now (a value given with the event is not kept)
    event = attrs.evolve(event, violations=tuple(dict.fromkeys(v.rule for v in found)))
    return attrs.evolve(app, events=(*app.events, event))


_CONTACT_EVENTS = (ThankYouSent, StatusInquirySent, RejectionReplySent)


def _contact_violations(app: Application, policy: Policy, event: Event) -> tuple[Violation, ...]:
    """The rules that adding ``event`` to ``app`` breaks; InvalidEvent if it cannot happen."""
    new_index = len(app.events)
    before = _violations(app, policy, new_index)
    after = _violations(attrs.evolve(app, events=(*app.events, event)), policy, new_index)
    found = after.pop(new_index, ())
    # A contact inserted into the past can make a later contact break a rule (an inquiry slipped
    # in before another one breaks inquiry-spacing): that counts against the new one.
    for index, violations in after.items():
        known = {v.rule for v in before.get(index, ())}
        later = app.events[index]
        found += tuple(
            Violation(
                v.rule,
                f"it would make the {later.type} of {later.at.isoformat()} break it: {v.message}",
                None,
            )
            for v in violations
            if v.rule not in known
        )
    return found
