"""The strategies of ``tests/strategies.py`` tested themselves.

Every value they draw must be valid (aware instants, wire-format values that ``from_dict``
accepts back, histories that start with an interview and can happen), and every kind of value
the other tests rely on must be reachable: ``hypothesis.find`` shows one of each.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import attrs
import pendulum
import pytest
from hypothesis import Phase, find, given, settings
from hypothesis import strategies as st

from etiquette import (
    Application,
    Decision,
    Event,
    Interview,
    OfferReceived,
    ThankYouSent,
    next_action,
)

from . import strategies as s

T = TypeVar("T")

#: Settings for ``find``: enough examples to reach rare kinds; the first one found will do.
FIND = settings(max_examples=10_000, database=None, phases=[Phase.generate], derandomize=True)

CLOSING = ("offer_accepted", "offer_declined", "withdrawn", "rejection_reply_sent")


def reachable(strategy: st.SearchStrategy[T], condition: Callable[[T], bool]) -> T:
    """One value of ``strategy`` that meets ``condition`` (fails the test if none is found)."""
    return find(strategy, condition, settings=FIND)


def aware(t: datetime) -> bool:
    return t.tzinfo is not None and t.utcoffset() is not None


def instants_of(event: Event) -> list[datetime]:
    out = [event.at]
    if isinstance(event, Interview) and event.ends_at is not None:
        out.append(event.ends_at)
    if isinstance(event, OfferReceived) and isinstance(event.respond_by, datetime):
        out.append(event.respond_by)
    return out


# --- vocabulary -------------------------------------------------------------------------------


def test_vocabulary_covers_the_contract() -> None:
    assert "UTC" in s.TIMEZONES
    assert {"America/New_York", "Europe/Berlin", "Australia/Sydney"} <= set(s.DST_TIMEZONES)
    # a zone whose offset is not a whole number of hours
    offsets = [ZoneInfo(z).utcoffset(datetime(2026, 1, 1)) or timedelta(0) for z in s.TIMEZONES]
    assert any(offset % timedelta(hours=1) for offset in offsets)
    assert None in s.COUNTRIES
    assert any("-" in (c or "") for c in s.COUNTRIES)
    assert len(s.RULE_IDS) == 13
    assert set(s.EVENT_STRATEGIES) == set(s.EVENT_TYPES)


@pytest.mark.parametrize("zone", s.DST_TIMEZONES)
def test_dst_changes_are_found_twice_a_year(zone: str) -> None:
    changes = s.dst_changes(zone)
    years = {c.year for c in changes}
    assert years == set(range(s.START.year, s.END.year + 1))
    for change in changes:
        before = (change - timedelta(seconds=1)).astimezone(ZoneInfo(zone)).utcoffset()
        after = change.astimezone(ZoneInfo(zone)).utcoffset()
        assert before != after
        assert abs((after or timedelta()) - (before or timedelta())) == timedelta(hours=1)
    assert len(changes) == 2 * len(years)


def test_zones_without_dst_have_no_changes() -> None:
    assert s.dst_changes("UTC") == ()
    assert s.dst_changes("Asia/Kolkata") == ()


def test_is_ambiguous_knows_the_repeated_hour() -> None:
    ny = ZoneInfo("America/New_York")
    assert s.is_ambiguous(datetime(2026, 11, 1, 1, 30, tzinfo=ny))
    assert s.is_ambiguous(datetime(2026, 11, 1, 1, 30, fold=1, tzinfo=ny))
    assert not s.is_ambiguous(datetime(2026, 11, 1, 2, 30, tzinfo=ny))
    assert not s.is_ambiguous(datetime(2026, 11, 1, 1, 30, tzinfo=timezone(timedelta(hours=-4))))


def test_shifted_counts_real_time_across_a_dst_change() -> None:
    before = datetime(2026, 10, 31, 11, 0, tzinfo=ZoneInfo("America/New_York"))  # EDT
    after = s.shifted(before, timedelta(hours=24))
    assert after.astimezone(UTC) - before.astimezone(UTC) == timedelta(hours=24)
    assert after.isoformat() == "2026-11-01T10:00:00-05:00"


# --- instants ---------------------------------------------------------------------------------


@given(s.instants())
def test_instants_are_aware_and_in_range(t: datetime) -> None:
    assert aware(t)
    assert s.START <= t <= s.END


@pytest.mark.parametrize("zone", s.TIMEZONES)
@given(data=st.data())
def test_instants_are_written_in_their_zone_or_utc(zone: str, data: st.DataObject) -> None:
    t = data.draw(s.instants(zone))
    assert aware(t)
    assert t.utcoffset() in (timedelta(0), ZoneInfo(zone).utcoffset(t.astimezone(ZoneInfo(zone))))


@pytest.mark.parametrize("zone", s.TIMEZONES)
def test_every_zone_is_reachable(zone: str) -> None:
    t = reachable(s.instants(), lambda t: isinstance(t.tzinfo, ZoneInfo) and t.tzinfo.key == zone)
    assert t.tzinfo == ZoneInfo(zone)


@pytest.mark.parametrize(
    ("style", "is_style"),
    [
        ("zoneinfo", lambda t: type(t.tzinfo) is ZoneInfo),
        ("pendulum", lambda t: isinstance(t, pendulum.DateTime)),
        ("offset", lambda t: type(t.tzinfo) is timezone and t.utcoffset() != timedelta(0)),
        ("utc", lambda t: t.utcoffset() == timedelta(0)),
    ],
)
def test_every_style_is_reachable(style: str, is_style: Callable[[datetime], bool]) -> None:
    assert style in s.STYLES
    assert aware(reachable(s.instants(), is_style))


@pytest.mark.parametrize("zone", s.DST_TIMEZONES)
def test_the_night_of_a_dst_change_is_reachable(zone: str) -> None:
    def in_the_night(t: datetime) -> bool:
        return any(abs(t - c) <= timedelta(hours=1) for c in s.dst_changes(zone))

    assert in_the_night(reachable(s.instants(zone), in_the_night))


@pytest.mark.parametrize("fold", [0, 1])
def test_a_repeated_local_time_is_reachable_with_its_zone(fold: int) -> None:
    def repeated(t: datetime) -> bool:
        return isinstance(t.tzinfo, ZoneInfo) and s.is_ambiguous(t) and t.fold == fold

    t = reachable(s.instants("Europe/Berlin"), repeated)
    assert repeated(t)


def test_fractional_seconds_are_reachable() -> None:
    assert reachable(s.instants(), lambda t: t.microsecond != 0).microsecond != 0


_RFC_3339 = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?"
    r"([Zz]|[+-][0-9]{2}:[0-9]{2})?"
)


@pytest.mark.parametrize(
    ("what", "condition"),
    [
        ("RFC 3339's shape", lambda t: _RFC_3339.fullmatch(t)),
        ("another shape", lambda t: not _RFC_3339.fullmatch(t)),
        ("an instant that can be read", lambda t: _RFC_3339.fullmatch(t) and _reads(t)),
        ("a date that does not exist", lambda t: _RFC_3339.fullmatch(t) and not _reads(t)),
        ("six decimals", lambda t: re.search(r":[0-9]{2}\.[0-9]{6}([Zz+-]|$)", t)),
        ("seven decimals", lambda t: re.search(r":[0-9]{2}\.[0-9]{7}([Zz+-]|$)", t)),
        ("a lowercase t", lambda t: re.fullmatch(r"[0-9-]{10}t.*", t)),
        ("a lowercase z", lambda t: t.endswith("z")),
        ("an instant with a lowercase z", lambda t: _RFC_3339.fullmatch(t) and _reads_z(t)),
        ("a space between", lambda t: re.fullmatch(r"[0-9-]{10} [0-9:]{5}.*", t)),
        ("ISO 8601's basic form", lambda t: re.fullmatch(r"[0-9]{8}T[0-9]{4,6}Z?", t)),
        ("a week date that can be read", lambda t: "-W" in t and _reads(t)),
        ("a digit of another script", lambda t: "\u0663" in t or "\uff11" in t),
        ("half of a character", lambda t: "\ud800" in t),
        ("a line break after it", lambda t: t.endswith("\n")),
        ("an offset without a colon", lambda t: re.search(r"[+-][0-9]{4}$", t)),
    ],
)
def test_instant_text_variants_are_reachable(what: str, condition: Callable[[str], Any]) -> None:
    reachable(s.instant_texts(), lambda t: bool(condition(t)))


def _reads_z(text: str) -> bool:
    return text.endswith("z") and _reads(text[:-1] + "Z")


def _reads(text: str) -> bool:
    try:
        datetime.fromisoformat(text)
    except ValueError:
        return False
    return True


@given(s.naive_instants())
def test_naive_instants_have_no_zone(t: datetime) -> None:
    assert t.tzinfo is None


@given(s.dates())
def test_dates_are_in_range(d: Any) -> None:
    assert s.START.date() <= d <= s.END.date()


# --- events -----------------------------------------------------------------------------------


def wrap(*events: Event) -> Application:
    return Application(id="strategies", events=events)


@given(s.events())
def test_events_are_valid_wire_values(event: Event) -> None:
    assert all(aware(t) for t in instants_of(event))
    if isinstance(event, Interview) and event.ends_at is not None:
        assert event.ends_at >= event.at
    app = wrap(event)
    assert Application.from_dict(app.to_dict()).to_dict() == app.to_dict()


@pytest.mark.parametrize("kind", s.EVENT_TYPES)
def test_every_event_type_is_reachable(kind: str) -> None:
    assert reachable(s.events(), lambda e: e.type == kind).type == kind


@pytest.mark.parametrize(
    ("what", "condition"),
    [
        (
            "a handwritten note",
            lambda e: isinstance(e, ThankYouSent) and e.channel == "handwritten",
        ),
        ("a thank-you to no one named", lambda e: isinstance(e, ThankYouSent) and e.to is None),
        ("an interview without names", lambda e: isinstance(e, Interview) and not e.interviewers),
        (
            "an interview with three names, an end and a date",
            lambda e: (
                isinstance(e, Interview)
                and len(e.interviewers) >= 3
                and e.ends_at is not None
                and e.decision_expected_by is not None
            ),
        ),
        (
            "an offer with a respond-by date",
            lambda e: (
                isinstance(e, OfferReceived)
                and e.respond_by is not None
                and not isinstance(e.respond_by, datetime)
            ),
        ),
        (
            "an offer with a respond-by instant",
            lambda e: isinstance(e, OfferReceived) and isinstance(e.respond_by, datetime),
        ),
        ("an event with noted violations", lambda e: len(e.violations) >= 2),
    ],
)
def test_event_variants_are_reachable(what: str, condition: Callable[[Event], bool]) -> None:
    assert condition(reachable(s.events(), condition)), what


# --- applications -----------------------------------------------------------------------------


@given(s.applications())
def test_applications_are_valid_wire_values(app: Application) -> None:
    assert app.timezone in s.TIMEZONES
    assert app.country in s.COUNTRIES
    assert all(aware(t) for e in app.events for t in instants_of(e))
    assert Application.from_dict(app.to_dict()).to_dict() == app.to_dict()


@pytest.mark.parametrize("country", s.COUNTRIES)
def test_every_country_is_reachable(country: str | None) -> None:
    assert reachable(s.applications(), lambda a: a.country == country).country == country


def test_applications_out_of_order_are_reachable() -> None:
    def out_of_order(app: Application) -> bool:
        return any(a.at > b.at for a, b in zip(app.events, app.events[1:], strict=False))

    assert out_of_order(reachable(s.applications(), out_of_order))


def test_an_impossible_history_is_reachable() -> None:
    # applications() is for the wire format: it does not shy away from impossible histories
    def starts_with_a_thank_you(app: Application) -> bool:
        return bool(app.events) and min(app.events, key=lambda e: e.at).type == "thank_you_sent"

    assert starts_with_a_thank_you(reachable(s.applications(), starts_with_a_thank_you))


# --- histories --------------------------------------------------------------------------------


@given(s.histories())
def test_histories_are_plausible(app: Application) -> None:
    events = app.events
    assert events[0].type == "interview"
    for before, after in itertools.pairwise(events):
        assert after.at - before.at >= timedelta(minutes=1)
    names: tuple[str, ...] = ()
    for i, event in enumerate(events):
        assert event.violations == ()
        assert all(aware(t) for t in instants_of(event))
        # event instants are never pendulum values (see EVENT_STYLES)
        assert not isinstance(event.at, pendulum.DateTime)
        if isinstance(event, Interview):
            names = event.interviewers
        if isinstance(event, ThankYouSent):
            assert event.to in names if names else event.to is None
        if event.type in CLOSING:
            assert i == len(events) - 1
    seen = {e.type for e in events}
    if "rejection_reply_sent" in seen:
        assert "rejection_received" in seen
    if seen & {"offer_accepted", "offer_declined"}:
        assert "offer_received" in seen
    assert Application.from_dict(app.to_dict()) == app


@given(s.histories())
def test_histories_can_happen(app: Application) -> None:
    # No InvalidEvent, at any event of the history or long after the last one.
    for event in app.events:
        next_action(app, event.at)
    late = next_action(app, app.events[-1].at + timedelta(days=90))
    assert late.application == app.id


@given(s.histories(shuffle=True))
def test_shuffled_histories_hold_a_history(app: Application) -> None:
    ordered = sorted(app.events, key=lambda e: e.at)
    assert ordered[0].type == "interview"
    assert len({e.at for e in app.events}) == len(app.events)


@pytest.mark.parametrize("kind", s.EVENT_TYPES)
def test_every_event_type_is_reachable_in_histories(kind: str) -> None:
    app = reachable(s.histories(), lambda a: any(e.type == kind for e in a.events))
    assert any(e.type == kind for e in app.events)


@pytest.mark.parametrize(
    ("what", "condition"),
    [
        ("a second round", lambda a: sum(e.type == "interview" for e in a.events) >= 2),
        (
            "two inquiries in a row",
            lambda a: any(
                x.type == y.type == "status_inquiry_sent" for x, y in itertools.pairwise(a.events)
            ),
        ),
        (
            "every interviewer thanked",
            lambda a: (
                len(a.events[0].interviewers) >= 2
                and {e.to for e in a.events if isinstance(e, ThankYouSent) and e.channel == "email"}
                >= set(a.events[0].interviewers)
            ),
        ),
        ("a shuffled list", lambda a: a.events[0].type != "interview"),
        (
            "an interview in the night of a DST change",
            lambda a: (
                a.timezone in s.DST_TIMEZONES
                and any(
                    abs(a.events[0].at - c) < timedelta(hours=2) for c in s.dst_changes(a.timezone)
                )
            ),
        ),
    ],
)
def test_history_variants_are_reachable(
    what: str, condition: Callable[[Application], bool]
) -> None:
    shuffle = what == "a shuffled list"
    assert condition(reachable(s.histories(shuffle=shuffle), condition)), what


@given(data=st.data())
def test_facts_after_follow_the_history_in_time_order(data: st.DataObject) -> None:
    app = data.draw(s.histories())
    facts = data.draw(s.facts_after(app))
    assert 1 <= len(facts) <= 4
    last = max(e.at for e in app.events)
    for fact in facts:
        assert fact.type in s.FACT_KINDS
        assert all(aware(i) for i in instants_of(fact))
        assert fact.at - last >= timedelta(minutes=1)
        last = fact.at
    # valid wire values, as a tracker would store them
    grown = attrs.evolve(app, events=(*app.events, *facts))
    assert Application.from_dict(grown.to_dict()).to_dict() == grown.to_dict()


@pytest.mark.parametrize("kind", s.FACT_KINDS)
def test_every_fact_kind_is_reachable_after_a_history(kind: str) -> None:
    strategy = s.histories().flatmap(lambda a: s.facts_after(a).map(lambda f: (a, f)))
    found = reachable(strategy, lambda af: any(e.type == kind for e in af[1]))
    assert any(e.type == kind for e in found[1])


def test_a_fact_after_a_close_is_reachable() -> None:
    strategy = s.histories().flatmap(lambda a: s.facts_after(a).map(lambda f: (a, f)))

    def after_close(af: tuple[Application, tuple[Event, ...]]) -> bool:
        app, facts = af
        return next_action(app, facts[0].at).state == "closed"

    app, facts = reachable(strategy, after_close)
    assert next_action(app, facts[0].at).state == "closed"


# --- queries ----------------------------------------------------------------------------------


@given(data=st.data())
def test_instants_around_an_application_are_aware(data: st.DataObject) -> None:
    app = data.draw(s.histories())
    t = data.draw(s.instants_around(app))
    assert aware(t)
    assert t >= app.events[0].at - timedelta(days=2, seconds=1)


@pytest.mark.parametrize("offset", [-1, 0, 1])
def test_instants_around_reach_an_event_and_a_second_either_side(offset: int) -> None:
    app = wrap(Interview(at=datetime(2026, 11, 23, 15, 0, tzinfo=UTC)))
    target = app.events[0].at + timedelta(seconds=offset)
    assert reachable(s.instants_around(app), lambda t: t == target) == target


def _texts_of(d: Decision) -> list[str]:
    blocked = [t for b in d.blocked for t in (b.action, b.rule)]
    texts = [d.application, d.state, d.action, d.rule, d.reason, *d.to, *d.optional, *blocked]
    return texts if d.outcome is None else [*texts, d.outcome]


def _surrogate(c: str) -> bool:
    return "\ud800" <= c <= "\udfff"


def _instants_of(d: Decision) -> list[datetime | None]:
    return [d.not_before, d.due_by, d.suggested_at, *(b.until for b in d.blocked)]


@given(s.decisions())
def test_decisions_hold_aware_instants_and_texts(d: Decision) -> None:
    assert aware(d.as_of)
    assert all(t is None or aware(t) for t in _instants_of(d))
    assert all(isinstance(t, str) for t in _texts_of(d))
    assert d.timezone in s.TIMEZONES


@pytest.mark.parametrize(
    ("what", "condition"),
    [
        ("a quote", lambda d: any('"' in t for t in _texts_of(d))),
        ("a backslash", lambda d: any("\\" in t for t in _texts_of(d))),
        ("a control character", lambda d: any(c < " " for t in _texts_of(d) for c in t)),
        ("a lone surrogate", lambda d: any(_surrogate(c) for t in _texts_of(d) for c in t)),
        ("a letter beyond ASCII", lambda d: any(not t.isascii() for t in _texts_of(d))),
        ("every instant absent", lambda d: not d.blocked and not any(_instants_of(d))),
        ("every instant present", lambda d: d.blocked and all(_instants_of(d))),
        ("recipients and options", lambda d: d.to and d.optional),
        ("several held back", lambda d: len(d.blocked) > 1),
        ("an outcome", lambda d: d.outcome is not None),
        ("late", lambda d: d.late),
        ("not late", lambda d: not d.late),
    ],
)
def test_decision_variants_are_reachable(what: str, condition: Callable[[Decision], bool]) -> None:
    reachable(s.decisions(), condition)


@pytest.mark.parametrize(
    ("what", "condition"),
    [
        ("a whole document", lambda t: _json_ok(t)),
        ("a broken one", lambda t: not _json_ok(t)),
        ("JSON whitespace in front", lambda t: t[:1] in (" ", "\t", "\r", "\n")),
        ("a byte order mark in front", lambda t: t.startswith("\ufeff")),
        ("whitespace that JSON does not take", lambda t: "\u00a0" in t or "\x0b" in t),
        ("more text after a document", lambda t: t.endswith(("}x", "]1"))),
    ],
)
def test_json_line_variants_are_reachable(what: str, condition: Callable[[str], bool]) -> None:
    find(s.json_lines(), condition)


def _json_ok(text: str) -> bool:
    try:
        json.loads(text)
    except json.JSONDecodeError:
        return False
    return True
