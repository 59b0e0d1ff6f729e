"""An independent referee: judge a contact log against the no-pushy invariants.

:func:`audit` reads an application's history and reports every contact that breaks one of the
invariants P1-P7 of the contract (with the policy's own numbers) or one of the absolute floors
below (whatever the policy says). It is written apart from the engine: it reads the events and
the policy's numbers (:attr:`etiquette.Policy.numbers`) and does its own bookkeeping, with
nothing but date arithmetic shared (``Calendar`` of the engine: business days,
local times). It never consults the policy's states, transitions or guards, so a test that
compares the engine with the referee is not a tautology; trackers can audit their own logs
with it too.

The invariants, with the policy's numbers:

* **P1** per round, at most one thank-you email and one handwritten note per interviewer (one
  to the coordinator when none is named), only inside [end, end + late limit).
* **P2** no status inquiry before the inquiry opening in force (the stated date + grace, or the
  interview's end + the default wait; moved by the employer's replies; never within the quiet
  period after the interview's end or the employer's last message).
* **P3** any two status inquiries are at least ``inquiry-spacing`` apart.
* **P4** at most ``max_unanswered`` inquiries since the employer last wrote, at most
  ``max_total`` per round.
* **P5** after a rejection, at most one contact: the gracious reply, inside its window.
* **P6** no contact once closed (a reply to a rejection, an offer accepted or declined, a
  withdrawal, the end of the reply window, or the last allowed inquiry unanswered for the
  ghosting wait).
* **P7** when the employer never writes again after an interview or a reply (its last
  message), and no offer or rejection is pending: at most 2 * interviewers +
  ``max_unanswered`` candidate messages since, and closed no later than the inquiry opening
  that message set + (``max_unanswered`` - 1) * spacing + the ghosting wait
  (:func:`silent_close_bound`), however the candidate spent its inquiries. A closing as
  ``no_response`` is a presumption: any employer event reopens it, and P7 counts again.

Facts after a closing (contract §2): any employer event reopens a ``no_response`` closing; an
offer reopens a closing the candidate chose (declined, withdrawn) or a rejection; an interview
is a new round whatever the outcome; other employer events after a closing change nothing.

The absolute floors (:data:`FLOORS`), which no policy may go below:

* ``floor-quiet``: no status inquiry within 3 business days of an interview's end or of the
  employer's last message;
* ``floor-spacing``: status inquiries at least 3 business days apart;
* ``floor-unanswered``: at most 3 unanswered status inquiries;
* ``floor-thank-you``: at most one thank-you per interviewer per channel per round, none before
  the interview ends;
* ``floor-rejection``: at most one message after a rejection;
* ``floor-closed``: no message after the application was closed by a fact (the reply to a
  rejection, an offer accepted or declined, a withdrawal);
* ``floor-bounded``: when the employer never writes again after an interview, at most
  2 * interviewers + 3 candidate messages, and closed at most 30 business days after the first
  inquiry opening (so (``max_unanswered`` - 1) * spacing + the ghosting wait is at most 30
  business days).

:func:`check_floors` checks a policy's numbers against the floors. Durations that a floor
bounds from below (quiet period, spacing) must be written in business days: elapsed hours
cannot promise a number of business days across weekends and holidays.

Business days are counted as the engine's contract says (Monday to Friday in the
application's timezone, without the public holidays of its country; "t + N business days" keeps
t's local time of day; "date D + N business days" is 09:00 local on the N-th business day after
D). Windows are half-open: allowed from their start, not at their end. Events are judged in the
order of their instants (ties in the order of the log).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

import attrs

from ._engine import (
    Application,
    Calendar,
    Duration,
    Event,
    Interview,
    OfferAccepted,
    OfferDeclined,
    OfferReceived,
    RejectionReceived,
    RejectionReplySent,
    ReplyReceived,
    StatusInquirySent,
    ThankYouSent,
    Withdrawn,
    calendar_for,
    default_policy,
    require_aware,
    term_of_event,
)

if TYPE_CHECKING:
    from ._engine import Numbers, Policy

__all__ = [
    "FLOORS",
    "INVARIANTS",
    "Deadline",
    "Finding",
    "Floors",
    "audit",
    "boundaries",
    "check_floors",
    "closing_deadline",
    "silent_close_bound",
]


_THREE_BUSINESS_DAYS = Duration(3, "business_days")
_THIRTY_BUSINESS_DAYS = Duration(30, "business_days")


@attrs.frozen
class Floors:
    """The absolute floors: numbers no policy may go below, whatever its spec says."""

    #: No status inquiry within this of an interview's end or the employer's last message.
    quiet: Duration = _THREE_BUSINESS_DAYS
    #: Two status inquiries at least this far apart.
    spacing: Duration = _THREE_BUSINESS_DAYS
    #: At most this many unanswered status inquiries.
    max_unanswered: int = 3
    #: At most this many thank-yous per interviewer per channel per round.
    thank_yous_per_channel: int = 1
    #: At most this many messages after a rejection.
    after_rejection: int = 1
    #: A silent employer's application closes at most this long after the inquiry opened.
    close_within: Duration = _THIRTY_BUSINESS_DAYS

    def texts(self) -> dict[str, str]:
        """Floor id -> what it says, with the numbers."""
        return {
            "floor-quiet": (
                f"no status inquiry within {self.quiet.describe()} of an interview's end or "
                "of the employer's last message"
            ),
            "floor-spacing": f"status inquiries at least {self.spacing.describe()} apart",
            "floor-unanswered": (f"at most {self.max_unanswered} unanswered status inquiries"),
            "floor-thank-you": (
                f"at most {self.thank_yous_per_channel} thank-you per interviewer per channel "
                "per round, none before the interview ends"
            ),
            "floor-rejection": f"at most {self.after_rejection} message after a rejection",
            "floor-closed": "no message after the application was closed",
            "floor-bounded": (
                "when the employer never writes again after an interview: at most "
                f"2 * interviewers + {self.max_unanswered} candidate messages, and closed at "
                f"most {self.close_within.describe()} after the first inquiry opening"
            ),
        }


#: The floors every policy must respect.
FLOORS = Floors()

#: Invariant or floor id -> one line saying what it forbids.
INVARIANTS: Mapping[str, str] = {
    "P1": (
        "per round, at most one thank-you email and one handwritten note per interviewer, "
        "only inside [end, end + late limit)"
    ),
    "P2": "no status inquiry before the inquiry opening in force",
    "P3": "any two status inquiries are at least the inquiry spacing apart",
    "P4": (
        "at most max_unanswered inquiries since the employer last wrote, at most max_total "
        "per round"
    ),
    "P5": "after a rejection, at most one contact: the gracious reply, inside its window",
    "P6": "no contact once closed",
    "P7": (
        "when the employer never writes again after an interview: at most 2 * interviewers + "
        "max_unanswered messages, and closed by the first inquiry opening + "
        "(max_unanswered - 1) * spacing + the ghosting wait"
    ),
    **FLOORS.texts(),
}


@attrs.frozen
class Finding:
    """One broken invariant: which one, at which event (its index in the log), and why.

    ``index`` is ``None`` for a finding about a policy's numbers (:func:`check_floors`) or about
    the application as a whole; ``at`` is the instant of the event, when there is one.
    """

    invariant: str
    index: int | None
    message: str
    at: datetime | None = None

    def __str__(self) -> str:
        where = "" if self.index is None else f"events[{self.index}]: "
        return f"{self.invariant}: {where}{self.message}"


@attrs.frozen
class Deadline:
    """An instant by which the application must be closed, the invariant that says so, and why."""

    at: datetime
    invariant: str
    reason: str


# --- bookkeeping --------------------------------------------------------------------------------

_COORDINATOR = "the coordinator"
_NINE = time(9, 0)
_CONTACTS = (ThankYouSent, StatusInquirySent, RejectionReplySent)


def _in_utc(event: Event) -> Event:
    # Elapsed hours are counted on the UTC timeline: an aware datetime with a zone would add
    # and compare wall-clock times.
    ends_at = event.ends_at if isinstance(event, Interview) else None
    if event.at.tzinfo is UTC and (ends_at is None or ends_at.tzinfo is UTC):
        return event
    if isinstance(event, Interview) and event.ends_at is not None:
        return attrs.evolve(
            event, at=event.at.astimezone(UTC), ends_at=event.ends_at.astimezone(UTC)
        )
    return attrs.evolve(event, at=event.at.astimezone(UTC))


def _what(event: Event) -> str:
    return term_of_event(event).noun


@attrs.define
class _Round:
    """One interview round."""

    end: datetime
    recipients: tuple[str, ...]
    named: bool
    first_opening: datetime
    #: P7: closed by then if the employer stays silent (policy numbers), and by the floors
    silent_bound: datetime
    floor_bound: datetime
    sent: set[tuple[str, str]] = attrs.field(factory=set)
    inquiries: int = 0


@attrs.define
class Ledger:
    """The referee's own bookkeeping of a log, event by event (not part of the public API).

    :meth:`step` judges one event (in instant order) and returns its findings. The explorer of
    ``etiquette verify`` also uses :meth:`key` (everything that decides future findings) and
    :meth:`boundaries` (the instants at which the policy's numbers change what is allowed).
    """

    numbers: Numbers
    cal: Calendar
    floors: Floors = FLOORS
    round: _Round | None = None
    rounds: int = 0
    opening: datetime | None = None
    inquiries: list[datetime] = attrs.field(factory=list)
    unanswered: int = 0
    last_employer: datetime | None = None
    silent: bool = False
    silent_messages: int = 0
    employer_since_inquiry: bool = True
    rejection_at: datetime | None = None
    rejection_replies: int = 0
    after_rejection: int = 0
    offer_at: datetime | None = None
    offer_pending: bool = False
    closed_at: datetime | None = None
    closed_why: str = ""
    closed_rule: str = ""
    closed_by_fact: bool = False
    #: how it closed: no_response, rejected, accepted, declined or withdrawn
    closed_outcome: str = ""
    last_at: datetime | None = None

    @classmethod
    def start(cls, app: Application, policy: Policy, floors: Floors = FLOORS) -> Ledger:
        """An empty ledger for ``app`` under ``policy``'s numbers."""
        return cls(
            numbers=policy.numbers, cal=calendar_for(app.timezone, app.country), floors=floors
        )

    def copy(self) -> Ledger:
        """An independent copy."""
        rnd = self.round
        if rnd is not None:
            rnd = attrs.evolve(rnd, sent=set(rnd.sent))
        return attrs.evolve(self, round=rnd, inquiries=list(self.inquiries))

    # -- helpers --

    def _local(self, instant: datetime) -> str:
        return self.cal.local(instant).strftime("%a %Y-%m-%d %H:%M:%S %Z")

    def _date_plus(self, day: date, duration: Duration) -> datetime:
        # "date D + N business days" is 09:00 local on the N-th business day after D
        if duration.unit == "hours":
            return self.cal.at_local(day, _NINE) + timedelta(hours=duration.amount)
        return self.cal.at_local(self.cal.business_day_after(day, duration.amount), _NINE)

    def _exhausted(self) -> bool:
        n = self.numbers
        in_round = 0 if self.round is None else self.round.inquiries
        return self.unanswered >= n.max_unanswered or in_round >= n.max_total

    def pending_close(self) -> Deadline | None:
        """The next closing that time alone brings, if any (the application is still open).

        The end of the window for the gracious reply (P5); when the employer has been silent
        since the interview, P7's bound; and the last allowed inquiry + the ghosting wait when
        the employer did not write after it (P7 when silent since the interview, else the
        closing that P6 then enforces).
        """
        if self.closed_at is not None:
            return None
        found: list[Deadline] = []
        n = self.numbers
        if self.rejection_at is not None and self.rejection_replies == 0:
            limit = self.cal.add(self.rejection_at, n.rejection_limit)
            found.append(Deadline(limit, "P5", "the window for the gracious reply ended"))
        if self.offer_pending:
            # an offer waits for the candidate's answer: time alone closes nothing else
            return min(found, key=lambda d: d.at) if found else None
        if self.silent and self.round is not None:
            found.append(
                Deadline(
                    self.round.silent_bound,
                    "P7",
                    "the employer stayed silent since the interview (no_response)",
                )
            )
        if self.inquiries and not self.employer_since_inquiry and self._exhausted():
            ghost = self.cal.add(self.inquiries[-1], n.ghost_wait)
            found.append(
                Deadline(
                    ghost,
                    "P7" if self.silent else "P6",
                    "the last allowed inquiry stayed unanswered (no_response)",
                )
            )
        return min(found, key=lambda d: d.at) if found else None

    def must_close(self) -> list[Deadline]:
        """The closings P7 and the floors promise from here, if time alone goes on."""
        out: list[Deadline] = []
        pending = self.pending_close()
        if pending is not None and pending.invariant == "P7":
            out.append(pending)
        if self.closed_at is None and self.silent and self.round is not None:
            out.append(
                Deadline(
                    self.round.floor_bound,
                    "floor-bounded",
                    f"the employer stayed silent since the interview, and the floors close it "
                    f"{self.floors.close_within.describe()} after the inquiry opened",
                )
            )
        return out

    def advance(self, until: datetime) -> None:
        """Close the application if time alone has closed it by ``until``."""
        pending = self.pending_close()
        if pending is not None and pending.at <= until:
            self.closed_at = pending.at
            self.closed_why = pending.reason
            self.closed_rule = pending.invariant
            self.closed_outcome = "rejected" if pending.invariant == "P5" else "no_response"

    def _close(self, at: datetime, why: str, outcome: str) -> None:
        if self.closed_at is None:
            self.closed_at = at
            self.closed_why = why
            self.closed_rule = "P6"
            self.closed_by_fact = True
            self.closed_outcome = outcome
        elif outcome == "withdrawn" and self.closed_outcome == "no_response":
            # a withdrawal after a presumed ghosting: the candidate's choice is the fact
            self.closed_by_fact = True
            self.closed_outcome = outcome

    def _reopen(self) -> None:
        self.closed_at = None
        self.closed_why = self.closed_rule = self.closed_outcome = ""
        self.closed_by_fact = False

    def _silent_from(self, opening: datetime) -> None:
        """P7 from the employer's last message: closed by ``opening`` + the chain, unless an
        offer or a rejection is pending."""
        rnd = self.round
        if rnd is None or self.offer_pending or self.rejection_at is not None:
            self.silent = False
            return
        n = self.numbers
        bound = opening
        for _ in range(n.max_unanswered - 1):
            bound = self.cal.add(bound, n.spacing)
        rnd.first_opening = opening
        rnd.silent_bound = self.cal.add(bound, n.ghost_wait)
        rnd.floor_bound = self.cal.add(opening, self.floors.close_within)
        self.silent = True
        self.silent_messages = 0

    # -- judging --

    def step(self, index: int, event: Event) -> list[Finding]:
        """Judge one event (events must come in the order of their instants)."""
        event = _in_utc(event)
        at = event.at
        self.advance(at)
        self.last_at = at
        if isinstance(event, Interview):
            self._interview(event)
            return []
        if isinstance(event, ReplyReceived | OfferReceived | RejectionReceived):
            self._employer(event)
            return []
        if isinstance(event, OfferAccepted | OfferDeclined | Withdrawn):
            self.offer_pending = False
            self._close(
                at,
                {"offer_accepted": "offer accepted", "offer_declined": "offer declined"}.get(
                    event.type, "withdrawn"
                ),
                {"offer_accepted": "accepted", "offer_declined": "declined"}.get(
                    event.type, "withdrawn"
                ),
            )
            return []
        assert isinstance(event, _CONTACTS)
        # closed, after a rejection, silent employer: judged on the state before the contact,
        # reported after what is wrong with the contact itself
        common = self._contact(index, event)
        if isinstance(event, ThankYouSent):
            own = self._thank_you(index, event)
        elif isinstance(event, StatusInquirySent):
            own = self._inquiry(index, event)
        else:
            own = self._rejection_reply(index, event)
        return own + common

    def _finding(self, invariant: str, index: int, message: str, at: datetime) -> Finding:
        return Finding(invariant, index, message, at)

    def _interview(self, event: Interview) -> None:
        n = self.numbers
        end = event.ends_at or event.at + timedelta(hours=1)
        if event.decision_expected_by is not None:
            opening = self._date_plus(event.decision_expected_by, n.grace)
        else:
            opening = self.cal.add(end, n.default_wait)
        opening = max(opening, self.cal.add(end, n.quiet))
        names = tuple(event.interviewers)
        # a new round from any state, closed included; a pending offer survives it
        self._reopen()
        self.round = _Round(
            end=end,
            recipients=names or (_COORDINATOR,),
            named=bool(names),
            first_opening=opening,
            silent_bound=opening,
            floor_bound=opening,
        )
        self.rounds += 1
        self.opening = opening
        self.unanswered = 0
        self.last_employer = end
        self.employer_since_inquiry = True
        self.rejection_at = None
        self.rejection_replies = 0
        self.after_rejection = 0
        self._silent_from(opening)

    def _employer(self, event: ReplyReceived | OfferReceived | RejectionReceived) -> None:
        n = self.numbers
        at = event.at
        if self.closed_at is not None:
            reopens = self.closed_outcome == "no_response" or (
                isinstance(event, OfferReceived) and self.closed_outcome != "accepted"
            )
            if not reopens:
                return  # recorded, changes nothing
            self._reopen()
        self.unanswered = 0
        self.last_employer = at
        self.silent = False
        self.employer_since_inquiry = True
        if isinstance(event, ReplyReceived) and self.round is not None:
            if event.decision_expected_by is not None:
                opening = self._date_plus(event.decision_expected_by, n.grace)
            else:
                moved = self.cal.add(at, n.ongoing_wait)
                opening = moved if self.opening is None else max(self.opening, moved)
            # never within the quiet period after the interview's end or this message
            quiet = max(self.cal.add(self.round.end, n.quiet), self.cal.add(at, n.quiet))
            self.opening = max(opening, quiet)
            self._silent_from(self.opening)
        elif isinstance(event, OfferReceived):
            self.offer_at = at
            self.offer_pending = True
            # an offer after a rejection reverses it: no reply is owed to it any more
            self.rejection_at = None
            self.rejection_replies = 0
            self.after_rejection = 0
        elif isinstance(event, RejectionReceived):
            self.offer_pending = False
            if self.rejection_at is None:
                self.rejection_at = at
                self.rejection_replies = 0
                self.after_rejection = 0

    def _contact(self, index: int, event: Event) -> list[Finding]:
        """What every contact is judged on: closed, after a rejection, silent employer."""
        at = event.at
        what = _what(event)
        out: list[Finding] = []
        if self.closed_at is not None:
            closed = f"the application closed at {self._local(self.closed_at)} ({self.closed_why})"
            out.append(self._finding("P6", index, f"{what} after {closed}", at))
            if self.closed_by_fact:
                out.append(self._finding("floor-closed", index, f"{what} after {closed}", at))
        if self.rejection_at is not None:
            self.after_rejection += 1
            rejected = f"the rejection of {self._local(self.rejection_at)}"
            if not isinstance(event, RejectionReplySent):
                out.append(
                    self._finding(
                        "P5",
                        index,
                        f"{what} after {rejected}: only the gracious reply may follow",
                        at,
                    )
                )
            if self.after_rejection > self.floors.after_rejection:
                out.append(
                    self._finding(
                        "floor-rejection",
                        index,
                        f"message {self.after_rejection} after {rejected}",
                        at,
                    )
                )
        if self.silent and self.round is not None:
            self.silent_messages += 1
            people = len(self.round.recipients)
            limit = 2 * people + self.numbers.max_unanswered
            floor = 2 * people + self.floors.max_unanswered
            count = self.silent_messages
            if count > limit:
                out.append(
                    self._finding(
                        "P7",
                        index,
                        f"message {count} since the interview while the employer is silent "
                        f"(at most 2 * {people} + {self.numbers.max_unanswered} = {limit})",
                        at,
                    )
                )
            if at >= self.round.floor_bound:
                out.append(
                    self._finding(
                        "floor-bounded",
                        index,
                        f"{what} to an employer silent since the interview, "
                        f"{self.floors.close_within.describe()} or more after the inquiry opened "
                        f"({self._local(self.round.first_opening)})",
                        at,
                    )
                )
            if count > floor:
                out.append(
                    self._finding(
                        "floor-bounded",
                        index,
                        f"message {count} since the interview while the employer is silent "
                        f"(the floor allows 2 * {people} + {self.floors.max_unanswered} = {floor})",
                        at,
                    )
                )
        return out

    def _thank_you(self, index: int, event: ThankYouSent) -> list[Finding]:
        at = event.at
        what = _what(event)
        rnd = self.round
        if rnd is None:
            why = f"{what} before any interview"
            return [
                self._finding("P1", index, why, at),
                self._finding("floor-thank-you", index, why, at),
            ]
        out: list[Finding] = []
        slot: str | None = _COORDINATOR if not rnd.named else event.to
        if rnd.named and slot not in rnd.recipients:
            slot = None
            who = "no one" if event.to is None else repr(event.to)
            out.append(
                self._finding(
                    "P1",
                    index,
                    f"{what} to {who}, not an interviewer of this round "
                    f"({', '.join(rnd.recipients)})",
                    at,
                )
            )
        if slot is not None:
            key = (slot, event.channel)
            if key in rnd.sent:
                why = f"a second {'note' if event.channel == 'handwritten' else 'thank-you'} "
                why += f"to {slot} this round"
                out.append(self._finding("P1", index, why, at))
                out.append(self._finding("floor-thank-you", index, why, at))
            rnd.sent.add(key)
        if at < rnd.end:
            why = f"{what} before the interview ended at {self._local(rnd.end)}"
            out.append(self._finding("P1", index, why, at))
            out.append(self._finding("floor-thank-you", index, why, at))
        limit = self.cal.add(rnd.end, self.numbers.late_limit)
        if at >= limit:
            why = f"{what} at or after the late limit {self._local(limit)}"
            out.append(self._finding("P1", index, why, at))
        return out

    def _inquiry(self, index: int, event: StatusInquirySent) -> list[Finding]:
        at = event.at
        n = self.numbers
        out: list[Finding] = []
        rnd = self.round
        if rnd is None:
            out.append(self._finding("P2", index, "a status inquiry before any interview", at))
        else:
            if self.opening is not None and at < self.opening:
                out.append(
                    self._finding(
                        "P2",
                        index,
                        "a status inquiry before the opening in force, "
                        f"{self._local(self.opening)}",
                        at,
                    )
                )
            assert self.last_employer is not None
            quiet = max(
                self.cal.add(rnd.end, self.floors.quiet),
                self.cal.add(self.last_employer, self.floors.quiet),
            )
            if at < quiet:
                out.append(
                    self._finding(
                        "floor-quiet",
                        index,
                        f"a status inquiry within {self.floors.quiet.describe()} of the "
                        f"interview's end or the employer's last message (quiet until "
                        f"{self._local(quiet)})",
                        at,
                    )
                )
        for previous in reversed(self.inquiries):
            spaced = self.cal.add(previous, n.spacing)
            if at < spaced:
                out.append(
                    self._finding(
                        "P3",
                        index,
                        f"a status inquiry less than {n.spacing.describe()} after the one of "
                        f"{self._local(previous)} (allowed from {self._local(spaced)})",
                        at,
                    )
                )
                break
        for previous in reversed(self.inquiries):
            spaced = self.cal.add(previous, self.floors.spacing)
            if at < spaced:
                out.append(
                    self._finding(
                        "floor-spacing",
                        index,
                        f"a status inquiry less than {self.floors.spacing.describe()} after the "
                        f"one of {self._local(previous)}",
                        at,
                    )
                )
                break
        self.inquiries.append(at)
        self.unanswered += 1
        self.employer_since_inquiry = False
        if self.unanswered > n.max_unanswered:
            out.append(
                self._finding(
                    "P4",
                    index,
                    f"status inquiry {self.unanswered} since the employer last wrote "
                    f"(at most {n.max_unanswered})",
                    at,
                )
            )
        if rnd is not None:
            rnd.inquiries += 1
            if rnd.inquiries > n.max_total:
                out.append(
                    self._finding(
                        "P4",
                        index,
                        f"status inquiry {rnd.inquiries} this round (at most {n.max_total})",
                        at,
                    )
                )
        if self.unanswered > self.floors.max_unanswered:
            out.append(
                self._finding(
                    "floor-unanswered",
                    index,
                    f"status inquiry {self.unanswered} since the employer last wrote (the floor "
                    f"allows {self.floors.max_unanswered})",
                    at,
                )
            )
        return out

    def _rejection_reply(self, index: int, event: RejectionReplySent) -> list[Finding]:
        at = event.at
        out: list[Finding] = []
        if self.rejection_at is None:
            out.append(self._finding("P5", index, "a reply to a rejection that never came", at))
        else:
            self.rejection_replies += 1
            if self.rejection_replies > 1:
                out.append(self._finding("P5", index, "a second reply to the rejection", at))
            limit = self.cal.add(self.rejection_at, self.numbers.rejection_limit)
            if at >= limit:
                out.append(
                    self._finding(
                        "P5",
                        index,
                        f"the reply to the rejection comes at or after the end of its window, "
                        f"{self._local(limit)}",
                        at,
                    )
                )
        self._close(at, "the gracious reply was sent", "rejected")
        return out

    # -- what the explorer needs --

    def key(self) -> tuple[object, ...]:
        """Everything that decides the findings of any later event (hashable)."""
        rnd = self.round
        round_key = (
            None
            if rnd is None
            else (
                rnd.end,
                rnd.recipients,
                rnd.named,
                rnd.first_opening,
                frozenset(rnd.sent),
                rnd.inquiries,
            )
        )
        return (
            round_key,
            self.rounds,
            self.opening,
            tuple(self.inquiries),
            self.unanswered,
            self.last_employer,
            self.silent,
            self.silent_messages,
            self.employer_since_inquiry,
            self.rejection_at,
            self.rejection_replies,
            self.after_rejection,
            self.offer_at,
            self.offer_pending,
            self.closed_at,
            self.closed_by_fact,
            self.closed_outcome,
        )

    def boundaries(self) -> set[datetime]:
        """The instants at which the policy's numbers (or the floors) change what is allowed."""
        n = self.numbers
        add = self.cal.add
        out: set[datetime] = set()
        rnd = self.round
        if rnd is not None:
            out |= {rnd.end, add(rnd.end, n.thank_you_due), add(rnd.end, n.late_limit)}
            out.add(add(rnd.end, self.floors.quiet))
            if self.silent:
                out |= {rnd.silent_bound, rnd.floor_bound}
        if self.opening is not None:
            out.add(self.opening)
        if self.last_employer is not None:
            out |= {
                self.last_employer,
                add(self.last_employer, n.quiet),
                add(self.last_employer, self.floors.quiet),
            }
        if self.inquiries:
            last = self.inquiries[-1]
            out |= {
                last,
                add(last, n.spacing),
                add(last, self.floors.spacing),
                add(last, n.ghost_wait),
            }
        if self.rejection_at is not None:
            out |= {
                self.rejection_at,
                add(self.rejection_at, n.rejection_due),
                add(self.rejection_at, n.rejection_limit),
            }
        if self.offer_at is not None:
            out |= {self.offer_at, add(self.offer_at, n.offer_due)}
        pending = self.pending_close()
        if pending is not None:
            out.add(pending.at)
        return out


# --- the public functions -----------------------------------------------------------------------


def _policy(policy: Policy | None) -> Policy:
    if policy is not None:
        return policy
    return default_policy()


def _ledger(app: Application, policy: Policy, now: datetime | None) -> tuple[Ledger, list[Finding]]:
    if now is not None:
        now = require_aware(now, "now").astimezone(UTC)
    ledger = Ledger.start(app, policy)
    found: list[Finding] = []
    for index, event in sorted(enumerate(app.events), key=lambda pair: pair[1].at.astimezone(UTC)):
        if now is not None and event.at > now:
            break
        found += ledger.step(index, event)
    if now is not None:
        ledger.advance(now)
    return ledger, found


def audit(
    app: Application, policy: Policy | None = None, *, now: datetime | None = None
) -> list[Finding]:
    """Judge ``app``'s contact log against P1-P7 (with ``policy``'s numbers) and the floors.

    Only events at or before ``now`` are judged (all of them when ``now`` is ``None``). Returns
    the findings in the order of the events' instants; an empty list means the log keeps every
    invariant. ``policy`` defaults to the packaged default policy; only its numbers are read.
    """
    return _ledger(app, _policy(policy), now)[1]


def closing_deadline(
    app: Application, policy: Policy | None = None, *, now: datetime | None = None
) -> Deadline | None:
    """The instant by which the log obliges the application to be closed, if any.

    That is the instant it closed (a reply to a rejection, an offer accepted or declined, a
    withdrawal), or the instant time alone closes it: the end of the window for the gracious
    reply (P5); P7's bound (:func:`silent_close_bound`) when the employer has been silent since
    the interview; the last allowed inquiry + the ghosting wait when the employer did not write
    after it. ``None`` while only the candidate or the employer can close it. Only events at or
    before ``now`` count.
    """
    ledger, _ = _ledger(app, _policy(policy), now)
    if ledger.closed_at is not None:
        return Deadline(ledger.closed_at, ledger.closed_rule, ledger.closed_why)
    return ledger.pending_close()


def boundaries(
    app: Application, policy: Policy | None = None, *, now: datetime | None = None
) -> list[datetime]:
    """The instants, in order, at which the policy's numbers or the floors change what the log
    allows next (the interview's end, the thank-you deadline and late limit, the quiet period,
    the inquiry opening, the spacing from the last inquiry, the closings, ...).

    Useful to test a tracker at the edges: one second before each, at it, one second after.
    Only events at or before ``now`` count.
    """
    ledger, _ = _ledger(app, _policy(policy), now)
    return sorted(ledger.boundaries())


def silent_close_bound(
    app: Application, policy: Policy | None = None, *, now: datetime | None = None
) -> datetime | None:
    """P7's bound for the last interview of ``app``, if the employer never writes again.

    The first inquiry opening of that round + (``max_unanswered`` - 1) * spacing + the ghosting
    wait (each business-day step keeping the local time of day): the application is closed by
    then, however the candidate spent its inquiries. ``None`` before any interview, or when the
    employer wrote after it. Only events at or before ``now`` count.
    """
    ledger, _ = _ledger(app, _policy(policy), now)
    if ledger.round is None or not ledger.silent:
        return None
    return ledger.round.silent_bound


def _at_least_business_days(duration: Duration, floor: Duration) -> bool:
    return duration.unit == "business_days" and duration.amount >= floor.amount


def _business_days_at_most(duration: Duration) -> int:
    # a business day lasts at least 24 hours, so N hours span at most ceil(N / 24) of them
    if duration.unit == "business_days":
        return duration.amount
    return -(-duration.amount // 24)


def check_floors(policy: Policy | None = None, floors: Floors = FLOORS) -> list[Finding]:
    """Check a policy's numbers against the floors; an empty list means they respect them.

    A duration the floors bound from below (quiet period, inquiry spacing) must be written in
    business days and be at least the floor; elapsed hours cannot promise business days across
    weekends and holidays.
    """
    n = _policy(policy).numbers
    out: list[Finding] = []

    def below(floor_id: str, what: str, value: Duration, floor: Duration) -> None:
        out.append(
            Finding(
                floor_id,
                None,
                f"{what} is {value.describe()}; the floor is {floor.describe()}"
                + ("" if value.unit == "business_days" else " (write it in business days)"),
            )
        )

    if not _at_least_business_days(n.quiet, floors.quiet):
        below("floor-quiet", "the quiet period (no-bombarding.quiet)", n.quiet, floors.quiet)
    if not _at_least_business_days(n.spacing, floors.spacing):
        below(
            "floor-spacing",
            "the inquiry spacing (inquiry-spacing.spacing)",
            n.spacing,
            floors.spacing,
        )
    if n.max_unanswered > floors.max_unanswered:
        out.append(
            Finding(
                "floor-unanswered",
                None,
                f"max_unanswered is {n.max_unanswered}; the floor allows at most "
                f"{floors.max_unanswered}",
            )
        )
    after_opening = (n.max_unanswered - 1) * _business_days_at_most(
        n.spacing
    ) + _business_days_at_most(n.ghost_wait)
    if floors.close_within.unit == "business_days" and after_opening > floors.close_within.amount:
        out.append(
            Finding(
                "floor-bounded",
                None,
                f"(max_unanswered - 1) * spacing + the ghosting wait is up to {after_opening} "
                f"business days; the floor closes at most {floors.close_within.describe()} "
                "after the first inquiry opening",
            )
        )
    return out
