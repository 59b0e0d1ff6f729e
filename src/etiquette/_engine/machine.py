"""The etiquette state machine: one module owns it all.

Theory of operation
-------------------

An application is event-sourced: it stores who and where, plus the list of what happened
(interviews, thank-yous, inquiries, the employer's replies, offers, rejections, ...). Its state
is never stored. It is derived by *replaying* the events, in order of their instants, through
the policy's state machine, as of a ``now`` that the caller passes in. The engine reads no clock
and does no I/O.

The machine is data. A policy spec lists the states and the transitions
(trigger, source, dest, conditions, guards, outcome); :func:`compile_machine` checks the
definition the way a careful reviewer would (every name known, every state reachable from the
initial state, a way to a final state from every other state, nothing out of a final state),
builds one ``transitions.Machine`` from it per policy, and reads back from that machine a lookup
table ``(state, trigger) -> transitions``. No application ever gets a Machine of its own: the
replay walks the table.

There are four kinds of trigger:

* *employer* events (``interview``, ``reply_received``, ``offer_received``,
  ``rejection_received``) are facts, and facts are never refused: the spec gives each one a
  transition from every state it can follow, ``closed`` included, where conditions on the
  outcome choose (``no_response`` is a presumption that any employer event reopens; an offer
  reopens a closing the candidate chose or a rejection; an interview is a new round from
  anywhere; other employer events after a closing change nothing). Only an employer event
  before any interview has no transition (:class:`InvalidEvent`);
* *candidate contacts* (``thank_you_sent``, ``note_mailed``, ``status_inquiry_sent``,
  ``rejection_reply_sent``) are where etiquette applies: each transition names the *guards* that
  must hold, each guard enforces one rule id and knows from when it would hold. A contact whose
  guards fail, or for which the state has no transition at all (then the state's
  ``silence_rule`` speaks: ``closed-silence`` once closed), is a violation: refused by a strict
  ``record``, noted on the event otherwise. Either way the replay goes on as the facts say;
* *candidate decisions* (``offer_accepted``, ``offer_declined``, ``withdrawn``) close; an
  answer to an offer needs a pending offer (else :class:`InvalidEvent`: it contradicts the
  history), and a pending offer survives a new interview round;
* *timed* triggers (``thank_you_day_over``, ``thank_you_limit_passed``, ``ghosted``,
  ``gone_cold``, ``reply_window_over``) fire by themselves at a deadline computed from the
  history. They are evaluated lazily: before each event at instant t, and at the end for
  ``now``, every timed transition whose deadline is at or before that instant fires, earliest
  first.

Windows are half-open: an action allowed from ``a`` until ``b`` may happen at ``a`` but not at
``b``; a deadline that falls on the instant of an event fires before that event.

*Conditions* choose among several transitions of one trigger (the first whose conditions hold
wins); *guards* never choose, they judge. Bookkeeping (who was thanked, how many inquiries are
unanswered, when the inquiry opens) is done by one effect per trigger in :func:`_apply`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime, time
from typing import TYPE_CHECKING, Any, Final

import transitions

from .errors import InvalidEvent, Violation
from .model import (
    Application,
    Event,
    ThankYouSent,
)
from .policy import STATES, Numbers, Policy
from .times import _DATETIME, UTC, Calendar, Chain, Duration, calendar_for, quoted
from .vocabulary import term_of

if TYPE_CHECKING:
    from .errors import SpecError

#: The class of thank-yous, held by the compiled module: a class imported from a Python module
#: is looked up in the module's namespace at each use, a ``Final`` one is not.
_THANK_YOU_SENT: Final = ThankYouSent

__all__ = [
    "CONDITIONS",
    "COORDINATOR",
    "GUARDS",
    "STATES",
    "TRIGGERS",
    "Context",
    "Transition",
    "compile_machine",
    "replay",
]

#: The states the engine knows, in their natural order.

#: Trigger name -> kind.
TRIGGERS: Final[dict[str, str]] = {
    "interview": "employer",
    "reply_received": "employer",
    "offer_received": "employer",
    "rejection_received": "employer",
    "thank_you_sent": "contact",
    "note_mailed": "contact",
    "status_inquiry_sent": "contact",
    "rejection_reply_sent": "contact",
    "offer_accepted": "decision",
    "offer_declined": "decision",
    "withdrawn": "decision",
    "thank_you_day_over": "timed",
    "thank_you_limit_passed": "timed",
    "ghosted": "timed",
    "gone_cold": "timed",
    "reply_window_over": "timed",
}

OUTCOMES: Final = ("accepted", "declined", "rejected", "withdrawn", "no_response")

#: The recipient slot of a round whose interviewers are not named.
COORDINATOR: Final = "coordinator"


# --- the context of one replay ----------------------------------------------------------------

#: A state's timed triggers: (deadline of the context, transitions), in the order of DEADLINES.
Timed = tuple[tuple[Callable[["Context"], "datetime | None"], tuple["Transition", ...]], ...]
#: The policy's transitions by state, then trigger (its table, one state at a time).
Routes = dict[str, dict[str, tuple["Transition", ...]]]


class Context:
    """What the replay knows at an instant: state plus the bookkeeping of the current round.

    A plain class (no attrs): the engine's modules are compiled with mypyc when the package is
    built, and a native class reads and writes these attributes at C speed.
    """

    def __init__(
        self,
        numbers: Numbers,
        calendar: Calendar,
        state: str,
        timed: dict[str, Timed],
        routes: Routes,
        thanks_timed: bool = True,
    ) -> None:
        self.numbers = numbers
        self.calendar = calendar
        self.state = state
        #: the policy's timed transitions by state (:func:`_by_state`)
        self.timed = timed
        #: the policy's transitions by state, then trigger (:func:`_by_state`)
        self.routes = routes
        # whether a thank-you can move the next timed transition (``ahead``): only through a
        # condition of a timed transition on who was thanked (_THANKS_CONDITIONS); otherwise a
        # thank-you keeps it known
        self.thanks_timed = thanks_timed
        self.outcome: str | None = None
        # the current round
        self.round_at: datetime | None = None
        self.end: datetime | None = None
        self.recipients: tuple[str, ...] = ()
        self.thanked: set[str] = set()
        self.noted: set[str] = set()
        self.opening: datetime | None = None
        self.opening_rule = "inquiry-after-timeline"
        self.inquiries_in_round = 0
        # across rounds
        self.unanswered = 0
        self.last_inquiry: datetime | None = None
        self.last_employer: datetime | None = None
        self.offer_at: datetime | None = None
        self.offer_due: datetime | None = None
        #: an offer was received and is not answered, rescinded or withdrawn from (it survives
        #: a new interview round)
        self.offer_pending = False
        self.rejection_at: datetime | None = None
        self.closed_at: datetime | None = None
        #: when the current state was entered
        self.since: datetime | None = None
        #: the last time a closed application was reopened by a fact, and the outcome it had
        self.reopened_at: datetime | None = None
        self.reopened_from: str | None = None
        # the next timed transition from here (:func:`next_deadline`), while nothing has
        # changed: it is asked for before every event, and by the decision, again and again
        self.ahead: tuple[datetime, Transition] | None = None
        self.ahead_known = False
        # the late limit and the cold close, with the instant each was computed from: asked
        # for again and again while it stands (by the timed transitions, the guards, the
        # decision), each is one calendar sum
        self._late_from: datetime | None = None
        self._late: datetime | None = None
        self._cold_from: datetime | None = None
        self._cold: datetime | None = None

    def __repr__(self) -> str:
        return f"Context(state={self.state!r}, outcome={self.outcome!r}, since={self.since!r})"

    # deadlines of the round, each from the policy's numbers, in the application's calendar
    # (computed when asked: remembering them costs as much as the few computed twice)

    def _after(self, at: datetime | None, duration: Duration | Chain) -> datetime | None:
        return None if at is None else self.calendar.add(at, duration)

    def thank_you_due(self) -> datetime | None:
        """End of the thank-you day (thank-you-24h)."""
        return self._after(self.end, self.numbers.thank_you_due)

    def late_limit(self) -> datetime | None:
        """Last instant (exclusive) of any thank-you or note (thank-you-late-limit)."""
        end = self.end
        if end is not self._late_from:
            self._late_from = end
            self._late = self._after(end, self.numbers.late_limit)
        return self._late

    def spaced_from(self) -> datetime | None:
        """When the next inquiry is far enough from the last (inquiry-spacing)."""
        return self._after(self.last_inquiry, self.numbers.spacing)

    def ghost_close(self) -> datetime | None:
        """When the last inquiry has waited long enough (ghosted-close)."""
        return self._after(self.last_inquiry, self.numbers.ghost_wait)

    def rejection_due(self) -> datetime | None:
        """When the gracious reply is due (rejection-one-reply)."""
        return self._after(self.rejection_at, self.numbers.rejection_due)

    def rejection_limit(self) -> datetime | None:
        """When the reply's window ends (rejection-one-reply)."""
        return self._after(self.rejection_at, self.numbers.rejection_limit)

    def inquiries_left(self) -> bool:
        """Whether another inquiry fits the limits (rule inquiry-max-unanswered)."""
        n = self.numbers
        return self.unanswered < n.max_unanswered and self.inquiries_in_round < n.max_total

    def cold_close(self) -> datetime | None:
        """The latest close when the employer stays silent (ghosted-close, invariant P7).

        The opening in force, plus (max_unanswered - 1) inquiry spacings, plus the ghosting wait:
        the instant at which a candidate who inquired at every first allowed instant would be
        closed as no_response. Inquiring later, or not at all, never keeps it open longer.
        """
        opening = self.opening
        if opening is self._cold_from:
            return self._cold
        deadline = opening
        if deadline is not None:
            for duration in self.numbers.cold_chain:
                deadline = self.calendar.add(deadline, duration)
        self._cold_from, self._cold = opening, deadline
        return deadline

    def owed(self) -> tuple[str, ...]:
        """Recipients of this round not yet thanked by email."""
        return tuple(r for r in self.recipients if r not in self.thanked)


# --- guards: each enforces one rule and knows from when it would hold ------------------------

#: What holds a contact back: the rule, from when it would allow the contact (None: not by
#: waiting), and the words for why (asked only when a message is wanted: formatting local times
#: is the costliest part of a guard, and a decision mostly needs the rule and the instant).
Hold = tuple[str, datetime | None, Callable[[], str]]

Guard = Callable[[Context, datetime, str | None], Hold | None]


def _local(ctx: Context, instant: datetime) -> str:
    return ctx.calendar.wall_clock(instant, zone=True)


def _interview_over(ctx: Context, at: datetime, to: str | None) -> Hold | None:
    # rule thank-you-24h: a thank-you is allowed from the interview's end
    end = ctx.end
    assert end is not None
    if at >= end:
        return None
    return "thank-you-24h", end, lambda: f"the interview ends at {_local(ctx, end)}; thank after it"


def _within_late_limit(ctx: Context, at: datetime, to: str | None) -> Hold | None:
    # rule thank-you-late-limit: never after end + late limit
    limit = ctx.late_limit()
    assert limit is not None
    if at < limit:
        return None
    return (
        "thank-you-late-limit",
        None,
        lambda: f"thank-yous of this round ended at {_local(ctx, limit)}",
    )


def _first_thank_you(ctx: Context, at: datetime, to: str | None) -> Hold | None:
    # rule thank-you-24h: one thank-you email per interviewer per round
    if to not in ctx.thanked:
        return None
    return "thank-you-24h", None, lambda: f"{to} was already thanked this round"


def _first_note(ctx: Context, at: datetime, to: str | None) -> Hold | None:
    # rule handwritten-note-optional: at most one handwritten note per interviewer per round
    if to not in ctx.noted:
        return None
    return (
        "handwritten-note-optional",
        None,
        lambda: f"{to} already has a handwritten note this round",
    )


def _inquiry_open(ctx: Context, at: datetime, to: str | None) -> Hold | None:
    # rules inquiry-after-timeline / no-bombarding: not before the opening the interview (or a
    # reply that gave no new date) set
    opening = ctx.opening
    if opening is None or at >= opening or ctx.opening_rule == "ongoing-wait":
        return None
    return (
        ctx.opening_rule,
        opening,
        lambda: f"the status inquiry opens at {_local(ctx, opening)}",
    )


def _ongoing_wait_over(ctx: Context, at: datetime, to: str | None) -> Hold | None:
    # rule ongoing-wait: after a still-deciding reply, not before the opening it set
    opening = ctx.opening
    if opening is None or at >= opening or ctx.opening_rule != "ongoing-wait":
        return None
    return (
        "ongoing-wait",
        opening,
        lambda: (
            f"they said they are still deciding: the next inquiry opens at {_local(ctx, opening)}"
        ),
    )


def _within_reply_window(ctx: Context, at: datetime, to: str | None) -> Hold | None:
    # rule rejection-one-reply: the one gracious reply, inside its window
    limit = ctx.rejection_limit()
    if limit is None or at < limit:
        return None
    return (
        "rejection-one-reply",
        None,
        lambda: f"the window for the reply to the rejection ended at {_local(ctx, limit)}",
    )


def _inquiry_spaced(ctx: Context, at: datetime, to: str | None) -> Hold | None:
    # rule inquiry-spacing: two inquiries at least `spacing` apart
    spaced = ctx.spaced_from()
    if spaced is None or at >= spaced:
        return None
    return (
        "inquiry-spacing",
        spaced,
        lambda: (
            f"the last inquiry was sent less than {ctx.numbers.spacing.describe()} ago; "
            f"the next may follow from {_local(ctx, spaced)}"
        ),
    )


def _inquiry_under_limit(ctx: Context, at: datetime, to: str | None) -> Hold | None:
    # rule inquiry-max-unanswered: ≤ max_unanswered since the employer last wrote, ≤ max_total
    n = ctx.numbers
    unanswered, sent = ctx.unanswered, ctx.inquiries_in_round
    if unanswered >= n.max_unanswered:
        return (
            "inquiry-max-unanswered",
            None,
            lambda: f"{unanswered} inquiries are unanswered (at most {n.max_unanswered})",
        )
    if sent >= n.max_total:
        return (
            "inquiry-max-unanswered",
            None,
            lambda: f"{sent} inquiries were sent this round (at most {n.max_total})",
        )
    return None


def _no_offer_pending(ctx: Context, at: datetime, to: str | None) -> Hold | None:
    # rule offer-respond: no status inquiry while an offer is pending (answer it instead)
    if not ctx.offer_pending:
        return None
    return "offer-respond", None, lambda: "an offer is pending: answer it instead of asking"


#: Guard name -> (rule id it enforces, what it means, implementation).
GUARDS: Final[dict[str, tuple[str, str, Guard]]] = {
    "interview_over": ("thank-you-24h", "the interview has ended", _interview_over),
    "within_late_limit": (
        "thank-you-late-limit",
        "before the late limit",
        _within_late_limit,
    ),
    "first_thank_you": ("thank-you-24h", "first thank-you to them this round", _first_thank_you),
    "first_note": ("handwritten-note-optional", "first note to them this round", _first_note),
    "inquiry_open": ("inquiry-after-timeline", "the inquiry has opened", _inquiry_open),
    "ongoing_wait_over": (
        "ongoing-wait",
        "the wait a still-deciding reply asked for is over",
        _ongoing_wait_over,
    ),
    "inquiry_spaced": ("inquiry-spacing", "far enough from the last inquiry", _inquiry_spaced),
    "inquiry_under_limit": (
        "inquiry-max-unanswered",
        "under the inquiry limits",
        _inquiry_under_limit,
    ),
    "no_offer_pending": ("offer-respond", "no offer is pending", _no_offer_pending),
    "within_reply_window": (
        "rejection-one-reply",
        "inside the reply's window",
        _within_reply_window,
    ),
}


def _everyone_thanked(ctx: Context, to: str | None) -> bool:
    # with the thank-you to `to` (the one being sent), every recipient of the round is thanked
    thanked = ctx.thanked
    for r in ctx.recipients:  # noqa: SIM110 (a loop: all() of a generator costs twice as much)
        if r != to and r not in thanked:
            return False
    return True


def _no_inquiry_left(ctx: Context, to: str | None) -> bool:
    return not ctx.inquiries_left()


def _offer_pending(ctx: Context, to: str | None) -> bool:
    return ctx.offer_pending


def _outcome_is(outcome: str) -> Callable[[Context, str | None], bool]:
    def test(ctx: Context, to: str | None) -> bool:
        return ctx.outcome == outcome

    test.__name__ = f"_outcome_{outcome}"
    return test


#: The conditions that read who was thanked (see Context.thanks_timed).
_THANKS_CONDITIONS: Final = frozenset({"everyone_thanked"})

#: Condition name -> (what it means, implementation on the context and the recipient).
CONDITIONS: Final[dict[str, tuple[str, Callable[[Context, str | None], bool]]]] = {
    "everyone_thanked": ("everyone thanked", _everyone_thanked),
    "no_inquiry_left": ("no inquiry left", _no_inquiry_left),
    "offer_pending": ("an offer is pending", _offer_pending),
    **{
        f"outcome_{outcome}": (f"closed as {outcome}", _outcome_is(outcome)) for outcome in OUTCOMES
    },
}

#: Timed trigger -> the deadline at which it fires.
DEADLINES: Final[dict[str, Callable[[Context], datetime | None]]] = {
    "thank_you_day_over": Context.thank_you_due,
    "thank_you_limit_passed": Context.late_limit,
    "ghosted": Context.ghost_close,
    "gone_cold": Context.cold_close,
    "reply_window_over": Context.rejection_limit,
}

#: Timed trigger -> the rule whose deadline it is.
TIMED_RULES: Final[dict[str, str]] = {
    "thank_you_day_over": "thank-you-24h",
    "thank_you_limit_passed": "thank-you-late-limit",
    "ghosted": "ghosted-close",
    "gone_cold": "ghosted-close",
    "reply_window_over": "rejection-one-reply",
}

#: When a guard holds: [from, until) (None: no bound on that side), or None when it holds at no
#: instant. A guard holds at ``at`` exactly when ``at`` lies in its window; ``plan`` intersects
#: the windows of a transition's guards.
Window = tuple[datetime | None, datetime | None] | None

_ALWAYS: Final[Window] = (None, None)


def _window_interview_over(ctx: Context, to: str | None) -> Window:
    return ctx.end, None


def _window_late_limit(ctx: Context, to: str | None) -> Window:
    return None, ctx.late_limit()


def _window_first_thank_you(ctx: Context, to: str | None) -> Window:
    return None if to in ctx.thanked else _ALWAYS


def _window_first_note(ctx: Context, to: str | None) -> Window:
    return None if to in ctx.noted else _ALWAYS


def _window_inquiry_open(ctx: Context, to: str | None) -> Window:
    return (None, None) if ctx.opening_rule == "ongoing-wait" else (ctx.opening, None)


def _window_ongoing_wait(ctx: Context, to: str | None) -> Window:
    return (ctx.opening, None) if ctx.opening_rule == "ongoing-wait" else (None, None)


def _window_reply(ctx: Context, to: str | None) -> Window:
    return None, ctx.rejection_limit()


def _window_inquiry_spaced(ctx: Context, to: str | None) -> Window:
    return ctx.spaced_from(), None


def _window_under_limit(ctx: Context, to: str | None) -> Window:
    return _ALWAYS if ctx.inquiries_left() else None


def _window_no_offer(ctx: Context, to: str | None) -> Window:
    return None if ctx.offer_pending else _ALWAYS


#: Guard name -> its window (see ``Window``); the guards above judge one instant against the
#: same deadlines.
GUARD_WINDOWS: Final[dict[str, Callable[[Context, str | None], Window]]] = {
    "interview_over": _window_interview_over,
    "within_late_limit": _window_late_limit,
    "first_thank_you": _window_first_thank_you,
    "first_note": _window_first_note,
    "inquiry_open": _window_inquiry_open,
    "ongoing_wait_over": _window_ongoing_wait,
    "inquiry_spaced": _window_inquiry_spaced,
    "inquiry_under_limit": _window_under_limit,
    "no_offer_pending": _window_no_offer,
    "within_reply_window": _window_reply,
}

#: Which guards each contact trigger may use.
_GUARDS_OF: Final = {
    "thank_you_sent": {"interview_over", "within_late_limit", "first_thank_you"},
    "note_mailed": {"interview_over", "within_late_limit", "first_note"},
    "status_inquiry_sent": {
        "inquiry_open",
        "ongoing_wait_over",
        "inquiry_spaced",
        "inquiry_under_limit",
        "no_offer_pending",
    },
    "rejection_reply_sent": {"within_reply_window"},
}


# --- compiling a spec -----------------------------------------------------------------------


class Transition:
    """One compiled transition (a value: equal when trigger, source, dest, conditions, guards
    and outcome are; a plain class, as :class:`Context` is)."""

    def __init__(
        self,
        trigger: str,
        source: str,
        dest: str,
        conditions: tuple[str, ...],
        guards: tuple[str, ...],
        outcome: str | None,
    ) -> None:
        self.trigger = trigger
        self.source = source
        self.dest = dest
        self.conditions = conditions
        self.guards = guards
        self.outcome = outcome
        #: the conditions' implementations, looked up once (``CONDITIONS``)
        self.tests: tuple[Callable[[Context, str | None], bool], ...] = tuple(
            CONDITIONS[c][1] for c in conditions
        )
        #: whether every condition holds, as one call (None: the transition has no condition)
        self.test: Callable[[Context, str | None], bool] | None = (
            None if not self.tests else self.tests[0] if len(self.tests) == 1 else self.holds
        )
        #: the guards' implementations, looked up once (``GUARDS``)
        self.checks: tuple[Guard, ...] = tuple(GUARDS[g][2] for g in guards)

    def _key(self) -> tuple[str, str, str, tuple[str, ...], tuple[str, ...], str | None]:
        return (self.trigger, self.source, self.dest, self.conditions, self.guards, self.outcome)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Transition) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return (
            f"Transition(trigger={self.trigger!r}, source={self.source!r}, dest={self.dest!r}, "
            f"conditions={self.conditions!r}, guards={self.guards!r}, outcome={self.outcome!r})"
        )

    def __reduce__(self) -> tuple[type[Transition], tuple[object, ...]]:
        # (pickled by its data: its implementations are looked up again by name)
        return Transition, self._key()

    def holds(self, ctx: Context, to: str | None) -> bool:
        """Whether every condition of the transition holds (a transition without any: True)."""
        for test in self.tests:  # noqa: SIM110 (as in _everyone_thanked)
            if not test(ctx, to):
                return False
        return True


Table = Mapping[tuple[str, str], tuple[Transition, ...]]


def compile_machine(
    raw: Sequence[Any],
    states: Mapping[str, Mapping[str, Any]],
    initial: str,
    fail: Callable[[str, str], SpecError],
) -> tuple[transitions.Machine, Table]:
    """Check the spec's transitions and build the machine and its lookup table."""
    finals = {s for s, body in states.items() if body.get("final", False)}
    if not finals:
        raise fail("states", "no state is final (final = true)")
    specs: list[dict[str, Any]] = []
    # the outcome of each transition, by (trigger, source), in the order of the spec (as the
    # machine keeps them: two transitions may share trigger, source and dest)
    outcomes: dict[tuple[str, str], list[str | None]] = {}
    for i, entry in enumerate(raw):
        path = f"transitions[{i}]"
        if not isinstance(entry, dict):
            raise fail(path, "expected a table")
        for key in entry:
            if key not in ("trigger", "source", "dest", "conditions", "guards", "outcome"):
                raise fail(
                    f"{path}.{key}",
                    "unknown key (allowed: trigger, source, dest, conditions, guards, outcome)",
                )
        trigger = entry.get("trigger")
        if not isinstance(trigger, str) or trigger not in TRIGGERS:
            raise fail(
                f"{path}.trigger",
                f"unknown trigger {quoted(trigger)} (known: {', '.join(TRIGGERS)})",
            )
        sources = entry.get("source")
        if isinstance(sources, str):
            sources = [sources]
        if not isinstance(sources, list) or not sources:
            raise fail(f"{path}.source", "expected a state or a list of states")
        for j, source in enumerate(sources):
            if not isinstance(source, str) or source not in states:
                raise fail(
                    f"{path}.source[{j}]"
                    if len(sources) > 1 or not isinstance(entry["source"], str)
                    else f"{path}.source",
                    f"unknown state {quoted(source)}",
                )
            if source in finals and TRIGGERS[trigger] not in ("employer", "decision"):
                # a fact may follow a closing (and reopen it, by the outcome's conditions); time
                # and contacts never move a final state
                raise fail(
                    f"{path}.source",
                    f"{quoted(source)} is final: only an employer event or a candidate decision "
                    f"may leave it, not {TRIGGERS[trigger]} trigger {quoted(trigger)}",
                )
        dest = entry.get("dest")
        if not isinstance(dest, str) or (dest != "=" and dest not in states):
            raise fail(f"{path}.dest", f'unknown state {quoted(dest)} (or "=" to stay)')
        if TRIGGERS[trigger] == "timed" and (dest == "=" or dest in sources):
            # a timed transition that stays would fire again at the same deadline, for ever
            raise fail(f"{path}.dest", f"the timed trigger {quoted(trigger)} must leave its state")
        conditions = _names(entry, "conditions", path, CONDITIONS, fail)
        guards = _names(entry, "guards", path, GUARDS, fail)
        allowed = _GUARDS_OF.get(trigger, set())
        for j, guard in enumerate(guards):
            if guard not in allowed:
                raise fail(
                    f"{path}.guards[{j}]",
                    f"guard {quoted(guard)} does not apply to trigger {quoted(trigger)}"
                    + (f" (it takes: {', '.join(sorted(allowed))})" if allowed else ""),
                )
        outcome = entry.get("outcome")
        stays_final = dest == "=" and all(source in finals for source in sources)
        if stays_final:
            if outcome is not None:
                raise fail(
                    f"{path}.outcome", 'a transition that stays ("=") keeps the outcome it had'
                )
        elif dest in finals:
            if not isinstance(outcome, str) or outcome not in OUTCOMES:
                raise fail(
                    f"{path}.outcome",
                    f"a transition into {quoted(dest)} needs an outcome: "
                    f"one of {', '.join(OUTCOMES)}",
                )
        elif outcome is not None:
            raise fail(f"{path}.outcome", "only a transition into a final state has an outcome")
        for source in sources:
            outcomes.setdefault((str(trigger), str(source)), []).append(outcome)
        specs.append(
            {
                "trigger": trigger,
                "source": list(sources),
                "dest": dest,
                "conditions": [*conditions, *guards],
            }
        )

    machine = transitions.Machine(
        model=None,
        states=list(states),
        initial=initial,
        transitions=specs,
        auto_transitions=False,
        send_event=True,
    )
    table: dict[tuple[str, str], list[Transition]] = {}
    for trigger, event in machine.events.items():
        for source, compiled in event.transitions.items():
            for t in compiled:
                names = tuple(c.func for c in t.conditions if isinstance(c.func, str))
                table.setdefault((source, trigger), []).append(
                    Transition(
                        trigger=trigger,
                        source=source,
                        dest=t.dest if t.dest is not None else source,
                        conditions=tuple(n for n in names if n in CONDITIONS),
                        guards=tuple(n for n in names if n in GUARDS),
                        outcome=outcomes[(trigger, source)][len(table[(source, trigger)])],
                    )
                )
    frozen = {key: tuple(value) for key, value in table.items()}
    _check_graph(frozen, states, initial, finals, fail)
    _check_facts(frozen, states, initial, fail)
    _check_timed_acyclic(frozen, fail)
    return machine, frozen


def _names(
    entry: Mapping[str, Any], key: str, path: str, known: Mapping[str, Any], fail: Any
) -> tuple[str, ...]:
    value = entry.get(key, [])
    if not isinstance(value, list):
        raise fail(f"{path}.{key}", "expected a list of names")
    for j, name in enumerate(value):
        if not isinstance(name, str) or name not in known:
            raise fail(
                f"{path}.{key}[{j}]",
                f"unknown {key[:-1]} {quoted(name)} (known: {', '.join(known)})",
            )
    return tuple(value)


#: The facts every state must take (contract: facts are never refused), and whether the initial
#: state must take it too (before the first interview, only a new round or a withdrawal can be).
_FACTS: Final = {
    "interview": True,
    "withdrawn": True,
    "reply_received": False,
    "offer_received": False,
    "rejection_received": False,
}


def _check_facts(
    table: Table, states: Iterable[str], initial: str, fail: Callable[[str, str], SpecError]
) -> None:
    """Every state records every fact: its last transition for the trigger has no condition
    (``dest = "="`` records it and stays), so a fact that really happened is never refused."""
    for trigger, from_initial in _FACTS.items():
        for state in states:
            if state == initial and not from_initial:
                continue
            ts = table.get((state, trigger), ())
            if not ts or ts[-1].conditions:
                raise fail(
                    "transitions",
                    f"state {quoted(state)} refuses the fact {quoted(trigger)}: facts are never "
                    f'refused (give it a transition without conditions; dest = "=" stays)',
                )


def _check_timed_acyclic(table: Table, fail: Callable[[str, str], SpecError]) -> None:
    """Timed transitions alone must not lead back to a state: time would move it round for ever."""
    edges: dict[str, set[str]] = {}
    for (source, trigger), ts in table.items():
        if TRIGGERS[trigger] == "timed":
            edges.setdefault(source, set()).update(t.dest for t in ts)

    def visit(state: str, path: tuple[str, ...]) -> None:
        for nxt in sorted(edges.get(state, ())):
            if nxt in path:
                cycle = " -> ".join((*path[path.index(nxt) :], nxt))
                raise fail("transitions", f"timed transitions form a cycle: {cycle}")
            visit(nxt, (*path, nxt))

    for state in sorted(edges):
        visit(state, (state,))


def _check_graph(
    table: Table,
    states: Iterable[str],
    initial: str,
    finals: set[str],
    fail: Callable[[str, str], SpecError],
) -> None:
    edges: dict[str, set[str]] = {}
    for (source, _), ts in table.items():
        edges.setdefault(source, set()).update(t.dest for t in ts)
    reached = {initial}
    todo = [initial]
    while todo:
        for nxt in edges.get(todo.pop(), ()):
            if nxt not in reached:
                reached.add(nxt)
                todo.append(nxt)
    for state in states:
        if state not in reached:
            raise fail(f"states.{state}", f"unreachable from the initial state {quoted(initial)}")
    leads_out = set(finals)
    changed = True
    while changed:
        changed = False
        for source, dests in edges.items():
            if source not in leads_out and dests & leads_out:
                leads_out.add(source)
                changed = True
    for state in states:
        if state not in leads_out:
            raise fail(f"states.{state}", "a trap: no way from it to a final state")


# --- replay ---------------------------------------------------------------------------------


#: A thank-you's trigger, by its channel.
_THANKS_TRIGGERS: Final = {"email": "thank_you_sent", "handwritten": "note_mailed"}


def ordered(app: Application) -> list[tuple[int, Event]]:
    """The events in the order of their instants (the application's timeline), each with its
    index in ``app.events``.

    (The same event value may be given twice: the order being stable, its k-th place in the
    timeline is its k-th in the events.)
    """
    places: dict[int, list[int]] = {}
    for index, event in enumerate(app.events):
        places.setdefault(id(event), []).append(index)
    return [(places[id(event)].pop(0), event) for event in timeline(app)]


def timeline(app: Application) -> tuple[Event, ...]:
    """The events in the order of their instants (stable), as the application keeps them."""
    return app._timeline


def _utc(instant: datetime) -> datetime:
    """The instant in UTC.

    The engine compares instants all the time, and comparing two aware datetimes whose tzinfo
    objects differ costs twenty times as much as comparing two in UTC; so every instant it keeps
    is in UTC (an event's own, ``_at_utc``, is made with the event; this moves the others:
    ``now``, an interview's end, an offer's respond-by). A fixed offset has no DST and no fold:
    nothing else changes.
    """
    return instant if instant.tzinfo is UTC else instant.astimezone(UTC)


def new_context(app: Application, policy: Policy) -> Context:
    """The context before any event."""
    timed, thanks_timed, routes = _by_state(policy)
    return Context(
        numbers=policy.numbers,
        calendar=calendar_for(app.timezone, app.country),
        state=policy.initial,
        timed=timed,
        routes=routes,
        thanks_timed=thanks_timed,
    )


def replay(app: Application, policy: Policy, until: datetime) -> Context:
    """Replay the events at or before ``until`` and advance the clock to ``until``.

    Only the facts count here: the contacts of the history are not judged again (``record``
    and ``check`` judge them), so no guard runs.
    """
    ctx = new_context(app, policy)
    until = _utc(until)
    for position, event in enumerate(timeline(app)):
        if event._at_utc > until:
            break
        try:
            apply(ctx, policy, event, judged=False)
        except InvalidEvent as exc:
            raise exc.within(f"events[{ordered(app)[position][0]}]") from None
    advance(ctx, policy, until)
    return ctx


def advance(ctx: Context, policy: Policy, until: datetime) -> None:
    """Fire every timed transition whose deadline is at or before ``until``, earliest first."""
    # timed transitions form no cycle (checked when the policy is built): this ends
    while (due := next_deadline(ctx, policy)) is not None and due[0] <= until:
        _enter(ctx, due[1], due[0])


def closing(ctx: Context, policy: Policy) -> datetime | None:
    """The instant at which timed transitions alone will close the application, if they will."""
    # timed transitions move only state, outcome, closed_at and since: look ahead, then put
    # them back
    saved = (ctx.state, ctx.outcome, ctx.closed_at, ctx.since, ctx.ahead, ctx.ahead_known)
    try:
        for _ in range(len(DEADLINES) * 4):
            if ctx.state in policy.final_states:
                return ctx.closed_at
            due = next_deadline(ctx, policy)
            if due is None:
                return None
            _enter(ctx, due[1], due[0])
        return None
    finally:
        ctx.state, ctx.outcome, ctx.closed_at, ctx.since, ctx.ahead, ctx.ahead_known = saved


def ahead(ctx: Context, policy: Policy) -> list[tuple[datetime, Transition]]:
    """Every timed transition that time alone will fire from here, in order (touches nothing)."""
    saved = (ctx.state, ctx.outcome, ctx.closed_at, ctx.since, ctx.ahead, ctx.ahead_known)
    out: list[tuple[datetime, Transition]] = []
    try:
        # timed transitions form no cycle (checked when the policy is built): this ends
        while ctx.state not in policy.final_states:
            due = next_deadline(ctx, policy)
            if due is None:
                break
            out.append(due)
            _enter(ctx, due[1], due[0])
        return out
    finally:
        ctx.state, ctx.outcome, ctx.closed_at, ctx.since, ctx.ahead, ctx.ahead_known = saved


def through(ctx: Context, policy: Policy, visit: Callable[[datetime | None], None]) -> None:
    """Walk the states time alone will take from here: ``visit(until)`` is called with ``ctx``
    in each state in turn, ``until`` the instant it leaves it (None: it stays). Touches nothing
    once it returns."""
    saved = (ctx.state, ctx.outcome, ctx.closed_at, ctx.since, ctx.ahead, ctx.ahead_known)
    try:
        # timed transitions form no cycle (checked when the policy is built): this ends
        while True:
            due = None if ctx.state in policy.final_states else next_deadline(ctx, policy)
            visit(None if due is None else due[0])
            if due is None:
                return
            _enter(ctx, due[1], due[0])
    finally:
        ctx.state, ctx.outcome, ctx.closed_at, ctx.since, ctx.ahead, ctx.ahead_known = saved


def next_deadline(ctx: Context, policy: Policy) -> tuple[datetime, Transition] | None:
    """The earliest timed transition that will fire from the current state, if any."""
    if ctx.ahead_known:
        return ctx.ahead
    best: tuple[datetime, Transition] | None = None
    for deadline_of, candidates in ctx.timed.get(ctx.state, ()):
        for t in candidates:
            if t.test is not None and not t.test(ctx, None):
                continue
            deadline = deadline_of(ctx)
            if deadline is not None and (best is None or deadline < best[0]):
                best = (deadline, t)
            break
    ctx.ahead, ctx.ahead_known = best, True
    return best


#: :func:`_by_state` by policy (a policy hashes by identity), cleared when full: a compiled
#: lookup in a dict, where ``functools.lru_cache`` would cost a Python call at every replay.
_BY_STATE: Final[dict[Policy, tuple[dict[str, Timed], bool, Routes]]] = {}


def _by_state(policy: Policy) -> tuple[dict[str, Timed], bool, Routes]:
    """State -> its timed triggers' (deadline, transitions), in the order of DEADLINES; whether
    any of those transitions has a condition on who was thanked; and state -> trigger -> its
    transitions (the policy's table, one state at a time: :func:`route` looks a trigger up at
    every event, and two lookups by name cost less than building and hashing a key of two).

    Computed once per policy: every replay asks for it.
    """
    found = _BY_STATE.get(policy)
    if found is None:
        if len(_BY_STATE) >= 64:
            _BY_STATE.clear()
        found = _BY_STATE[policy] = _policy_by_state(policy)
    return found


def _policy_by_state(policy: Policy) -> tuple[dict[str, Timed], bool, Routes]:
    table: Table = policy.table
    out: dict[str, Timed] = {}
    for state in policy.states:
        found = tuple(
            (deadline_of, table[(state, trigger)])
            for trigger, deadline_of in DEADLINES.items()
            if (state, trigger) in table
        )
        if found:
            out[state] = found
    thanks_timed = any(
        _THANKS_CONDITIONS.intersection(t.conditions)
        for timed in out.values()
        for _, candidates in timed
        for t in candidates
    )
    routes: Routes = {state: {} for state in policy.states}
    for (state, trigger), candidates in table.items():
        routes[state][trigger] = candidates
    return out, thanks_timed, routes


def _enter(ctx: Context, t: Transition, at: datetime) -> None:
    if t.dest != ctx.state:
        if ctx.outcome is not None and t.outcome is None:
            # a fact leaves a final state (only a final state has an outcome): reopened
            ctx.reopened_at, ctx.reopened_from = at, ctx.outcome
            ctx.outcome = ctx.closed_at = None
        ctx.state = t.dest
        ctx.since = at
        ctx.ahead_known = False
    if t.outcome is not None:
        ctx.outcome = t.outcome
        ctx.closed_at = at


def recipient(ctx: Context, to: str | None) -> str | None:
    """The round's recipient slot a thank-you or note to ``to`` is for; None when ``to`` is not
    an interviewer of the round (or is missing where the round names them)."""
    recipients = ctx.recipients
    if recipients == (COORDINATOR,):
        return COORDINATOR
    if to is None or to not in recipients:
        return None
    return to


def route(ctx: Context, policy: Policy, trigger: str, to: str | None) -> Transition | None:
    """The transition a trigger takes from the current state: the first whose conditions hold."""
    for t in ctx.routes[ctx.state].get(trigger, ()):  # (the policy's table: _by_state)
        if t.test is None or t.test(ctx, to):
            return t
    return None


def judge(
    ctx: Context, policy: Policy, trigger: str, at: datetime, to: str | None
) -> tuple[Transition | None, tuple[Violation, ...]]:
    """Which transition a contact takes now, and which rules it breaks (touches nothing).

    ``at`` must be at or after every event already applied, and timed transitions must have been
    advanced to ``at``.
    """
    t, holds = hold_back(ctx, policy, trigger, at, to)
    return t, tuple([Violation(rule, why(), when) for rule, when, why in holds])


def hold_back(
    ctx: Context, policy: Policy, trigger: str, at: datetime, to: str | None
) -> tuple[Transition | None, list[Hold]]:
    """:func:`judge` without the words: the transition, and what holds the contact back."""
    t = route(ctx, policy, trigger, to)
    if t is not None:
        found = [check(ctx, at, to) for check in t.checks]
        return t, _before_closing(ctx, policy, [h for h in found if h is not None])
    # No transition from here: the state's silence rule forbids it, and the trigger's own guards
    # say what else stands in the way.
    silence = policy.states[ctx.state].get("silence_rule") or (
        "closed-silence" if ctx.state in policy.final_states else "no-bombarding"
    )
    holds: list[Hold | None] = [
        (silence, _silence_until(ctx, policy, trigger), lambda: _silence_message(ctx, trigger))
    ]
    # (once final, the silence rule alone speaks: no other rule could ever lift it)
    if ctx.end is not None and ctx.state not in policy.final_states:
        holds += [GUARDS[g][2](ctx, at, to) for g in sorted(_GUARDS_OF.get(trigger, ()))]
    # each rule once (a guard may enforce the silence rule itself, as no_offer_pending does),
    # holding back until the latest of its instants
    by_rule: dict[str, Hold] = {}
    for h in holds:
        if h is None:
            continue
        known = by_rule.get(h[0])
        if known is None or (known[1] is not None and (h[1] is None or h[1] > known[1])):
            by_rule[h[0]] = h
    return None, _before_closing(ctx, policy, list(by_rule.values()))


def _before_closing(ctx: Context, policy: Policy, holds: list[Hold]) -> list[Hold]:
    """``allowed_from`` is None when the application closes before every rule would allow it."""
    if not holds:
        return holds
    when = None
    for _, allowed_from, _ in holds:
        if allowed_from is None:
            return holds
        if when is None or allowed_from > when:
            when = allowed_from
    closes = closing(ctx, policy)
    if closes is None or (when is not None and when < closes):
        return holds
    return [(rule, None, why) for rule, _, why in holds]


def _silence_message(ctx: Context, trigger: str) -> str:
    what = term_of(trigger).noun
    if ctx.state == "closed":
        return f"the application is closed ({ctx.outcome}): no more contact"
    if ctx.state == "rejected":
        return f"after a rejection only the one gracious reply is allowed, not {what}"
    if ctx.state == "offered":
        return f"an offer is pending: answer it instead of sending {what}"
    if trigger == "rejection_reply_sent":
        return "there is no rejection to reply to"
    return f"{what} is not allowed while the application is {ctx.state}"


def _silence_until(ctx: Context, policy: Policy, trigger: str) -> datetime | None:
    """The earliest deadline at which the machine leaves for a state that takes ``trigger``."""
    table: Table = policy.table
    best: datetime | None = None
    for timed, deadline_of in DEADLINES.items():
        for t in table.get((ctx.state, timed), ()):
            if (t.dest, trigger) in table:
                deadline = deadline_of(ctx)
                if deadline is not None and (best is None or deadline < best):
                    best = deadline
    return best


def apply(ctx: Context, policy: Policy, event: Event, judged: bool = True) -> tuple[Violation, ...]:
    """Apply one event to the context; return the rules it broke (contacts only).

    With ``judged`` false the guards are not asked and nothing is returned. An event that cannot
    happen raises :class:`InvalidEvent` with a path relative to the event (``InvalidEvent.within``
    places it).
    """
    at = event._at_utc
    # (when the next timed transition is known to come later, nothing fires before this event)
    if not ctx.ahead_known or (ctx.ahead is not None and ctx.ahead[0] <= at):
        advance(ctx, policy, at)
    to: str | None = None
    named: str | None = None
    if isinstance(event, _THANK_YOU_SENT):
        trigger, named = _THANKS_TRIGGERS[event.channel], event.to
    else:
        trigger = event.type
    violations: tuple[Violation, ...] = ()
    if TRIGGERS[trigger] == "contact":
        impossible = impossible_contact(ctx, trigger)
        if impossible is not None:
            raise InvalidEvent("", impossible)
        t: Transition | None
        if judged:
            t, to, violations = judge_contact(ctx, policy, trigger, at, named)
        else:
            to = recipient(ctx, named) if trigger in _THANKS else None
            t = route(ctx, policy, trigger, to)
        if to is None and trigger in _THANKS:
            return violations  # to no one of the round: it thanks no one, changes nothing
    else:
        t = route(ctx, policy, trigger, to)
        if t is None:
            raise InvalidEvent("", _impossible(ctx, trigger))
    _apply(ctx, event, trigger, to, at)
    if t is not None:  # (a contact the state does not take changes nothing but the bookkeeping)
        _enter(ctx, t, at)
    return violations


_THANKS: Final = frozenset({"thank_you_sent", "note_mailed"})


def impossible_contact(ctx: Context, trigger: str) -> str | None:
    """Why a contact contradicts the history itself (then it cannot be recorded), or None.

    The one place that says it: a thank-you, a note or a status inquiry before any interview, a
    reply to a rejection that never came. Every other contact is a fact once sent, whatever
    rules it breaks.
    """
    if ctx.end is None and trigger != "rejection_reply_sent":
        return f"{term_of(trigger).noun} before any interview"
    if trigger == "rejection_reply_sent" and ctx.rejection_at is None:
        return "a reply to a rejection, but there is no rejection"
    return None


#: The rule that refuses a contact which contradicts the history (``impossible_contact``), when
#: ``check`` is asked about it: a question is answered, never raised.
IMPOSSIBLE_RULES: Final = {
    "thank_you_sent": "thank-you-24h",
    "note_mailed": "handwritten-note-optional",
    "status_inquiry_sent": "inquiry-after-timeline",
    "rejection_reply_sent": "rejection-one-reply",
}


def impossible_refusal(ctx: Context, trigger: str, why: str | None = None) -> Violation | None:
    """How ``check`` answers a contact that contradicts the history (where :func:`apply` raises
    :class:`InvalidEvent`): refused by the rule of its kind, for ``why`` (by default, what
    :func:`impossible_contact` says); None when the contact can happen."""
    why = why or impossible_contact(ctx, trigger)
    return None if why is None else Violation(IMPOSSIBLE_RULES[trigger], why)


def judge_contact(
    ctx: Context, policy: Policy, trigger: str, at: datetime, named: str | None
) -> tuple[Transition | None, str | None, tuple[Violation, ...]]:
    """How a contact is judged now: the transition it takes, the round's recipient slot it is
    for (thank-yous and notes), and the rules it breaks. Touches nothing, raises nothing: the
    contact must not be impossible (:func:`impossible_contact`).

    A thank-you or note to someone who is not an interviewer of the round takes no transition;
    it breaks the rule of its kind (the violation names the round's interviewers) besides
    whatever the state and the guards say.
    """
    if trigger not in _THANKS:
        t, found = judge(ctx, policy, trigger, at, None)
        return t, None, found
    to = recipient(ctx, named)
    if to is not None:
        t, found = judge(ctx, policy, trigger, at, to)
        return t, to, found
    _, found = judge(ctx, policy, trigger, at, None)
    if ctx.state in policy.final_states:  # (closed: the silence rule alone speaks)
        return None, None, found
    return None, None, (*found, unknown_recipient(ctx, trigger, named))


def unknown_recipient(ctx: Context, trigger: str, to: str | None) -> Violation:
    """The violation of a thank-you or note to someone who is not an interviewer of the round."""
    rule = "thank-you-24h" if trigger == "thank_you_sent" else "handwritten-note-optional"
    who = ", ".join(ctx.recipients)
    if to is None:
        return Violation(rule, f"name the interviewer it is for ({who})", None)
    return Violation(rule, f"{quoted(to)} is not an interviewer of this round ({who})", None)


def _impossible(ctx: Context, trigger: str) -> str:
    if ctx.end is None and trigger != "interview":
        return f"{trigger} before any interview"
    if trigger in ("offer_accepted", "offer_declined"):
        return f"{trigger} without a pending offer (the application is {ctx.state})"
    return f"{trigger} cannot happen while the application is {ctx.state}"  # pragma: no cover


def _apply(
    ctx: Context, fact: Event, trigger: str, to: str | None, at: datetime | None = None
) -> None:
    """The bookkeeping of one event, ``trigger`` its trigger: who was thanked, counts, openings,
    offers."""
    n = ctx.numbers
    # (the trigger tells the event's class, as the isinstance checks it replaces did, at the
    # cost of comparing two interned strings; the fields are read by name either way, the
    # model's classes being Python ones)
    event: Any = fact
    at = event._at_utc if at is None else at
    if trigger == "thank_you_sent" or trigger == "note_mailed":
        assert to is not None
        (ctx.noted if event.channel == "handwritten" else ctx.thanked).add(to)
        # who was thanked moves no deadline; only a condition of a timed transition may read it
        if ctx.thanks_timed:
            ctx.ahead_known = False
        return
    ctx.ahead_known = False  # every other fact may move a deadline
    if trigger == "interview":
        end = event._end_utc  # (ends_at, or an hour after at: in UTC, made with the value)
        ctx.round_at = at
        ctx.end = end
        ctx.recipients = event.interviewers or (COORDINATOR,)
        ctx.thanked = set()
        ctx.noted = set()
        ctx.inquiries_in_round = 0
        ctx.unanswered = 0  # the employer wrote (an interview counts)
        ctx.last_employer = end
        if event.decision_expected_by is not None:
            timeline = ctx.calendar.date_plus(event.decision_expected_by, n.grace, _NINE)
        else:
            timeline = ctx.calendar.add(end, n.default_wait)
        ctx.opening, ctx.opening_rule = timeline, "inquiry-after-timeline"
        _quiet(ctx, end)
    elif trigger == "status_inquiry_sent":
        ctx.last_inquiry = at
        ctx.unanswered += 1
        ctx.inquiries_in_round += 1
    elif trigger == "reply_received":
        ctx.unanswered = 0  # rule ongoing-wait: a reply resets the unanswered count
        ctx.last_employer = at
        if event.decision_expected_by is not None:
            ctx.opening = ctx.calendar.date_plus(event.decision_expected_by, n.grace, _NINE)
            ctx.opening_rule = "ongoing-wait"
        else:
            moved = ctx.calendar.add(at, n.ongoing_wait)
            if ctx.opening is None or moved > ctx.opening:
                ctx.opening, ctx.opening_rule = moved, "ongoing-wait"
        # rule no-bombarding: a new date never ends the quiet period after the interview's end,
        # and a new quiet period starts at the reply
        if ctx.end is not None:
            _quiet(ctx, ctx.end)
        _quiet(ctx, at)
    elif trigger == "offer_received":
        ctx.unanswered = 0
        ctx.last_employer = at
        ctx.offer_at = at
        ctx.offer_pending = True
        respond_by = event.respond_by
        if respond_by is None:
            ctx.offer_due = ctx.calendar.add(at, n.offer_due)
        elif isinstance(respond_by, _DATETIME):
            ctx.offer_due = _utc(respond_by)
        else:
            ctx.offer_due = ctx.calendar.end_of_day(respond_by)
    elif trigger == "rejection_received":
        ctx.unanswered = 0
        ctx.last_employer = at
        ctx.offer_pending = False  # (an offer rescinded)
        if ctx.state != "rejected" and ctx.outcome != "rejected":
            ctx.rejection_at = at  # (a second word of the same rejection keeps its window)
    elif trigger in _ANSWERS:
        ctx.offer_pending = False
    # RejectionReplySent: nothing to keep


#: The candidate's decisions that answer a pending offer (or end it).
_ANSWERS: Final = frozenset({"offer_accepted", "offer_declined", "withdrawn"})


_NINE: Final = time(9, 0)


def _quiet(ctx: Context, since: datetime) -> None:
    # rule no-bombarding: no inquiry within the quiet period after the employer last wrote
    quiet = ctx.calendar.add(since, ctx.numbers.quiet)
    if ctx.opening is None or quiet > ctx.opening:
        ctx.opening, ctx.opening_rule = quiet, "no-bombarding"
