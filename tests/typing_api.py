"""The public API as a user writes it, checked by ``mypy --strict`` (never run, never collected).

Each function below uses etiquette the way an embedding program would. Annotated assignments and
``assert_type`` pin the types the API promises; a ``# type: ignore[code]`` marks a misuse that
must stay a type error (mypy's strict mode reports an ignore that is no longer needed).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, assert_type

import pendulum

import etiquette
from etiquette import (
    Application,
    Blocked,
    Change,
    Decision,
    Draft,
    EtiquetteError,
    EtiquetteViolation,
    Event,
    Finding,
    Interview,
    InvalidApplication,
    InvalidEvent,
    OfferReceived,
    Plan,
    Policy,
    RejectionReceived,
    ReplyReceived,
    Rule,
    SpecError,
    StatusInquirySent,
    ThankYouSent,
    Verdict,
    Violation,
    Window,
    Withdrawn,
    check,
    draft,
    lint,
    load_policy,
    next_action,
    plan,
    record,
    to_ics,
)


def build_an_application() -> Application:
    interview = Interview(
        at=datetime(2026, 11, 23, 15, 0, tzinfo=UTC),
        ends_at=datetime(2026, 11, 23, 16, 0, tzinfo=UTC),
        interviewers=("Ana Ruiz", "Bo Chen"),
        decision_expected_by=date(2026, 12, 4),
        notes=("their migration to event sourcing",),
    )
    thanks = ThankYouSent(at=datetime(2026, 11, 23, 20, 0, tzinfo=UTC), to="Ana Ruiz")
    note = ThankYouSent(
        at=pendulum.datetime(2026, 11, 24, 9, 0, tz="America/New_York"),
        to="Bo Chen",
        channel="handwritten",
    )
    events: tuple[Event, ...] = (interview, thanks, note)
    app = Application(
        id="acme-backend-1",
        company="Acme",
        role="Backend Engineer",
        timezone="America/New_York",
        country="US",
        events=events,
    )
    app_id: str = app.id
    zone: str = app.timezone
    country: str | None = app.country
    company: str | None = app.company
    assert_type(app.events, tuple[Event, ...])
    first = app.events[0]
    if isinstance(first, Interview):
        ends: datetime | None = first.ends_at
        names: tuple[str, ...] = first.interviewers
        expected: date | None = first.decision_expected_by
        del ends, names, expected
    del app_id, zone, country, company
    return app


def read_and_write_the_wire_format(text: str, data: Mapping[str, Any]) -> str:
    app = Application.from_json(text)
    same = Application.from_dict(data)
    as_dict: dict[str, Any] = app.to_dict()
    as_json: str = same.to_json()
    compact: str = same.to_json(indent=None)
    Application.from_json(as_json.encode())
    del as_dict
    return compact


def decide(app: Application, now: datetime, policy: Policy | None) -> dict[str, Any]:
    decision = next_action(app, now)
    assert_type(decision, Decision)
    decision = next_action(app, now, policy)
    action: str = decision.action
    state: str = decision.state
    to: tuple[str, ...] = decision.to
    not_before: datetime | None = decision.not_before
    due_by: datetime | None = decision.due_by
    suggested_at: datetime | None = decision.suggested_at
    late: bool = decision.late
    rule: str = decision.rule
    reason: str = decision.reason
    optional: tuple[str, ...] = decision.optional
    outcome: str | None = decision.outcome
    revisit_at: datetime | None = decision.revisit_at
    del revisit_at
    assert_type(decision.blocked, tuple[Blocked, ...])
    for held in decision.blocked:
        what: str = held.action
        why: str = held.rule
        until: datetime | None = held.until
        del what, why, until
    del action, state, to, not_before, due_by, suggested_at, late, rule, reason, optional, outcome
    # any aware datetime will do, pendulum's too
    next_action(app, pendulum.now("Europe/Berlin"))
    next_action(app, "2026-11-24T09:00:00-05:00")  # type: ignore[arg-type]
    decision.action = "wait"  # type: ignore[misc]
    return decision.to_dict()


def look_ahead(app: Application, now: datetime, policy: Policy | None) -> dict[str, Any]:
    ahead = plan(app, now, policy)
    assert_type(ahead, Plan)
    assert_type(plan(app, now), Plan)
    revisit_at: datetime | None = ahead.revisit_at
    state: str = ahead.state
    for window in ahead.windows:
        assert_type(window, Window)
        action: str = window.action
        to: tuple[str, ...] = window.to
        not_before: datetime = window.not_before
        due_by: datetime | None = window.due_by
        limit: datetime | None = window.limit
        rule: str = window.rule
        optional: bool = window.optional
        del action, to, not_before, due_by, limit, rule, optional
    for change in ahead.changes:
        assert_type(change, Change)
        at: datetime = change.at
        source: str = change.source
        dest: str = change.dest
        why: str = change.rule
        del at, source, dest, why
    plan(app, "2026-11-24T09:00:00-05:00")  # type: ignore[arg-type]
    ahead.state = "closed"  # type: ignore[misc]
    del revisit_at, state
    return ahead.to_dict()


def messages(app: Application, now: datetime) -> list[str]:
    drafts = draft(app, now)
    assert_type(drafts, list[Draft])
    for d in drafts:
        kind: str = d.kind
        to: tuple[str, ...] = d.to
        subject: str = d.subject
        body: str = d.body
        found = lint(body, kind, app)
        assert_type(found, list[Finding])
        for f in found:
            where: tuple[int, int] = (f.line, f.column)
            del where
        del to, subject
    lint("text", "thank_you", phrases="mine.toml")
    lint("text", "thank_you", app, "mine.toml")  # type: ignore[call-arg]
    return [d.body for d in drafts]


def calendar(apps: list[Application], now: datetime, policy: Policy | None) -> str:
    text = to_ics(apps, now)
    assert_type(text, str)
    to_ics(apps, now, policy, events=True)
    to_ics(apps, now, policy, True)  # type: ignore[call-arg]
    return text


def ask_before_sending(app: Application, at: datetime) -> bool:
    verdict = check(app, "send_thank_you", at, to="Bo Chen")
    assert_type(verdict, Verdict)
    allowed: bool = verdict.allowed
    when: datetime = verdict.at
    allowed_from: datetime | None = verdict.allowed_from
    for violation in verdict.violations:
        assert_type(violation, Violation)
        rule: str = violation.rule
        message: str = violation.message
        since: datetime | None = violation.allowed_from
        del rule, message, since
    wire: dict[str, Any] = verdict.to_dict()
    check(app, "send_status_inquiry", at, load_policy())
    check(app, "send_thank_you", at, "Bo Chen")  # type: ignore[arg-type]
    del when, allowed_from, wire
    return allowed


def keep_the_history(app: Application, at: datetime) -> Application:
    app = record(app, StatusInquirySent(at=at))
    app = record(app, {"type": "reply_received", "at": at.isoformat()}, strict=False)
    app = record(app, ReplyReceived(at=at, decision_expected_by=date(2026, 12, 18)), load_policy())
    app = record(app, OfferReceived(at=at, respond_by=date(2026, 12, 27)))
    app = record(app, RejectionReceived(at=at), strict=True)
    noted: tuple[str, ...] = app.events[-1].violations
    del noted
    record(app, "withdrawn")  # type: ignore[arg-type]
    record(app, Withdrawn(at=at), strict="yes")  # type: ignore[arg-type]
    ThankYouSent(at=at, channel="fax")  # type: ignore[arg-type]
    return app


def handle_every_error(app: Application, at: datetime) -> Sequence[str]:
    try:
        app = record(app, ThankYouSent(at=at, to="Bo Chen"))
    except EtiquetteViolation as refused:
        rules = [v.rule for v in refused.violations]
        froms: list[datetime | None] = [v.allowed_from for v in refused.violations]
        del froms
        return rules
    except InvalidEvent as impossible:
        path: str = impossible.path
        return [path, impossible.why]
    except InvalidApplication as bad:
        return [bad.path, bad.why]
    except EtiquetteError as other:
        return [str(other)]
    return []


def use_a_policy(path: Path | str | None) -> int:
    try:
        policy = load_policy(path)
    except SpecError as bad:
        where: tuple[str, str, str] = (bad.file, bad.path, bad.why)
        del where
        return 2
    name: str = policy.name
    finals: tuple[str, ...] = policy.final_states
    rule: Rule = policy.rules["inquiry-spacing"]
    statement: str = rule.statement
    sources: tuple[str, ...] = rule.sources
    load_policy(Path("specs/default.toml"))
    load_policy(42)  # type: ignore[arg-type]
    del name, finals, statement, sources
    return 0


def public_names() -> list[str]:
    version: str = etiquette.__version__
    del version
    return list(etiquette.__all__)
