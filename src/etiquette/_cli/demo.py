"""``etiquette demo``: one sample application played through its whole life.

The candidate follows every decision at its suggested instant; the employer's events are
scripted. Nothing is read from disk or the network.
"""

from __future__ import annotations

import argparse
import functools
from collections.abc import Iterator
from datetime import datetime
from typing import Any, TextIO

import attrs

from .._engine import (
    Application,
    Decision,
    Event,
    Interview,
    Policy,
    RejectionReceived,
    RejectionReplySent,
    ReplyReceived,
    StatusInquirySent,
    ThankYouSent,
    calendar_for,
    describe,
    next_action,
    parse_date,
    parse_instant,
    record,
)
from .common import EXIT_OK, local, policy_of, policy_option

__all__ = ["add", "play", "sample"]


def add(sub: Any) -> None:
    """The ``demo`` sub-command."""
    demo = sub.add_parser("demo", help="play a built-in sample application through its whole life")
    policy_option(demo)
    demo.set_defaults(run=_demo)


def _t(text: str) -> datetime:
    return parse_instant(text, "demo")


@functools.cache
def sample() -> Application:
    """The sample application, right after its interview (made when first asked for: its
    country's check imports the holiday registry, which no other command may need)."""
    return Application(
        id="acme-backend-1",
        company="Acme",
        role="Backend Engineer",
        timezone="America/New_York",
        country="US",
        events=(
            Interview(
                at=_t("2026-11-23T10:00:00-05:00"),
                ends_at=_t("2026-11-23T11:00:00-05:00"),
                interviewers=("Ana Ruiz", "Bo Chen"),
                decision_expected_by=parse_date("2026-12-04", "demo"),
                notes=("their migration to event sourcing",),
            ),
        ),
    )


#: What the employer does, and when.
EMPLOYER: tuple[Event, ...] = (
    ReplyReceived(
        at=_t("2026-12-09T12:00:00-05:00"),
        decision_expected_by=parse_date("2026-12-18", "demo"),
    ),
    RejectionReceived(at=_t("2026-12-23T10:00:00-05:00")),
)


@attrs.frozen
class Step:
    """One line of the demo's timeline: a decision, and what happened after it."""

    decision: Decision
    done: tuple[Event, ...]


def play(policy: Policy | None = None) -> Iterator[Step]:
    """Play the sample through its life, yielding each decision and the events it led to."""
    app = sample()
    now = app.events[0].at
    pending = list(EMPLOYER)
    for _ in range(100):
        decision = next_action(app, now, policy)
        done: list[Event] = []
        if decision.action == "none":
            yield Step(decision, ())
            return
        if decision.action == "wait":
            target = decision.not_before
            if pending and (target is None or pending[0].at <= target):
                event = pending.pop(0)
                app = record(app, event, policy)
                done.append(event)
                now = event.at
            elif target is not None:
                now = target
            else:  # pragma: no cover - the script always ends the story
                raise AssertionError("the demo has nothing left to wait for")
            yield Step(decision, tuple(done))
            continue
        when = decision.suggested_at or now
        if pending and pending[0].at <= when:
            event = pending.pop(0)
            app = record(app, event, policy)
            yield Step(decision, (event,))
            now = event.at
            continue
        for event in _act(decision, when):
            app = record(app, event, policy)
            done.append(event)
        yield Step(decision, tuple(done))
        now = when
    raise AssertionError("the demo did not close")  # pragma: no cover


def _act(decision: Decision, when: datetime) -> list[Event]:
    if decision.action == "send_thank_you":
        return [ThankYouSent(at=when, to=name) for name in decision.to]
    if decision.action == "send_status_inquiry":
        return [StatusInquirySent(at=when)]
    if decision.action == "reply_to_rejection":
        return [RejectionReplySent(at=when)]
    raise AssertionError(f"the demo does not act on {decision.action}")  # pragma: no cover


def _demo(args: argparse.Namespace, out: TextIO) -> int:
    policy = policy_of(args)
    app = sample()
    cal = calendar_for(app.timezone, app.country)
    out.write(
        f"{app.company} — {app.role} ({app.id}), {app.timezone}, {app.country}\n"
        f"Interview {local(cal, app.events[0].at)} with Ana Ruiz and Bo Chen; "
        "decision expected by Fri 2026-12-04.\n\n"
    )
    rows: list[tuple[str, str, str, str]] = []
    for step in play(policy):
        d = step.decision
        what = d.action + (f" → {', '.join(d.to)}" if d.to else "")
        if d.action == "wait" and d.not_before is not None:
            what += f" until {local(cal, d.not_before)}"
        rows.append((local(cal, d.as_of), d.state, what, d.rule))
        for event in step.done:
            rows.append((local(cal, event.at), "", f"  ↳ {describe(event, cal)}", ""))
    # the lines of what happened have no rule: they may run past the decision column
    widths = [max(len(r[i]) for r in rows if r[3] or i < 2) for i in range(3)]
    header = ("when", "state", "decision", "rule")
    for row in (header, *rows):
        cells = [f"{cell:<{width}}" for cell, width in zip(row[:3], widths, strict=True)]
        out.write("  ".join([*cells, row[3]]).rstrip() + "\n")
    return EXIT_OK
