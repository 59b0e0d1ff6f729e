"""etiquette: interview follow-up etiquette as a rule-engine state machine.

Each job application is an event-sourced finite state machine whose guards encode follow-up
etiquette; :func:`next_action` says what to do next, from when, until when, and why.

>>> from datetime import datetime, timezone
>>> from etiquette import Application, next_action
>>> app = Application.from_dict({
...     "id": "acme-1",
...     "timezone": "America/New_York",
...     "events": [{"type": "interview", "at": "2026-11-23T10:00:00-05:00",
...                 "interviewers": ["Ana Ruiz"]}],
... })
>>> decision = next_action(app, datetime(2026, 11, 23, 20, 0, tzinfo=timezone.utc))
>>> decision.action, decision.to
('send_thank_you', ('Ana Ruiz',))
"""

from typing import TYPE_CHECKING, Any

from ._bulk import next_actions
from ._engine import (
    Application,
    Blocked,
    Change,
    Decision,
    EtiquetteError,
    EtiquetteViolation,
    Event,
    Interview,
    InvalidApplication,
    InvalidEvent,
    OfferAccepted,
    OfferDeclined,
    OfferReceived,
    Plan,
    Policy,
    RejectionReceived,
    RejectionReplySent,
    ReplyReceived,
    Rule,
    SpecError,
    StatusInquirySent,
    ThankYouSent,
    Verdict,
    Violation,
    Window,
    Withdrawn,
    check,
    load_policy,
    next_action,
    plan,
    record,
)

if TYPE_CHECKING:
    from ._drafts import Draft, DraftError, Finding, draft, lint
    from ._ics import to_ics

__version__ = "0.1.0"

#: The names of the layers around the engine, imported when first asked for: the command line
#: and every program that only decides start without the drafts' and the calendar's libraries.
_LAZY = {
    "Draft": "._drafts",
    "DraftError": "._drafts",
    "Finding": "._drafts",
    "draft": "._drafts",
    "lint": "._drafts",
    "to_ics": "._ics",
}


def __getattr__(name: str) -> Any:
    """A name of :data:`_LAZY`, imported on first use (PEP 562)."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'etiquette' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})


__all__ = [
    "Application",
    "Blocked",
    "Change",
    "Decision",
    "Draft",
    "DraftError",
    "EtiquetteError",
    "EtiquetteViolation",
    "Event",
    "Finding",
    "Interview",
    "InvalidApplication",
    "InvalidEvent",
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
    "ThankYouSent",
    "Verdict",
    "Violation",
    "Window",
    "Withdrawn",
    "__version__",
    "check",
    "draft",
    "lint",
    "load_policy",
    "next_action",
    "next_actions",
    "plan",
    "record",
    "to_ics",
]
