"""The Python API as a user relies on it (contract §5 and §6).

The expected instants are worked out by hand from the contract. The running example is the
contract's: Acme, America/New_York, country US; an interview on Mon 2026-11-23 10:00-11:00 EST
with Ana Ruiz and Bo Chen, decision expected by Fri 2026-12-04; Ana thanked at 15:00.

- thank-you due: end + 24 h = Tue 2026-11-24 11:00 EST;
- late limit: end + 3 business days = Tue 24, Wed 25, (Thu 26 is Thanksgiving), Fri 27 11:00;
- inquiry opening: 2026-12-04 + 2 business days at 09:00 = Mon 7, Tue 2026-12-08 09:00 EST.
"""

from __future__ import annotations

import inspect
import subprocess
import sys
import tomllib
import typing
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

import etiquette
from etiquette import (
    Application,
    Decision,
    EtiquetteError,
    EtiquetteViolation,
    Event,
    Interview,
    InvalidApplication,
    InvalidEvent,
    RejectionReplySent,
    SpecError,
    StatusInquirySent,
    ThankYouSent,
    Verdict,
    check,
    load_policy,
    next_action,
    record,
)

from . import strategies as s
from .conftest import contract_application

NY = ZoneInfo("America/New_York")
EST = timezone(timedelta(hours=-5))


def t(text: str) -> datetime:
    """An instant written as in the wire format."""
    return datetime.fromisoformat(text)


def acme(*more: dict[str, Any]) -> Application:
    """The contract's application: the interview, Ana's thank-you, and ``more``."""
    return contract_application(*more)


# --- the contract's example decision ------------------------------------------------------------

CONTRACT_DECISION = {
    "application": "acme-backend-1",
    "as_of": "2026-11-24T09:00:00-05:00",
    "state": "interviewed",
    "action": "send_thank_you",
    "to": ["Bo Chen"],
    "not_before": "2026-11-23T11:00:00-05:00",
    "due_by": "2026-11-24T11:00:00-05:00",
    "suggested_at": "2026-11-24T09:00:00-05:00",
    "late": False,
    "rule": "thank-you-24h",
    "reason": (
        "Thank each interviewer within 24 hours of the interview; Bo Chen has not been thanked."
    ),
    "optional": ["mail_handwritten_note"],
    "blocked": [
        {
            "action": "send_status_inquiry",
            "rule": "inquiry-after-timeline",
            "until": "2026-12-08T09:00:00-05:00",
        }
    ],
    "outcome": None,
    "revisit_at": "2026-11-24T11:00:00-05:00",
}


@pytest.mark.parametrize(
    "now",
    [
        t("2026-11-24T09:00:00-05:00"),
        datetime(2026, 11, 24, 14, 0, tzinfo=UTC),
        datetime(2026, 11, 24, 9, 0, tzinfo=NY),
        pendulum.datetime(2026, 11, 24, 15, 0, tz="Europe/Berlin"),
        t("2026-11-24T19:30:00+05:30"),
    ],
    ids=["wire", "utc", "zoneinfo", "pendulum", "kolkata"],
)
def test_the_contract_example_decision(contract: Application, now: datetime) -> None:
    decision = next_action(contract, now)
    assert decision.to_dict() == CONTRACT_DECISION


def test_decision_keys_are_exactly_the_contracts() -> None:
    data = next_action(acme(), t("2026-11-24T09:00:00-05:00")).to_dict()
    assert list(data) == list(CONTRACT_DECISION)
    assert all(set(b) == {"action", "rule", "until"} for b in data["blocked"])


def test_the_contract_example_verdict() -> None:
    # an inquiry on Tue 2026-12-08 09:30 (the opening is 09:00): the next one may follow
    # 5 business days later, Tue 2026-12-15 09:30
    app = acme({"type": "status_inquiry_sent", "at": "2026-12-08T09:30:00-05:00"})
    verdict = check(app, "send_status_inquiry", t("2026-12-10T09:30:00-05:00"))
    data = verdict.to_dict()
    assert list(data) == ["allowed", "action", "at", "violations"]
    assert data["allowed"] is False
    assert data["action"] == "send_status_inquiry"
    assert data["at"] == "2026-12-10T09:30:00-05:00"
    [violation] = data["violations"]
    assert list(violation) == ["rule", "message", "allowed_from"]
    assert violation["rule"] == "inquiry-spacing"
    assert violation["message"]
    assert violation["allowed_from"] == "2026-12-15T09:30:00-05:00"
    assert verdict.allowed_from == t("2026-12-15T09:30:00-05:00")


def test_an_allowed_verdict_has_no_violations() -> None:
    verdict = check(acme(), "send_thank_you", t("2026-11-24T09:00:00-05:00"), to="Bo Chen")
    assert verdict.to_dict() == {
        "allowed": True,
        "action": "send_thank_you",
        "at": "2026-11-24T09:00:00-05:00",
        "violations": [],
    }


# --- now and at must be aware -------------------------------------------------------------------


@pytest.mark.parametrize(
    "naive",
    [datetime(2026, 11, 24, 9, 0), pendulum.naive(2026, 11, 24, 9, 0)],
    ids=["datetime", "pendulum"],
)
def test_naive_now_and_at_are_refused(naive: datetime) -> None:
    app = acme()
    with pytest.raises(InvalidApplication) as info:
        next_action(app, naive)
    assert info.value.path == "now"
    assert "UTC offset" in info.value.why
    with pytest.raises(InvalidApplication) as info:
        check(app, "send_status_inquiry", naive)
    assert info.value.path == "at"


def test_now_must_be_a_datetime() -> None:
    with pytest.raises(InvalidApplication) as info:
        next_action(acme(), "2026-11-24T09:00:00-05:00")  # type: ignore[arg-type]
    assert info.value.path == "now"


def test_record_refuses_a_naive_event() -> None:
    with pytest.raises(InvalidApplication) as info:
        record(acme(), {"type": "thank_you_sent", "at": "2026-11-24T09:00:00", "to": "Bo Chen"})
    assert info.value.path == "event.at"
    with pytest.raises(InvalidApplication):
        record(acme(), ThankYouSent(at=datetime(2026, 11, 24, 9, 0), to="Bo Chen"))


def test_check_refuses_an_unknown_action() -> None:
    with pytest.raises(InvalidApplication) as info:
        check(acme(), "send_flowers", t("2026-11-24T09:00:00-05:00"))
    assert info.value.path == "action"
    assert "send_status_inquiry" in info.value.why


# --- as of now: later events do not count --------------------------------------------------------


def test_next_action_ignores_events_after_now() -> None:
    later = acme(
        {"type": "thank_you_sent", "at": "2026-11-24T10:00:00-05:00", "to": "Bo Chen"},
        {"type": "status_inquiry_sent", "at": "2026-12-08T09:30:00-05:00"},
        {"type": "rejection_received", "at": "2026-12-09T12:00:00-05:00"},
    )
    now = t("2026-11-24T09:00:00-05:00")
    assert next_action(later, now) == next_action(acme(), now)
    assert next_action(later, now).to_dict() == CONTRACT_DECISION


def _as_of(app: Application, now: datetime) -> Application:
    return attrs.evolve(app, events=tuple(e for e in app.events if e.at <= now))


@given(data=st.data())
def test_next_action_sees_only_events_at_or_before_now(data: st.DataObject) -> None:
    app = data.draw(s.histories(shuffle=True))
    now = data.draw(s.instants_around(app))
    assert next_action(app, now) == next_action(_as_of(app, now), now)


@given(data=st.data())
def test_events_are_applied_by_instant_whatever_their_order(data: st.DataObject) -> None:
    app = data.draw(s.histories())
    shuffled = attrs.evolve(app, events=data.draw(st.permutations(app.events)))
    now = data.draw(s.instants_around(app))
    assert next_action(shuffled, now) == next_action(app, now)


@given(data=st.data())
def test_decisions_are_deterministic_and_leave_the_application_alone(data: st.DataObject) -> None:
    app = data.draw(s.histories())
    before = app.to_dict()
    now = data.draw(s.instants_around(app))
    first = next_action(app, now)
    assert next_action(app, now) == first
    assert first.to_dict() == next_action(app, now).to_dict()
    assert app.to_dict() == before


# --- record: strict ----------------------------------------------------------------------------

EARLY_INQUIRY = {"type": "status_inquiry_sent", "at": "2026-12-01T10:00:00-05:00"}


def test_strict_record_refuses_and_changes_nothing() -> None:
    app = acme()
    before = app.to_dict()
    with pytest.raises(EtiquetteViolation) as info:
        record(app, EARLY_INQUIRY)
    [violation] = info.value.violations
    assert violation.rule == "inquiry-after-timeline"
    assert violation.allowed_from == t("2026-12-08T09:00:00-05:00")
    assert violation.message
    assert app.to_dict() == before
    assert len(app.events) == 2


def test_values_are_immutable() -> None:
    app = acme()
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        app.id = "other"  # type: ignore[misc]
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        app.events[0].at = t("2026-11-24T09:00:00-05:00")  # type: ignore[misc]
    decision = next_action(app, t("2026-11-24T09:00:00-05:00"))
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        decision.action = "wait"  # type: ignore[misc]
    assert isinstance(app.events, tuple)
    assert isinstance(decision.to, tuple)


def test_record_returns_a_new_application() -> None:
    app = acme()
    thanked = record(
        app, {"type": "thank_you_sent", "at": "2026-11-24T09:00:00-05:00", "to": "Bo Chen"}
    )
    assert thanked is not app
    assert len(app.events) == 2
    assert thanked.events[:2] == app.events
    assert thanked.events[2] == ThankYouSent(at=t("2026-11-24T09:00:00-05:00"), to="Bo Chen")
    assert thanked.events[2].violations == ()
    assert (thanked.id, thanked.timezone, thanked.country) == (app.id, app.timezone, app.country)


def test_record_takes_an_event_value_or_its_wire_dict() -> None:
    app = acme()
    value = ThankYouSent(at=t("2026-11-24T09:00:00-05:00"), to="Bo Chen", channel="handwritten")
    wire = {
        "type": "thank_you_sent",
        "at": "2026-11-24T09:00:00-05:00",
        "to": "Bo Chen",
        "channel": "handwritten",
    }
    assert record(app, value) == record(app, wire)


@pytest.mark.parametrize("event", ["withdrawn", 42, None, ("withdrawn",)])
def test_record_refuses_what_is_not_an_event(event: object) -> None:
    with pytest.raises(InvalidApplication) as info:
        record(acme(), event)  # type: ignore[arg-type]
    assert info.value.path == "event"


def test_record_refuses_a_bad_wire_dict_with_its_path() -> None:
    with pytest.raises(InvalidApplication) as info:
        record(acme(), {"type": "thank_you_sent", "at": "2026-11-24T09:00:00-05:00", "to": 7})
    assert info.value.path == "event.to"


# --- record: not strict -------------------------------------------------------------------------


def test_lenient_record_notes_the_violations_on_the_event() -> None:
    app = record(acme(), EARLY_INQUIRY, strict=False)
    assert len(app.events) == 3
    assert app.events[2] == StatusInquirySent(
        at=t("2026-12-01T10:00:00-05:00"), violations=("inquiry-after-timeline",)
    )
    assert app.to_dict()["events"][2]["violations"] == ["inquiry-after-timeline"]


def test_lenient_record_of_a_contact_that_keeps_the_rules_notes_nothing() -> None:
    app = record(
        acme(), {"type": "status_inquiry_sent", "at": "2026-12-08T09:00:00-05:00"}, strict=False
    )
    assert app.events[2].violations == ()
    assert "violations" not in app.to_dict()["events"][2]


def test_inquiry_spacing_and_inquiry_max_unanswered_count_an_early_inquiry() -> None:
    app = record(acme(), EARLY_INQUIRY, strict=False)
    # At the opening (Tue 2026-12-08 09:00) an inquiry would be allowed, were it not for the
    # early one of Tue 2026-12-01 10:00: 5 business days after it is Tue 2026-12-08 10:00.
    assert next_action(acme(), t("2026-12-08T09:00:00-05:00")).action == "send_status_inquiry"
    waiting = next_action(app, t("2026-12-08T09:00:00-05:00")).to_dict()
    assert waiting["state"] == "inquired"
    assert waiting["action"] == "wait"
    assert waiting["not_before"] == "2026-12-08T10:00:00-05:00"
    assert waiting["blocked"] == [
        {
            "action": "send_status_inquiry",
            "rule": "inquiry-spacing",
            "until": "2026-12-08T10:00:00-05:00",
        }
    ]
    due = next_action(app, t("2026-12-08T10:00:00-05:00"))
    assert due.action == "send_status_inquiry"
    assert due.not_before == t("2026-12-08T10:00:00-05:00")

    # The second inquiry is the last one allowed while unanswered (at most 2): a third,
    # spaced far enough (Tue 2026-12-15 10:00), breaks inquiry-max-unanswered for good.
    second = record(app, {"type": "status_inquiry_sent", "at": "2026-12-08T10:00:00-05:00"})
    verdict = check(second, "send_status_inquiry", t("2026-12-15T10:00:00-05:00"))
    assert [v.rule for v in verdict.violations] == ["inquiry-max-unanswered"]
    assert verdict.violations[0].allowed_from is None
    assert verdict.allowed_from is None

    # Unanswered, it closes as no_response 10 business days after the last inquiry:
    # Dec 9, 10, 11, 14, 15, 16, 17, 18, 21, 22 -> Tue 2026-12-22 10:00.
    assert next_action(second, t("2026-12-15T10:00:00-05:00")).not_before == t(
        "2026-12-22T10:00:00-05:00"
    )
    assert next_action(second, t("2026-12-22T09:59:59-05:00")).state == "inquired"
    closed = next_action(second, t("2026-12-22T10:00:00-05:00"))
    assert (closed.state, closed.action, closed.outcome) == ("closed", "none", "no_response")


def test_a_refused_event_recorded_anyway_keeps_each_rule_once() -> None:
    app = record(
        acme(),
        {"type": "status_inquiry_sent", "at": "2026-11-24T09:00:00-05:00"},
        strict=False,
    )
    noted = app.events[-1].violations
    assert "inquiry-after-timeline" in noted
    assert len(set(noted)) == len(noted)


# --- check and strict record agree ---------------------------------------------------------------

REJECTED = {"type": "rejection_received", "at": "2026-12-01T10:00:00-05:00"}
NOTE_TO_ANA = {
    "type": "thank_you_sent",
    "at": "2026-11-23T16:00:00-05:00",
    "to": "Ana Ruiz",
    "channel": "handwritten",
}
INQUIRED = {"type": "status_inquiry_sent", "at": "2026-12-08T09:30:00-05:00"}

# (case, extra events, action, at, to, rules that must be among those broken, allowed_from)
# rules None: allowed.
AGREE: list[tuple[str, list[dict[str, Any]], str, str, str | None, set[str] | None, str | None]] = [
    (
        "thank-you before the interview ends",
        [],
        "send_thank_you",
        "2026-11-23T10:30:00-05:00",
        "Bo Chen",
        {"thank-you-24h"},
        "2026-11-23T11:00:00-05:00",
    ),
    (
        "thank-you at the interview's end",
        [],
        "send_thank_you",
        "2026-11-23T11:00:00-05:00",
        "Bo Chen",
        None,
        None,
    ),
    (
        "thank-you one second before due",
        [],
        "send_thank_you",
        "2026-11-24T10:59:59-05:00",
        "Bo Chen",
        None,
        None,
    ),
    ("late thank-you", [], "send_thank_you", "2026-11-24T12:00:00-05:00", "Bo Chen", None, None),
    (
        "second thank-you to Ana",
        [],
        "send_thank_you",
        "2026-11-23T16:00:00-05:00",
        "Ana Ruiz",
        {"thank-you-24h"},
        None,
    ),
    (
        "thank-you one second before the late limit",
        [],
        "send_thank_you",
        "2026-11-27T10:59:59-05:00",
        "Bo Chen",
        None,
        None,
    ),
    (
        "thank-you at the late limit",
        [],
        "send_thank_you",
        "2026-11-27T11:00:00-05:00",
        "Bo Chen",
        {"thank-you-late-limit"},
        None,
    ),
    (
        "handwritten note",
        [],
        "mail_handwritten_note",
        "2026-11-24T09:00:00-05:00",
        "Ana Ruiz",
        None,
        None,
    ),
    (
        "second handwritten note",
        [NOTE_TO_ANA],
        "mail_handwritten_note",
        "2026-11-24T09:00:00-05:00",
        "Ana Ruiz",
        {"handwritten-note-optional"},
        None,
    ),
    (
        "inquiry the day after the interview",
        [],
        "send_status_inquiry",
        "2026-11-24T09:00:00-05:00",
        None,
        {"inquiry-after-timeline"},
        "2026-12-08T09:00:00-05:00",
    ),
    (
        "inquiry one second before the opening",
        [],
        "send_status_inquiry",
        "2026-12-08T08:59:59-05:00",
        None,
        {"inquiry-after-timeline"},
        "2026-12-08T09:00:00-05:00",
    ),
    (
        "inquiry at the opening",
        [],
        "send_status_inquiry",
        "2026-12-08T09:00:00-05:00",
        None,
        None,
        None,
    ),
    (
        "inquiry too soon after the last",
        [INQUIRED],
        "send_status_inquiry",
        "2026-12-10T09:30:00-05:00",
        None,
        {"inquiry-spacing"},
        "2026-12-15T09:30:00-05:00",
    ),
    (
        "inquiry spaced enough",
        [INQUIRED],
        "send_status_inquiry",
        "2026-12-15T09:30:00-05:00",
        None,
        None,
        None,
    ),
    (
        "gracious reply to a rejection",
        [REJECTED],
        "reply_to_rejection",
        "2026-12-02T10:00:00-05:00",
        None,
        None,
        None,
    ),
    (
        "inquiry after a rejection",
        [REJECTED],
        "send_status_inquiry",
        "2026-12-02T10:00:00-05:00",
        None,
        {"rejection-one-reply"},
        None,
    ),
]

_EVENT_OF: dict[str, Callable[[datetime, str | None], Event]] = {
    "send_thank_you": lambda at, to: ThankYouSent(at=at, to=to),
    "mail_handwritten_note": lambda at, to: ThankYouSent(at=at, to=to, channel="handwritten"),
    "send_status_inquiry": lambda at, to: StatusInquirySent(at=at),
    "reply_to_rejection": lambda at, to: RejectionReplySent(at=at),
}


@pytest.mark.parametrize(
    ("extra", "action", "when", "to", "rules", "allowed_from"),
    [case[1:] for case in AGREE],
    ids=[case[0] for case in AGREE],
)
def test_check_and_strict_record_agree(
    extra: list[dict[str, Any]],
    action: str,
    when: str,
    to: str | None,
    rules: set[str] | None,
    allowed_from: str | None,
) -> None:
    app = acme(*extra)
    at = t(when)
    verdict = check(app, action, at, to=to)
    event: Event = _EVENT_OF[action](at, to)
    if rules is None:
        assert verdict.allowed, verdict.violations
        assert verdict.violations == ()
        assert record(app, event).events[-1] == event
        return
    assert not verdict.allowed
    assert rules <= {v.rule for v in verdict.violations}
    assert verdict.allowed_from == (None if allowed_from is None else t(allowed_from))
    with pytest.raises(EtiquetteViolation) as info:
        record(app, event)
    assert [(v.rule, v.allowed_from) for v in info.value.violations] == [
        (v.rule, v.allowed_from) for v in verdict.violations
    ]
    lenient = record(app, event, strict=False)
    assert lenient.events[-1].violations == tuple(dict.fromkeys(v.rule for v in verdict.violations))


def test_a_reply_to_no_rejection_is_refused_by_check_and_impossible_for_record() -> None:
    at = t("2026-11-24T09:00:00-05:00")
    verdict = check(acme(), "reply_to_rejection", at)
    assert not verdict.allowed
    assert [v.rule for v in verdict.violations] == ["rejection-one-reply"]
    with pytest.raises(InvalidEvent) as info:
        record(acme(), RejectionReplySent(at=at))
    assert info.value.path == "event"


def test_closed_silence_a_contact_after_close_is_refused_by_check_and_recorded_when_sent() -> None:
    app = acme({"type": "withdrawn", "at": "2026-11-24T08:00:00-05:00"})
    at = t("2026-11-24T09:00:00-05:00")
    verdict = check(app, "send_thank_you", at, to="Bo Chen")
    assert [v.rule for v in verdict.violations] == ["closed-silence"]
    assert verdict.allowed_from is None
    with pytest.raises(EtiquetteViolation) as info:
        record(app, ThankYouSent(at=at, to="Bo Chen"))
    assert [v.rule for v in info.value.violations] == ["closed-silence"]
    sent = record(app, ThankYouSent(at=at, to="Bo Chen"), strict=False)
    assert sent.events[-1].violations == ("closed-silence",)
    decision = next_action(sent, at)
    assert (decision.state, decision.action, decision.outcome) == ("closed", "none", "withdrawn")


# --- the public names -----------------------------------------------------------------------------


def test_every_name_in_all_exists() -> None:
    assert len(set(etiquette.__all__)) == len(etiquette.__all__)
    for name in etiquette.__all__:
        assert hasattr(etiquette, name), name


def test_the_layers_names_are_imported_when_first_asked_for() -> None:
    # the drafts and the calendar export come with their first use, in a fresh interpreter
    # (the engine's users start without them), and are then the layers' own objects
    script = (
        "import sys, etiquette\n"
        "before = sorted(m for m in ('etiquette._drafts', 'etiquette._ics') if m in sys.modules)\n"
        "from etiquette import draft, to_ics\n"
        "from etiquette._drafts import draft as d\n"
        "from etiquette._ics import to_ics as t\n"
        "print(before, draft is d, to_ics is t, 'lint' in dir(etiquette))\n"
        "try:\n"
        "    etiquette.no_such_name\n"
        "except AttributeError as exc:\n"
        "    print(exc)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.splitlines() == [
        "[] True True True",
        "module 'etiquette' has no attribute 'no_such_name'",
    ]


def test_every_public_class_and_function_has_its_own_docstring() -> None:
    for name in etiquette.__all__:
        obj = getattr(etiquette, name)
        if inspect.isclass(obj):
            assert (obj.__dict__.get("__doc__") or "").strip(), name
            for attr, member in vars(obj).items():
                func = getattr(member, "__func__", member)
                if attr.startswith("_") or not (
                    inspect.isfunction(func) or isinstance(func, property)
                ):
                    continue
                assert (func.__doc__ or "").strip(), f"{name}.{attr}"
        elif inspect.isfunction(obj):
            assert (obj.__doc__ or "").strip(), name
    assert (etiquette.__doc__ or "").strip()


def test_event_is_the_union_of_the_event_types() -> None:
    members = typing.get_args(etiquette.Event)
    assert sorted(cls.type for cls in members) == sorted(s.EVENT_TYPES)


def test_the_errors_derive_from_etiquette_error() -> None:
    for error in (SpecError, InvalidApplication, InvalidEvent, EtiquetteViolation):
        assert issubclass(error, EtiquetteError)


def test_the_version_is_the_packages() -> None:
    pyproject = Path(__file__).resolve().parents[1] / "pyproject.toml"
    version = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["version"]
    assert etiquette.__version__ == version


def test_results_are_the_documented_types() -> None:
    app = acme()
    assert isinstance(next_action(app, t("2026-11-24T09:00:00-05:00")), Decision)
    assert isinstance(check(app, "send_status_inquiry", t("2026-11-24T09:00:00-05:00")), Verdict)
    assert isinstance(app.events[0], Interview)


# --- instants given as zoneinfo or pendulum values ---------------------------------------------


def test_thank_you_24h_is_24_real_hours_for_zone_aware_instants() -> None:
    # Sat 2026-10-31 10:00-11:00 EDT (15:00 UTC); DST ends on Sun 2026-11-01 at 02:00:
    # 24 real hours after 11:00 EDT is 10:00 EST (15:00 UTC).
    interview = Interview(
        at=datetime(2026, 10, 31, 10, 0, tzinfo=NY),
        ends_at=datetime(2026, 10, 31, 11, 0, tzinfo=NY),
        interviewers=("Ana Ruiz",),
    )
    app = Application(id="x", timezone="America/New_York", events=(interview,))
    decision = next_action(app, datetime(2026, 10, 31, 16, 0, tzinfo=UTC))
    assert decision.due_by == datetime(2026, 11, 1, 15, 0, tzinfo=UTC)
    assert decision.to_dict()["due_by"] == "2026-11-01T10:00:00-05:00"


def test_thank_you_24h_is_24_real_hours_across_the_end_of_dst() -> None:
    # the same interview, read from the wire format: works
    app = Application.from_dict(
        {
            "id": "x",
            "timezone": "America/New_York",
            "events": [
                {
                    "type": "interview",
                    "at": "2026-10-31T10:00:00-04:00",
                    "ends_at": "2026-10-31T11:00:00-04:00",
                    "interviewers": ["Ana Ruiz"],
                }
            ],
        }
    )
    decision = next_action(app, datetime(2026, 10, 31, 16, 0, tzinfo=UTC))
    assert decision.to_dict()["due_by"] == "2026-11-01T10:00:00-05:00"


@pytest.mark.parametrize("zone", ["UTC", "America/New_York", "Asia/Kolkata"])
def test_pendulum_event_instants_decide_like_the_wire_format(zone: str) -> None:
    # the contract's interview and thank-you, their instants given as pendulum DateTimes
    interview = Interview(
        at=pendulum.datetime(2026, 11, 23, 15, 0, tz="UTC").in_timezone(zone),
        ends_at=pendulum.datetime(2026, 11, 23, 16, 0, tz="UTC").in_timezone(zone),
        interviewers=("Ana Ruiz", "Bo Chen"),
        decision_expected_by=date(2026, 12, 4),
        notes=("their migration to event sourcing",),
    )
    thanks = ThankYouSent(
        at=pendulum.datetime(2026, 11, 23, 20, 0, tz="UTC").in_timezone(zone), to="Ana Ruiz"
    )
    app = attrs.evolve(acme(), events=(interview, thanks))
    for now in (
        "2026-11-24T09:00:00-05:00",
        "2026-11-24T11:00:00-05:00",
        "2026-12-08T09:00:00-05:00",
    ):
        assert next_action(app, t(now)) == next_action(acme(), t(now))
    assert next_action(app, t("2026-11-24T09:00:00-05:00")).to_dict() == CONTRACT_DECISION


def test_a_pendulum_instant_with_a_standard_timezone_is_accepted() -> None:
    at = pendulum.datetime(2026, 11, 23, 15, 0, tz="UTC").astimezone(UTC)
    assert isinstance(at, pendulum.DateTime)
    app = Application(id="x", events=(Interview(at=at, interviewers=("Ana Ruiz",)),))
    decision = next_action(app, datetime(2026, 11, 24, 9, 0, tzinfo=UTC))
    assert decision.action == "send_thank_you"


# --- the guards of ongoing-wait and rejection-one-reply -----------------------------------------


def test_ongoing_wait_an_inquiry_before_the_new_date_is_refused_by_its_own_rule() -> None:
    # a still-deciding reply with a new date: the next inquiry opens at it + 2 business days
    reply = {
        "type": "reply_received",
        "at": "2026-12-09T12:00:00-05:00",
        "decision_expected_by": "2026-12-18",
    }
    app = acme({"type": "status_inquiry_sent", "at": "2026-12-08T09:30:00-05:00"}, reply)
    verdict = check(app, "send_status_inquiry", t("2026-12-21T10:00:00-05:00"))
    assert [v.rule for v in verdict.violations] == ["ongoing-wait"]
    assert verdict.allowed_from == t("2026-12-22T09:00:00-05:00")
    assert check(app, "send_status_inquiry", t("2026-12-22T09:00:00-05:00")).allowed


def test_rejection_one_reply_the_window_guard_refuses_at_the_limit() -> None:
    from etiquette._engine import GUARDS, replay

    app = acme({"type": "rejection_received", "at": "2026-12-01T10:00:00-05:00"})
    ctx = replay(app, load_policy(), t("2026-12-01T11:00:00-05:00"))
    limit = ctx.rejection_limit()
    assert limit is not None
    guard = GUARDS["within_reply_window"]
    assert guard[0] == "rejection-one-reply"
    assert guard[2](ctx, limit - timedelta(microseconds=1), None) is None
    hold = guard[2](ctx, limit, None)
    assert hold is not None
    assert (hold[0], hold[1]) == ("rejection-one-reply", None)
