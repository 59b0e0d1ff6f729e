"""Edge cases found by an adversarial review, each pinned by the behaviour the contract promises.

Closing timers against suggestions and ``allowed_from``, contacts checked into the past of a
recorded history, instants at the edges of the calendar, bad values given through the Python
constructors, and specs whose timers would go round for ever.

The running example: America/New_York, no country (no holidays); an interview on
Mon 2026-11-02 10:00-11:00 EST with Ana, decision expected by Fri 2026-11-06, Ana thanked
at 15:00. Worked by hand from contract §3:

- inquiry opening: 2026-11-06 + 2 business days at 09:00 = Tue 2026-11-10 09:00 EST
  (the quiet period, end + 3 business days = Thu 2026-11-05 11:00, ends earlier);
- latest close if the employer stays silent (ghosted-close, P7): opening + (2 - 1) x 5 + 10
  business days = Tue 2026-12-01 09:00 EST.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from etiquette import (
    Application,
    EtiquetteError,
    EtiquetteViolation,
    Interview,
    InvalidApplication,
    OfferReceived,
    ThankYouSent,
    check,
    next_action,
    record,
)
from etiquette._cli import main
from etiquette._engine.spec import policy_from_text

SPEC = Path(__file__).resolve().parents[1] / "specs" / "default.toml"

EVENTS: list[dict[str, Any]] = [
    {
        "type": "interview",
        "at": "2026-11-02T10:00:00-05:00",
        "interviewers": ["Ana"],
        "decision_expected_by": "2026-11-06",
    },
    {"type": "thank_you_sent", "at": "2026-11-02T15:00:00-05:00", "to": "Ana"},
]


def ny(text: str) -> datetime:
    return datetime.fromisoformat(text)


def app_with(*more: dict[str, Any]) -> Application:
    return Application.from_dict(
        {"id": "review-1", "timezone": "America/New_York", "events": [*EVENTS, *more]}
    )


# --- decisions that recommend what check refuses ----------------------------------------------


def test_ghosted_close_suggested_inquiry_is_allowed_at_suggested_at() -> None:
    # One second before the silent application closes (Tue 2026-12-01 09:00), the inquiry is
    # allowed now; send-window moves the suggestion to 09:00, the instant it closes.
    app = app_with()
    decision = next_action(app, ny("2026-12-01T08:59:59-05:00"))
    assert decision.action == "send_status_inquiry"
    assert decision.suggested_at is not None
    assert check(app, "send_status_inquiry", decision.suggested_at).allowed


def test_inquiry_spacing_allowed_from_is_null_when_the_application_closes_first() -> None:
    # A late first inquiry (Tue 2026-11-24 10:00): the next one would be spaced from
    # Tue 2026-12-01 10:00, but the application closes as no_response at 09:00 that day.
    app = app_with({"type": "status_inquiry_sent", "at": "2026-11-24T10:00:00-05:00"})
    now = ny("2026-11-25T10:00:00-05:00")
    verdict = check(app, "send_status_inquiry", now)
    assert not verdict.allowed
    when = verdict.allowed_from
    assert when is None or check(app, "send_status_inquiry", when).allowed
    [blocked] = next_action(app, now).blocked
    assert blocked.until is None or check(app, "send_status_inquiry", blocked.until).allowed


# --- check before recorded events ---------------------------------------------------------------


def test_inquiry_after_timeline_allowed_from_not_null_before_a_recorded_inquiry() -> None:
    # An inquiry recorded on Wed 2026-11-11 10:00. Checking one on Mon 2026-11-09 (before the
    # opening) is refused, but a second inquiry is allowed from Wed 2026-11-18 10:00 (spacing):
    # allowed_from must not say "never".
    app = app_with({"type": "status_inquiry_sent", "at": "2026-11-11T10:00:00-05:00"})
    verdict = check(app, "send_status_inquiry", ny("2026-11-09T10:00:00-05:00"))
    assert not verdict.allowed
    assert check(app, "send_status_inquiry", ny("2026-11-18T10:00:00-05:00")).allowed
    assert verdict.allowed_from is not None
    assert check(app, "send_status_inquiry", verdict.allowed_from).allowed


def test_inquiry_spacing_check_and_strict_record_name_the_same_rules() -> None:
    app = app_with({"type": "status_inquiry_sent", "at": "2026-11-11T10:00:00-05:00"})
    at = ny("2026-11-09T10:00:00-05:00")
    verdict = check(app, "send_status_inquiry", at)
    with pytest.raises(EtiquetteViolation) as refused:
        record(app, {"type": "status_inquiry_sent", "at": at.isoformat()})
    assert {v.rule for v in verdict.violations} == {v.rule for v in refused.value.violations}


# --- errors that are not EtiquetteError ---------------------------------------------------------


@pytest.mark.parametrize("at", ["9999-12-31T20:00:00Z", "0001-01-01T00:30:00+01:00"])
def test_wire_instant_near_the_limits_never_leaks_overflow(at: str) -> None:
    # no deadline arithmetic can overflow: such an instant is refused as bad input, by path
    with pytest.raises(InvalidApplication) as caught:
        Application.from_dict({"id": "x", "events": [{"type": "interview", "at": at}]})
    assert caught.value.path == "events[0].at"
    assert "outside the years" in caught.value.why
    with pytest.raises(InvalidApplication, match="outside the years"):
        next_action(Application(id="x"), datetime.fromisoformat(at))


def test_cli_next_far_future_instant_exits_cleanly(tmp_path: Path) -> None:
    path = tmp_path / "app.json"
    path.write_text(
        '{"id": "x", "events": [{"type": "interview", "at": "9999-12-31T20:00:00Z"}]}',
        encoding="utf-8",
    )
    assert main(["next", str(path), "--now", "9999-12-31T23:00:00Z"]) in (0, 2)


def test_from_json_deeply_nested_is_invalid_application() -> None:
    with pytest.raises(InvalidApplication):
        Application.from_json("[" * 100_000)


def test_check_unhashable_action_is_invalid_application() -> None:
    action: Any = ["send_thank_you"]
    with pytest.raises(InvalidApplication):
        check(app_with(), action, ny("2026-11-03T10:00:00-05:00"))


AT = datetime(2026, 11, 2, 15, tzinfo=UTC)
LATER = datetime(2026, 11, 6, 15, tzinfo=UTC)


def _offer_with_text_respond_by() -> object:
    respond_by: Any = "2026-11-20"
    offer = OfferReceived(AT, respond_by=respond_by)
    return next_action(Application("x", events=[Interview(AT), offer]), LATER)


def _interview_with_text_date() -> object:
    expected: Any = "2026-11-20"
    return next_action(Application("x", events=[Interview(AT, decision_expected_by=expected)]), AT)


def _thank_you_by_fax() -> object:
    channel: Any = "fax"
    return ThankYouSent(AT, to="Ana", channel=channel)


def _application_without_events() -> object:
    events: Any = None
    return Application("x", events=events)


@pytest.mark.parametrize(
    "build",
    [
        _offer_with_text_respond_by,
        _interview_with_text_date,
        _thank_you_by_fax,
        _application_without_events,
    ],
)
def test_bad_python_values_raise_invalid_application(build: Any) -> None:
    with pytest.raises(InvalidApplication):
        build()


def test_thank_you_24h_interviewers_given_as_one_string_are_not_letters() -> None:
    names: Any = "Ana"
    try:
        interview = Interview(AT, interviewers=names)
    except InvalidApplication:
        return
    assert interview.interviewers == ("Ana",)


# --- user specs ---------------------------------------------------------------------------------


def test_ghosted_close_timed_self_loop_is_refused_or_still_closes() -> None:
    text = SPEC.read_text(encoding="utf-8").replace(
        'trigger = "thank_you_day_over"\nsource = "thanked"',
        'trigger = "thank_you_day_over"\nsource = ["thanked", "awaiting"]',
    )
    assert 'source = ["thanked", "awaiting"]' in text
    try:
        policy = policy_from_text(text, "loop.toml")
    except EtiquetteError:
        return  # refusing the spec is fine
    # P7 with the policy's own numbers: closed by Tue 2026-12-01 09:00 at the latest.
    decision = next_action(app_with(), ny("2027-06-01T10:00:00-04:00"), policy)
    assert decision.state == "closed"


def test_thank_you_24h_day_ends_once_the_last_interviewer_is_thanked_in_a_user_spec() -> None:
    # A user spec in which thank-yous keep an application `interviewed` (the transition that
    # stays is listed first) and the thank-you day ends it only once everyone is thanked: the
    # thank-you to the last interviewer changes when the next timed transition fires.
    text = SPEC.read_text(encoding="utf-8")
    to_thanked = (
        '[[transitions]]\ntrigger = "thank_you_sent"\nsource = "interviewed"\ndest = "thanked"\n'
        'conditions = ["everyone_thanked"]\n'
        'guards = ["interview_over", "within_late_limit", "first_thank_you"]\n'
    )
    stays = (
        '[[transitions]]\ntrigger = "thank_you_sent"\n'
        'source = ["interviewed", "thanked", "awaiting", "offered"]\ndest = "="\n'
        'guards = ["interview_over", "within_late_limit", "first_thank_you"]\n'
    )
    assert to_thanked + "\n" + stays in text
    text = text.replace(to_thanked + "\n" + stays, stays + "\n" + to_thanked)
    text += (
        '\n[[transitions]]\ntrigger = "thank_you_day_over"\nsource = "interviewed"\n'
        'dest = "awaiting"\nconditions = ["everyone_thanked"]\n'
    )
    policy = policy_from_text(text, "thanks.toml")
    interview = {
        "type": "interview",
        "at": "2026-11-02T10:00:00-05:00",
        "interviewers": ["Ana", "Bo"],
    }
    ana = {"type": "thank_you_sent", "at": "2026-11-02T12:00:00-05:00", "to": "Ana"}
    bo = {"type": "thank_you_sent", "at": "2026-11-02T13:00:00-05:00", "to": "Bo"}

    def state(*events: dict[str, Any]) -> str:
        app = Application.from_dict(
            {"id": "thanks", "timezone": "America/New_York", "events": [interview, *events]}
        )
        # the thank-you day ends Tue 2026-11-03 11:00 EST, 24 hours after the interview's end
        return next_action(app, ny("2026-11-03T11:30:00-05:00"), policy).state

    assert state(ana, bo) == "awaiting"
    assert state(ana) == "interviewed"  # Bo is still owed a thank-you, until the late limit
