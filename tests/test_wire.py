"""The JSON wire format (contract §5): bad input, impossible histories, round trips.

Bad input raises :class:`InvalidApplication` naming the field path (``events[2].at``) and saying
what was expected; a history that cannot have happened raises :class:`InvalidEvent` naming the
event (``events[i]``). Everything an application holds survives ``to_dict``/``from_dict`` and
``to_json``/``from_json``.
"""

from __future__ import annotations

import copy
import json
from datetime import UTC, date, datetime, timedelta, timezone
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from etiquette import (
    Application,
    EtiquetteViolation,
    Interview,
    InvalidApplication,
    InvalidEvent,
    OfferAccepted,
    OfferReceived,
    StatusInquirySent,
    ThankYouSent,
    Withdrawn,
    next_action,
    record,
)
from etiquette._engine import wire

from . import strategies as s
from .conftest import CONTRACT_INTERVIEW, contract_data

NY = ZoneInfo("America/New_York")

# One application holding one event of every type, each with every field it may have. It is
# valid wire format (the history is not meant to be possible: only the fields are checked here).
EVENTS: list[dict[str, Any]] = [
    {
        "type": "interview",
        "at": "2026-11-23T10:00:00-05:00",
        "ends_at": "2026-11-23T11:00:00-05:00",
        "interviewers": ["Ana Ruiz", "Bo Chen"],
        "decision_expected_by": "2026-12-04",
        "notes": ["their migration to event sourcing"],
    },
    {
        "type": "thank_you_sent",
        "at": "2026-11-23T15:00:00-05:00",
        "to": "Ana Ruiz",
        "channel": "email",
    },
    {"type": "status_inquiry_sent", "at": "2026-12-08T09:30:00-05:00"},
    {
        "type": "reply_received",
        "at": "2026-12-09T12:00:00-05:00",
        "decision_expected_by": "2026-12-18",
    },
    {"type": "offer_received", "at": "2026-12-20T10:00:00-05:00", "respond_by": "2026-12-27"},
    {"type": "rejection_received", "at": "2026-12-21T10:00:00-05:00"},
    {"type": "rejection_reply_sent", "at": "2026-12-21T11:00:00-05:00"},
    {"type": "offer_accepted", "at": "2026-12-22T10:00:00-05:00"},
    {"type": "offer_declined", "at": "2026-12-22T11:00:00-05:00"},
    {"type": "withdrawn", "at": "2026-12-23T10:00:00-05:00"},
]
BASE: dict[str, Any] = {
    "id": "acme-backend-1",
    "company": "Acme",
    "role": "Backend Engineer",
    "timezone": "America/New_York",
    "country": "US",
    "events": EVENTS,
}
INDEX = {event["type"]: i for i, event in enumerate(EVENTS)}
I_INTERVIEW, I_THANKS, I_OFFER = (
    INDEX["interview"],
    INDEX["thank_you_sent"],
    INDEX["offer_received"],
)

DELETE = object()  # marks a field to remove


def edited(path: tuple[str | int, ...], value: object) -> dict[str, Any]:
    """BASE with the field at ``path`` set to ``value`` (or removed, for DELETE)."""
    doc = copy.deepcopy(BASE)
    node: Any = doc
    for key in path[:-1]:
        node = node[key]
    if value is DELETE:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return doc


def refused(doc: object) -> InvalidApplication:
    with pytest.raises(InvalidApplication) as info:
        Application.from_dict(doc)
    return info.value


def test_the_base_document_is_valid() -> None:
    app = Application.from_dict(BASE)
    assert [e.type for e in app.events] == list(s.EVENT_TYPES)
    assert app.to_dict() == BASE


# --- one row per field and kind of fault --------------------------------------------------------
# (path, value, expected error path, words the message must contain)

Row = tuple[tuple[str | int, ...], object, str, tuple[str, ...]]

APPLICATION_ROWS: list[Row] = [
    # id: required, a non-empty string
    (("id",), DELETE, "id", ("missing", "string")),
    (("id",), 42, "id", ("expected", "string")),
    (("id",), "", "id", ("expected", "non-empty")),
    (("id",), "   ", "id", ("expected", "non-empty")),
    (("id",), None, "id", ("expected", "string")),
    # company, role: optional strings
    (("company",), 7, "company", ("expected", "string")),
    (("company",), "", "company", ("expected", "non-empty")),
    (("role",), ["Backend"], "role", ("expected", "string")),
    (("role",), " ", "role", ("expected", "non-empty")),
    # timezone: an IANA name
    (("timezone",), 5, "timezone", ("expected", "IANA")),
    (("timezone",), "", "timezone", ("IANA",)),
    (("timezone",), "Mars/Olympus_Mons", "timezone", ("unknown timezone", "Mars/Olympus_Mons")),
    (("timezone",), "New York", "timezone", ("unknown timezone",)),
    # country: ISO 3166, optionally with a subdivision
    (("country",), 49, "country", ("expected", "ISO 3166")),
    (("country",), "XX", "country", ("unknown country", "XX")),
    (("country",), "Germany", "country", ("unknown country",)),
    (("country",), "US-ZZ", "country", ("unknown subdivision", "ZZ")),
    # events: a list of event objects
    (("events",), {"type": "interview"}, "events", ("expected", "list")),
    (("events",), "interview", "events", ("expected", "list")),
    (("events",), None, "events", ("expected", "list")),
    (("events", 3), "reply_received", "events[3]", ("expected", "event object")),
    (("events", 0), ["interview"], "events[0]", ("expected", "event object")),
    # unknown keys (typos)
    (("status",), "open", "status", ("unknown field", "allowed")),
    (("Events",), [], "Events", ("unknown field", "allowed")),
    (("time_zone",), "UTC", "time_zone", ("unknown field", "timezone")),
]


def _event_rows() -> list[Row]:
    rows: list[Row] = []
    for kind, i in INDEX.items():
        e = f"events[{i}]"
        rows += [
            # type: required, one of the known types
            (("events", i, "type"), DELETE, f"{e}.type", ("missing", "expected one of", kind)),
            # at: required, an RFC 3339 instant with an offset
            (("events", i, "at"), DELETE, f"{e}.at", ("missing", "RFC 3339")),
            (("events", i, "at"), "2026-11-23T10:00:00", f"{e}.at", ("no UTC offset",)),
            (("events", i, "at"), 1795000000, f"{e}.at", ("expected", "RFC 3339")),
            # violations: a list of rule ids
            (("events", i, "violations"), "inquiry-spacing", f"{e}.violations", ("list",)),
            # a key this type does not have
            (("events", i, "urgency"), "high", f"{e}.urgency", ("unknown field", kind)),
        ]
    return rows


TYPE_ROWS: list[Row] = [
    (("events", 0, "type"), "thank_you", "events[0].type", ("unknown event type", "thank_you")),
    (("events", 2, "type"), "phone_call", "events[2].type", ("unknown event type", "interview")),
    (("events", 2, "type"), "", "events[2].type", ("unknown event type",)),
    (("events", 2, "type"), 3, "events[2].type", ("unknown event type", "expected one of")),
    (("events", 2, "type"), "Interview", "events[2].type", ("unknown event type",)),
]

AT_ROWS: list[Row] = [
    (
        ("events", 2, "at"),
        "2026-11-23T10:00",
        "events[2].at",
        ("2026-11-23T10:00", "no UTC offset"),
    ),
    (("events", 2, "at"), "2026-11-23", "events[2].at", ("RFC 3339",)),
    (("events", 2, "at"), "next Tuesday", "events[2].at", ("RFC 3339",)),
    # RFC 3339 digits are ASCII digits; other scripts' digits are not read as numbers
    (("events", 2, "at"), "٢٠٢٦-11-23T10:00:00Z", "events[2].at", ("RFC 3339",)),
    (("events", 2, "at"), "2026-11-23T10:00:00.1234567Z", "events[2].at", ("RFC 3339",)),
    (("events", 2, "at"), "2026-13-01T10:00:00Z", "events[2].at", ("2026-13-01T10:00:00Z",)),
    (("events", 2, "at"), "2026-11-23T10:00:00+25:00", "events[2].at", ("+25:00",)),
    (("events", 2, "at"), None, "events[2].at", ("expected", "RFC 3339")),
    (("events", 2, "at"), ["2026-11-23T10:00:00Z"], "events[2].at", ("expected", "RFC 3339")),
]

INTERVIEW_ROWS: list[Row] = [
    # ends_at: an instant, not before at
    (("events", 0, "ends_at"), "2026-11-23T11:00:00", "events[0].ends_at", ("no UTC offset",)),
    (("events", 0, "ends_at"), 3600, "events[0].ends_at", ("expected", "RFC 3339")),
    (("events", 0, "ends_at"), "in an hour", "events[0].ends_at", ("RFC 3339",)),
    (
        ("events", 0, "ends_at"),
        "2026-11-23T09:59:59-05:00",
        "events[0].ends_at",
        ("before it starts",),
    ),
    # interviewers: a list of distinct non-empty names
    (("events", 0, "interviewers"), "Ana Ruiz", "events[0].interviewers", ("expected", "list")),
    (("events", 0, "interviewers"), ["Ana Ruiz", 7], "events[0].interviewers[1]", ("string",)),
    (
        ("events", 0, "interviewers"),
        ["Ana Ruiz", ""],
        "events[0].interviewers[1]",
        ("non-empty",),
    ),
    (
        ("events", 0, "interviewers"),
        ["Ana Ruiz", "Ana Ruiz"],
        "events[0].interviewers",
        ("unique",),
    ),
    # decision_expected_by: a date YYYY-MM-DD
    (
        ("events", 0, "decision_expected_by"),
        "2026-12-4",
        "events[0].decision_expected_by",
        ("YYYY-MM-DD",),
    ),
    (
        ("events", 0, "decision_expected_by"),
        "2026-02-30",
        "events[0].decision_expected_by",
        ("2026-02-30", "not a valid date"),
    ),
    (
        ("events", 0, "decision_expected_by"),
        20261204,
        "events[0].decision_expected_by",
        ("YYYY-MM-DD",),
    ),
    (
        ("events", 0, "decision_expected_by"),
        "2026-12-04T17:00:00-05:00",
        "events[0].decision_expected_by",
        ("YYYY-MM-DD",),
    ),
    # notes: a list of non-empty strings
    (("events", 0, "notes"), "event sourcing", "events[0].notes", ("expected", "list")),
    (("events", 0, "notes"), ["ok", " "], "events[0].notes[1]", ("non-empty",)),
    # fields of other event types
    (("events", 0, "respond_by"), "2026-12-27", "events[0].respond_by", ("unknown field",)),
    (("events", 0, "to"), "Ana Ruiz", "events[0].to", ("unknown field", "interview")),
]

THANK_YOU_ROWS: list[Row] = [
    # to: a non-empty name
    (("events", 1, "to"), 7, "events[1].to", ("expected", "string")),
    (("events", 1, "to"), "", "events[1].to", ("non-empty",)),
    (("events", 1, "to"), ["Ana Ruiz"], "events[1].to", ("expected", "string")),
    # channel: email or handwritten
    (("events", 1, "channel"), "fax", "events[1].channel", ("'email' or 'handwritten'", "fax")),
    (("events", 1, "channel"), "Email", "events[1].channel", ("'email' or 'handwritten'",)),
    (("events", 1, "channel"), 1, "events[1].channel", ("'email' or 'handwritten'",)),
    (("events", 1, "recipient"), "Ana Ruiz", "events[1].recipient", ("unknown field", "to")),
]

OTHER_ROWS: list[Row] = [
    # reply_received.decision_expected_by
    (
        ("events", 3, "decision_expected_by"),
        "18 Dec 2026",
        "events[3].decision_expected_by",
        ("YYYY-MM-DD",),
    ),
    (
        ("events", 3, "decision_expected_by"),
        None,
        "events[3].decision_expected_by",
        ("YYYY-MM-DD",),
    ),
    # offer_received.respond_by: a date or an instant
    (("events", 4, "respond_by"), 5, "events[4].respond_by", ("date", "instant")),
    (
        ("events", 4, "respond_by"),
        "2026-12-27T17:00:00",
        "events[4].respond_by",
        ("no UTC offset",),
    ),
    (("events", 4, "respond_by"), "2026-12-32", "events[4].respond_by", ("not a valid date",)),
    (("events", 4, "respond_by"), "next week", "events[4].respond_by", ("RFC 3339",)),
    # status_inquiry_sent has no recipient
    (("events", 2, "to"), "Ana Ruiz", "events[2].to", ("unknown field", "status_inquiry_sent")),
    # violations: rule ids
    (("events", 2, "violations"), [""], "events[2].violations[0]", ("expected",)),
    (("events", 2, "violations"), [5], "events[2].violations[0]", ("expected",)),
    (("events", 2, "violations"), {"rule": "x"}, "events[2].violations", ("list",)),
]

#: JSON spells half of a character as "\ud800": no UTF-8 output can hold it (every text field)
HALF = "Ana \ud83d Ruiz"

TEXT_ROWS: list[Row] = [
    (("id",), HALF, "id", ("Unicode text", "\\ud83d", "character 5")),
    (("company",), HALF, "company", ("Unicode text",)),
    (("role",), "\udc00", "role", ("Unicode text", "\\udc00", "character 1")),
    (("events", 0, "interviewers"), ["Bo", HALF], "events[0].interviewers[1]", ("Unicode",)),
    (("events", 0, "notes"), [HALF], "events[0].notes[0]", ("Unicode text",)),
    (("events", 1, "to"), HALF, "events[1].to", ("Unicode text",)),
    (("events", 2, "violations"), ["x\udfff"], "events[2].violations[0]", ("Unicode text",)),
]

ALL_ROWS = [
    *APPLICATION_ROWS,
    *TEXT_ROWS,
    *_event_rows(),
    *TYPE_ROWS,
    *AT_ROWS,
    *INTERVIEW_ROWS,
    *THANK_YOU_ROWS,
    *OTHER_ROWS,
]


def _row_id(row: Row) -> str:
    path, value, _, _ = row
    shown = "DELETE" if value is DELETE else repr(value)
    return ".".join(str(p) for p in path) + "=" + shown[:24]


@pytest.mark.parametrize(("path", "value", "where", "words"), ALL_ROWS, ids=map(_row_id, ALL_ROWS))
def test_bad_field_names_its_path_and_what_was_expected(
    path: tuple[str | int, ...], value: object, where: str, words: tuple[str, ...]
) -> None:
    error = refused(edited(path, value))
    assert error.path == where
    assert str(error).startswith(f"{where}: ")
    for word in words:
        assert word in error.why, (word, error.why)


def test_every_field_of_the_wire_format_has_a_bad_input_row() -> None:
    fields = {"id", "company", "role", "timezone", "country", "events"}
    fields |= {k for event in EVENTS for k in event} | {"violations"}
    covered = {str(path[-1]) for path, *_ in ALL_ROWS if isinstance(path[-1], str)}
    assert fields <= covered, fields - covered


@pytest.mark.parametrize(
    "doc",
    [None, [], "acme", 42, [BASE]],
    ids=["null", "list", "string", "number", "list-of-apps"],
)
def test_an_application_is_an_object(doc: object) -> None:
    error = refused(doc)
    assert "expected an application object" in error.why


def test_an_error_inside_a_list_of_applications_names_its_index() -> None:
    bad = edited(("events", 2, "at"), "2026-12-08T09:30:00")
    with pytest.raises(InvalidApplication) as info:
        Application.from_dict(bad, "[1]")
    assert info.value.path == "[1].events[2].at"


def test_invalid_json_names_line_and_column() -> None:
    with pytest.raises(InvalidApplication) as info:
        Application.from_json('{\n  "id": "x",\n  "events": [,]\n}')
    assert "line 3" in info.value.path
    assert "invalid JSON" in info.value.why


# --- values built in Python are checked as well -------------------------------------------------


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda: Interview(at=datetime(2026, 11, 23, 10)), "at"),
        (
            lambda: Interview(
                at=datetime(2026, 11, 23, 10, tzinfo=NY), ends_at=datetime(2026, 11, 23, 11)
            ),
            "ends_at",
        ),
        (lambda: ThankYouSent(at="2026-11-23T15:00:00-05:00"), "at"),  # type: ignore[arg-type]
        (
            lambda: Interview(at=datetime(2026, 11, 23, tzinfo=NY), interviewers=("",)),
            "interviewers[0]",
        ),
        (
            lambda: OfferReceived(
                at=datetime(2026, 12, 20, tzinfo=NY), respond_by=datetime(2026, 12, 27)
            ),
            "respond_by",
        ),
        (lambda: Application(id=""), "id"),
        (lambda: Application(id="x", role="\udc00"), "role"),
        (lambda: Application(id=HALF), "id"),
        (lambda: Application(id="x", company=HALF), "company"),
        (lambda: ThankYouSent(at=datetime(2026, 11, 23, tzinfo=NY), to=HALF), "to"),
        (lambda: ThankYouSent(at=datetime(2026, 11, 23, tzinfo=NY), to=""), "to"),
        (lambda: ThankYouSent(at=datetime(2026, 11, 23, tzinfo=NY), to=7), "to"),  # type: ignore[arg-type]
        (
            lambda: Interview(at=datetime(2026, 11, 23, tzinfo=NY), notes=("ok", HALF)),
            "notes[1]",
        ),
        (
            lambda: Interview(at=datetime(2026, 11, 23, tzinfo=NY), interviewers=("Bo", HALF)),
            "interviewers[1]",
        ),
        (
            lambda: Interview(at=datetime(2026, 11, 23, tzinfo=NY), violations=("\ud800",)),
            "violations[0]",
        ),
        (lambda: Application(id="x", timezone="Mars/Olympus_Mons"), "timezone"),
        (lambda: Application(id="x", country="XX"), "country"),
        (lambda: Application(id="x", events=("interview",)), "events[0]"),  # type: ignore[arg-type]
    ],
)
def test_values_built_in_python_are_checked(build: Any, field: str) -> None:
    with pytest.raises(InvalidApplication) as info:
        build()
    assert info.value.path == field


# --- what the wire format accepts ---------------------------------------------------------------


def test_optional_fields_have_their_documented_defaults() -> None:
    app = Application.from_dict(
        {
            "id": "minimal",
            "events": [
                {"type": "interview", "at": "2026-11-23T15:00:00Z"},
                {"type": "thank_you_sent", "at": "2026-11-23T17:00:00Z"},
            ],
        }
    )
    assert app.timezone == "UTC"
    assert app.country is None
    assert app.company is None
    assert app.role is None
    interview, thanks = app.events
    assert isinstance(interview, Interview)
    assert interview.ends_at is None
    assert interview.interviewers == ()
    assert interview.decision_expected_by is None
    assert isinstance(thanks, ThankYouSent)
    assert thanks.channel == "email"
    assert thanks.to is None
    assert interview.at == datetime(2026, 11, 23, 15, tzinfo=UTC)


def test_offsets_z_and_fractions_are_read_as_the_same_instant() -> None:
    texts = [
        "2026-11-23T15:00:00Z",
        "2026-11-23T15:00:00+00:00",
        "2026-11-23T10:00:00-05:00",
        "2026-11-23T20:30:00+05:30",
        "2026-11-23T15:00:00.000Z",
    ]
    instants = [
        Application.from_dict({"id": "x", "events": [{"type": "withdrawn", "at": text}]})
        .events[0]
        .at
        for text in texts
    ]
    assert all(t == datetime(2026, 11, 23, 15, tzinfo=UTC) for t in instants)


def test_respond_by_is_a_date_or_an_instant() -> None:
    by_date = Application.from_dict(edited(("events", I_OFFER, "respond_by"), "2026-12-27"))
    offer = by_date.events[I_OFFER]
    assert isinstance(offer, OfferReceived)
    assert offer.respond_by == date(2026, 12, 27)
    by_instant = Application.from_dict(
        edited(("events", I_OFFER, "respond_by"), "2026-12-27T17:00:00-05:00")
    )
    offer = by_instant.events[I_OFFER]
    assert isinstance(offer, OfferReceived)
    assert offer.respond_by == datetime(2026, 12, 27, 22, tzinfo=UTC)


def test_the_contract_example_application_is_read() -> None:
    # contract §5, with the "…" placeholders given instants
    app = Application.from_dict(BASE)
    interview = app.events[I_INTERVIEW]
    assert isinstance(interview, Interview)
    assert interview.interviewers == ("Ana Ruiz", "Bo Chen")
    assert interview.ends_at == datetime(2026, 11, 23, 16, tzinfo=UTC)
    assert interview.decision_expected_by == date(2026, 12, 4)
    assert interview.notes == ("their migration to event sourcing",)


# --- events in the wrong state: InvalidEvent naming the event ------------------------------------

INTERVIEW = CONTRACT_INTERVIEW


def history(*events: dict[str, Any]) -> Application:
    """The contract's application holding exactly ``events``."""
    return Application.from_dict(contract_data(events=events))


def impossible(app: Application, now: str = "2027-01-29T12:00:00-05:00") -> InvalidEvent:
    with pytest.raises(InvalidEvent) as info:
        next_action(app, datetime.fromisoformat(now))
    return info.value


def at(when: str, kind: str, **fields: Any) -> dict[str, Any]:
    return {"type": kind, "at": when, **fields}


EVENT_AFTER: dict[str, dict[str, Any]] = {
    "interview": {"interviewers": ["Cy Diaz"]},
    "thank_you_sent": {"to": "Ana Ruiz"},
    "status_inquiry_sent": {},
    "reply_received": {},
    "offer_received": {},
    "rejection_received": {},
    "rejection_reply_sent": {},
    "offer_accepted": {},
    "offer_declined": {},
    "withdrawn": {},
}


@pytest.mark.parametrize(
    ("events", "where", "words"),
    [
        pytest.param(
            [at("2026-11-20T10:00:00-05:00", "thank_you_sent", to="Ana Ruiz"), INTERVIEW],
            "events[0]",
            ("interview",),
            id="thank-you-before-any-interview",
        ),
        pytest.param(
            [INTERVIEW, at("2026-11-20T10:00:00-05:00", "thank_you_sent", to="Ana Ruiz")],
            "events[1]",
            ("interview",),
            id="thank-you-before-any-interview-listed-last",
        ),
        pytest.param(
            [at("2026-11-20T10:00:00-05:00", "status_inquiry_sent"), INTERVIEW],
            "events[0]",
            ("interview",),
            id="inquiry-before-any-interview",
        ),
        pytest.param(
            [INTERVIEW, at("2026-11-24T10:00:00-05:00", "rejection_reply_sent")],
            "events[1]",
            ("rejection",),
            id="rejection-reply-without-rejection",
        ),
        pytest.param(
            [INTERVIEW, at("2026-12-10T10:00:00-05:00", "offer_accepted")],
            "events[1]",
            ("offer",),
            id="offer-accepted-without-offer",
        ),
        pytest.param(
            [INTERVIEW, at("2026-12-10T10:00:00-05:00", "offer_declined")],
            "events[1]",
            ("offer",),
            id="offer-declined-without-offer",
        ),
        pytest.param(
            [
                INTERVIEW,
                at("2026-12-10T10:00:00-05:00", "offer_received"),
                at("2026-12-11T10:00:00-05:00", "offer_accepted"),
                at("2026-12-12T10:00:00-05:00", "offer_declined"),
            ],
            "events[3]",
            ("closed",),
            id="offer-declined-after-accepting-it",
        ),
    ],
)
def test_impossible_event_names_the_event(
    events: list[dict[str, Any]], where: str, words: tuple[str, ...]
) -> None:
    error = impossible(history(*events))
    assert error.path == where
    assert str(error).startswith(f"{where}: ")
    for word in words:
        assert word in error.why


#: After withdrawing: what each kind of event leads to (state, outcome), or None when it
#: contradicts the history (no offer is pending, there was no rejection).
AFTER_WITHDRAWING: dict[str, tuple[str, str | None] | None] = {
    "interview": ("interviewed", None),  # a new round from any state
    "offer_received": ("offered", None),  # an offer reopens a closing the candidate chose
    "reply_received": ("closed", "withdrawn"),  # recorded, changes nothing
    "rejection_received": ("closed", "withdrawn"),
    "withdrawn": ("closed", "withdrawn"),
    "thank_you_sent": ("closed", "withdrawn"),  # a contact: recorded with closed-silence
    "status_inquiry_sent": ("closed", "withdrawn"),
    "offer_accepted": None,
    "offer_declined": None,
    "rejection_reply_sent": None,
}


@pytest.mark.parametrize("kind", s.EVENT_TYPES)
def test_closed_silence_facts_after_withdrawing_are_recorded(kind: str) -> None:
    app = history(INTERVIEW, at("2026-11-24T10:00:00-05:00", "withdrawn"))
    event = at("2026-11-25T10:00:00-05:00", kind, **EVENT_AFTER[kind])
    expected = AFTER_WITHDRAWING[kind]
    if expected is None:
        with pytest.raises(InvalidEvent) as info:
            record(app, event, strict=False)
        assert info.value.path == "event"
        assert impossible(history(*app.to_dict()["events"], event)).path == "events[2]"
        return
    recorded = record(app, event, strict=False)
    decision = next_action(recorded, datetime.fromisoformat("2026-11-25T10:00:01-05:00"))
    assert (decision.state, decision.outcome) == expected
    if kind in ("thank_you_sent", "status_inquiry_sent"):
        # closed-silence first; the contact's own rules may follow (an inquiry this early)
        assert recorded.events[-1].violations[0] == "closed-silence"
        with pytest.raises(EtiquetteViolation):
            record(app, event)
    else:
        assert record(app, event) == recorded  # a fact: strict or not, never refused
        assert recorded.events[-1].violations == ()


def test_rejection_one_reply_a_reply_after_the_window_is_closed_silence() -> None:
    # rejection on Mon 2026-12-07 10:00; the reply window is 5 business days (Dec 8, 9, 10, 11,
    # 14): it closes on Mon 2026-12-14 10:00, and a window is half-open
    rejection = at("2026-12-07T10:00:00-05:00", "rejection_received")
    in_time = history(INTERVIEW, rejection, at("2026-12-14T09:59:59-05:00", "rejection_reply_sent"))
    assert next_action(in_time, datetime(2026, 12, 15, tzinfo=UTC)).outcome == "rejected"
    late = at("2026-12-14T10:00:00-05:00", "rejection_reply_sent")
    with pytest.raises(EtiquetteViolation) as info:
        record(history(INTERVIEW, rejection), late)
    assert [v.rule for v in info.value.violations] == ["closed-silence"]
    sent = record(history(INTERVIEW, rejection), late, strict=False)
    assert sent.events[-1].violations == ("closed-silence",)
    assert next_action(sent, datetime(2026, 12, 15, tzinfo=UTC)).outcome == "rejected"


@pytest.mark.parametrize(
    "thanks", [{"to": "Cy Diaz"}, {}], ids=["not-an-interviewer", "no-recipient-named"]
)
def test_thank_you_24h_to_someone_not_of_the_round_is_a_fact_with_a_violation(
    thanks: dict[str, Any],
) -> None:
    app = history(INTERVIEW)
    event = at("2026-11-23T15:00:00-05:00", "thank_you_sent", **thanks)
    with pytest.raises(EtiquetteViolation) as info:
        record(app, event)
    [violation] = info.value.violations
    assert violation.rule == "thank-you-24h"
    assert "Ana Ruiz" in violation.message  # it says whom it could be for
    assert "Bo Chen" in violation.message
    sent = record(app, event, strict=False)
    assert sent.events[-1].violations == ("thank-you-24h",)
    # it thanked no one of the round: both are still owed
    decision = next_action(sent, datetime.fromisoformat("2026-11-23T16:00:00-05:00"))
    assert decision.to == ("Ana Ruiz", "Bo Chen")


def test_events_after_now_are_not_judged() -> None:
    # an impossible event after `now` does not stop a decision as of `now`
    app = history(INTERVIEW, at("2026-12-10T10:00:00-05:00", "offer_accepted"))
    decision = next_action(app, datetime.fromisoformat("2026-11-24T09:00:00-05:00"))
    assert decision.action == "send_thank_you"
    impossible(app)


def test_record_names_the_new_event_when_it_is_impossible() -> None:
    app = history(INTERVIEW)
    with pytest.raises(InvalidEvent) as info:
        record(app, at("2026-12-10T10:00:00-05:00", "offer_accepted"))
    assert info.value.path == "event"


def test_an_impossible_event_given_twice_as_one_value_is_named_where_it_fails() -> None:
    # the same event value twice in the history: the second one cannot happen (the first
    # answered the offer), and the error names its own position, in any order given
    interview = history(INTERVIEW).events[0]
    offer = OfferReceived(at=datetime(2026, 11, 24, 8, tzinfo=UTC))
    accepted = OfferAccepted(at=datetime(2026, 11, 24, 9, tzinfo=UTC))
    for events, where in (
        ((interview, offer, accepted, accepted), "events[3]"),
        ((accepted, interview, offer, accepted), "events[3]"),
        ((accepted, accepted, interview, offer), "events[1]"),
    ):
        app = attrs.evolve(history(INTERVIEW), events=events)
        assert impossible(app).path == where


def test_record_names_a_stored_event_that_the_new_one_makes_impossible() -> None:
    offer = at("2026-12-10T10:00:00-05:00", "offer_received")
    accepted = at("2026-12-12T10:00:00-05:00", "offer_accepted")
    app = history(INTERVIEW, offer, accepted)
    with pytest.raises(InvalidEvent) as info:
        record(app, at("2026-12-11T10:00:00-05:00", "offer_declined"))
    assert info.value.path == "events[2]"


# --- round trips --------------------------------------------------------------------------------


def assert_round_trip(app: Application) -> None:
    data = app.to_dict()
    again = Application.from_dict(data)
    assert again == app
    # field for field, as the validating constructor keeps them: same types, same offsets
    assert repr(again) == repr(app)
    assert again.to_dict() == data
    assert Application.from_json(app.to_json()) == app
    assert Application.from_json(app.to_json(indent=None)) == app
    assert json.loads(app.to_json()) == data


@given(s.applications())
def test_round_trip_of_any_application(app: Application) -> None:
    assert_round_trip(app)


@given(s.histories(shuffle=True))
def test_round_trip_of_any_history(app: Application) -> None:
    assert_round_trip(app)


def test_round_trip_of_the_contract_example() -> None:
    app = Application.from_dict(BASE)
    assert_round_trip(app)
    assert app.to_dict() == BASE


def test_round_trip_keeps_noted_violations() -> None:
    inquiry = StatusInquirySent(
        at=datetime(2026, 12, 1, 10, tzinfo=NY), violations=("inquiry-after-timeline",)
    )
    app = Application(id="x", timezone="America/New_York", events=(inquiry,))
    assert app.to_dict()["events"][0]["violations"] == ["inquiry-after-timeline"]
    assert_round_trip(app)


def test_round_trip_keeps_violations_noted_by_record() -> None:
    app = history(INTERVIEW)
    early = record(app, at("2026-12-01T10:00:00-05:00", "status_inquiry_sent"), strict=False)
    assert early.events[-1].violations
    assert_round_trip(early)
    assert early.to_dict()["events"][-1]["violations"] == list(early.events[-1].violations)


@given(s.applications())
def test_loading_builds_what_the_validating_constructors_build(app: Application) -> None:
    # from_dict checks each field once and skips the constructors' validators and converters:
    # what it builds must be exactly what they build from the same values (same types, same
    # offsets), here with the instants given as zoned Python values
    zone = ZoneInfo(app.timezone)
    data = app.to_dict()
    data["events"] = [
        {**wire, "at": event.at.astimezone(zone)}
        for wire, event in zip(data["events"], app.events, strict=True)
    ]
    expected = attrs.evolve(
        app, events=[attrs.evolve(e, at=e.at.astimezone(zone)) for e in app.events]
    )
    loaded = Application.from_dict(data)
    assert repr(loaded) == repr(expected)
    # and the instant on the UTC line that each event keeps for the engine (not in the repr):
    # the same instant as ``at``, in UTC, whichever way the event was made
    for made in (loaded, expected, app):
        for event in made.events:
            assert event._at_utc == event.at
            assert event._at_utc.tzinfo is UTC
            if isinstance(event, Interview):
                # and the end of its round, which the replay reads: ends_at, or an hour on
                end = event.at + timedelta(hours=1) if event.ends_at is None else event.ends_at
                assert event._end_utc == end
                assert event._end_utc.tzinfo is UTC
        # and the order in which the engine replays the events, kept with the value: every
        # event once, by instant, events at the same instant in the order given
        order = _timeline_order(made)
        assert sorted(order) == list(range(len(made.events)))
        keys = [(made.events[i].at, i) for i in order]
        assert keys == sorted(keys)


@pytest.mark.parametrize(
    "ats",
    [
        # in order, two at one instant written in two offsets: kept as given
        ["2026-11-23T10:00:00-05:00", "2026-11-23T15:00:00+00:00", "2026-11-24T09:00:00-05:00"],
        # out of order: sorted, the two at one instant in the order given
        ["2026-11-24T09:00:00-05:00", "2026-11-23T15:00:00+00:00", "2026-11-23T10:00:00-05:00"],
        ["2026-11-23T15:00:00+00:00", "2026-11-24T09:00:00-05:00", "2026-11-23T10:00:00-05:00"],
    ],
)
def test_the_loaded_timeline_is_the_constructors_in_order_or_not(ats: list[str]) -> None:
    # the loader keeps a history written in order as its timeline, without sorting it: the
    # timeline must be the one the constructor's stable sort gives, in order or not
    data = {
        "id": "a",
        "timezone": "America/New_York",
        "events": [{"type": "reply_received", "at": at} for at in ats],
    }
    loaded = Application.from_dict(data)
    built = Application(id="a", timezone="America/New_York", events=loaded.events)
    expected = sorted(range(len(ats)), key=lambda i: datetime.fromisoformat(ats[i]))
    assert _timeline_order(loaded) == _timeline_order(built) == expected


def _timeline_order(app: Application) -> list[int]:
    """Each event of the timeline, by its place in the history (events found by identity)."""
    return [next(i for i, e in enumerate(app.events) if e is x) for x in app._timeline]


@pytest.mark.parametrize("ends_at", [None, "2026-11-23T11:45:00-05:00"])
def test_an_interviews_round_ends_on_the_utc_line_however_the_interview_was_made(
    ends_at: str | None,
) -> None:
    # the replay reads the end of a round (ends_at, or an hour after at) as kept with the value,
    # in UTC: the same whether the interview was loaded or constructed
    data: dict[str, Any] = {"type": "interview", "at": "2026-11-23T10:00:00-05:00"}
    if ends_at is not None:
        data["ends_at"] = ends_at
    loaded = Application.from_dict({"id": "x", "events": [data]}).events[0]
    made = Interview(
        at=datetime.fromisoformat(data["at"]),
        ends_at=None if ends_at is None else datetime.fromisoformat(ends_at),
    )
    end = datetime(2026, 11, 23, 16, 45 if ends_at else 0, tzinfo=UTC)
    for interview in (loaded, made, attrs.evolve(made, notes=("moved",))):
        assert isinstance(interview, Interview)
        assert interview._end_utc == end
        assert interview._end_utc.tzinfo is UTC


@pytest.mark.parametrize(
    "instant",
    [
        # local mean time in Amsterdam, +00:19:32: an offset with seconds becomes UTC, 1899
        datetime(1900, 1, 1, 0, 0, tzinfo=ZoneInfo("Europe/Amsterdam")),
        datetime(9000, 12, 31, 23, 59, 59, tzinfo=timezone(timedelta(seconds=-30))),
    ],
)
def test_an_instant_that_leaves_the_years_once_fixed_is_refused_as_the_constructor_does(
    instant: datetime,
) -> None:
    with pytest.raises(InvalidApplication) as by_constructor:
        Withdrawn(at=instant)
    with pytest.raises(InvalidApplication) as by_loading:
        Application.from_dict({"id": "x", "events": [{"type": "withdrawn", "at": instant}]})
    assert by_loading.value.path == "events[0].at"
    assert "outside the years 1900-9000" in by_loading.value.why
    assert by_constructor.value.why == by_loading.value.why


def test_round_trip_keeps_the_offset_of_each_instant() -> None:
    data = edited(("events", I_THANKS, "at"), "2026-11-24T01:30:00+05:30")
    assert Application.from_dict(data).to_dict()["events"][I_THANKS]["at"] == (
        "2026-11-24T01:30:00+05:30"
    )


def test_round_trip_of_a_zoneinfo_instant_outside_a_dst_change() -> None:
    app = Application(
        id="x",
        timezone="Europe/Berlin",
        events=(Interview(at=datetime(2026, 10, 24, 10, tzinfo=ZoneInfo("Europe/Berlin"))),),
    )
    assert_round_trip(app)


# --- instants are normalised to fixed offsets on construction ------------------------------------


@pytest.mark.parametrize("fold", [0, 1])
def test_round_trip_of_a_repeated_local_time(fold: int) -> None:
    # 01:30 happens twice in New York on 2026-11-01
    app = Application(
        id="x",
        timezone="America/New_York",
        events=(Interview(at=datetime(2026, 11, 1, 1, 30, fold=fold, tzinfo=NY)),),
    )
    assert Application.from_dict(app.to_dict()) == app


def test_interview_ending_in_the_repeated_hour() -> None:
    start = datetime(2026, 11, 1, 1, 50, fold=0, tzinfo=NY)  # 05:50 UTC
    end = datetime(2026, 11, 1, 1, 10, fold=1, tzinfo=NY)  # 06:10 UTC, 20 minutes later
    assert end.astimezone(UTC) - start.astimezone(UTC) == timedelta(minutes=20)
    interview = Interview(at=start, ends_at=end)
    # PEP 495: an instant in the repeated hour never compares equal across zones; compare in UTC
    assert interview.ends_at is not None
    assert interview.ends_at.astimezone(UTC) == end.astimezone(UTC)


def test_round_trip_of_an_offset_with_seconds() -> None:
    odd = timezone(timedelta(seconds=30))
    app = Application(id="x", events=(Interview(at=datetime(2026, 11, 23, 10, tzinfo=odd)),))
    assert Application.from_dict(app.to_dict()) == app


@pytest.mark.parametrize(
    "instant",
    [
        datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=5))),
        datetime(9999, 12, 31, 23, tzinfo=timezone(timedelta(hours=-5))),
    ],
)
def test_an_instant_at_the_ends_of_the_calendar_is_refused_not_overflowed(
    instant: datetime,
) -> None:
    # on the UTC line these fall outside what datetime can hold: the value is refused for its
    # year, as any instant outside 1900-9000 is, before anything moves it to UTC
    with pytest.raises(InvalidApplication) as caught:
        ThankYouSent(instant, to="Ana Ruiz")
    assert caught.value.path == "at"
    assert "outside the years 1900-9000" in caught.value.why


def test_a_subclass_of_application_is_read_with_its_own_fields() -> None:
    @attrs.frozen
    class Tracked(Application):
        stage: str = "active"

    app = Tracked.from_dict(history(INTERVIEW).to_dict())
    assert type(app) is Tracked
    assert app.stage == "active"
    assert app.events == history(INTERVIEW).events
    assert next_action(app, datetime(2026, 11, 23, 12, tzinfo=UTC)) == next_action(
        history(INTERVIEW), datetime(2026, 11, 23, 12, tzinfo=UTC)
    )


def _read_only(value: Any) -> Any:
    """``value`` with every object a read-only mapping (a Mapping that is not a dict)."""
    if isinstance(value, dict):
        return MappingProxyType({k: _read_only(v) for k, v in value.items()})
    if isinstance(value, list):
        return [_read_only(v) for v in value]
    return value


def test_any_mapping_is_read_as_the_dict_with_the_same_items() -> None:
    doc = contract_data()
    assert Application.from_dict(_read_only(doc)) == Application.from_dict(doc)
    bad = copy.deepcopy(doc)
    bad["events"][1]["at"] = "2026-11-23T10:00:00"
    with pytest.raises(InvalidApplication) as from_mapping:
        Application.from_dict(_read_only(bad))
    with pytest.raises(InvalidApplication) as from_dict:
        Application.from_dict(bad)
    assert str(from_mapping.value) == str(from_dict.value)
    assert from_mapping.value.path == "events[1].at"


# --- an instant written in its application's zone (wire.local_text, compiled) --------------

#: Zones whose offsets are not whole hours, or were not whole minutes (local mean time).
_ODD_ZONES = ("Asia/Kolkata", "America/St_Johns", "Pacific/Chatham", "Africa/Monrovia")


@given(s.instants(), st.sampled_from((*s.TIMEZONES, *_ODD_ZONES)), st.booleans())
def test_an_instant_is_written_in_its_zone_as_isoformat_writes_it(
    instant: datetime, zone: str, as_pendulum: bool
) -> None:
    tz = pendulum.timezone(zone) if as_pendulum else ZoneInfo(zone)
    for value in (instant, s.utc(instant)):
        assert wire.local_text(value, tz) == value.astimezone(tz).isoformat()


@pytest.mark.parametrize(
    ("utc_text", "zone", "written"),
    [
        # the day New York moves its clocks back, before and after the change
        ("2026-11-01T05:59:59.5+00:00", "America/New_York", "2026-11-01T01:59:59.500000-04:00"),
        ("2026-11-01T06:00:00+00:00", "America/New_York", "2026-11-01T01:00:00-05:00"),
        ("2026-03-08T07:00:00+00:00", "America/New_York", "2026-03-08T03:00:00-04:00"),
        # offsets of minutes, behind and ahead, crossing a local midnight and a year
        ("2026-12-31T23:00:00+00:00", "America/St_Johns", "2026-12-31T19:30:00-03:30"),
        ("2026-12-31T11:15:00+00:00", "Pacific/Chatham", "2027-01-01T01:00:00+13:45"),
        # an offset with seconds (Monrovia's mean time until 1972) is written as isoformat does
        ("1950-06-01T12:00:00+00:00", "Africa/Monrovia", "1950-06-01T11:15:30-00:44:30"),
        # the first year an instant may have, written in a zone behind UTC
        ("1900-01-01T01:00:00+00:00", "America/New_York", "1899-12-31T20:00:00-05:00"),
    ],
)
def test_an_instant_is_written_with_the_offset_it_has_in_its_zone(
    utc_text: str, zone: str, written: str
) -> None:
    value = datetime.fromisoformat(utc_text).astimezone(UTC)
    assert wire.local_text(value, ZoneInfo(zone)) == written
    assert wire.local_text(value, pendulum.timezone(zone)) == written
