"""The plan of an application: every window ahead, and the changes time makes by itself.

Theory of operation
-------------------

As of ``now`` the replayed context is in some state; timed transitions alone (a thank-you day
that ends, a ghosting close) move it through further states at known instants (``changes``).
In each of those states a contact takes the transition the policy's table gives it, and that
transition's guards hold on an interval each (``GUARD_WINDOWS``: the same deadlines the guards
judge one instant against). A contact is allowed in a state exactly on the intersection of its
guards' intervals; the plan joins those pieces, state after state, into windows: one per action
and recipient (two only if the policy leaves a gap). ``check`` allows a contact at an instant
exactly when the instant lies in one of them: a property test proves it for any history and
any policy within the floors.

The plan reads the engine's context and never changes it; it reads no clock.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import attrs

from .advice import _inquiry_rule, decide
from .decisions import as_of
from .machine import (
    GUARD_WINDOWS,
    TIMED_RULES,
    Context,
    ahead,
    impossible_contact,
    replay,
    route,
    through,
)
from .model import Application
from .policy import Policy
from .spec import default_policy
from .times import _zone
from .vocabulary import CHECKABLE, by_action
from .wire import local_text

__all__ = ["Change", "Plan", "Window", "plan"]


@attrs.frozen
class Window:
    """One action to one recipient, allowed on ``[not_before, limit)`` (``limit`` None: no end).

    ``due_by`` is the on-time deadline (None where there is none); ``optional`` is true for what
    is never required (a handwritten note).
    """

    action: str
    to: tuple[str, ...]
    not_before: datetime
    due_by: datetime | None
    limit: datetime | None
    rule: str
    optional: bool = False

    def to_dict(self, tz: Any) -> dict[str, Any]:
        """The wire format, instants in ``tz``."""
        return {
            "action": self.action,
            "to": list(self.to),
            "not_before": local_text(self.not_before, tz),
            "due_by": local_text(self.due_by, tz),
            "limit": local_text(self.limit, tz),
            "rule": self.rule,
            "optional": self.optional,
        }


@attrs.frozen
class Change:
    """A change time makes by itself: at ``at`` the state goes from ``source`` to ``dest``."""

    at: datetime
    source: str
    dest: str
    rule: str
    #: the outcome it closes with (None: it does not close; not in the wire format, where
    #: the next decision says it)
    outcome: str | None = None

    def to_dict(self, tz: Any) -> dict[str, Any]:
        """The wire format (``from``/``to``), ``at`` in ``tz``."""
        return {
            "at": local_text(self.at, tz),
            "from": self.source,
            "to": self.dest,
            "rule": self.rule,
        }


@attrs.frozen
class Plan:
    """Everything ahead of one application as of ``as_of`` if nothing else happens."""

    application: str
    as_of: datetime
    state: str
    #: the decision's ``revisit_at``: when :func:`next_action` next changes by itself
    revisit_at: datetime | None
    #: in order of ``not_before``
    windows: tuple[Window, ...]
    #: in order of ``at``
    changes: tuple[Change, ...]
    timezone: str = "UTC"

    def to_dict(self) -> dict[str, Any]:
        """The wire format; instants in the application's timezone."""
        tz = _zone(self.timezone)
        return {
            "application": self.application,
            "as_of": local_text(self.as_of, tz),
            "state": self.state,
            "revisit_at": local_text(self.revisit_at, tz),
            "windows": [w.to_dict(tz) for w in self.windows],
            "changes": [c.to_dict(tz) for c in self.changes],
        }


def plan(app: Application, now: datetime, policy: Policy | None = None) -> Plan:
    """Every window ahead of ``app`` as of ``now`` (timezone-aware), and what time changes.

    Only events at or before ``now`` count, as for :func:`next_action`; nothing else is
    assumed to happen. A window is one action to one recipient: ``send_thank_you`` and
    ``mail_handwritten_note`` per interviewer of the round, ``send_status_inquiry``,
    ``reply_to_rejection``, ``respond_to_offer``. :func:`check` allows the action at an instant
    after ``now`` exactly when the instant lies inside one of them. Raises as
    :func:`next_action` does.
    """
    now = as_of(now)
    policy = policy or default_policy()
    ctx = replay(app, policy, now)
    decision = decide(app, ctx, policy, now)
    changes = tuple(
        Change(at, t.source, t.dest, TIMED_RULES[t.trigger], t.outcome)
        for at, t in ahead(ctx, policy)
    )
    return Plan(
        app.id,
        now,
        ctx.state,
        decision.revisit_at,
        _windows(ctx, policy, now),
        changes,
        app.timezone,
    )


#: An action of a plan: (action, machine trigger or None, optional), those ``check`` judges.
_ACTIONS: tuple[tuple[str, str | None, bool], ...] = tuple(
    (action, term.trigger, term.optional) if (term := by_action(action)) else (action, None, False)
    for action in CHECKABLE
)

#: Where an action's window opens when no guard bounds it from below.
_ORIGIN: dict[str, Callable[[Context], datetime | None]] = {
    "send_thank_you": lambda ctx: ctx.end,
    "mail_handwritten_note": lambda ctx: ctx.end,
    "send_status_inquiry": lambda ctx: ctx.opening or ctx.end,
    "reply_to_rejection": lambda ctx: ctx.rejection_at,
    "respond_to_offer": lambda ctx: ctx.offer_at,
}

#: The on-time deadline and the rule of each action's window.
_DUE: dict[str, Callable[[Context], datetime | None]] = {
    "send_thank_you": Context.thank_you_due,
    "mail_handwritten_note": lambda ctx: None,
    "send_status_inquiry": lambda ctx: None,
    "reply_to_rejection": Context.rejection_due,
    "respond_to_offer": lambda ctx: ctx.offer_due,
}

_RULE: dict[str, Callable[[Context], str]] = {
    "send_thank_you": lambda ctx: "thank-you-24h",
    "mail_handwritten_note": lambda ctx: "handwritten-note-optional",
    "send_status_inquiry": _inquiry_rule,
    "reply_to_rejection": lambda ctx: "rejection-one-reply",
    "respond_to_offer": lambda ctx: "offer-respond",
}

Piece = tuple[datetime | None, datetime | None]


def _windows(ctx: Context, policy: Policy, now: datetime) -> tuple[Window, ...]:
    # (action, recipient) -> the pieces of time it is allowed in, state after state
    pieces: dict[tuple[str, str | None], list[Piece]] = {}
    start: list[datetime | None] = [None]  # the first state counts from before `now`

    def visit(until: datetime | None) -> None:
        for action, trigger, _ in _ACTIONS:
            for to in _recipients(ctx, trigger):
                piece = _allowed(ctx, policy, trigger, to)
                if piece is None:
                    continue
                lo = _later(piece[0], start[0])
                hi = _earlier(piece[1], until)
                if lo is not None and hi is not None and lo >= hi:
                    continue
                pieces.setdefault((action, to), []).append((lo, hi))
        start[0] = until

    through(ctx, policy, visit)
    out: list[Window] = []
    for action, trigger, optional in _ACTIONS:
        for to in _recipients(ctx, trigger):
            for lo, hi in _joined(pieces.get((action, to), [])):
                if hi is not None and hi <= now:
                    continue  # over before now
                not_before = lo if lo is not None else _ORIGIN[action](ctx)
                assert not_before is not None
                out.append(
                    Window(
                        action,
                        () if to is None else (to,),
                        not_before,
                        _DUE[action](ctx),
                        hi,
                        _RULE[action](ctx),
                        optional,
                    )
                )
    out.sort(key=lambda w: w.not_before)  # (stable: the order of _ACTIONS among equals)
    return tuple(out)


def _recipients(ctx: Context, trigger: str | None) -> tuple[str | None, ...]:
    if trigger in ("thank_you_sent", "note_mailed"):
        return ctx.recipients
    return (None,)


def _allowed(ctx: Context, policy: Policy, trigger: str | None, to: str | None) -> Piece | None:
    """The interval in which the contact is allowed in the current state (None: at no instant)."""
    if trigger is None:  # answering an offer: allowed while it is pending and not closed
        return (None, None) if ctx.offer_pending and ctx.state != "closed" else None
    if impossible_contact(ctx, trigger) is not None:
        return None  # it would contradict the history
    t = route(ctx, policy, trigger, to)
    if t is None:
        return None
    lo: datetime | None = None
    hi: datetime | None = None
    for guard in t.guards:
        window = GUARD_WINDOWS[guard](ctx, to)
        if window is None:
            return None
        lo, hi = _later(lo, window[0]), _earlier(hi, window[1])
    if lo is not None and hi is not None and lo >= hi:
        return None
    return lo, hi


def _later(a: datetime | None, b: datetime | None) -> datetime | None:
    return b if a is None else a if b is None else max(a, b)


def _earlier(a: datetime | None, b: datetime | None) -> datetime | None:
    return b if a is None else a if b is None else min(a, b)


def _joined(pieces: list[Piece]) -> list[Piece]:
    """Pieces in time order (as the states come), joined where one ends as the next begins."""
    out: list[Piece] = []
    for lo, hi in pieces:
        if out and out[-1][1] is not None and lo is not None and out[-1][1] >= lo:
            out[-1] = (out[-1][0], hi)
        else:
            out.append((lo, hi))
    return out
