"""Reading the wire format, field by field: the checks of ``Application.from_dict``; and
writing a decision's wire form (``Decision.to_dict``), the bulk path's last stage.

Compiled with mypyc when the package is built (as ``machine`` and ``times`` are): reading is the
bulk path's largest stage. It knows no value type: :mod:`etiquette._engine.model` builds a
:class:`Loader` with its classes, their fields' names and what each event type reads, and every
function here takes what it is given as ``object``, checks it and names the field path of what
is wrong, as the classes' validators would. (The one check of several fields together that
runs for many values, an interview's post-init, is here too, reading those fields by name.)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta
from typing import Any, Final

from .errors import InvalidApplication
from .times import (
    _DATETIME,
    _TWO_DIGITS,
    UTC,
    _kind,
    _zone,
    check_country,
    check_timezone,
    day_text,
    format_instant,
    local_clock,
    parse_date,
    parse_instant,
    quoted,
)

#: ``object.__new__``, bound once: the loader makes values of the model's classes without their
#: ``__init__`` (:class:`Loader`), and looking it up on ``object`` at every call cost more.
_new: Final = object.__new__
#: Methods of the built-in types called on their own values, bound once: a compiled call of
#: ``value.isascii()`` looks the method up by name on the value's type at every call.
_isascii: Final = str.isascii
_astimezone: Final = datetime.astimezone

__all__ = [
    "CHANNEL",
    "DATE",
    "DATE_OR_INSTANT",
    "INSTANT",
    "TEXT",
    "TEXT_LIST",
    "DecisionFields",
    "Loader",
    "channel",
    "date_or_instant",
    "decision_dict",
    "fields_dict",
    "interview_checked",
    "local_text",
    "read",
    "text",
    "text_list",
    "whole_characters",
]

#: How a wire field is read: one of the readers below, by number (:func:`read` calls it; a
#: call through a table of functions would cost the compiled module a Python call each).
Reader = int
INSTANT: Final = 0
TEXT: Final = 1
TEXT_LIST: Final = 2
DATE: Final = 3
CHANNEL: Final = 4
DATE_OR_INSTANT: Final = 5
#: What :meth:`Loader.event` needs to build an event of one type: the class, its optional
#: fields' names and defaults, each wire key's reader (a key is its field's name), and its
#: post-init, if any.
EventMaker = tuple[
    type,
    tuple[tuple[str, Any], ...],
    dict[str, Reader],
    Callable[[Any], None] | None,
]


def text(value: object, path: str) -> str:
    """A non-empty string of whole characters."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidApplication(path, f"expected a non-empty string, got {_kind(value)}")
    if not _isascii(value):  # (ASCII is always whole characters: only other text is read)
        whole_characters(value, path)
    return value


def whole_characters(value: str, path: str) -> None:
    """Refuse half of a character: JSON can spell a lone surrogate (``"\\ud800"``), which no
    UTF-8 text can hold, so no decision, record or message naming it could be written."""
    for i, char in enumerate(value):
        code = ord(char)
        if 0xD800 <= code <= 0xDFFF:
            raise InvalidApplication(
                path,
                f"expected Unicode text, got half of a character (\\u{code:04x}, a lone "
                f"surrogate) at character {i + 1}",
            )


def text_list(value: object, path: str) -> tuple[str, ...]:
    """A list of non-empty strings, as a tuple."""
    if not isinstance(value, list):
        raise InvalidApplication(path, f"expected a list of strings, got {_kind(value)}")
    for i, item in enumerate(value):
        try:
            text(item, "")
        except InvalidApplication as exc:
            raise InvalidApplication(f"{path}[{i}]", exc.why) from None
    return tuple(value)


def channel(value: object, path: str) -> str:
    """A thank-you's channel: ``email`` or ``handwritten``."""
    if value != "email" and value != "handwritten":
        shown = quoted(value) if isinstance(value, str) else _kind(value)
        raise InvalidApplication(path, f"expected 'email' or 'handwritten', got {shown}")
    return str(value)


def date_or_instant(value: object, path: str) -> date | datetime:
    """A date ``YYYY-MM-DD`` or an RFC 3339 instant."""
    if isinstance(value, str) and len(value) == 10:
        return parse_date(value, path)
    if isinstance(value, str):
        return parse_instant(value, path)
    raise InvalidApplication(path, f"expected a date YYYY-MM-DD or an instant, got {_kind(value)}")


def read(reader: Reader, value: object, path: str) -> object:
    """``value`` read by ``reader`` (one of :data:`INSTANT`, :data:`TEXT`, ...)."""
    if reader == INSTANT:
        return parse_instant(value, path)
    if reader == TEXT:
        return text(value, path)
    if reader == TEXT_LIST:
        return text_list(value, path)
    if reader == DATE:
        return parse_date(value, path)
    if reader == CHANNEL:
        return channel(value, path)
    if reader == DATE_OR_INSTANT:
        return date_or_instant(value, path)
    raise AssertionError(f"no reader {reader}")  # pragma: no cover


_MISSING: Final[Any] = object()


def _put(value: object, name: str, field: object) -> None:
    """Set field ``name`` of a value being built, past a frozen class's ``__setattr__``: the
    compiled module calls the generic setter directly (at a third of the cost of calling the
    slot's own ``__set__``), as attrs' ``__init__`` calls ``object.__setattr__``."""
    object.__setattr__(value, name, field)


_ONE_HOUR: Final = timedelta(hours=1)


def interview_checked(interview: Any) -> None:
    """The post-init of an interview, compiled (the loader calls it for every interview read):
    its end is not before its start and its interviewers are distinct; then the end of its
    round on the UTC line (``ends_at``, else an hour after ``at``) is kept, as ``_end_utc``."""
    start: datetime = interview._at_utc
    ends_at: datetime | None = interview.ends_at
    # (compared on the UTC line: two instants of one tzinfo compare without asking offsets)
    end = start + _ONE_HOUR if ends_at is None else _astimezone(ends_at, UTC)
    if end < start:
        raise InvalidApplication("ends_at", "the interview cannot end before it starts (at)")
    interviewers: tuple[str, ...] = interview.interviewers
    if len(interviewers) > 1 and len(set(interviewers)) != len(interviewers):
        raise InvalidApplication("interviewers", "names must be unique")
    _put(interview, "_end_utc", end)


class Loader:
    """Reads events and applications of the wire format into the model's classes, setting
    each one's fields directly (:func:`_put`): every field is checked here as the class's
    validators would check it, in the form its converters would give, so running them again
    would double the cost of loading. Tests prove the values equal to what the validating
    constructors build."""

    def __init__(
        self,
        makers: dict[str, EventMaker],
        application: type,
        app_keys: tuple[str, ...],
        app_fields: tuple[str, ...],
        in_order: Callable[[list[Any]], tuple[Any, ...]],
    ) -> None:
        self.makers = makers
        self.application_type = application
        self.app_keys = app_keys
        self.app_key_set = frozenset(app_keys)
        self.app_fields = app_fields
        self.in_order = in_order
        self.type_list = ", ".join(makers)

    def event(self, data: object) -> Any:
        """One event; errors name paths relative to it (``at``, ``interviewers[1]``)."""
        return self._event(data)[0]

    def _event(self, data: object) -> tuple[Any, datetime]:
        """One event and its instant on the UTC line (which orders the history)."""
        if not isinstance(data, dict):
            if not isinstance(data, Mapping):
                raise InvalidApplication("", f"expected an event object, got {_kind(data)}")
            data = dict(data)
        kind = data.get("type", _MISSING)
        maker = self.makers.get(kind) if isinstance(kind, str) else None
        if maker is None:
            if kind is _MISSING:
                raise InvalidApplication("type", "missing; expected one of " + self.type_list)
            shown = quoted(kind) if isinstance(kind, str) else _kind(kind)
            raise InvalidApplication(
                "type", f"unknown event type {shown}; expected one of {self.type_list}"
            )
        raw_at = data.get("at", _MISSING)
        if raw_at is _MISSING:
            raise InvalidApplication("at", "missing; expected an RFC 3339 instant")
        at = parse_instant(raw_at, "at")
        cls, defaults, fields, post_init = maker
        event: Any = _new(cls)
        utc = _astimezone(at, UTC)  # (at is a plain datetime: parse_instant's)
        _put(event, "at", at)
        _put(event, "_at_utc", utc)
        for name, default in defaults:
            _put(event, name, default)
        if len(data) > 2:  # more than type and at
            for key, value in data.items():
                # (a key known to be text is compared as text: compiled, as any object it
                # would be compared through Python's rich comparison)
                if isinstance(key, str):
                    if key == "type" or key == "at":
                        continue
                    reader = fields.get(key)
                    if reader is not None:
                        _put(event, key, read(reader, value, key))
                        continue
                allowed = ", ".join(["type", "at", *fields])
                raise InvalidApplication(str(key), f"unknown field for {kind} (allowed: {allowed})")
        if post_init is not None:
            post_init(event)
        return event, utc

    def application(self, cls: type, data: object) -> Any:
        """One application of class ``cls``; errors name paths relative to it (``id``,
        ``events[2].at``)."""
        if not isinstance(data, dict):
            if not isinstance(data, Mapping):
                raise InvalidApplication("", f"expected an application object, got {_kind(data)}")
            data = dict(data)
        for key in data:
            if key not in self.app_key_set:
                allowed = ", ".join(self.app_keys)
                raise InvalidApplication(str(key), f"unknown field (allowed: {allowed})")
        if "id" not in data:
            raise InvalidApplication("id", "missing; expected a non-empty string")
        ident = text(data["id"], "id")
        company = data.get("company")
        if company is not None:
            text(company, "company")
        role = data.get("role")
        if role is not None:
            text(role, "role")
        timezone = check_timezone(data["timezone"], "timezone") if "timezone" in data else "UTC"
        country = data.get("country")
        if country is not None:
            check_country(country, "country")
        candidate = data.get("candidate")
        if candidate is not None:
            text(candidate, "candidate")
        raw_events = data.get("events", [])
        if not isinstance(raw_events, list):
            raise InvalidApplication(
                "events", f"expected a list of events, got {_kind(raw_events)}"
            )
        events = []
        # (a history is most often written in order: then its timeline is the events as read,
        # as a stable sort would leave them, and no sort is made)
        ordered = True
        last: datetime | None = None
        for i, item in enumerate(raw_events):
            try:
                event, utc = self._event(item)
            except InvalidApplication as exc:
                raise exc.within(f"events[{i}]") from None
            events.append(event)
            if last is not None and utc < last:
                ordered = False
            last = utc
        if cls is not self.application_type:
            # a subclass: its own constructor, with its own fields and checks
            return cls(
                id=ident,
                events=events,
                company=company,
                role=role,
                timezone=timezone,
                country=country,
                candidate=candidate,
            )
        app: Any = _new(cls)
        history = tuple(events)
        values = (
            ident,
            history,
            company,
            role,
            timezone,
            country,
            candidate,
            history if ordered else self.in_order(events),
        )
        for name, value in zip(self.app_fields, values, strict=True):
            _put(app, name, value)
        return app


#: ``as_of`` as written, by ``now`` and timezone: every decision of a bulk run shares its now.
_AS_OF: Final[dict[tuple[datetime, str], str]] = {}


def local_text(value: datetime | None, tz: Any) -> str | None:
    """An instant as written on the wire, in the zone ``tz`` (None stays None): the text of
    ``value.astimezone(tz).isoformat()``.

    Written from tables for the engine's instants (on the UTC line, :func:`local_clock`);
    converting and formatting an instant, or reading its fields one by one, cost twice as much
    or more. Any other instant is converted and formatted.
    """
    if value is None:
        return None
    if type(value) is _DATETIME and value.tzinfo is UTC:
        day, seconds, micro, suffix = local_clock(value, tz)
        if suffix:
            two = _TWO_DIGITS
            minutes = seconds // 60
            text = f"{day_text(day)}T{two[minutes // 60]}:{two[minutes % 60]}:{two[seconds % 60]}"
            # (six digits, zeros first: those of a seven-digit number but its first)
            return f"{text}.{str(1000000 + micro)[1:]}{suffix}" if micro else text + suffix
    return format_instant(value.astimezone(tz))


class DecisionFields:
    """The fields of a :class:`~etiquette.Decision`, in its order: what the engine makes of a
    decision before the value is made, in a class of the compiled module, whose fields compiled
    code writes and reads directly (a Decision's slots are set and read by name, each through
    Python's generic attribute access). The bulk path writes a decision's wire form from these
    (:func:`fields_dict`); every other caller gets the :class:`~etiquette.Decision` of them."""

    def __init__(
        self,
        application: str,
        as_of: datetime,
        state: str,
        action: str,
        to: tuple[str, ...],
        not_before: datetime | None,
        due_by: datetime | None,
        suggested_at: datetime | None,
        late: bool,
        rule: str,
        reason: str,
        optional: tuple[str, ...],
        blocked: tuple[Any, ...],
        outcome: str | None,
        timezone: str,
        revisit_at: datetime | None,
    ) -> None:
        self.application: Final = application
        self.as_of: Final = as_of
        self.state: Final = state
        self.action: Final = action
        self.to: Final = to
        self.not_before: Final = not_before
        self.due_by: Final = due_by
        self.suggested_at: Final = suggested_at
        self.late: Final = late
        self.rule: Final = rule
        self.reason: Final = reason
        self.optional: Final = optional
        self.blocked: Final = blocked
        self.outcome: Final = outcome
        self.timezone: Final = timezone
        self.revisit_at: Final = revisit_at


def decision_dict(decision: Any) -> dict[str, Any]:
    """The wire form of a :class:`~etiquette.Decision`, instants in its application's timezone
    (``Decision.to_dict``)."""
    return fields_dict(
        DecisionFields(
            decision.application,
            decision.as_of,
            decision.state,
            decision.action,
            decision.to,
            decision.not_before,
            decision.due_by,
            decision.suggested_at,
            decision.late,
            decision.rule,
            decision.reason,
            decision.optional,
            decision.blocked,
            decision.outcome,
            decision.timezone,
            decision.revisit_at,
        )
    )


def fields_dict(decision: DecisionFields) -> dict[str, Any]:
    """The wire form of a decision's fields (compiled: writing is the bulk path's last stage,
    once a line)."""
    timezone = decision.timezone
    tz = _zone(timezone)
    now = decision.as_of
    key = (now, timezone)
    as_of = _AS_OF.get(key)
    if as_of is None:
        if len(_AS_OF) >= 256:
            _AS_OF.clear()
        as_of = _AS_OF[key] = format_instant(now.astimezone(tz))
    blocked = decision.blocked
    return {
        "application": decision.application,
        "as_of": as_of,
        "state": decision.state,
        "action": decision.action,
        "to": list(decision.to),
        "not_before": local_text(decision.not_before, tz),
        "due_by": local_text(decision.due_by, tz),
        "suggested_at": local_text(decision.suggested_at, tz),
        "late": decision.late,
        "rule": decision.rule,
        "reason": decision.reason,
        "optional": list(decision.optional),
        "blocked": [
            {"action": b.action, "rule": b.rule, "until": local_text(b.until, tz)} for b in blocked
        ],
        "outcome": decision.outcome,
        "revisit_at": local_text(decision.revisit_at, tz),
    }
