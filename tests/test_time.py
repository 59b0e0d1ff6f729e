"""Time: instants read as RFC 3339 writes them; wall times resolved as pendulum resolves them,
business days that keep the clock."""

from __future__ import annotations

import itertools
import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pendulum
from hypothesis import example, given
from hypothesis import strategies as st

from etiquette import InvalidApplication
from etiquette._engine.times import Calendar, Chain, Duration, calendar_for, chain, parse_instant

from . import strategies as s


@st.composite
def _days_in(draw: st.DrawFn, zone: str) -> date:
    """A local date of ``zone``, half of the time one on which its offset changes."""
    changes = s.dst_changes(zone)
    near_a_change = draw(st.booleans())
    if changes and near_a_change:
        instant = draw(st.sampled_from(changes))
        return (
            instant.astimezone(ZoneInfo(zone))
            + draw(st.sampled_from((-1, 0, 1))) * timedelta(days=1)
        ).date()
    return draw(s.dates())


_CLOCKS = st.times() | st.sampled_from([time(h, m) for h in range(24) for m in (0, 30)])


@given(st.data())
def test_a_local_wall_time_resolves_as_pendulum_resolves_it(data: st.DataObject) -> None:
    # skipped wall times move forward by the gap, repeated ones are the later (fold=1); days
    # without a change take the day's one offset, days with one the full resolution
    zone = data.draw(s.timezones())
    day = data.draw(_days_in(zone))
    clock = data.draw(_CLOCKS)
    expected = pendulum.datetime(
        day.year,
        day.month,
        day.day,
        clock.hour,
        clock.minute,
        clock.second,
        clock.microsecond,
        tz=zone,
    ).astimezone(UTC)  # (see _same_clock)
    got = calendar_for(zone, None).at_local(day, clock)
    assert got == expected
    assert got.tzinfo is UTC


def _same_clock(day: date, local: datetime, zone: str) -> datetime:
    """The wall time of ``local`` on ``day`` in ``zone``, as pendulum resolves it, in UTC.

    In UTC: Python never finds a time of a repeated hour with ``fold=1`` (pendulum's choice, the
    later) equal to an instant in another zone (PEP 495), even the very same instant.
    """
    return pendulum.datetime(
        day.year,
        day.month,
        day.day,
        local.hour,
        local.minute,
        local.second,
        local.microsecond,
        tz=zone,
    ).astimezone(UTC)


@given(st.data())
def test_a_date_plus_business_days_is_the_clock_on_the_nth_business_day_each_time_asked(
    data: st.DataObject,
) -> None:
    # (how a decision-expected-by date opens the inquiry window: the calendar keeps each sum,
    # which must be the same as counting afresh, whatever was asked before on that calendar)
    zone = data.draw(s.timezones())
    country = data.draw(s.countries())
    cal = calendar_for(zone, country)
    asked = data.draw(st.lists(st.tuples(_days_in(zone), st.integers(0, 12), _CLOCKS), max_size=6))
    for day, n, clock in [*asked, *asked]:
        got = cal.date_plus(day, Duration(n, "business_days"), clock)
        assert got == cal.at_local(_business_day_counted(cal, day, n), clock)
        assert got.tzinfo is UTC
    day, n, clock = data.draw(st.tuples(_days_in(zone), st.integers(0, 12), _CLOCKS))
    hours = cal.date_plus(day, Duration(n, "hours"), clock)
    assert hours == cal.at_local(day, clock) + timedelta(hours=n)


def _business_day_counted(cal: Calendar, day: date, n: int) -> date:
    """The n-th business day after ``day``, counted day by day."""
    while n > 0:
        day += timedelta(days=1)
        n -= cal.is_business_day(day)
    return day


@given(st.data())
def test_business_days_keep_the_local_clock_across_dst_changes(data: st.DataObject) -> None:
    zone = data.draw(s.timezones())
    country = data.draw(s.countries())
    day = data.draw(_days_in(zone))
    clock = data.draw(_CLOCKS)
    n = data.draw(st.integers(0, 12))
    cal = calendar_for(zone, country)
    start = cal.at_local(day, clock)
    local = start.astimezone(ZoneInfo(zone))
    got = cal.add(start, Duration(n, "business_days"))
    assert got == _same_clock(cal.business_day_after(local.date(), n), local, zone)
    assert got.tzinfo is UTC
    assert (got - start) >= timedelta(days=n) - timedelta(hours=2)


def test_a_skipped_hour_moves_forward_and_a_repeated_one_is_the_later() -> None:
    cal = calendar_for("America/New_York", None)
    # 2026-03-08 02:30 does not exist in New York: 03:30 EDT
    assert cal.at_local(date(2026, 3, 8), time(2, 30)) == datetime(2026, 3, 8, 7, 30, tzinfo=UTC)
    # 2026-11-01 01:30 happens twice: the later, EST
    assert cal.at_local(date(2026, 11, 1), time(1, 30)) == datetime(2026, 11, 1, 6, 30, tzinfo=UTC)
    # the day before: one offset all day (EDT)
    assert cal.at_local(date(2026, 10, 31), time(1, 30)) == datetime(
        2026, 10, 31, 5, 30, tzinfo=UTC
    )


def test_a_wall_time_is_its_clock_alone_whatever_its_fold() -> None:
    # a clock's fold (PEP 495) does not choose the pass: skipped times still move forward and
    # repeated ones are still the later, and the cache of local times cannot tell them apart
    cal = calendar_for("America/Los_Angeles", None)
    for fold in (1, 0, 1):
        skipped = cal.at_local(date(2025, 3, 9), time(2, 13, fold=fold))
        assert (skipped, skipped.fold) == (datetime(2025, 3, 9, 10, 13, tzinfo=UTC), 0)
        repeated = cal.at_local(date(2025, 11, 2), time(1, 30, fold=fold))
        assert (repeated, repeated.fold) == (datetime(2025, 11, 2, 9, 30, tzinfo=UTC), 0)
        plain = cal.at_local(date(2025, 11, 3), time(9, 0, fold=fold))
        assert (plain, plain.fold) == (datetime(2025, 11, 3, 17, 0, tzinfo=UTC), 0)


def test_a_time_of_the_repeated_hour_keeps_its_clock_on_a_day_that_skips_it() -> None:
    # 2013-10-27 04:00 in Istanbul is the second pass of the repeated hour (UTC 01:00); 111
    # business days later, 2014-03-31, skips 03:00-04:00: 04:00 exists there, at UTC 01:00
    cal = calendar_for("Europe/Istanbul", None)
    start = datetime(2013, 10, 27, 1, 0, tzinfo=UTC)
    got = cal.add(start, Duration(111, "business_days"))
    assert got == pendulum.datetime(2014, 3, 31, 4, 0, tz="Europe/Istanbul")
    assert got == datetime(2014, 3, 31, 1, 0, tzinfo=UTC)


def test_business_days_count_from_the_local_date_on_either_side_of_local_midnight() -> None:
    # 23:59:59.999999 and 00:00 local are one microsecond apart on the UTC line but on two local
    # dates; west of UTC the local midnight falls inside a UTC day, east of it at another hour
    for zone, country in (("America/Los_Angeles", "US"), ("Asia/Tokyo", "JP"), ("UTC", None)):
        cal = calendar_for(zone, country)
        three = Duration(3, "business_days")
        for day in (date(2026, 11, 20), date(2026, 11, 25), date(2026, 12, 31)):
            midnight = cal.at_local(day, time(0, 0))
            before = midnight - timedelta(microseconds=1)
            for instant in (before, midnight):
                local = instant.astimezone(ZoneInfo(zone))
                target = cal.business_day_after(local.date(), 3)
                assert cal.add(instant, three) == _same_clock(target, local, zone)


@given(st.data())
def test_wall_clock_text_is_strftime_in_the_c_locale(data: st.DataObject) -> None:
    zone = data.draw(s.timezones())
    instant = data.draw(s.instants())
    cal = calendar_for(zone, None)
    local = instant.astimezone(ZoneInfo(zone))
    # an instant on the UTC line (as the engine's are) is written from tables, any other one
    # converted: the same text
    for value in (instant, s.utc(instant)):
        assert cal.wall_clock(value) == local.strftime("%a %Y-%m-%d %H:%M")
        assert cal.wall_clock(value, zone=True) == local.strftime("%a %Y-%m-%d %H:%M %Z")


@given(st.data())
def test_a_chain_of_business_days_is_each_sum_in_turn(data: st.DataObject) -> None:
    # ghosted-close adds the inquiry spacing, then the ghosting wait: counted as one chain, the
    # sum must be each in turn, also where a DST change skips the time of day on a day between
    zone = data.draw(s.timezones())
    country = data.draw(s.countries())
    cal = calendar_for(zone, country)
    start = cal.at_local(data.draw(_days_in(zone)), data.draw(_CLOCKS))
    parts = [
        Duration(n, "business_days")
        for n in data.draw(st.lists(st.integers(0, 12), min_size=2, max_size=3))
    ]
    (steps,) = chain(parts)
    expected = start
    for part in parts:
        expected = cal.add(expected, part)
    assert cal.add(start, steps) == expected


def test_a_chain_keeps_hours_apart() -> None:
    day, hours = Duration(2, "business_days"), Duration(24, "hours")
    # a duration is a value: its steps and elapsed time follow its amount and unit
    assert Duration(5, day.unit).steps == (5,)
    assert hours.elapsed == timedelta(hours=24)
    assert day.elapsed is None
    assert day == Duration(2, "business_days") != hours
    assert len({day, Duration(2, "business_days"), hours}) == 2
    assert chain([day, hours]) == (day, hours)
    assert chain([day]) == (day,)
    assert chain([day, day]) == (Chain((2, 2)),)


def test_a_chain_resolves_a_skipped_time_on_a_day_between() -> None:
    # Jerusalem moves its clocks on a Friday: 2026-03-27 02:00 -> 03:00. From Fri 2026-03-20
    # 02:30, five business days land on that Friday, where 02:30 does not exist (03:30); five
    # more keep 03:30. Ten at once would keep 02:30: the chain is each sum in turn.
    cal = calendar_for("Asia/Jerusalem", None)
    start = cal.at_local(date(2026, 3, 20), time(2, 30))
    five = Duration(5, "business_days")
    (steps,) = chain([five, five])
    assert cal.add(start, steps) == pendulum.datetime(2026, 4, 3, 3, 30, tz="Asia/Jerusalem")
    assert cal.add(start, steps) == cal.add(cal.add(start, five), five)
    assert cal.add(start, Duration(10, "business_days")) == pendulum.datetime(
        2026, 4, 3, 2, 30, tz="Asia/Jerusalem"
    )


# --- reading instants ---------------------------------------------------------------------------

#: RFC 3339's date-time (section 5.6), as the wire format reads it: the offset may be missing
#: (then the instant is refused for want of one), seconds too; "t" and a space may separate.
RFC_3339 = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?"
    r"([Zz]|[+-][0-9]{2}:[0-9]{2})?"
)


def _refusal(text: str) -> str:
    try:
        parse_instant(text, "at")
    except InvalidApplication as exc:
        return f"{exc.path}: {exc.why}"
    return ""


def test_every_form_of_an_iso_8601_instant_is_read_only_in_rfc_3339s_shape() -> None:
    # every separator, precision and offset of ISO 8601's extended and basic forms, each read
    # exactly when RFC 3339 writes it so (then it has a date that exists and an offset)
    seconds = ["", ":05", ",5", *(f":05.{'1' * n}" for n in range(1, 9)), ":05,25"]
    offsets = ["", "Z", "z", "+05:30", "-03:00", "+0530", "-03", "+05:30:15", "Zz"]
    days = ["2026-11-23", "20261123", "2026-W48-1", "2026-327"]
    for day, separator, clock, second, offset in itertools.product(
        days, ["T", "t", " ", "_", "\u2009"], ["10:04", "1004", "10"], seconds, offsets
    ):
        text = day + separator + clock + second + offset
        refusal = _refusal(text)
        if RFC_3339.fullmatch(text):
            assert refusal == ("" if offset else f'at: "{text}" has no UTC offset'), text
        else:
            assert "is not an RFC 3339 instant" in refusal, text


def test_a_lowercase_z_is_utc_and_an_error_quotes_the_text_as_given() -> None:
    assert parse_instant("2026-11-23T10:00:00z", "at") == datetime(2026, 11, 23, 10, tzinfo=UTC)
    assert parse_instant("2026-11-23t10:00z", "at").tzinfo is UTC
    assert _refusal("2026-13-01T10:00z") == (
        'at: "2026-13-01T10:00z" is not a valid instant: month must be in 1..12'
    )


@given(s.instant_texts())
@example("2026-11-23T10:00:00\ud800Z")
@example("\uff12026-11-23T10:00:00Z")
@example("2026-11-23T10:00:00Z\n")
def test_an_instant_is_read_only_in_the_shape_rfc_3339_writes(text: str) -> None:
    # refused as not RFC 3339 exactly when it is not in its shape (an instant in that shape may
    # still be refused: a date that does not exist, no offset)
    why = _refusal(text)
    assert ("is not an RFC 3339 instant" not in why) == bool(RFC_3339.fullmatch(text))
    assert why == "" or why.startswith("at: ")
