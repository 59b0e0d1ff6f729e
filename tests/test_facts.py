"""Facts are never refused, questions never raise (contract §2, §3 send-window, §6).

One test per case a user met with a real history, named by the rules involved, through the API
and the command line. The running example is the contract's Acme application (America/New_York,
country US): an interview on Mon 2026-11-23 10:00-11:00 EST with Ana Ruiz and Bo Chen, decision
expected by Fri 2026-12-04, both thanked the same day.

- inquiry opening: 2026-12-04 + 2 business days at 09:00 = Tue 2026-12-08 09:00 EST;
- with one inquiry then and another a spacing (5 business days) later, Tue 2026-12-15 09:00, the
  ghosting wait (10 business days) closes it as no_response on Wed 2026-12-30 09:00 (Christmas
  Day is a holiday).
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from etiquette import (
    Application,
    EtiquetteViolation,
    InvalidEvent,
    check,
    next_action,
    plan,
    record,
)

from .conftest import contract_data


def t(text: str) -> datetime:
    return datetime.fromisoformat(text)


BO_THANKED = {"type": "thank_you_sent", "at": "2026-11-23T15:05:00-05:00", "to": "Bo Chen"}
INQUIRIES = [
    {"type": "status_inquiry_sent", "at": "2026-12-08T09:00:00-05:00"},
    {"type": "status_inquiry_sent", "at": "2026-12-15T09:00:00-05:00"},
]


def acme(*more: dict[str, Any]) -> dict[str, Any]:
    """The contract's application with both interviewers thanked, and ``more``."""
    return contract_data(BO_THANKED, *more)


def app_of(data: dict[str, Any]) -> Application:
    return Application.from_dict(data)


def write(tmp_path: Path, data: object) -> str:
    path = tmp_path / "app.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


def cli_decision(cli: Any, tmp_path: Path, data: dict[str, Any], now: str) -> dict[str, Any]:
    status, out, err = cli(["next", write(tmp_path, data), "--now", now, "--json"])
    assert (status, err) == (0, "")
    decision: dict[str, Any] = json.loads(out)
    return decision


# --- ghosted-close: the employer comes back ---------------------------------------------------

GHOSTED = acme(*INQUIRIES)


def test_ghosted_close_is_where_the_story_starts() -> None:
    decision = next_action(app_of(GHOSTED), t("2026-12-30T09:00:00-05:00"))
    assert (decision.state, decision.outcome) == ("closed", "no_response")
    earlier = next_action(app_of(GHOSTED), t("2026-12-30T08:59:59-05:00"))
    assert earlier.state == "inquired"


def test_ghosted_close_a_late_offer_reopens_as_offered_offer_respond(
    cli: Any, tmp_path: Path
) -> None:
    offer = {
        "type": "offer_received",
        "at": "2027-01-05T09:30:00-05:00",
        "respond_by": "2027-01-08",
    }
    app = record(app_of(GHOSTED), offer)  # strict: a fact is never refused
    decision = next_action(app, t("2027-01-05T10:00:00-05:00"))
    assert (decision.state, decision.action, decision.rule) == (
        "offered",
        "respond_to_offer",
        "offer-respond",
    )
    assert decision.due_by == t("2027-01-09T00:00:00-05:00")  # the end of the date, local
    assert "Reopened" in decision.reason
    assert "no_response" in decision.reason
    wire = cli_decision(cli, tmp_path, app.to_dict(), "2027-01-05T15:00:00Z")
    assert (wire["state"], wire["action"]) == ("offered", "respond_to_offer")
    # the same history, given as a file: the offer at events[5] is recorded, not refused
    assert len(app.to_dict()["events"]) == 6


def test_ghosted_close_a_reply_reopens_the_follow_up_ongoing_wait(cli: Any, tmp_path: Path) -> None:
    reply = {
        "type": "reply_received",
        "at": "2027-01-04T10:00:00-05:00",
        "decision_expected_by": "2027-01-15",
    }
    app = record(app_of(GHOSTED), reply)
    decision = next_action(app, t("2027-01-04T11:00:00-05:00"))
    assert (decision.state, decision.action) == ("awaiting", "wait")
    assert decision.outcome is None
    # the ghosting bound (P7) counts from the employer's last message: it closes again, later
    ahead = plan(app, t("2027-01-04T11:00:00-05:00"))
    assert ahead.changes
    assert ahead.changes[-1].dest == "closed"
    assert ahead.changes[-1].at > t("2027-01-15T00:00:00-05:00")
    inquiry = [w for w in ahead.windows if w.action == "send_status_inquiry"]
    assert len(inquiry) == 1
    assert inquiry[0].not_before > t("2027-01-15T00:00:00-05:00")
    wire = cli_decision(cli, tmp_path, app.to_dict(), "2027-01-04T16:00:00Z")
    assert (wire["state"], wire["action"], wire["outcome"]) == ("awaiting", "wait", None)


# --- rejection-one-reply: a new role after a rejection -----------------------------------------

REJECTED = acme(
    {"type": "rejection_received", "at": "2026-12-01T10:00:00-05:00"},
    {"type": "rejection_reply_sent", "at": "2026-12-01T16:00:00-05:00"},
)
NEW_ROLE = {
    "type": "interview",
    "at": "2027-01-12T14:00:00-05:00",
    "ends_at": "2027-01-12T15:00:00-05:00",
    "interviewers": ["Cy Diaz"],
}


def test_rejection_one_reply_an_interview_after_the_answered_rejection_is_a_new_round(
    cli: Any, tmp_path: Path
) -> None:
    closed = next_action(app_of(REJECTED), t("2026-12-02T09:00:00-05:00"))
    assert (closed.state, closed.outcome) == ("closed", "rejected")
    app = record(app_of(REJECTED), NEW_ROLE)
    decision = next_action(app, t("2027-01-12T16:00:00-05:00"))
    assert (decision.state, decision.action, decision.to) == (
        "interviewed",
        "send_thank_you",
        ("Cy Diaz",),
    )
    assert decision.rule == "thank-you-24h"
    wire = cli_decision(cli, tmp_path, app.to_dict(), "2027-01-12T21:00:00Z")
    assert (wire["action"], wire["to"]) == ("send_thank_you", ["Cy Diaz"])


# --- offer-respond: a team call while an offer is pending --------------------------------------

OFFERED = acme(
    {"type": "offer_received", "at": "2026-12-01T10:00:00-05:00", "respond_by": "2026-12-09"}
)
TEAM_CALL = {
    "type": "interview",
    "at": "2026-12-03T13:00:00-05:00",
    "ends_at": "2026-12-03T13:30:00-05:00",
    "interviewers": ["Di Park"],
}


def test_offer_respond_a_team_call_during_an_offer_is_a_round_and_the_offer_survives(
    cli: Any, tmp_path: Path
) -> None:
    before = next_action(app_of(OFFERED), t("2026-12-02T09:00:00-05:00"))
    assert before.action == "respond_to_offer"
    app = record(app_of(OFFERED), TEAM_CALL)
    during = next_action(app, t("2026-12-03T14:00:00-05:00"))
    assert (during.action, during.to) == ("send_thank_you", ("Di Park",))
    assert check(app, "send_status_inquiry", t("2026-12-03T14:00:00-05:00")).violations
    thanked = record(
        app, {"type": "thank_you_sent", "at": "2026-12-03T15:00:00-05:00", "to": "Di Park"}
    )
    after = next_action(thanked, t("2026-12-03T16:00:00-05:00"))
    # the round's thank-yous done, the offer is answered, by its own deadline
    assert (after.action, after.rule, after.due_by) == (
        "respond_to_offer",
        "offer-respond",
        before.due_by,
    )
    inquiry = check(thanked, "send_status_inquiry", t("2026-12-04T10:00:00-05:00"))
    assert "offer-respond" in {v.rule for v in inquiry.violations}
    accepted = record(thanked, {"type": "offer_accepted", "at": "2026-12-04T10:00:00-05:00"})
    closed = next_action(accepted, t("2026-12-04T11:00:00-05:00"))
    assert (closed.state, closed.outcome) == ("closed", "accepted")
    wire = cli_decision(cli, tmp_path, thanked.to_dict(), "2026-12-03T21:00:00Z")
    assert (wire["action"], wire["state"]) == ("respond_to_offer", "thanked")


# --- closed-silence: the employer writes after the candidate withdrew ---------------------------

WITHDRAWN = acme({"type": "withdrawn", "at": "2026-11-30T09:00:00-05:00"})


def test_closed_silence_a_reply_after_withdrawn_is_recorded_and_changes_nothing(
    cli: Any, tmp_path: Path
) -> None:
    reply = {"type": "reply_received", "at": "2026-12-02T10:00:00-05:00"}
    app = record(app_of(WITHDRAWN), reply)
    assert app.events[-1].type == "reply_received"
    decision = next_action(app, t("2026-12-02T11:00:00-05:00"))
    assert (decision.state, decision.action, decision.outcome) == ("closed", "none", "withdrawn")
    # a contact is still refused when strict, and recorded with its violation when not
    inquiry = {"type": "status_inquiry_sent", "at": "2026-12-03T10:00:00-05:00"}
    with pytest.raises(EtiquetteViolation) as info:
        record(app, inquiry)
    assert [v.rule for v in info.value.violations] == ["closed-silence"]
    noted = record(app, inquiry, strict=False)
    assert noted.events[-1].violations == ("closed-silence",)
    wire = cli_decision(cli, tmp_path, app.to_dict(), "2026-12-02T16:00:00Z")
    assert (wire["state"], wire["action"], wire["outcome"]) == ("closed", "none", "withdrawn")


def test_offer_respond_an_offer_after_withdrawn_reopens_as_offered() -> None:
    offer = {"type": "offer_received", "at": "2026-12-02T10:00:00-05:00"}
    app = record(app_of(WITHDRAWN), offer)
    decision = next_action(app, t("2026-12-02T11:00:00-05:00"))
    assert (decision.state, decision.action) == ("offered", "respond_to_offer")
    assert "withdrawn" in decision.reason


def test_invalid_event_stays_for_what_contradicts_the_history() -> None:
    with pytest.raises(InvalidEvent):
        record(app_of(acme()), {"type": "offer_accepted", "at": "2026-11-24T09:00:00-05:00"})
    with pytest.raises(InvalidEvent):
        record(app_of(acme()), {"type": "rejection_reply_sent", "at": "2026-11-24T09:00:00-05:00"})


# --- thank-you-24h: a thank-you asked about after a second round --------------------------------

SECOND_ROUND = acme(
    {
        "type": "interview",
        "at": "2026-12-07T10:00:00-05:00",
        "ends_at": "2026-12-07T11:00:00-05:00",
        "interviewers": ["Cy Diaz"],
    }
)


def test_thank_you_24h_a_check_to_an_earlier_rounds_interviewer_is_refused_not_raised(
    cli: Any, tmp_path: Path
) -> None:
    at = t("2026-12-07T12:00:00-05:00")
    verdict = check(app_of(SECOND_ROUND), "send_thank_you", at, to="Ana Ruiz")
    assert not verdict.allowed
    assert [v.rule for v in verdict.violations] == ["thank-you-24h"]
    assert "Ana Ruiz" in verdict.violations[0].message
    assert "Cy Diaz" in verdict.violations[0].message  # the round's interviewers
    assert verdict.allowed_from is None
    assert check(app_of(SECOND_ROUND), "send_thank_you", at, to="Cy Diaz").allowed
    path = write(tmp_path, SECOND_ROUND)
    status, out, err = cli(
        ["check", path, "send_thank_you", "--at", "2026-12-07T17:00:00Z", "--to", "Ana Ruiz"]
    )
    assert (status, err) == (1, "")
    assert "thank-you-24h" in out
    assert "Cy Diaz" in out


# --- send-window: a late thank-you due on a Saturday ---------------------------------------------

FRIDAY = {
    "id": "initech-1",
    "timezone": "America/New_York",
    "country": "US",
    "events": [
        {
            "type": "interview",
            "at": "2026-11-13T10:00:00-05:00",
            "ends_at": "2026-11-13T11:00:00-05:00",
            "interviewers": ["Ana Ruiz"],
        }
    ],
}


def test_send_window_a_late_thank_you_due_on_saturday_is_suggested_for_monday_morning(
    cli: Any, tmp_path: Path
) -> None:
    # due Sat 2026-11-14 11:00 (24 h); still allowed until 3 business days after the end,
    # Wed 2026-11-18 11:00; late on Saturday noon: suggested on the next business morning
    now = t("2026-11-14T12:00:00-05:00")
    decision = next_action(app_of(FRIDAY), now)
    assert (decision.action, decision.late, decision.rule) == (
        "send_thank_you",
        True,
        "thank-you-late-limit",
    )
    assert decision.due_by == t("2026-11-14T11:00:00-05:00")
    assert decision.suggested_at == t("2026-11-16T09:00:00-05:00")
    assert check(app_of(FRIDAY), "send_thank_you", decision.suggested_at, to="Ana Ruiz").allowed
    wire = cli_decision(cli, tmp_path, FRIDAY, "2026-11-14T17:00:00Z")
    assert wire["suggested_at"] == "2026-11-16T09:00:00-05:00"
