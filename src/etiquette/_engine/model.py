"""Value types: events, applications, violations; and their JSON wire format.

Every value is a frozen, slotted attrs class, validated at construction. ``from_dict`` reads the
wire format of the contract and names the field path of anything wrong (``events[2].at``);
``to_dict`` writes it back so that ``Application.from_dict(app.to_dict()) == app``.
"""

from __future__ import annotations

import json
import operator
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from typing import Any, ClassVar, Literal, TypeAlias

import attrs

from .errors import InvalidApplication
from .times import (
    MAX_YEAR,
    MIN_YEAR,
    _kind,
    check_country,
    check_date,
    check_timezone,
    fixed_offset,
    format_instant,
    require_aware,
)
from .wire import (
    CHANNEL,
    DATE,
    DATE_OR_INSTANT,
    INSTANT,
    TEXT,
    TEXT_LIST,
    EventMaker,
    Loader,
    Reader,
    channel,
    interview_checked,
    whole_characters,
)
from .wire import text as _text

__all__ = [
    "Application",
    "Event",
    "Interview",
    "OfferAccepted",
    "OfferDeclined",
    "OfferReceived",
    "RejectionReceived",
    "RejectionReplySent",
    "ReplyReceived",
    "StatusInquirySent",
    "ThankYouSent",
    "Withdrawn",
    "event_from_dict",
]

Channel: TypeAlias = Literal["email", "handwritten"]


def _fixed(value: datetime) -> datetime:
    """An aware instant with its zone replaced by its fixed UTC offset (the same instant).

    Values that share a zone's tzinfo compare on the wall clock, and an instant in the hour a
    DST change repeats compares unequal to any other zone (PEP 495); a fixed offset is exact,
    and it is all the wire format keeps. An offset with seconds, which RFC 3339 cannot write,
    becomes UTC. Anything else is left for the validator to refuse.
    """
    if not isinstance(value, datetime) or value.utcoffset() is None:
        return value
    return fixed_offset(value)


def _fixed_or_none(value: datetime | None) -> datetime | None:
    return None if value is None else _fixed(value)


def _plain_date(value: date | None) -> date | None:
    """A date as a plain :class:`datetime.date` (a pendulum ``Date`` has other arithmetic)."""
    if type(value) is date or not isinstance(value, date) or isinstance(value, datetime):
        return value  # a plain date, None, or anything else for the validator to refuse
    return date(value.year, value.month, value.day)


def _fixed_or_date(value: date | datetime | None) -> date | datetime | None:
    return _fixed(value) if isinstance(value, datetime) else _plain_date(value)


def _aware(_inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    require_aware(value, attribute.name)


def _aware_or_none(inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None:
        require_aware(value, attribute.name)


def _names(_inst: object, attribute: attrs.Attribute[Any], value: tuple[str, ...]) -> None:
    for i, name in enumerate(value):
        _text(name, f"{attribute.name}[{i}]")


def _rule_ids(_inst: object, attribute: attrs.Attribute[Any], value: tuple[str, ...]) -> None:
    for i, rule in enumerate(value):
        if not isinstance(rule, str) or not rule:
            raise InvalidApplication(f"{attribute.name}[{i}]", "expected a rule id")
        if not rule.isascii():
            whole_characters(rule, f"{attribute.name}[{i}]")


def _str_tuple(value: Sequence[str]) -> tuple[str, ...]:
    # a bare string is a sequence of letters, never a list of names; the validator refuses it
    if isinstance(value, str) or not isinstance(value, Sequence):
        return value  # type: ignore[return-value]
    return tuple(value)


def _is_tuple(_inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, tuple):
        raise InvalidApplication(attribute.name, f"expected a list, got {_kind(value)}")


def _date_or_none(_inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None:
        check_date(value, attribute.name)


def _date_or_instant_or_none(_inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if isinstance(value, datetime):
        require_aware(value, attribute.name)
    elif value is not None:
        check_date(value, attribute.name)


def _optional_name(_inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None:
        _text(value, attribute.name)


def _channel_value(_inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    channel(value, attribute.name)


@attrs.frozen
class _Base:
    at: datetime = attrs.field(converter=_fixed, validator=_aware)
    violations: tuple[str, ...] = attrs.field(
        default=(), converter=_str_tuple, validator=[_is_tuple, _rule_ids], kw_only=True
    )
    #: ``at`` on the UTC line, made once with the value: the engine orders and compares events
    #: by it, and moving an instant to UTC is the costliest step of ordering a history
    _at_utc: datetime = attrs.field(init=False, eq=False, repr=False)
    type: ClassVar[str] = ""

    @_at_utc.default
    def _in_utc(self) -> datetime:
        at = self.at
        if isinstance(at, datetime) and at.tzinfo is not None and MIN_YEAR <= at.year <= MAX_YEAR:
            return at.astimezone(UTC)
        return at  # refused by the validator of ``at``, which runs next


@attrs.frozen
class Interview(_Base):
    """An interview round: ``at`` it starts, ``ends_at`` it ends (``at`` + 1 h when not given)."""

    ends_at: datetime | None = attrs.field(
        default=None, converter=_fixed_or_none, validator=_aware_or_none
    )
    interviewers: tuple[str, ...] = attrs.field(
        default=(), converter=_str_tuple, validator=[_is_tuple, _names]
    )
    decision_expected_by: date | None = attrs.field(
        default=None, converter=_plain_date, validator=_date_or_none
    )
    notes: tuple[str, ...] = attrs.field(
        default=(), converter=_str_tuple, validator=[_is_tuple, _names]
    )
    #: when the round ends, on the UTC line (``ends_at``, else an hour after ``at``), made once
    #: with the value (by the post-init, once the fields are checked): every replay asks for it
    _end_utc: datetime = attrs.field(init=False, eq=False, repr=False)
    type: ClassVar[str] = "interview"

    def __attrs_post_init__(self) -> None:
        interview_checked(self)  # (compiled; the loader calls it directly)


@attrs.frozen
class ThankYouSent(_Base):
    """A thank-you to one interviewer, by email or as a mailed handwritten note."""

    to: str | None = attrs.field(default=None, validator=_optional_name)
    channel: Channel = attrs.field(default="email", validator=_channel_value)
    type: ClassVar[str] = "thank_you_sent"


@attrs.frozen
class StatusInquirySent(_Base):
    """A polite status inquiry from the candidate."""

    type: ClassVar[str] = "status_inquiry_sent"


@attrs.frozen
class ReplyReceived(_Base):
    """The employer wrote; the decision is still ongoing, maybe with a new expected date."""

    decision_expected_by: date | None = attrs.field(
        default=None, converter=_plain_date, validator=_date_or_none
    )
    #: what they said, for the candidate's own record and the drafts
    notes: tuple[str, ...] = attrs.field(
        default=(), converter=_str_tuple, validator=[_is_tuple, _names]
    )
    type: ClassVar[str] = "reply_received"


@attrs.frozen
class OfferReceived(_Base):
    """An offer; ``respond_by`` is a date (end of that day, local) or an instant."""

    respond_by: date | datetime | None = attrs.field(
        default=None, converter=_fixed_or_date, validator=_date_or_instant_or_none
    )
    type: ClassVar[str] = "offer_received"


@attrs.frozen
class RejectionReceived(_Base):
    """The employer declined the application."""

    type: ClassVar[str] = "rejection_received"


@attrs.frozen
class RejectionReplySent(_Base):
    """The candidate's one gracious reply to a rejection."""

    type: ClassVar[str] = "rejection_reply_sent"


@attrs.frozen
class OfferAccepted(_Base):
    """The candidate accepted the offer."""

    type: ClassVar[str] = "offer_accepted"


@attrs.frozen
class OfferDeclined(_Base):
    """The candidate declined the offer."""

    type: ClassVar[str] = "offer_declined"


@attrs.frozen
class Withdrawn(_Base):
    """The candidate withdrew from the process."""

    type: ClassVar[str] = "withdrawn"


Event: TypeAlias = (
    Interview
    | ThankYouSent
    | StatusInquirySent
    | ReplyReceived
    | OfferReceived
    | RejectionReceived
    | RejectionReplySent
    | OfferAccepted
    | OfferDeclined
    | Withdrawn
)

EVENT_TYPES: dict[str, type[Event]] = {
    cls.type: cls
    for cls in (
        Interview,
        ThankYouSent,
        StatusInquirySent,
        ReplyReceived,
        OfferReceived,
        RejectionReceived,
        RejectionReplySent,
        OfferAccepted,
        OfferDeclined,
        Withdrawn,
    )
}


# --- wire format -------------------------------------------------------------------------------

# event type -> its optional fields' readers, in the order errors list them (type and at,
# required, are read first)
_OWN_FIELDS: dict[str, dict[str, Reader]] = {
    "interview": {
        "ends_at": INSTANT,
        "interviewers": TEXT_LIST,
        "decision_expected_by": DATE,
        "notes": TEXT_LIST,
    },
    "thank_you_sent": {"to": TEXT, "channel": CHANNEL},
    "reply_received": {"decision_expected_by": DATE, "notes": TEXT_LIST},
    "offer_received": {"respond_by": DATE_OR_INSTANT},
}
_FIELDS: dict[str, dict[str, Reader]] = {
    kind: {**_OWN_FIELDS.get(kind, {}), "violations": TEXT_LIST} for kind in EVENT_TYPES
}


def event_from_dict(data: object, path: str = "event") -> Event:
    """Read one event of the wire format; errors name ``path`` and the field."""
    try:
        event: Event = _LOADER.event(data)
    except InvalidApplication as exc:
        raise exc.within(path) from None
    return event


def event_to_dict(event: Event) -> dict[str, Any]:
    """Write one event in the wire format."""
    out: dict[str, Any] = {"type": event.type, "at": format_instant(event.at)}
    if isinstance(event, Interview):
        if event.ends_at is not None:
            out["ends_at"] = format_instant(event.ends_at)
        if event.interviewers:
            out["interviewers"] = list(event.interviewers)
        if event.decision_expected_by is not None:
            out["decision_expected_by"] = event.decision_expected_by.isoformat()
        if event.notes:
            out["notes"] = list(event.notes)
    elif isinstance(event, ThankYouSent):
        if event.to is not None:
            out["to"] = event.to
        out["channel"] = event.channel
    elif isinstance(event, ReplyReceived):
        if event.decision_expected_by is not None:
            out["decision_expected_by"] = event.decision_expected_by.isoformat()
        if event.notes:
            out["notes"] = list(event.notes)
    elif isinstance(event, OfferReceived) and event.respond_by is not None:
        out["respond_by"] = (
            format_instant(event.respond_by)
            if isinstance(event.respond_by, datetime)
            else event.respond_by.isoformat()
        )
    if event.violations:
        out["violations"] = list(event.violations)
    return out


def _events(value: Sequence[Event]) -> tuple[Event, ...]:
    if isinstance(value, str) or not isinstance(value, Sequence):
        return value  # refused by the validator
    return tuple(value)


def _check_events(
    _inst: object, _attribute: attrs.Attribute[Any], value: tuple[Event, ...]
) -> None:
    if not isinstance(value, tuple):
        raise InvalidApplication("events", f"expected a list of events, got {_kind(value)}")
    for i, event in enumerate(value):
        if not isinstance(event, tuple(EVENT_TYPES.values())):
            raise InvalidApplication(f"events[{i}]", f"expected an event value, got {_kind(event)}")


def _tz(_inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    check_timezone(value, attribute.name)


def _country(_inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None:
        check_country(value, attribute.name)


def _id(_inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    _text(value, attribute.name)


def _optional_text(_inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None:
        _text(value, attribute.name)


def in_order(events: Sequence[Event]) -> tuple[Event, ...]:
    """``events`` in the order of their instants (stable: sorted by each one's instant in UTC)."""
    return tuple(sorted(events, key=_AT_UTC))


_AT_UTC = operator.attrgetter("_at_utc")


_APP_KEYS = ("id", "company", "role", "timezone", "country", "candidate", "events")
_APP_KEY_SET = frozenset(_APP_KEYS)


@attrs.frozen
class Application:
    """One job application: who, where, and its history of events (in any order).

    The state is never stored: it is derived from ``events`` by the engine, as of a ``now``.
    """

    id: str = attrs.field(validator=_id)
    events: tuple[Event, ...] = attrs.field(default=(), converter=_events, validator=_check_events)
    company: str | None = attrs.field(default=None, validator=_optional_text)
    role: str | None = attrs.field(default=None, validator=_optional_text)
    timezone: str = attrs.field(default="UTC", validator=_tz)
    country: str | None = attrs.field(default=None, validator=_country)
    #: the candidate's name, to sign messages with (optional)
    candidate: str | None = attrs.field(default=None, validator=_optional_text)
    #: the events in the order of their instants (stable), made once with the value: the
    #: engine replays them in this order at every decision
    _timeline: tuple[Event, ...] = attrs.field(init=False, eq=False, repr=False)

    @_timeline.default
    def _in_order(self) -> tuple[Event, ...]:
        events = self.events
        if isinstance(events, tuple) and all(isinstance(e, _Base) for e in events):
            return in_order(events)
        return ()  # refused by the validator of ``events``, which runs next

    @classmethod
    def from_dict(cls, data: object, path: str = "") -> Application:
        """Read an application in the wire format; errors name the field path."""
        try:
            app: Application = _LOADER.application(cls, data)
        except InvalidApplication as exc:
            raise exc.within(path) from None
        return app

    def to_dict(self) -> dict[str, Any]:
        """Write the application in the wire format."""
        out: dict[str, Any] = {"id": self.id}
        if self.company is not None:
            out["company"] = self.company
        if self.role is not None:
            out["role"] = self.role
        out["timezone"] = self.timezone
        if self.country is not None:
            out["country"] = self.country
        if self.candidate is not None:
            out["candidate"] = self.candidate
        out["events"] = [event_to_dict(e) for e in self.events]
        return out

    @classmethod
    def from_json(cls, text: str | bytes) -> Application:
        """Read an application from JSON text."""
        return cls.from_dict(load_json(text))

    def to_json(self, *, indent: int | None = 2) -> str:
        """Write the application as JSON text."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)


#: Application's fields, in order: :meth:`Loader.application` sets them in this order.
_APP_FIELDS = ("id", "events", "company", "role", "timezone", "country", "candidate", "_timeline")
if tuple(a.name for a in attrs.fields(Application)) != _APP_FIELDS:  # pragma: no cover
    raise TypeError(f"Application's fields are not {_APP_FIELDS}")


def _event_maker(cls: type[Event]) -> EventMaker:
    """What :meth:`Loader.event` needs to build an event of ``cls``: the class, its optional
    fields' names and defaults, each wire key's reader, and its post-init, if any."""
    defaults = []
    for a in attrs.fields(cls):
        if a.name == "at" or not a.init:
            continue  # given by Loader.event (``at``, ``_at_utc``) or made by the post-init
        if a.default is attrs.NOTHING or isinstance(a.default, attrs.Factory):  # type: ignore[arg-type]
            raise TypeError(
                f"{cls.__name__}.{a.name}: an event's other fields need a plain default"
            )
        defaults.append((a.name, a.default))
    fields = _FIELDS[cls.type]
    if not {a.name for a in attrs.fields(cls)}.issuperset(fields):  # pragma: no cover
        raise TypeError(f"{cls.__name__}: a wire key names no field ({', '.join(fields)})")
    post_init = _COMPILED_POST_INITS.get(cls) or getattr(cls, "__attrs_post_init__", None)
    return cls, tuple(defaults), fields, post_init


#: The post-inits the loader calls as compiled functions, not through the class's method.
_COMPILED_POST_INITS: dict[type, Callable[[Any], None]] = {Interview: interview_checked}


#: Event type -> what :meth:`Loader.event` needs to build one.
_EVENT_MAKERS: dict[str, EventMaker] = {
    kind: _event_maker(cls) for kind, cls in EVENT_TYPES.items()
}

#: Reads the wire format into these classes (compiled: :mod:`etiquette._engine.wire`).
_LOADER = Loader(
    _EVENT_MAKERS,
    Application,
    _APP_KEYS,
    _APP_FIELDS,
    in_order,
)


def load_json(text: str | bytes) -> Any:
    """Parse JSON, turning syntax errors into InvalidApplication with line and column."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidApplication(
            f"line {exc.lineno} column {exc.colno}", f"invalid JSON: {exc.msg}"
        ) from None
    except UnicodeDecodeError as exc:
        raise InvalidApplication("", f"invalid JSON: not UTF-8 text ({exc.reason})") from None
    except RecursionError:
        raise InvalidApplication("", "invalid JSON: nested too deeply") from None
