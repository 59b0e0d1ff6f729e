"""Time: parsing instants and dates strictly, durations, business days.

Instants are aware :class:`datetime.datetime` values. Arithmetic in elapsed hours is done on the
absolute timeline (24 h across a DST change is 24 real hours); business-day arithmetic is done on
local dates of the application's timezone and country, with pendulum resolving local times that a
DST change skips or repeats.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from types import ModuleType
from typing import TYPE_CHECKING, Any, Final, Literal

import pendulum

if TYPE_CHECKING:
    import holidays

from .errors import InvalidApplication

#: UTC (``datetime.UTC``) and the class ``datetime``, held by the compiled modules: a name
#: imported from a Python module is looked up in the module's namespace at every use, a ``Final``
#: one of a compiled module is a C static (the engine's other compiled modules import these).
UTC: Final = timezone.utc  # noqa: UP017 (the same object as datetime.UTC)
_DATETIME: Final = datetime
#: ``datetime.toordinal``, bound once (a compiled ``value.toordinal()`` looks the method up by
#: name at every call).
_toordinal: Final = datetime.toordinal

__all__ = [
    "Calendar",
    "Duration",
    "calendar_for",
    "format_instant",
    "parse_date",
    "parse_instant",
    "require_aware",
]

# ASCII digits only, as RFC 3339 writes them (``\d`` would take any script's digits); written
# out one by one, which the regex engine matches faster than counted repeats
_DATE: Final = re.compile("[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]")

#: The shapes of the instants read, each digit written 0: an RFC 3339 date and time (hours and
#: minutes, seconds with up to six decimals) and its offset; and the same shapes without the
#: offset (such an instant is refused for want of one, by name). An instant's text has one of
#: these shapes when its UTF-8 bytes, digits written 0, give one (text that is not ASCII never
#: does): a third of the cost of a regex's match.
_AWARE_SHAPES: Final = frozenset(
    f"0000-00-00{separator}00:00{seconds}{offset}".encode()
    for separator in "Tt "
    for seconds in ("", ":00", *(":00." + "0" * n for n in range(1, 7)))
    for offset in ("Z", "z", "+00:00", "-00:00")
)
_NAIVE_SHAPES: Final = frozenset(
    f"0000-00-00{separator}00:00{seconds}".encode()
    for separator in "Tt "
    for seconds in ("", ":00", *(":00." + "0" * n for n in range(1, 7)))
)
_DIGITS_AS_0: Final = bytes.maketrans(b"123456789", b"000000000")
#: ``datetime.fromisoformat``, bound once (the compiled module would look it up at every call).
_from_text: Final = datetime.fromisoformat


def parse_instant(value: object, path: str) -> datetime:
    """Read an RFC 3339 instant; a value without a UTC offset is an error, never UTC.

    The result has a fixed UTC offset (:func:`fixed_offset`), as the value types keep instants.
    """
    if type(value) is not str:  # (what the wire format gives: asked first)
        if isinstance(value, datetime):
            # checked again once fixed: an offset with seconds becomes UTC, which may cross a year
            return require_aware(fixed_offset(require_aware(value, path)), path)
        if not isinstance(value, str):
            raise InvalidApplication(
                path, f"expected an RFC 3339 instant string, got {_kind(value)}"
            )
    try:
        shape = value.encode().translate(_DIGITS_AS_0)
    except UnicodeEncodeError:  # half of a character (a lone surrogate): no shape at all
        shape = b""
    aware = shape in _AWARE_SHAPES
    if not aware and shape not in _NAIVE_SHAPES:
        raise InvalidApplication(
            path, f"{quoted(value)} is not an RFC 3339 instant (like 2026-11-23T10:00:00-05:00)"
        )
    try:
        # (RFC 3339's lowercase z, for UTC: fromisoformat reads only "Z")
        parsed = _from_text(value if value[-1] != "z" else value[:-1] + "Z")
    except ValueError as exc:
        raise InvalidApplication(path, f"{quoted(value)} is not a valid instant: {exc}") from None
    if not aware:
        raise InvalidApplication(path, f"{quoted(value)} has no UTC offset")
    # (the year's four digits, compared as text: the shape begins with them)
    if value < _FIRST_YEAR or value >= _AFTER_LAST_YEAR:
        return require_aware(parsed, path)  # refused, with the message of every instant
    return parsed  # (aware, with a fixed offset: fromisoformat makes nothing else)


def fixed_offset(value: datetime) -> datetime:
    """The same aware instant as a plain ``datetime`` with a fixed UTC offset.

    A pendulum ``DateTime`` becomes a standard one (its arithmetic differs), a zone becomes its
    offset at that instant, and an offset with seconds, which RFC 3339 cannot write, becomes UTC.
    """
    offset = value.utcoffset()
    assert offset is not None
    tz = UTC if offset.seconds % 60 or offset.microseconds else timezone(offset)
    if type(value) is datetime and isinstance(value.tzinfo, timezone) and value.tzinfo == tz:
        return value
    v = value.astimezone(tz)
    return datetime(v.year, v.month, v.day, v.hour, v.minute, v.second, v.microsecond, tzinfo=tz)


def require_aware(value: object, path: str) -> datetime:
    """Return ``value`` if it is a timezone-aware datetime, else raise InvalidApplication."""
    if not isinstance(value, datetime):
        raise InvalidApplication(path, f"expected a timezone-aware datetime, got {_kind(value)}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidApplication(
            path, f"{quoted(value.isoformat())} is naive: it has no UTC offset"
        )
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise InvalidApplication(
            path, f"{quoted(value.isoformat())} is outside the years {MIN_YEAR}-{MAX_YEAR}"
        )
    return value


#: The years an instant or a date may fall in: room for any deadline arithmetic on them.
MIN_YEAR: Final = 1900
MAX_YEAR: Final = 9000
#: The texts a four-digit year at least MIN_YEAR, and more than MAX_YEAR, begin at (or after).
_FIRST_YEAR: Final = f"{MIN_YEAR:04d}"
_AFTER_LAST_YEAR: Final = f"{MAX_YEAR + 1:04d}"


def parse_date(value: object, path: str) -> date:
    """Read a ``YYYY-MM-DD`` date."""
    if type(value) is str and len(value) == 10:  # (only texts of a date's length are kept)
        day = _date_text(value)
        if day is not None:
            return day  # (else the checks below say what is wrong with it)
    if isinstance(value, date) and not isinstance(value, datetime):
        return check_date(date(value.year, value.month, value.day), path)
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        shown = quoted(value) if isinstance(value, str) else _kind(value)
        raise InvalidApplication(path, f"expected a date YYYY-MM-DD, got {shown}")
    try:
        day = date.fromisoformat(value)
    except ValueError as exc:
        raise InvalidApplication(path, f"{quoted(value)} is not a valid date: {exc}") from None
    return check_date(day, path)


def _date_text(value: str) -> date | None:
    """The date of a ``YYYY-MM-DD`` text within the supported years, else None.

    Remembered: the same dates come again and again (a decision expected by a Friday, an offer
    to answer by a Monday), and checking one costs as much as an instant."""
    if value in _DATES:
        return _DATES[value]
    if len(_DATES) >= 4096:
        _DATES.clear()
    day = _DATES[value] = _read_date_text(value)
    return day


def _read_date_text(value: str) -> date | None:
    if not _DATE.fullmatch(value):
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return None
    return day if MIN_YEAR <= day.year <= MAX_YEAR else None


def check_date(day: object, path: str) -> date:
    """Return ``day`` if it is a date (not a datetime) within the supported years."""
    if not isinstance(day, date) or isinstance(day, datetime):
        raise InvalidApplication(path, f"expected a date, got {_kind(day)}")
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise InvalidApplication(
            path, f"{day.isoformat()} is outside the years {MIN_YEAR}-{MAX_YEAR}"
        )
    return day


def format_instant(value: datetime) -> str:
    """RFC 3339 text of an aware instant, keeping its offset."""
    return value.isoformat()


def quoted(value: object) -> str:
    """A value as it is written in messages: strings in double quotes, as in JSON."""
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return repr(value)


def _kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return f"the string {quoted(value)}"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


Unit = Literal["hours", "business_days"]


class Duration:
    """A policy duration: elapsed hours, or business days in the application's calendar.

    A value (equal and hashed by amount and unit; its attributes are final); a plain class, so
    that the compiled engine reads it at C speed.
    """

    def __init__(self, amount: int, unit: Unit) -> None:
        self.amount: Final = amount
        self.unit: Final = unit
        #: the business days as :meth:`Calendar.add` counts them: one step (see :class:`Chain`)
        self.steps: Final[tuple[int, ...]] = (amount,)
        #: the steps' key in a calendar's cache of sums (:func:`_steps_key`)
        self.key: Final = _steps_key(self.steps)
        #: the elapsed time of an ``hours`` duration (None for business days), made once
        self.elapsed: Final[timedelta | None] = timedelta(hours=amount) if unit == "hours" else None

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Duration) and self.amount == other.amount and self.unit == other.unit
        )

    def __hash__(self) -> int:
        return hash((self.amount, self.unit))

    def __repr__(self) -> str:
        return f"Duration(amount={self.amount!r}, unit={self.unit!r})"

    def __reduce__(self) -> tuple[type[Duration], tuple[int, Unit]]:
        # (pickled by its arguments: a policy goes to the worker processes of ``verify``)
        return Duration, (self.amount, self.unit)

    def describe(self) -> str:
        """Human text: ``24 hours``, ``1 business day``, ``5 business days``."""
        if self.unit == "hours":
            return f"{self.amount} hour{'s' if self.amount != 1 else ''}"
        return f"{self.amount} business day{'s' if self.amount != 1 else ''}"

    def to_spec(self) -> dict[str, int]:
        """The spec form ``{hours = 24}``."""
        return {self.unit: self.amount}


class Chain:
    """Business days added in ``steps``, each keeping the local time of day as it stands after
    the one before: where a DST change skips that time on a day a step lands on, the sum
    differs from one count of all the days. :meth:`Calendar.add` takes it as a duration."""

    def __init__(self, steps: tuple[int, ...]) -> None:
        self.steps: Final = steps
        #: the steps' key in a calendar's cache of sums (:func:`_steps_key`)
        self.key: Final = _steps_key(steps)
        #: business days: no elapsed time
        self.elapsed: Final[None] = None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Chain) and self.steps == other.steps

    def __hash__(self) -> int:
        return hash(self.steps)

    def __repr__(self) -> str:
        return f"Chain(steps={self.steps!r})"

    def __reduce__(self) -> tuple[type[Chain], tuple[tuple[int, ...]]]:
        return Chain, (self.steps,)


def chain(durations: Sequence[Duration]) -> tuple[Duration | Chain, ...]:
    """``durations`` to add in turn, as one :class:`Chain` when they are all business days."""
    if len(durations) > 1 and all(d.unit == "business_days" for d in durations):
        return (Chain(tuple(d.amount for d in durations)),)
    return tuple(durations)


_ONE_DAY: Final = timedelta(days=1)
_LAST_INSTANT: Final = _ONE_DAY - timedelta(microseconds=1)
_MIDNIGHT: Final = time(0, 0)
_DAY_NAMES: Final = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_TWO_DIGITS: Final = tuple(f"{n:02d}" for n in range(100))


class Calendar:
    """Local time and business days of one (timezone, country) pair (a value, as
    :class:`Duration` is)."""

    def __init__(self, timezone: str, country: str | None = None) -> None:
        self.timezone: Final = timezone
        self.country: Final = country
        #: The pendulum timezone (a :class:`zoneinfo.ZoneInfo`).
        self.tz: Final[pendulum.Timezone] = _zone(timezone)
        # Calendar.add's sums by the steps' key plus the UTC day's ordinal, and local clocks by
        # (clock, the day's ordinal): the engine asks for the same few again and again, and a
        # lookup by an int costs a fraction of one through the module's caches (which hash a
        # date and compare tuples of four); the calendar itself is cached (calendar_for)
        self._sums: dict[int, _Shifts] = {}
        self._clocks: dict[time, dict[int, datetime]] = {}
        # date_plus's instants by (clock, the duration's key plus the day's ordinal): a date a
        # history gives (a decision expected by) is counted from again at every replay
        self._dated: dict[time, dict[int, datetime]] = {}
        self._open: dict[int, bool] = {}

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Calendar)
            and self.timezone == other.timezone
            and self.country == other.country
        )

    def __hash__(self) -> int:
        return hash((self.timezone, self.country))

    def __repr__(self) -> str:
        return f"Calendar(timezone={self.timezone!r}, country={self.country!r})"

    def __reduce__(self) -> tuple[type[Calendar], tuple[str, str | None]]:
        return Calendar, (self.timezone, self.country)

    def local(self, instant: datetime) -> datetime:
        """The instant in this calendar's timezone."""
        return instant.astimezone(self.tz)

    def wall_clock(self, instant: datetime, *, zone: bool = False) -> str:
        """The local time as messages write it: ``Mon 2026-11-23 10:00`` (``... EST`` with
        ``zone``), as ``strftime("%a %Y-%m-%d %H:%M %Z")`` in the C locale, at a fraction of its
        cost (an instant on the UTC line is read from :func:`local_clock`'s tables)."""
        two = _TWO_DIGITS
        if not zone and type(instant) is _DATETIME and instant.tzinfo is UTC:
            day, seconds, _, suffix = local_clock(instant, self.tz)
            if suffix:
                minutes = seconds // 60
                # (1970-01-01, day 0, was a Thursday)
                return (
                    f"{_DAY_NAMES[(day + 3) % 7]} {day_text(day)} "
                    f"{two[minutes // 60]}:{two[minutes % 60]}"
                )
        t = instant.astimezone(self.tz)
        # (pieces joined, the two-digit numbers from a table: printf-style formatting of the
        # five numbers cost three times as much; every year of an instant has four digits)
        text = (
            f"{_DAY_NAMES[t.weekday()]} {t.year}-{two[t.month]}-{two[t.day]} "
            f"{two[t.hour]}:{two[t.minute]}"
        )
        return f"{text} {t.tzname()}" if zone else text

    def at_local(self, day: date, clock: time) -> datetime:
        """The instant of local ``clock`` on ``day``; a skipped local time moves forward."""
        by_day = _by_clock(self._clocks, clock)
        ordinal = day.toordinal()
        found = by_day.get(ordinal)
        if found is None:
            if len(by_day) >= _CACHED:
                by_day.clear()
            found = by_day[ordinal] = _at_local(self.timezone, day, clock)
        return found

    def is_business_day(self, day: date) -> bool:
        """Monday to Friday and not a public holiday of the country."""
        ordinal = day.toordinal()
        found = self._open.get(ordinal)
        if found is None:
            if len(self._open) >= _CACHED:
                self._open.clear()
            found = self._open[ordinal] = _is_business_day(self.country, day)
        return found

    def business_day_after(self, day: date, n: int) -> date:
        """The n-th business day after ``day`` (n ≥ 1), or ``day`` for n = 0."""
        return _business_day_after(self.country, day, n)

    def add(self, instant: datetime, duration: Duration | Chain) -> datetime:
        """``instant`` plus ``duration``; business days keep the local time of day."""
        utc = instant if instant.tzinfo is UTC else instant.astimezone(UTC)  # (the engine's are)
        if duration.elapsed is not None:
            # elapsed time: on the UTC line, never on a zone's wall clock
            return utc + duration.elapsed
        sums = self._sums
        key = duration.key + _toordinal(utc)
        shifts = sums.get(key)  # (one lookup: a day without shifts is _NO_SHIFTS, not None)
        if shifts is None:
            if len(sums) >= _CACHED_SUMS:
                sums.clear()
            shifts = sums[key] = _shifts(self.timezone, self.country, utc.date(), duration.steps)
        turn, before, after = shifts
        shift = before if utc < turn else after
        if shift is not None:  # one offset through every day it lands on: the same clock
            return utc + shift
        # a DST change on one of those days: resolve the wall time on each, in turn
        for n in duration.steps:
            local = instant.astimezone(self.tz)
            target = _business_day_after(self.country, local.date(), n)
            clock = local.time()
            if clock.fold:  # the second pass of a repeated hour: the same time of day, alone
                clock = clock.replace(fold=0)
            instant = _resolve(self.timezone, target, clock)
        return instant

    def date_plus(self, day: date, duration: Duration, clock: time) -> datetime:
        """Local ``clock`` on date ``day`` plus ``duration`` (09:00 on the N-th business day)."""
        if duration.elapsed is not None:
            return self.at_local(day, clock) + duration.elapsed
        by_key = _by_clock(self._dated, clock)
        key = duration.key + day.toordinal()
        found = by_key.get(key)
        if found is None:
            if len(by_key) >= _CACHED_SUMS:
                by_key.clear()
            day = self.business_day_after(day, duration.amount)
            found = by_key[key] = self.at_local(day, clock)
        return found

    def end_of_day(self, day: date) -> datetime:
        """The first instant after ``day`` ends, locally (midnight starting the next day)."""
        return self.at_local(day + _ONE_DAY, _MIDNIGHT)

    def next_in_window(
        self, start: datetime, until: datetime | None, opens: time, closes: time
    ) -> datetime | None:
        """First instant ≥ ``start`` on a business day in [opens, closes), before ``until``."""
        local = self.local(start)
        day = local.date()
        for _ in range(400):
            if self.is_business_day(day):
                begin = self.at_local(day, opens)
                end = self.at_local(day, closes)
                candidate = max(begin, start)
                if candidate < end:
                    if until is not None and candidate >= until:
                        return None
                    return candidate
            day += _ONE_DAY
            if until is not None and self.at_local(day, _MIDNIGHT) >= until:
                return None
        return None


#: The module's own caches, each a dict (cleared when full) where the engine asks for the same
#: few values at every line of a bulk run: a compiled lookup in a dict costs a fraction of a call
#: through ``functools.lru_cache``, which the compiled module calls as any Python object.
_ZONES: Final[dict[str, pendulum.Timezone]] = {}
_CALENDARS: Final[dict[tuple[str, str | None], Calendar]] = {}
_DATES: Final[dict[str, date | None]] = {}
_KNOWN_COUNTRIES: Final[set[str]] = set()


def _zone(name: str) -> pendulum.Timezone:
    zone = _ZONES.get(name)
    if zone is None:
        zone = pendulum.timezone(name)
        assert isinstance(zone, pendulum.Timezone)
        if len(_ZONES) >= 1024:
            _ZONES.clear()
        _ZONES[name] = zone
    return zone


#: By zone, by a UTC day (days since 1970-01-01): the zone's UTC offset through that whole day,
#: in seconds, and its text (``-05:00``); None when the offset changes during the day or is not
#: whole minutes, or the day's year is not within 1001-9998. Kept by the zone's ``id``, with the
#: zone (which keeps that id its own): hashing a pendulum zone runs a Python method, costlier
#: than the rest of the lookup.
_OFFSETS: Final[dict[int, tuple[Any, dict[int, tuple[int, str] | None]]]] = {}
_NOT_YET: Final[Any] = object()
_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
_EPOCH_DAY: Final = _EPOCH.date()
#: The text of a date (``2026-11-23``), by days since 1970-01-01.
_DAY_TEXTS: Final[dict[int, str]] = {}


def local_clock(value: datetime, tz: Any) -> tuple[int, int, int, str]:
    """Where the UTC instant ``value`` falls in zone ``tz``: its local date (days since
    1970-01-01), seconds and microseconds into that day, and the offset's text; the offset's
    text is empty when the zone's offset changes during the instant's UTC day (or is not whole
    minutes): then the rest means nothing. (Never None: the compiled module returns a tuple of
    numbers as they are, an optional one as a Python tuple.)

    From tables: the zone's offset is asked once per UTC day and zone, and the time of day is
    counted from the instant's distance to 1970 (one subtraction, on one tzinfo: no offset is
    asked). The wire's instants (:func:`etiquette._engine.wire.local_text`) and the messages'
    local times (:meth:`Calendar.wall_clock`) are written from it.
    """
    zone = _OFFSETS.get(id(tz))
    if zone is None:
        if len(_OFFSETS) >= 1024:
            _OFFSETS.clear()
        zone = _OFFSETS[id(tz)] = (tz, {})
    since = value - _EPOCH
    day: int = since.days
    by_day = zone[1]
    found = by_day.get(day, _NOT_YET)
    if found is _NOT_YET:
        if len(by_day) >= 65536:
            by_day.clear()
        found = by_day[day] = _offset_text(value, tz)
    if found is None:
        return 0, 0, 0, ""
    offset, suffix = found
    seconds: int = since.seconds + offset  # of the local day, once moved into it
    if seconds < 0:
        day -= 1
        seconds += 86400
    elif seconds >= 86400:
        day += 1
        seconds -= 86400
    return day, seconds, since.microseconds, suffix


def day_text(day: int) -> str:
    """The text of the date ``day`` days after 1970-01-01 (``2026-11-23``), from a table."""
    text = _DAY_TEXTS.get(day)
    if text is None:
        if len(_DAY_TEXTS) >= 65536:
            _DAY_TEXTS.clear()
        text = _DAY_TEXTS[day] = (_EPOCH_DAY + timedelta(days=day)).isoformat()
    return text


def _offset_text(value: datetime, tz: Any) -> tuple[int, str] | None:
    """The offset of ``tz`` through the UTC day of ``value``, in seconds, and its text, or None
    (changed during the day, not whole minutes, or a year near the ends of the calendar, which
    the offset could move the local date past)."""
    if not 1000 < value.year < 9999:
        return None
    offset = utc_day_offset(tz, value.date())
    if offset is None:
        return None
    seconds = offset.days * 86400 + offset.seconds
    if seconds % 60 or offset.microseconds:
        return None
    minutes = abs(seconds) // 60
    sign = "-" if seconds < 0 else "+"
    return seconds, f"{sign}{_TWO_DIGITS[minutes // 60]}:{_TWO_DIGITS[minutes % 60]}"


@lru_cache(maxsize=65536)
def _at_local(zone: str, day: date, clock: time) -> datetime:
    # Cached: the clocks asked for here are the policy's few (09:00, midnight, the send window).
    return _resolve(zone, day, clock)


def _resolve(zone: str, day: date, clock: time) -> datetime:
    """The UTC instant of the local wall time ``clock`` on ``day`` in ``zone``, as pendulum does.

    A wall time that a DST change skips moves forward by the gap (02:30 -> 03:30); one that it
    repeats is the later of the two (``fold=1``). Computed instants are kept in UTC: comparisons
    of two values that share a zone's tzinfo ignore ``fold`` and would misorder the repeated
    hour of a DST change. (Plain ``zoneinfo`` offsets: pendulum's own constructor, which gives
    the same instants, costs ten times as much and this is the engine's hottest path.)
    """
    if clock.fold:  # a wall time is its clock alone (the cache above takes both folds as one)
        clock = clock.replace(fold=0)
    offset = _day_offset(zone, day)
    if offset is not None:  # no DST change that day: one offset for every wall time
        return datetime.combine(day, clock, UTC) - offset
    tz = _zone(zone)
    wall = datetime.combine(day, clock)
    after = tz.utcoffset(wall.replace(fold=1))
    before = tz.utcoffset(wall)
    assert after is not None
    assert before is not None
    if after > before:  # skipped: move forward by the gap
        wall += after - before
    return (wall - after).replace(tzinfo=UTC)


#: What :func:`_shifts` says of a UTC day: (turn, shift before it, shift from it on).
_Shifts = tuple[datetime, timedelta | None, timedelta | None]

#: What :func:`_shifts` says of a UTC day during which the zone changes its offset: no instant
#: is before its turn, and no shift after it, so that each of its sums is resolved day by day.
_NO_SHIFTS: Final[_Shifts] = (datetime.min.replace(tzinfo=UTC), None, None)

#: How many entries a calendar's own cache holds before it starts again (its sums: a few
#: durations' worth of days).
_CACHED: Final = 65536
_CACHED_SUMS: Final = 4 * _CACHED


def _by_clock(caches: dict[time, dict[int, datetime]], clock: time) -> dict[int, datetime]:
    """A calendar's cache of one local clock's instants (by an int key), made when first asked
    for; the clocks a calendar keeps start again past :data:`_CACHED`."""
    found = caches.get(clock)
    if found is None:
        if len(caches) >= _CACHED:
            caches.clear()
        found = caches[clock] = {}
    return found


#: The key of each tuple of steps yet seen (:func:`_steps_key`).
_STEP_KEYS: Final[dict[tuple[int, ...], int]] = {}


def _steps_key(steps: tuple[int, ...]) -> int:
    """A number for ``steps``, the same for equal steps, above every day's ordinal (below
    2**22): the steps' key plus a day's ordinal is one int naming both, for Calendar.add's
    cache."""
    if steps not in _STEP_KEYS:
        _STEP_KEYS[steps] = (len(_STEP_KEYS) + 1) << 22
    return _STEP_KEYS[steps]


def _shifts(zone: str, country: str | None, day: date, steps: tuple[int, ...]) -> _Shifts:
    """:meth:`Calendar.add` of ``steps`` business days for the instants of the UTC ``day``, as
    ``(turn, before, after)``: an instant earlier than ``turn`` is on one local date and moves
    ``before`` later on the UTC line, one from ``turn`` on is on the next local date and moves
    ``after`` (None: a DST change on its local day or a day a step lands on). :data:`_NO_SHIFTS`
    when the zone changes its offset during the UTC day.

    Asking the zone for an instant's local date costs more than all the rest of the sum; a UTC
    day at one offset crosses exactly one local midnight, so this is asked once per UTC day
    (and each calendar keeps the answer: :meth:`Calendar.add`).
    """
    offset = utc_day_offset(_zone(zone), day)
    if offset is None:
        return _NO_SHIFTS
    start = datetime.combine(day, _MIDNIGHT, UTC)
    first = (start + offset).date()  # the local date at the UTC day's start
    turn = datetime.combine(first + _ONE_DAY, _MIDNIGHT, UTC) - offset  # the next local midnight
    return turn, _shift(zone, country, first, steps), _shift(zone, country, first + _ONE_DAY, steps)


def utc_day_offset(tz: Any, day: date) -> timedelta | None:
    """The UTC offset of zone ``tz`` through the whole UTC ``day``; None if it changes that day.

    Looked at the day's first and last instants: no zone of the tz database changes its offset
    twice within a day (see :func:`_day_offset`, the same of a local day)."""
    start = datetime.combine(day, _MIDNIGHT, UTC)
    offset: timedelta | None = start.astimezone(tz).utcoffset()
    if offset is None or (start + _LAST_INSTANT).astimezone(tz).utcoffset() != offset:
        return None
    return offset


def _shift(zone: str, country: str | None, day: date, steps: tuple[int, ...]) -> timedelta | None:
    """How much later the same wall time is ``steps`` business days after ``day``, on the UTC
    line; None when the zone changes its offset on that day or a day a step lands on (then the
    wall time is resolved on each).

    A wall time w on ``day`` is the instant w - offset(day); on the target day, w - offset(target).
    """
    before = _day_offset(zone, day)
    if before is None:
        return None
    target, after = day, before
    for n in steps:
        target = _business_day_after(country, target, n)
        offset = _day_offset(zone, target)
        if offset is None:
            return None
        after = offset
    return (target - day) + before - after


@lru_cache(maxsize=65536)
def _day_offset(zone: str, day: date) -> timedelta | None:
    """The zone's UTC offset through the whole of the local ``day``; None if it changes that day.

    Looked at the day's first and last instants, both folds: no zone of the tz database changes
    its offset twice in one local day, so a change anywhere in it makes these differ (a change
    at midnight makes the two folds of midnight differ).
    """
    tz = _zone(zone)
    ends = (datetime.combine(day, time(0)), datetime.combine(day, time.max))
    offsets = {tz.utcoffset(w.replace(fold=f)) for w in ends for f in (0, 1)}
    return offsets.pop() if len(offsets) == 1 else None


@lru_cache(maxsize=256)
def _holidays(country: str) -> holidays.HolidayBase:
    # ``holidays.country_holidays(code, subdiv=...)``, with the same arguments, from the class
    # that _country_class loads
    code, _, subdiv = country.partition("-")
    calendar: holidays.HolidayBase = _country_class(code)(
        years=None,
        subdiv=subdiv or None,
        expand=True,
        observed=True,
        prov=None,
        state=None,
        language=None,
        categories=None,
    )
    return calendar


@lru_cache(maxsize=256)
def _country_class(code: str) -> Any:
    """The holidays class of a country code, importing that country's module only.

    ``holidays`` is imported when a country is first used (a tenth of a second), and importing
    any one of its countries the usual way imports all 250 of them (a fifth of a second more:
    the package of the countries imports each). ``etiquette next`` on one application needs one,
    so its module file is loaded on its own; whatever goes wrong falls back to the usual way.
    """
    import holidays
    from holidays.registry import IMPORT_LOCK

    loader = getattr(holidays, code)  # the registry's lazy loader: imports nothing yet
    name, entity = loader.module_name, loader.entity_name
    with IMPORT_LOCK:
        module = sys.modules.get(name)
        if module is None:
            try:
                module = _load_alone(name, holidays.__file__)
            except Exception:
                return loader
    return getattr(module, entity, loader)


def _load_alone(name: str, package_file: str | None) -> ModuleType:
    """Load the module ``holidays.countries.<x>`` from its file, without its package."""
    import importlib.util
    from pathlib import Path

    assert package_file is not None
    path = Path(package_file).parent / "countries" / f"{name.rsplit('.', 1)[1]}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    return module


@lru_cache(maxsize=65536)
def _is_business_day(country: str | None, day: date) -> bool:
    if day.weekday() >= 5:
        return False
    # (the calendar is a dict that adds a year's holidays when a day of it is asked for: its
    # own __contains__ must run, not the dict's, which the compiled module would take for a
    # dict's ``in``)
    holidays_of: Any = _holidays(country) if country is not None else None
    return holidays_of is None or day not in holidays_of


@lru_cache(maxsize=65536)
def _business_day_after(country: str | None, day: date, n: int) -> date:
    current = day
    remaining = n
    while remaining > 0:
        current += _ONE_DAY
        if _is_business_day(country, current):
            remaining -= 1
    return current


def check_timezone(name: object, path: str) -> str:
    """Validate an IANA timezone name."""
    if not isinstance(name, str) or not name:
        raise InvalidApplication(path, f"expected an IANA timezone name, got {_kind(name)}")
    try:
        _zone(name)
    except Exception:
        raise InvalidApplication(path, f"unknown timezone {quoted(name)}") from None
    return name


def check_country(code: object, path: str) -> str:
    """Validate an ISO 3166 country code, optionally with a subdivision (``US-CA``)."""
    if not isinstance(code, str):
        raise InvalidApplication(path, f"expected an ISO 3166 country code, got {_kind(code)}")
    if code in _KNOWN_COUNTRIES:  # (found valid before)
        return code
    country, sep, subdiv = code.partition("-")
    if country not in _country_codes():
        raise InvalidApplication(
            path, f"unknown country {quoted(code)} (expected an ISO 3166 code)"
        )
    if sep and subdiv not in _subdivisions(country):
        raise InvalidApplication(path, f"unknown subdivision {quoted(subdiv)} of {country}")
    if len(_KNOWN_COUNTRIES) >= 4096:
        _KNOWN_COUNTRIES.clear()
    _KNOWN_COUNTRIES.add(code)
    return code


@lru_cache(maxsize=1)
def _country_codes() -> frozenset[str]:
    # The codes of ``holidays.list_supported_countries()``, read from the registry: that function
    # imports every country's module (a fifth of a second), this imports none.
    from holidays.registry import EntityLoader

    return frozenset(EntityLoader.get_country_codes())


@lru_cache(maxsize=256)
def _subdivisions(country: str) -> frozenset[str]:
    return frozenset(_country_class(country).subdivisions)


def calendar_for(timezone: str, country: str | None) -> Calendar:
    """The (cached) calendar of a timezone and country."""
    key = (timezone, country)
    calendar = _CALENDARS.get(key)
    if calendar is None:
        if len(_CALENDARS) >= 4096:
            _CALENDARS.clear()
        calendar = _CALENDARS[key] = Calendar(timezone, country)
    return calendar
