"""The gantt chart of a scenario (Mermaid ``gantt``): the windows of its decisions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from .._engine import (
    Calendar,
    Policy,
    calendar_for,
)
from .scenarios import Row, Scenario, closes_at
from .words import event_short, mermaid_text, timed_words


def _gantt_time(cal: Calendar, instant: datetime) -> str:
    return cal.local(instant).strftime("%Y-%m-%d %H:%M")


_OPENING_WORDS = {
    "no-bombarding": "quiet period",
    "inquiry-after-timeline": "wait for the timeline",
    "ongoing-wait": "still deciding, wait",
}


def gantt(scenario: Scenario, rows: Sequence[Row], policy: Policy) -> str:
    cal = calendar_for(scenario.application.timezone, scenario.application.country)
    n = policy.numbers
    sections: dict[str, list[tuple[datetime, str]]] = {
        "Thank-yous": [],
        "Status inquiries": [],
        "Offer and rejection": [],
        "Events": [],
    }
    added: set[str] = set()

    def bar(section: str, name: str, start: datetime, end: datetime, tag: str = "") -> None:
        if end <= start:
            return
        meta = ", ".join(x for x in (tag, _gantt_time(cal, start), _gantt_time(cal, end)) if x)
        line = f"    {mermaid_text(name)} :{meta}"
        if line not in added:
            added.add(line)
            sections[section].append((start, line))

    def milestone(section: str, name: str, at: datetime) -> None:
        line = f"    {mermaid_text(name)} :milestone, {_gantt_time(cal, at)}, 0m"
        if line not in added:
            added.add(line)
            sections[section].append((at, line))

    for row in rows:
        ctx = row.context
        open_state = ctx.state in ("interviewed", "thanked", "awaiting", "inquired")
        if ctx.end is not None and ctx.round_at is not None:
            due, limit = ctx.thank_you_due(), ctx.late_limit()
            assert due is not None
            assert limit is not None
            bar("Thank-yous", f"on time ({n.thank_you_due.describe()})", ctx.end, due, "active")
            bar("Thank-yous", "late, still allowed", due, limit, "crit")
        if open_state and ctx.opening is not None and ctx.last_employer is not None:
            words = _OPENING_WORDS.get(ctx.opening_rule, ctx.opening_rule)
            bar("Status inquiries", f"no inquiry ({words})", ctx.last_employer, ctx.opening, "done")
            milestone("Status inquiries", "inquiry opens", ctx.opening)
        if open_state and ctx.last_inquiry is not None:
            spaced, ends = ctx.spaced_from(), closes_at(ctx, policy)
            assert spaced is not None
            if ctx.inquiries_left():
                bar("Status inquiries", "spacing", ctx.last_inquiry, spaced, "done")
            elif ctx.state == "inquired" and ends is not None:
                bar(
                    "Status inquiries",
                    "none left, closes if silent",
                    ctx.last_inquiry,
                    ends,
                    "done",
                )
        if ctx.rejection_at is not None and ctx.state == "rejected":
            due, limit = ctx.rejection_due(), ctx.rejection_limit()
            assert due is not None
            assert limit is not None
            bar("Offer and rejection", "gracious reply", ctx.rejection_at, due, "active")
            bar("Offer and rejection", "reply late, still allowed", due, limit, "crit")
        if ctx.offer_at is not None and ctx.offer_due is not None and ctx.state == "offered":
            bar("Offer and rejection", "answer the offer", ctx.offer_at, ctx.offer_due, "active")
        for event in row.events:
            milestone("Events", event_short(event), event.at)
        if row.fired is not None and row.happened:
            happens = timed_words(row.fired.trigger, n).happens
            milestone("Events", happens.split(":")[0], row.at)
    lines = [
        "gantt",
        f"    title {mermaid_text(scenario.title)}",
        "    dateFormat YYYY-MM-DD HH:mm",
        "    axisFormat %a %d %b",
        "    todayMarker off",
    ]
    for section, items in sections.items():
        if items:
            lines.append(f"    section {section}")
            lines += [line for _, line in sorted(items, key=lambda x: x[0])]
    return "\n".join(lines)
