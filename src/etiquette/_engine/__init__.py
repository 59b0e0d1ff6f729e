"""The engine: the pure core. It does no I/O and never reads the clock; ``now`` comes in.

Modules, from the bottom up (each imports only those before it):

- ``errors``: the exceptions, and :class:`Violation` (what a refusal carries);
- ``times``: instants, durations, business-day calendars, parsing RFC 3339 and dates;
- ``wire``: reading the wire format field by field, naming what is wrong (compiled);
- ``model``: the wire values (applications, events), read by ``wire``;
- ``vocabulary``: the one table of triggers, events, actions and their words;
- ``policy``: a spec as checked data (states, rules, numbers);
- ``machine``: the state machine compiled from a policy, the guards, the replay;
- ``spec``: loading a policy (its data checked, its machine compiled);
- ``results``: the values :class:`Decision`, :class:`Verdict`, :class:`Blocked`;
- ``advice``: the decision of a replayed context (compiled, as ``machine`` and ``times`` are);
- ``decisions``: ``next_action``, ``check`` and ``record``;
- ``plan``: every window ahead.

The layers above (the command line, the docs generator, the bulk path, the proof) import what
they use from this package, never from its modules: the names below are the engine's API for
them. ``etiquette`` (the public face) exports the part of it users rely on.
"""

from __future__ import annotations

from .advice import decide_at, decide_wire
from .decisions import as_of, check, next_action, record
from .errors import (
    EtiquetteError,
    EtiquetteViolation,
    InvalidApplication,
    InvalidEvent,
    SpecError,
    Violation,
)
from .machine import (
    CONDITIONS,
    GUARDS,
    TRIGGERS,
    Context,
    Transition,
    next_deadline,
    replay,
)
from .model import (
    EVENT_TYPES,
    Application,
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
    event_from_dict,
    load_json,
)
from .plan import Change, Plan, Window, plan
from .policy import Numbers, Policy, Rule
from .results import Blocked, Decision, Verdict
from .spec import default_policy, load_policy, policy_from_data, policy_from_text
from .times import (
    Calendar,
    Duration,
    calendar_for,
    parse_date,
    parse_instant,
    require_aware,
)
from .vocabulary import (
    ACTIONS,
    CHECKABLE,
    MESSAGE_KINDS,
    TERMS,
    Term,
    describe,
    term_of,
    term_of_event,
)

__all__ = [
    "ACTIONS",
    "CHECKABLE",
    "CONDITIONS",
    "EVENT_TYPES",
    "GUARDS",
    "MESSAGE_KINDS",
    "TERMS",
    "TRIGGERS",
    "Application",
    "Blocked",
    "Calendar",
    "Change",
    "Context",
    "Decision",
    "Duration",
    "EtiquetteError",
    "EtiquetteViolation",
    "Event",
    "Interview",
    "InvalidApplication",
    "InvalidEvent",
    "Numbers",
    "OfferAccepted",
    "OfferDeclined",
    "OfferReceived",
    "Plan",
    "Policy",
    "RejectionReceived",
    "RejectionReplySent",
    "ReplyReceived",
    "Rule",
    "SpecError",
    "StatusInquirySent",
    "Term",
    "ThankYouSent",
    "Transition",
    "Verdict",
    "Violation",
    "Window",
    "Withdrawn",
    "as_of",
    "calendar_for",
    "check",
    "decide_at",
    "decide_wire",
    "default_policy",
    "describe",
    "event_from_dict",
    "load_json",
    "load_policy",
    "next_action",
    "next_deadline",
    "parse_date",
    "parse_instant",
    "plan",
    "policy_from_data",
    "policy_from_text",
    "record",
    "replay",
    "require_aware",
    "term_of",
    "term_of_event",
]
