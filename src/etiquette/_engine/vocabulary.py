"""The one table of what can happen: machine triggers, wire events, actions, and their words.

Each trigger of the state machine is one row: the wire event that fires it, the action a
decision or ``check`` names for it (contacts only), and how the engine, the pages and the
command line say it. Everything that names an event or an action in words reads it here.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import attrs

from .model import (
    Event,
    Interview,
    OfferReceived,
    RejectionReplySent,
    ReplyReceived,
    StatusInquirySent,
    ThankYouSent,
)
from .times import Calendar

__all__ = [
    "ACTIONS",
    "CHECKABLE",
    "MESSAGE_KINDS",
    "TERMS",
    "Term",
    "by_action",
    "describe",
    "term_of",
    "term_of_event",
]

#: The kinds of message there are drafts and a lint for (here, not with the drafts: the command
#: line offers them as choices without importing the drafts and their libraries).
MESSAGE_KINDS = (
    "thank_you",
    "status_inquiry",
    "rejection_reply",
    "offer_reply",
    "handwritten_note",
)


@attrs.frozen
class Term:
    """One trigger of the machine, and everything else that names it."""

    #: the machine's trigger
    trigger: str
    #: the wire event type that fires it
    event: str
    #: the action a decision or ``check`` names (contacts only; None for the others)
    action: str | None
    #: the thing itself, in a sentence: "a thank-you"
    noun: str
    #: what happened, on an arrow or a line of a timeline: "thank-you sent"
    label: str
    #: in a few words, on a chart: "thank-you"
    short: str
    #: never required (a handwritten note)
    optional: bool = False
    #: the event a contact is, at an instant and to someone (contacts only)
    make: Callable[[datetime, str | None], Event] | None = attrs.field(
        default=None, eq=False, repr=False
    )


TERMS: tuple[Term, ...] = (
    Term("interview", "interview", None, "an interview", "interview", "interview"),
    Term(
        "reply_received", "reply_received", None, "a reply", "employer replies", "employer replies"
    ),
    Term("offer_received", "offer_received", None, "an offer", "offer received", "offer received"),
    Term(
        "rejection_received",
        "rejection_received",
        None,
        "a rejection",
        "rejection received",
        "rejection received",
    ),
    Term(
        "thank_you_sent",
        "thank_you_sent",
        "send_thank_you",
        "a thank-you",
        "thank-you sent",
        "thank-you",
        False,
        lambda at, to: ThankYouSent(at, to=to),
    ),
    Term(
        "note_mailed",
        "thank_you_sent",
        "mail_handwritten_note",
        "a handwritten note",
        "handwritten note mailed",
        "note",
        True,
        lambda at, to: ThankYouSent(at, to=to, channel="handwritten"),
    ),
    Term(
        "status_inquiry_sent",
        "status_inquiry_sent",
        "send_status_inquiry",
        "a status inquiry",
        "status inquiry sent",
        "status inquiry",
        False,
        lambda at, to: StatusInquirySent(at),
    ),
    Term(
        "rejection_reply_sent",
        "rejection_reply_sent",
        "reply_to_rejection",
        "a reply to a rejection",
        "gracious reply sent",
        "gracious reply",
        False,
        lambda at, to: RejectionReplySent(at),
    ),
    Term(
        "offer_accepted",
        "offer_accepted",
        None,
        "an acceptance",
        "offer accepted",
        "offer accepted",
    ),
    Term("offer_declined", "offer_declined", None, "a refusal", "offer declined", "offer declined"),
    Term("withdrawn", "withdrawn", None, "a withdrawal", "withdrawn", "withdrawn"),
)

_BY_TRIGGER = {t.trigger: t for t in TERMS}

#: The actions ``check`` judges: every contact, and answering an offer (a reply to the
#: employer, which no trigger of the machine stands for).
CHECKABLE = (*(t.action for t in TERMS if t.action is not None), "respond_to_offer")

#: The actions a decision can recommend.
ACTIONS = (
    "send_thank_you",
    "send_status_inquiry",
    "reply_to_rejection",
    "respond_to_offer",
    "wait",
    "none",
)

_BY_ACTION = {t.action: t for t in TERMS if t.action is not None}


def term_of(trigger: str) -> Term:
    """The row of a machine trigger (KeyError for a trigger the machine does not have)."""
    return _BY_TRIGGER[trigger]


def term_of_event(event: Event) -> Term:
    """The row of the trigger an event fires (a handwritten thank-you is a mailed note)."""
    if isinstance(event, ThankYouSent) and event.channel == "handwritten":
        return _BY_TRIGGER["note_mailed"]
    return _BY_TRIGGER[event.type]


def describe(event: Event, cal: Calendar, local: Callable[[datetime], str] | None = None) -> str:
    """An event on a line of a timeline: what happened, with what it says, in the local time
    of ``cal`` (``local`` writes an instant, ``cal.wall_clock`` by default); and the rules it
    broke, when it was recorded anyway."""
    wall_clock = local or cal.wall_clock
    term = term_of_event(event)
    text = term.label
    if isinstance(event, Interview):
        if event.interviewers:
            text += " with " + ", ".join(event.interviewers)
        if event.ends_at is not None:
            text += f", ends {cal.local(event.ends_at):%H:%M}"
        if event.decision_expected_by is not None:
            text += f"; decision expected by {event.decision_expected_by:%a %Y-%m-%d}"
    elif isinstance(event, ThankYouSent):
        text += f" to {event.to or 'the coordinator'}"
    elif isinstance(event, ReplyReceived):
        text += ": still deciding"
        if event.decision_expected_by is not None:
            text += f", new date {event.decision_expected_by:%a %Y-%m-%d}"
    elif isinstance(event, OfferReceived):
        if isinstance(event.respond_by, datetime):
            text += f", respond by {wall_clock(event.respond_by)}"
        elif event.respond_by is not None:
            text += f", respond by {event.respond_by:%a %Y-%m-%d}"
    if event.violations:
        text += " (recorded despite " + ", ".join(event.violations) + ")"
    return text


def by_action(action: str) -> Term | None:
    """The row of a contact action; None for ``respond_to_offer`` (no trigger stands for it)."""
    return _BY_ACTION.get(action)
