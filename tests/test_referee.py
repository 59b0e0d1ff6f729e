"""The referee on its own: hand-written logs, each breaking one invariant or floor, or none.

The instants are worked out by hand from the contract (New York, US holidays): an interview
ending Thu 29 Oct 2026 11:00 EDT; DST ends Sun 1 Nov; Veterans Day is Wed 11 Nov, Thanksgiving
Thu 26 Nov. Business days from the end: 3 -> Tue 3 Nov, 5 -> Thu 5 Nov, 7 -> Mon 9 Nov.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from etiquette import Application, InvalidApplication, load_policy, next_action
from etiquette._cli.demo import EMPLOYER, play, sample
from etiquette._engine.spec import policy_from_text
from etiquette.referee import (
    FLOORS,
    INVARIANTS,
    Finding,
    audit,
    boundaries,
    check_floors,
    closing_deadline,
    silent_close_bound,
)

from . import strategies as s

NY = "America/New_York"


def _app(
    *events: dict[str, Any], interviewers: tuple[str, ...] = ("Ana Ruiz", "Bo Chen")
) -> Application:
    interview = {
        "type": "interview",
        "at": "2026-10-29T10:00:00-04:00",
        "ends_at": "2026-10-29T11:00:00-04:00",
        "interviewers": list(interviewers),
    }
    return Application.from_dict(
        {"id": "log", "timezone": NY, "country": "US", "events": [interview, *events]}
    )


def _ty(at: str, to: str = "Ana Ruiz", channel: str = "email") -> dict[str, Any]:
    return {"type": "thank_you_sent", "at": at, "to": to, "channel": channel}


def _inquiry(at: str) -> dict[str, Any]:
    return {"type": "status_inquiry_sent", "at": at}


def _found(app: Application) -> set[tuple[str, int | None]]:
    return {(f.invariant, f.index) for f in audit(app)}


def test_a_polite_life_breaks_nothing() -> None:
    app = sample()
    for step in play():
        for event in step.done:
            app = Application(
                id=app.id,
                timezone=app.timezone,
                country=app.country,
                events=(*app.events, event),
            )
    assert len(app.events) > 1 + len(EMPLOYER)
    assert audit(app) == []


def test_p1_thank_you_before_the_interview_ends() -> None:
    app = _app(_ty("2026-10-29T10:59:59-04:00"))
    assert _found(app) == {("P1", 1), ("floor-thank-you", 1)}
    assert audit(_app(_ty("2026-10-29T11:00:00-04:00"))) == []


def test_p1_one_thank_you_per_interviewer_per_channel() -> None:
    twice = _app(_ty("2026-10-29T12:00:00-04:00"), _ty("2026-10-29T13:00:00-04:00"))
    assert _found(twice) == {("P1", 2), ("floor-thank-you", 2)}
    email_and_note = _app(
        _ty("2026-10-29T12:00:00-04:00"), _ty("2026-10-29T13:00:00-04:00", channel="handwritten")
    )
    assert audit(email_and_note) == []
    both = _app(_ty("2026-10-29T12:00:00-04:00"), _ty("2026-10-29T13:00:00-04:00", "Bo Chen"))
    assert audit(both) == []


def test_p1_thank_you_late_limit_is_half_open() -> None:
    # late limit: end + 3 business days = Tue 3 Nov 11:00 EST (DST ended on Sunday)
    assert audit(_app(_ty("2026-11-03T10:59:59-05:00"))) == []
    assert _found(_app(_ty("2026-11-03T11:00:00-05:00"))) == {("P1", 1)}


def test_p1_thank_you_to_someone_else() -> None:
    assert _found(_app(_ty("2026-10-29T12:00:00-04:00", to="Cy Diaz"))) == {("P1", 1)}


def test_p1_one_thank_you_to_the_coordinator() -> None:
    first = {"type": "thank_you_sent", "at": "2026-10-29T12:00:00-04:00"}
    second = {"type": "thank_you_sent", "at": "2026-10-29T13:00:00-04:00", "to": "Ana Ruiz"}
    assert _found(_app(first, second, interviewers=())) == {("P1", 2), ("floor-thank-you", 2)}


def test_p2_no_inquiry_before_the_opening() -> None:
    # no date: end + 7 business days = Mon 9 Nov 11:00 EST
    assert _found(_app(_inquiry("2026-11-09T10:59:59-05:00"))) == {("P2", 1)}
    assert audit(_app(_inquiry("2026-11-09T11:00:00-05:00"))) == []


def test_p2_floor_quiet_after_the_employer_writes() -> None:
    reply = {"type": "reply_received", "at": "2026-11-09T12:00:00-05:00"}
    # the reply moves the opening to reply + 5 business days (Veterans Day off): Tue 17 Nov
    # 12:00; the floor's quiet period ends 3 business days after it, Fri 13 Nov 12:00
    early = _app(reply, _inquiry("2026-11-13T11:59:59-05:00"))
    assert _found(early) == {("P2", 2), ("floor-quiet", 2)}
    assert _found(_app(reply, _inquiry("2026-11-16T12:00:00-05:00"))) == {("P2", 2)}
    assert audit(_app(reply, _inquiry("2026-11-17T12:00:00-05:00"))) == []


def test_p3_inquiry_spacing() -> None:
    # 5 business days after Mon 9 Nov 11:00, Veterans Day off: Tue 17 Nov 11:00
    first = _inquiry("2026-11-09T11:00:00-05:00")
    assert _found(_app(first, _inquiry("2026-11-17T10:59:59-05:00"))) == {("P3", 2)}
    assert _found(_app(first, _inquiry("2026-11-11T11:00:00-05:00"))) == {
        ("P3", 2),
        ("floor-spacing", 2),
    }
    assert audit(_app(first, _inquiry("2026-11-17T11:00:00-05:00"))) == []


def test_p4_inquiry_max_unanswered() -> None:
    inquiries = [
        _inquiry(at)
        for at in (
            "2026-11-09T11:00:00-05:00",
            "2026-11-17T11:00:00-05:00",
            "2026-11-25T11:00:00-05:00",
        )
    ]
    found = _found(_app(*inquiries))
    assert ("P4", 3) in found
    assert ("floor-unanswered", 3) not in found


def test_p5_after_a_rejection_only_the_gracious_reply() -> None:
    rejection = {"type": "rejection_received", "at": "2026-11-02T10:00:00-05:00"}
    reply = {"type": "rejection_reply_sent", "at": "2026-11-02T15:00:00-05:00"}
    assert audit(_app(rejection, reply)) == []
    found = _found(_app(rejection, _inquiry("2026-11-10T10:00:00-05:00")))
    assert ("P5", 2) in found
    twice = _app(
        rejection, reply, {"type": "rejection_reply_sent", "at": "2026-11-03T09:00:00-05:00"}
    )
    assert {("P5", 3), ("P6", 3), ("floor-rejection", 3), ("floor-closed", 3)} <= _found(twice)


def test_p5_the_reply_window_ends() -> None:
    rejection = {"type": "rejection_received", "at": "2026-11-02T10:00:00-05:00"}
    # limit: 5 business days, Mon 2 Nov -> Mon 9 Nov 10:00
    late = {"type": "rejection_reply_sent", "at": "2026-11-09T10:00:00-05:00"}
    assert ("P5", 2) in _found(_app(rejection, late))
    deadline = closing_deadline(_app(rejection))
    assert deadline is not None
    assert deadline.invariant == "P5"
    assert deadline.at == datetime(2026, 11, 9, 15, 0, tzinfo=UTC)


def test_p6_nothing_after_a_withdrawal() -> None:
    withdrawn = {"type": "withdrawn", "at": "2026-10-29T12:00:00-04:00"}
    assert _found(_app(withdrawn, _ty("2026-10-29T13:00:00-04:00"))) == {
        ("P6", 2),
        ("floor-closed", 2),
    }


def test_p7_silent_employer_bound() -> None:
    app = _app()
    # opening Mon 9 Nov 11:00; + 5 business days (Veterans Day off) = Tue 17 Nov;
    # + 10 business days (Thanksgiving off) = Wed 2 Dec 11:00 EST
    bound = datetime(2026, 12, 2, 16, 0, tzinfo=UTC)
    assert silent_close_bound(app) == bound
    deadline = closing_deadline(app)
    assert deadline is not None
    assert (deadline.invariant, deadline.at) == ("P7", bound)
    late = _app(_inquiry("2026-12-02T11:00:00-05:00"))
    assert ("P6", 1) in _found(late)
    # an offer is pending: only the candidate's answer closes it, no silent bound
    offered = _app({"type": "offer_received", "at": "2026-11-02T10:00:00-05:00"})
    assert silent_close_bound(offered) is None


def test_p7_counts_from_the_employers_last_message() -> None:
    # a reply on Fri 20 Nov moves the opening (+ 5 business days: Fri 27 Nov, the day after
    # Thanksgiving, is a business day) and P7's bound with it; the engine closes by then
    silent = silent_close_bound(_app())
    replied = _app({"type": "reply_received", "at": "2026-11-20T10:00:00-05:00"})
    bound = silent_close_bound(replied)
    assert silent is not None
    assert bound is not None
    assert bound > silent
    assert next_action(replied, bound).state == "closed"
    assert next_action(replied, bound - timedelta(seconds=1)).state == "awaiting"
    # after the presumed ghosting, a reply reopens it, and P7 is bounded again
    after = _app({"type": "reply_received", "at": "2026-12-10T10:00:00-05:00"})
    assert next_action(after, silent).state == "closed"
    reopened = silent_close_bound(after)
    assert reopened is not None
    assert reopened > silent
    assert next_action(after, reopened).state == "closed"
    assert next_action(after, reopened - timedelta(seconds=1)).state == "awaiting"


def test_p7_bounded_messages_to_a_silent_employer() -> None:
    policy = load_policy()
    data = s.default_spec()
    data["rules"]["inquiry-max-unanswered"]["max_unanswered"] = 3
    three = policy_from_text(s.spec_text(data))
    events = [
        _ty("2026-10-29T12:00:00-04:00"),
        _ty("2026-10-29T12:00:00-04:00", "Bo Chen"),
        _ty("2026-10-29T12:00:00-04:00", channel="handwritten"),
        _ty("2026-10-29T12:00:00-04:00", "Bo Chen", "handwritten"),
        _inquiry("2026-11-09T11:00:00-05:00"),
        _inquiry("2026-11-17T11:00:00-05:00"),
        _inquiry("2026-11-25T11:00:00-05:00"),
    ]
    app = _app(*events)
    # 2 x 2 interviewers + 2 = 6 messages under the default policy; the 7th breaks P7 (and P4)
    assert {("P7", 7), ("P4", 7)} <= {(f.invariant, f.index) for f in audit(app, policy)}
    # with 3 unanswered allowed, 7 messages are within both P7 and the floor
    assert audit(app, three) == []


def test_now_limits_the_log() -> None:
    app = _app(_ty("2026-10-29T10:30:00-04:00"))
    assert audit(app, now=datetime(2026, 10, 29, 14, 0, tzinfo=UTC)) == []
    assert audit(app, now=datetime(2026, 10, 29, 14, 30, tzinfo=UTC)) != []
    with pytest.raises(InvalidApplication):
        audit(app, now=datetime(2026, 10, 29, 14, 30))


def test_boundaries_are_the_policys_instants() -> None:
    marks = boundaries(_app())
    end = datetime(2026, 10, 29, 15, 0, tzinfo=UTC)
    assert end in marks
    assert end + timedelta(hours=24) in marks  # thank-you due
    assert datetime(2026, 11, 3, 16, 0, tzinfo=UTC) in marks  # late limit, quiet
    assert datetime(2026, 11, 9, 16, 0, tzinfo=UTC) in marks  # opening
    assert marks == sorted(marks)


def test_findings_name_a_known_invariant() -> None:
    app = _app(_ty("2026-10-29T10:00:00-04:00"), _inquiry("2026-10-30T10:00:00-04:00"))
    findings = audit(app)
    assert findings
    for finding in findings:
        assert isinstance(finding, Finding)
        assert finding.invariant in INVARIANTS
        assert finding.message
        assert str(finding).startswith(f"{finding.invariant}: events[{finding.index}]")


def test_default_policy_respects_the_floors() -> None:
    assert check_floors(load_policy()) == []


@pytest.mark.parametrize(
    ("rule", "param", "value", "floor"),
    [
        ("no-bombarding", "quiet", {"business_days": 2}, "floor-quiet"),
        ("no-bombarding", "quiet", {"hours": 200}, "floor-quiet"),
        ("inquiry-spacing", "spacing", {"hours": 1}, "floor-spacing"),
        ("inquiry-max-unanswered", "max_unanswered", 4, "floor-unanswered"),
        ("ghosted-close", "wait", {"business_days": 26}, "floor-bounded"),
    ],
)
def test_check_floors_names_the_floor(rule: str, param: str, value: Any, floor: str) -> None:
    data = s.default_spec()
    data["rules"][rule][param] = value
    if param == "max_unanswered":
        data["rules"][rule]["max_total"] = value
    found = check_floors(policy_from_text(s.spec_text(data)))
    assert [f.invariant for f in found] == [floor]


def test_floors_are_the_issues_numbers() -> None:
    assert (FLOORS.quiet.amount, FLOORS.quiet.unit) == (3, "business_days")
    assert (FLOORS.spacing.amount, FLOORS.spacing.unit) == (3, "business_days")
    assert FLOORS.max_unanswered == 3
    assert FLOORS.thank_yous_per_channel == 1
    assert FLOORS.after_rejection == 1
    assert set(FLOORS.texts()) <= set(INVARIANTS)
