"""What to do next: ``next_action``, ``check`` and ``record``.

These read the state machine of :mod:`etiquette._engine.machine`; they never read the clock.
Their results, :class:`Decision`, :class:`Verdict` and :class:`Blocked`, are the values of
:mod:`etiquette._engine.results`; the decisions themselves are made by the compiled
:mod:`etiquette._engine.advice` (these functions, which check what a caller gives, stay Python).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import attrs

from .advice import decide_at
from .errors import EtiquetteViolation, InvalidApplication, InvalidEvent, Violation
from .machine import (
    Context,
    apply,
    impossible_refusal,
    judge_contact,
    new_context,
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
from .results import Blocked, Decision, Verdict
from .spec import default_policy
from .times import fixed_offset, quoted, require_aware
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


# --- next_action --------------------------------------------------------------------------------


def next_action(app: Application, now: datetime, policy: Policy | None = None) -> Decision:
    """What to do next for ``app`` as of ``now`` (timezone-aware), under ``policy``.

    Only events at or before ``now`` count. Raises :class:`InvalidApplication` for a naive
    ``now`` and :class:`InvalidEvent` for a history that cannot have happened.
    """
    return decide_at(app, as_of(now), policy or default_policy())


def as_of(now: datetime) -> datetime:
    """``now`` checked (aware, else :class:`InvalidApplication`) and with a fixed offset."""
    return fixed_offset(require_aware(now, "now"))


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
