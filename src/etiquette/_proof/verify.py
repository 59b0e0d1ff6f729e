"""``etiquette verify``: a bounded exhaustive exploration of a policy, judged by the referee.

Starting from an interview (two named interviewers and no stated date, or the coordinator and
a stated date) in New York with US holidays, the explorer builds, breadth first, every history
the engine accepts up to ``depth`` events. The next event of a history is any employer event (a
reply, with or without a new date, an offer, a rejection, a new interview round; at most
``MAX_EMPLOYER`` besides the first interview) or any contact the candidate could try (a
thank-you or a handwritten note to an interviewer, a status inquiry, the reply to a rejection)
or decision (accept, decline, withdraw), at the policy's own boundary instants for that history,
each also one second before and after: the interview's end, the thank-you deadline and the late
limit, the quiet period, the inquiry opening in force, the last inquiry plus the spacing, the
closings, the rejection's reply window, the offer's deadline, the floors' instants, and the
instant of the last event.

Every contact is judged by the referee (:mod:`etiquette.referee`, written apart from the engine)
and asked of the engine through the public API: a contact that the referee finds breaks P1-P7
or a floor must be refused by ``check``; one that ``check`` allows must be accepted by a strict
``record``. At every history the explorer also has the referee judge the contact ``next_action``
recommends (right after the last event, and at the instant it names), and checks that the
engine has closed the application by the instant P7 and the floors say it must be closed.

To stay small, the exploration merges histories: two that leave the referee's bookkeeping and
the engine's state equal are one state, and a state reached again no earlier, with no fewer
employer events left, is not explored again (everything after it was open to the earlier one);
interviewers are interchangeable; and of the accepted events of one kind, only the earliest in
each phase (between two instants where time alone changes the state) is explored further, the
later ones being judged all the same. Each level is shared among worker processes where they can
be forked. Breadth first, the first counterexample found is a shortest one.
"""

from __future__ import annotations

import collections
import multiprocessing
import multiprocessing.pool
import os
import signal
import time as _clock
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import TextIO

import attrs

from .._engine import (
    Application,
    EtiquetteViolation,
    Event,
    Interview,
    InvalidApplication,
    InvalidEvent,
    OfferAccepted,
    OfferDeclined,
    OfferReceived,
    Policy,
    RejectionReceived,
    RejectionReplySent,
    ReplyReceived,
    StatusInquirySent,
    ThankYouSent,
    Withdrawn,
    calendar_for,
    check,
    describe,
    next_action,
    record,
)
from .._progress import ProgressBar as _Bar
from .._progress import on_terminal
from ..referee import FLOORS, INVARIANTS, Finding, Ledger, check_floors

__all__ = [
    "DEFAULT_DEPTH",
    "Counterexample",
    "Progress",
    "ProgressBar",
    "Report",
    "progress_bar",
    "render",
    "verify",
]

#: Events per history by default: an interview, two thank-yous, inquiries, a reply, more
#: inquiries, a rejection and the reply to it.
DEFAULT_DEPTH = 9

#: The explored application: New York, with US holidays. Its life crosses the end of daylight
#: saving time (1 November 2026), Veterans Day and Thanksgiving.
TIMEZONE = "America/New_York"
COUNTRY = "US"
START = datetime(2026, 10, 29, 14, 0, tzinfo=UTC)  # Thu 10:00 EDT
INTERVIEWERS = ("Ana Ruiz", "Bo Chen")
SECOND_ROUND = ("Cy Diaz",)
_SECOND = timedelta(seconds=1)

#: Employer events per history besides the first interview, and interview rounds at most.
MAX_EMPLOYER = 2
MAX_ROUNDS = 2


@attrs.frozen
class Counterexample:
    """A history the engine accepted (or a decision it gave) that breaks an invariant."""

    invariant: str
    message: str
    app: Application
    #: what the engine did wrong: ``permitted`` (the last event), ``recommended`` (at ``at``),
    #: ``not closed`` (at ``at``), or ``disagree`` (check and strict record disagree)
    how: str
    at: datetime | None = None
    event: Event | None = None
    #: the other invariants or floors the same event breaks
    also: tuple[str, ...] = ()


@attrs.frozen
class Report:
    """The outcome of :func:`verify`."""

    policy: str
    depth: int
    histories: int
    states: int
    seconds: float
    floors: tuple[Finding, ...] = ()
    counterexample: Counterexample | None = None
    #: the engine's states that some explored history reached
    reached: frozenset[str] = frozenset()

    @property
    def ok(self) -> bool:
        """Whether no invariant and no floor is broken."""
        return self.counterexample is None and not self.floors


@attrs.frozen
class Progress:
    """Where the exploration is: level ``level`` of ``depth``, node ``done`` of ``total``."""

    level: int
    depth: int
    done: int
    total: int
    states: int
    histories: int


@attrs.frozen
class _Node:
    app: Application
    ledger: Ledger
    last: datetime
    employer: int
    rounds: int
    state: str


class _Found(Exception):
    def __init__(self, counterexample: Counterexample) -> None:
        super().__init__(counterexample.invariant)
        self.counterexample = counterexample


def _roots() -> tuple[Interview, ...]:
    end = START + timedelta(hours=1)
    return (
        Interview(at=START, ends_at=end, interviewers=INTERVIEWERS),
        Interview(at=START, ends_at=end, decision_expected_by=date(2026, 11, 6)),
    )


def _date_offset(event: Event) -> int | None:
    """Days from the event's local date to the date it states (``None``: no date)."""
    stated = getattr(event, "decision_expected_by", None)
    if not isinstance(stated, date):
        return None
    return (stated - event.at.astimezone(calendar_for(TIMEZONE, COUNTRY).tz).date()).days


def _others(found: list[Finding]) -> tuple[str, ...]:
    first = found[0].invariant
    return tuple(dict.fromkeys(f.invariant for f in found[1:] if f.invariant != first))


def _people(ledger: Ledger) -> list[str | None]:
    """One interviewer of each kind (whom nothing, an email, a note, or both were sent to).

    Interviewers are interchangeable: thanking Ana then Bo is thanking Bo then Ana.
    """
    rnd = ledger.round
    if rnd is None or not rnd.named:
        return [None]
    kinds: set[frozenset[str]] = set()
    out: list[str | None] = []
    for name in rnd.recipients:
        kind = frozenset(channel for who, channel in rnd.sent if who == name)
        if kind not in kinds:
            kinds.add(kind)
            out.append(name)
    return out


def _around(instants: set[datetime]) -> set[datetime]:
    return {t + d for t in instants for d in (-_SECOND, timedelta(0), _SECOND)}


class _Explorer:
    def __init__(self, policy: Policy) -> None:
        self.policy = policy
        self.cal = calendar_for(TIMEZONE, COUNTRY)
        self.final = set(policy.final_states)
        self.histories = 0
        self.reached: set[str] = set()

    # -- the engine, through its public API --

    def _state(self, app: Application, at: datetime) -> str:
        state = next_action(app, at, self.policy).state
        self.reached.add(state)
        return state

    def _start(self, interview: Interview) -> _Node:
        app = Application(
            id="verify", company="Acme", timezone=TIMEZONE, country=COUNTRY, events=(interview,)
        )
        ledger = Ledger.start(app, self.policy)
        found = ledger.step(0, interview)
        assert not found
        return _Node(app, ledger, interview.at, 0, 1, self._state(app, interview.at))

    # -- the candidate instants of a node --

    def _times(self, node: _Node) -> list[datetime]:
        return sorted(t for t in _around(node.ledger.boundaries()) | {node.last} if t >= node.last)

    def _round_times(self, node: _Node) -> list[datetime]:
        rnd = node.ledger.round
        assert rnd is not None
        n = self.policy.numbers
        marks = {
            rnd.end,
            self.cal.add(rnd.end, n.thank_you_due),
            self.cal.add(rnd.end, n.late_limit),
        }
        return sorted(t for t in _around(marks) | {node.last} if t >= node.last)

    def _rejection_times(self, node: _Node) -> list[datetime]:
        at = node.ledger.rejection_at
        if at is None:
            return []
        n = self.policy.numbers
        marks = {at, self.cal.add(at, n.rejection_due), self.cal.add(at, n.rejection_limit)}
        return sorted(t for t in _around(marks) | {node.last} if t >= node.last)

    # -- what may happen next --

    def _contacts(self, node: _Node) -> Iterator[tuple[str, str | None, Event]]:
        rnd = node.ledger.round
        if node.state in self.final:
            # once closed, one try of each contact is enough: nothing may follow
            t = node.last
            for to in _people(node.ledger):
                yield "send_thank_you", to, ThankYouSent(at=t, to=to)
            yield "send_status_inquiry", None, StatusInquirySent(at=t)
            yield "reply_to_rejection", None, RejectionReplySent(at=t)
            return
        if rnd is not None:
            people = _people(node.ledger)
            for t in self._round_times(node):
                for to in people:
                    yield "send_thank_you", to, ThankYouSent(at=t, to=to)
                    yield (
                        "mail_handwritten_note",
                        to,
                        ThankYouSent(at=t, to=to, channel="handwritten"),
                    )
        for t in self._times(node):
            yield "send_status_inquiry", None, StatusInquirySent(at=t)
        for t in self._rejection_times(node):
            yield "reply_to_rejection", None, RejectionReplySent(at=t)

    def _employer_times(self, node: _Node) -> list[datetime]:
        # The employer writes right after the last event, or around an instant where time alone
        # changes the state (the thank-you day, the late limit, a timed close), or as the
        # inquiry opens.
        ledger = node.ledger
        n = self.policy.numbers
        marks: set[datetime] = set()
        rnd = ledger.round
        if rnd is not None:
            marks |= {self.cal.add(rnd.end, n.thank_you_due), self.cal.add(rnd.end, n.late_limit)}
        pending = ledger.pending_close()
        if pending is not None:
            marks.add(pending.at)
        times = _around(marks)
        if ledger.opening is not None:
            times.add(ledger.opening)
        return sorted(t for t in times | {node.last} if t >= node.last)

    def _employer(self, node: _Node) -> Iterator[Event]:
        # Facts are never refused: the employer may write in any state, closed included (a
        # reply after a presumed ghosting, an offer after a rejection, a new round during an
        # offer); the engine must take each, and the referee judges what follows.
        ledger = node.ledger
        if node.employer >= MAX_EMPLOYER:
            return
        closed = node.state in self.final
        for t in self._employer_times(node):
            new_round = node.rounds < MAX_ROUNDS
            if ledger.offer_pending or ledger.rejection_at is not None or closed:
                # an offer pending, a rejection or a closing: what can still change them
                if not ledger.offer_pending:
                    yield OfferReceived(at=t)
                if not closed or ledger.closed_outcome == "no_response":
                    yield ReplyReceived(at=t)
                    yield RejectionReceived(at=t)
                if new_round:
                    yield Interview(at=t, ends_at=t + timedelta(hours=1), interviewers=SECOND_ROUND)
                continue
            local = self.cal.local(t).date()
            yield ReplyReceived(at=t)  # still deciding: the opening moves later
            yield ReplyReceived(at=t, decision_expected_by=local)  # "today": it may move earlier
            yield OfferReceived(at=t)
            yield RejectionReceived(at=t)
            if new_round:
                yield Interview(at=t, ends_at=t + timedelta(hours=1), interviewers=SECOND_ROUND)

    def _decisions(self, node: _Node) -> Iterator[Event]:
        if node.state in self.final:
            if node.ledger.closed_outcome == "no_response":
                yield Withdrawn(at=node.last)
            return
        yield Withdrawn(at=node.last)
        if node.ledger.offer_pending:
            yield OfferAccepted(at=node.last)
            yield OfferDeclined(at=node.last)

    # -- one node --

    def expand(self, node: _Node, last: bool) -> _Expanded:
        """Judge one node and list its children (none on the last level)."""
        self.histories = 0
        self.reached = set()
        children: list[_Node] = []
        try:
            self.inspect(node)
            if not last:
                for child in self.children(node):
                    children.append(child)
        except _Found as exc:
            return _Expanded((), self.histories, frozenset(self.reached), exc.counterexample)
        return _Expanded(tuple(children), self.histories, frozenset(self.reached), None)

    def inspect(self, node: _Node) -> None:
        """Judge the contact the engine recommends right after the last event, and at the instant
        it names; and whether it has closed the application by the instant the referee says it
        must."""
        times = [node.last]
        first = next_action(node.app, node.last, self.policy)
        if first.not_before is not None and first.not_before > node.last:
            times.append(first.not_before)
        for t in times:
            decision = next_action(node.app, t, self.policy)
            if decision.not_before is None or decision.not_before > t:
                continue
            events: list[Event] = []
            if decision.action == "send_thank_you":
                events = [
                    ThankYouSent(at=t, to=to if to != "coordinator" else None) for to in decision.to
                ]
            elif decision.action == "send_status_inquiry":
                events = [StatusInquirySent(at=t)]
            elif decision.action == "reply_to_rejection":
                events = [RejectionReplySent(at=t)]
            for event in events:
                found = node.ledger.copy().step(len(node.app.events), event)
                if found:
                    raise _Found(
                        Counterexample(
                            found[0].invariant,
                            f"next_action recommends {decision.action} now, but {found[0].message}",
                            attrs.evolve(node.app, events=(*node.app.events, event)),
                            "recommended",
                            t,
                            event,
                            _others(found),
                        )
                    )
        for deadline in node.ledger.must_close():
            if deadline.at < node.last:
                continue
            state = self._state(node.app, deadline.at)
            if state not in self.final:
                raise _Found(
                    Counterexample(
                        deadline.invariant,
                        f"the application must be closed at {self._local(deadline.at)} "
                        f"({deadline.reason}), but the engine says {state!r}",
                        node.app,
                        "not closed",
                        deadline.at,
                    )
                )

    def _phase_marks(self, node: _Node) -> list[datetime]:
        ledger = node.ledger
        n = self.policy.numbers
        marks: list[datetime] = []
        rnd = ledger.round
        if rnd is not None:
            marks += [self.cal.add(rnd.end, n.thank_you_due), self.cal.add(rnd.end, n.late_limit)]
        if ledger.opening is not None:
            marks.append(ledger.opening)
        pending = ledger.pending_close()
        if pending is not None:
            marks.append(pending.at)
        return marks

    def children(self, node: _Node) -> Iterator[_Node]:
        """The histories one event longer that the engine accepts.

        Every candidate contact is judged (``check``, then the referee when it is permitted).
        Of the accepted events, only the earliest of each kind per phase (which of the instants
        where time alone changes the state have passed) is explored further: later ones differ
        only in instants that the children's own boundaries probe again.
        """
        marks = self._phase_marks(node)
        taken: set[tuple[object, ...]] = set()

        def signature(event: Event) -> tuple[object, ...]:
            return (
                event.type,
                getattr(event, "to", None),
                getattr(event, "channel", None),
                _date_offset(event),
                tuple(event.at >= mark for mark in marks),
            )

        index = len(node.app.events)
        for action, to, event in self._contacts(node):
            # the referee first: a contact it refuses must be refused by the engine; of those
            # it accepts, the engine is asked until it permits one of the kind in the phase
            self.histories += 1
            ledger = node.ledger.copy()
            found = ledger.step(index, event)
            kind = signature(event)
            if not found and kind in taken:
                continue
            try:
                verdict = check(node.app, action, event.at, self.policy, to=to)
            except InvalidEvent:
                continue
            if not verdict.allowed:
                continue
            longer = attrs.evolve(node.app, events=(*node.app.events, event))
            if found:
                raise _Found(
                    Counterexample(
                        found[0].invariant,
                        found[0].message,
                        longer,
                        "permitted",
                        event.at,
                        event,
                        _others(found),
                    )
                )
            taken.add(kind)
            try:
                app = record(node.app, event, self.policy)
            except (EtiquetteViolation, InvalidEvent) as exc:
                raise _Found(
                    Counterexample(
                        "check/record",
                        f"check allows {action} but a strict record refuses it: {exc}",
                        longer,
                        "disagree",
                        event.at,
                        event,
                    )
                ) from None
            yield attrs.evolve(
                node, app=app, ledger=ledger, last=event.at, state=self._state(app, event.at)
            )
        for event in (*self._employer(node), *self._decisions(node)):
            kind = signature(event)
            if kind in taken:
                continue
            taken.add(kind)
            app = attrs.evolve(node.app, events=(*node.app.events, event))
            try:
                state = self._state(app, event.at)
            except InvalidEvent:
                continue
            self.histories += 1
            ledger = node.ledger.copy()
            ledger.step(index, event)
            employer = isinstance(
                event, ReplyReceived | OfferReceived | RejectionReceived | Interview
            )
            yield _Node(
                app,
                ledger,
                event.at,
                node.employer + employer,
                node.rounds + isinstance(event, Interview),
                state,
            )

    def _local(self, instant: datetime) -> str:
        return self.cal.local(instant).strftime("%a %Y-%m-%d %H:%M:%S %Z")


def _key(node: _Node, policy: Policy) -> tuple[object, ...]:
    """What decides the future of a node, for the engine and for the referee.

    The referee's bookkeeping, reduced where the reduction cannot hide a counterexample: once the
    late limit has passed, who was thanked no longer matters (any thank-you then breaks P1
    whoever it is for); only the last inquiry's instant matters (every inquiry of a clean
    history was spaced from the one before); the count of messages to a silent employer
    breaks P7 only when P1 or P4 breaks too.
    """
    ledger = node.ledger
    if node.state in policy.final_states and node.employer >= MAX_EMPLOYER:
        # no employer event may follow, so nothing reopens it: one of each closing is enough
        return (node.state, ledger.closed_by_fact, ledger.closed_rule, ledger.closed_outcome)
    rnd = ledger.round
    round_key: tuple[object, ...] | None = None
    if rnd is not None:
        over = node.last >= ledger.cal.add(rnd.end, policy.numbers.late_limit)
        sent = None
        if not over:
            # interviewers are interchangeable: keep what was sent to each, not to whom
            sent = tuple(
                sorted(
                    tuple(sorted(channel for who, channel in rnd.sent if who == name))
                    for name in rnd.recipients
                )
            )
        round_key = (rnd.end, rnd.recipients, rnd.first_opening, sent, rnd.inquiries)
    return (
        round_key,
        ledger.opening,
        ledger.inquiries[-1] if ledger.inquiries else None,
        ledger.unanswered,
        ledger.last_employer,
        ledger.silent,
        ledger.employer_since_inquiry,
        ledger.rejection_at,
        ledger.rejection_replies,
        ledger.after_rejection,
        ledger.offer_at,
        ledger.closed_at,
        ledger.closed_by_fact,
        node.state,
    )


class _Seen:
    """The states explored so far, each with the (employer events, rounds, last instant) of the
    histories that reached it: a history is not explored again when an earlier one reached the
    same state with no more employer events or rounds used, no later."""

    def __init__(self) -> None:
        self.reached: dict[tuple[object, ...], list[tuple[int, int, datetime]]] = {}

    def __len__(self) -> int:
        return len(self.reached)

    def add(self, node: _Node, policy: Policy) -> bool:
        """Record ``node``; False when an earlier history already covers it."""
        mark = (node.employer, node.rounds, node.last)
        marks = self.reached.setdefault(_key(node, policy), [])
        for employer, rounds, last in marks:
            if employer <= mark[0] and rounds <= mark[1] and last <= mark[2]:
                return False
        marks[:] = [
            m for m in marks if not (mark[0] <= m[0] and mark[1] <= m[1] and mark[2] <= m[2])
        ]
        marks.append(mark)
        return True


@attrs.frozen
class _Expanded:
    """What one node led to: its children, the histories judged, the states reached, and the
    counterexample found there, if any."""

    children: tuple[_Node, ...]
    histories: int
    reached: frozenset[str]
    found: Counterexample | None


#: The explorer of a worker process (set before the workers are forked).
_WORKER: list[_Explorer] = []


def _expand_all(task: tuple[list[_Node], bool]) -> list[_Expanded]:
    nodes, last = task
    explorer = _WORKER[0]
    out: list[_Expanded] = []
    for node in nodes:
        out.append(explorer.expand(node, last))
        if out[-1].found is not None:
            break
    return out


def _in_flight(
    pool: multiprocessing.pool.Pool, tasks: list[tuple[list[_Node], bool]], window: int
) -> Iterator[list[_Expanded]]:
    """The results of ``tasks`` in order, with at most ``window`` of them given to the workers at
    a time: when the caller stops early (a counterexample), only those few are left to finish."""
    pending: collections.deque[multiprocessing.pool.AsyncResult[list[_Expanded]]] = (
        collections.deque()
    )
    for task in tasks:
        if len(pending) >= window:
            yield pending.popleft().get()
        pending.append(pool.apply_async(_expand_all, (task,)))
    while pending:
        yield pending.popleft().get()


def _ignore_interrupts() -> None:
    # in a worker: Ctrl-C (sent to every process of the terminal's group) is for the parent,
    # which stops the workers itself; a worker killed by it mid-batch would leave the parent
    # waiting for that batch for ever
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _jobs(jobs: int | None) -> int:
    if jobs is not None:
        return max(1, jobs)
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return min(2, os.cpu_count() or 1)


def verify(
    policy: Policy,
    *,
    depth: int = DEFAULT_DEPTH,
    progress: Callable[[Progress], None] | None = None,
    jobs: int | None = None,
) -> Report:
    """Explore every history of ``policy`` up to ``depth`` events; see the module docstring.

    ``jobs`` processes share each level of the exploration (default: up to 2 where processes
    can be forked); the result does not depend on it.
    """
    if depth < 1:
        raise InvalidApplication("--depth", f"must be at least 1, got {depth}")
    began = _clock.perf_counter()
    explorer = _Explorer(policy)
    floors = tuple(check_floors(policy, FLOORS))
    frontier = [explorer._start(root) for root in _roots()]
    seen = _Seen()
    for node in frontier:
        seen.add(node, policy)
    histories = len(frontier)
    reached = set(explorer.reached)
    found: Counterexample | None = None
    workers = _jobs(jobs)
    pool = None
    if workers > 1:
        _WORKER[:] = [explorer]
        pool = multiprocessing.get_context("fork").Pool(workers, initializer=_ignore_interrupts)
    try:
        for level in range(1, depth + 1):
            frontier.sort(key=lambda n: n.last)
            last = level == depth
            following: list[_Node] = []
            if pool is not None and len(frontier) >= 40:
                size = max(1, len(frontier) // (workers * 8))
                tasks = [(frontier[i : i + size], last) for i in range(0, len(frontier), size)]
                results: Iterator[list[_Expanded]] = _in_flight(pool, tasks, workers * 2)
            else:
                results = ([explorer.expand(node, last)] for node in frontier)
            done = 0
            for batch in results:
                for expanded in batch:
                    if progress is not None:
                        progress(Progress(level, depth, done, len(frontier), len(seen), histories))
                    done += 1
                    histories += expanded.histories
                    reached |= expanded.reached
                    for child in expanded.children:
                        if seen.add(child, policy):
                            following.append(child)
                    if expanded.found is not None:
                        found = expanded.found
                        break
                if found is not None:
                    break
            frontier = following
            if found is not None or not frontier:
                break
    except BaseException:
        if pool is not None:  # interrupted or failed: the workers stop now
            pool.terminate()
        raise
    finally:
        if pool is not None:
            # otherwise the few batches in flight finish, then the workers stop: terminating
            # them after a counterexample could hang for good, its task feeder blocked writing
            # to workers it had killed
            pool.close()
            pool.join()
            _WORKER.clear()
    named = repr(policy.name)
    if policy.source != policy.name:
        named += f" ({policy.source})"
    return Report(
        policy=named,
        depth=depth,
        histories=histories,
        states=len(seen),
        seconds=_clock.perf_counter() - began,
        floors=floors,
        counterexample=found,
        reached=frozenset(reached),
    )


# --- rendering ----------------------------------------------------------------------------------


def render(report: Report) -> str:
    """The summary of a report, and its counterexample as a readable timeline."""
    lines: list[str] = []
    for finding in report.floors:
        lines.append(f"FAIL {finding.invariant}: {finding.message}")
    lines.append(
        f"explored {report.histories} histories and {report.states} states of policy "
        f"{report.policy} (up to {report.depth} events) in {report.seconds:.1f} s"
    )
    cx = report.counterexample
    if cx is None:
        if report.ok:
            lines.append("OK: no history breaks P1-P7 or a floor")
        return "\n".join(lines) + "\n"
    cal = calendar_for(cx.app.timezone, cx.app.country)

    def local(instant: datetime) -> str:
        return cal.local(instant).strftime("%a %Y-%m-%d %H:%M:%S %Z")

    rule = INVARIANTS.get(cx.invariant, "")
    lines.append(f"FAIL {cx.invariant}" + (f" ({rule})" if rule else ""))
    lines.append(f"  {cx.message}")
    if cx.also:
        lines.append(f"  (the same event also breaks {', '.join(cx.also)})")
    lines.append(
        f"shortest counterexample ({len(cx.app.events)} events, {cx.app.timezone}, "
        f"{cx.app.country}):"
    )
    ordered = sorted(cx.app.events, key=lambda e: e.at)
    for number, event in enumerate(ordered, 1):
        mark = ""
        if event is cx.event:
            mark = {
                "permitted": "   <- permitted by the engine",
                "recommended": "   <- recommended by next_action",
                "disagree": "   <- allowed by check, refused by record",
            }.get(cx.how, "")
        lines.append(f"  {number:>2}. {local(event.at)}  {describe(event, cal)}{mark}")
    if cx.how == "not closed" and cx.at is not None:
        lines.append(f"      {local(cx.at)}  (the engine has not closed the application)")
    return "\n".join(lines) + "\n"


# --- the progress bar ---------------------------------------------------------------------------


class ProgressBar:
    """The exploration's progress on a terminal: events, states and histories so far."""

    def __init__(self, stream: TextIO) -> None:
        self.bar = _Bar(stream, every=0.1)

    def __call__(self, progress: Progress) -> None:
        share = progress.done / progress.total if progress.total else 1.0
        text = (
            f"events {progress.level}/{progress.depth}  "
            f"states {progress.states}  histories {progress.histories}"
        )
        self.bar.draw(share, text, force=not progress.done)

    def close(self) -> None:
        """Erase the bar."""
        self.bar.close(keep=False)


def progress_bar(stream: TextIO) -> ProgressBar | None:
    """A progress bar on ``stream`` when it is a terminal, else ``None``."""
    return ProgressBar(stream) if on_terminal(stream) else None
