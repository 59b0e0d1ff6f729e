"""The calendar export: every window of every application's plan as an iCalendar to-do.

Theory of operation
-------------------

One VTODO per window of :func:`etiquette.plan` (DTSTART its ``not_before``, DUE its ``due_by``,
else its ``limit``), with a display alarm at the suggested time; a contact already made is the
same to-do with ``STATUS:COMPLETED``. A to-do's UID names the application, the round (or the
offer, the rejection) it belongs to, the action, the recipient and, for status inquiries, which
one of the round: the same window keeps its UID from one export to the next, and its SEQUENCE
counts how often its planned times changed in the history (the plan as of each event is asked
again), so re-importing a calendar updates its to-dos instead of adding new ones. Exporting
twice with nothing new gives the same text. With ``events=True`` each window is a VEVENT at its
suggested time instead (some calendars import no to-dos).

Instants are written in UTC. The export reads no clock: ``now`` comes in.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

from ._engine import (
    Application,
    Event,
    Interview,
    OfferAccepted,
    OfferDeclined,
    OfferReceived,
    Policy,
    RejectionReceived,
    RejectionReplySent,
    StatusInquirySent,
    ThankYouSent,
    Window,
    as_of,
    default_policy,
    next_action,
    plan,
)

__all__ = ["to_ics"]

_PRODID = "-//etiquette//interview follow-up plan//EN"


def to_ics(
    apps: Iterable[Application],
    now: datetime,
    policy: Policy | None = None,
    *,
    events: bool = False,
) -> str:
    """The plans of ``apps`` as of ``now`` (timezone-aware) as iCalendar text (RFC 5545).

    One VTODO per window ahead and one, completed, per contact already made; with ``events``,
    one VEVENT per window ahead instead. UIDs are stable and SEQUENCE counts the changes of a
    window's planned times, so that importing again updates rather than duplicates.
    """
    import icalendar

    now = as_of(now)
    policy = policy or default_policy()
    cal = icalendar.Calendar()
    cal.add("prodid", _PRODID)
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "Interview follow-ups")
    for app in apps:
        for component in _components(app, now, policy, events=events):
            cal.add_component(component)
    text: str = cal.to_ical().decode("utf-8")
    return text


def _components(app: Application, now: datetime, policy: Policy, *, events: bool) -> list[Any]:
    import icalendar

    decision = next_action(app, now, policy)
    current = plan(app, now, policy)
    keys = _keys(app, now)
    changes = _sequences(app, now, policy)
    out: list[Any] = []
    for window in current.windows:
        uid = _uid(app, keys, window)
        suggested = (
            decision.suggested_at
            if decision.action == window.action and tuple(decision.to[:1]) == window.to[:1]
            else None
        )
        alarm_at = max(suggested or window.not_before, now)
        summary = _summary(app, window.action, window.to)
        if decision.action == window.action and (not window.to or window.to[0] in decision.to):
            reason = decision.reason
        else:
            reason = policy.rules[window.rule].statement if window.rule in policy.rules else ""
        description = f"{reason}\n\nRule: {window.rule}"
        item: Any
        if events:
            item = icalendar.Event()
            start = max(suggested or window.not_before, now)
            item.add("dtstart", _utc(start))
            item.add("dtend", _utc(start + timedelta(minutes=30)))
        else:
            item = icalendar.Todo()
            item.add("dtstart", _utc(window.not_before))
            due = window.due_by or window.limit
            if due is not None:
                item.add("due", _utc(due))
            item.add("status", "NEEDS-ACTION")
            alarm = icalendar.Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", summary)
            alarm.add("trigger", _utc(alarm_at))
            item.add_component(alarm)
        item.add("uid", uid)
        item.add("dtstamp", _utc(now))
        item.add("sequence", changes.get(uid, 0))
        item.add("summary", summary)
        item.add("description", description)
        item.add("categories", [window.rule])
        out.append(item)
    if not events:
        for uid, action, to, at in _done(app, now):
            done: Any = icalendar.Todo()
            item = done
            item.add("uid", uid)
            item.add("dtstamp", _utc(now))
            item.add("sequence", changes.get(uid, 0) + 1)
            item.add("summary", _summary(app, action, to))
            item.add("status", "COMPLETED")
            item.add("completed", _utc(at))
            item.add("percent-complete", 100)
            out.append(item)
    return out


def _utc(instant: datetime) -> datetime:
    return instant.astimezone(UTC)


# --- names ------------------------------------------------------------------------------------


def _summary(app: Application, action: str, to: tuple[str, ...]) -> str:
    who = ", ".join("the interview's coordinator" if n == "coordinator" else n for n in to)
    company = app.company or app.id
    texts = {
        "send_thank_you": f"Thank {who} for the interview",
        "mail_handwritten_note": f"Mail a handwritten note to {who}",
        "send_status_inquiry": f"Ask {company} about the status",
        "reply_to_rejection": "Reply graciously to the rejection",
        "respond_to_offer": "Answer the offer",
    }
    return f"{texts.get(action, action)} — {company}"


def _token(text: str) -> str:
    """A name as a part of a UID: letters, digits and ``_.-`` as they are, the rest
    percent-encoded (two names never give the same part)."""
    return quote(text, safe="_.-~") or "%"


def _uid(app: Application, keys: dict[str, int], window: Window) -> str:
    return _uid_of(app, keys, window.action, window.to[0] if window.to else None)


def _uid_of(app: Application, keys: dict[str, int], action: str, to: str | None) -> str:
    if action == "respond_to_offer":
        part = f"offer{keys['offers']}"
    elif action == "reply_to_rejection":
        part = f"rejection{keys['rejections']}"
    else:
        part = f"round{keys['rounds']}"
    if action == "send_status_inquiry":
        part += f".inquiry{keys['inquiries'] + 1}"
    who = "" if to is None else f".{_token(to)}"
    return f"{_token(app.id)}.{part}.{action}{who}@etiquette"


def _keys(app: Application, until: datetime) -> dict[str, int]:
    """The counters a UID is made of, as of ``until``: rounds, offers and rejections so far,
    and the status inquiries of the current round."""
    keys = {"rounds": 0, "offers": 0, "rejections": 0, "inquiries": 0}
    for event in sorted(app.events, key=lambda e: e.at):
        if event.at > until:
            break
        _count(keys, event)
    return keys


def _count(keys: dict[str, int], event: Event) -> None:
    if isinstance(event, Interview):
        keys["rounds"] += 1
        keys["inquiries"] = 0
    elif isinstance(event, OfferReceived):
        keys["offers"] += 1
    elif isinstance(event, RejectionReceived):
        keys["rejections"] += 1
    elif isinstance(event, StatusInquirySent):
        keys["inquiries"] += 1


def _done(app: Application, now: datetime) -> list[tuple[str, str, tuple[str, ...], datetime]]:
    """The contacts already made, each with the UID its window had: (uid, action, to, when)."""
    keys = {"rounds": 0, "offers": 0, "rejections": 0, "inquiries": 0}
    out: list[tuple[str, str, tuple[str, ...], datetime]] = []
    done: set[str] = set()
    recipients: tuple[str, ...] = ()
    for event in sorted(app.events, key=lambda e: e.at):
        if event.at > now:
            break
        action: str | None = None
        to: str | None = None
        if isinstance(event, ThankYouSent):
            action = "send_thank_you" if event.channel == "email" else "mail_handwritten_note"
            to = event.to if event.to in recipients else ("coordinator" if not recipients else None)
            if to is None:
                action = None  # to no one of the round: no window was ever planned for it
        elif isinstance(event, StatusInquirySent):
            action = "send_status_inquiry"
        elif isinstance(event, RejectionReplySent):
            action = "reply_to_rejection"
        elif isinstance(event, OfferAccepted | OfferDeclined):
            action = "respond_to_offer"
        uid = None if action is None else _uid_of(app, keys, action, to)
        if action is not None and uid is not None and uid not in done:
            # (a second thank-you to the same interviewer completes nothing more)
            done.add(uid)
            who: tuple[str, ...] = () if to is None else (to,)
            out.append((uid, action, who, event.at))
        _count(keys, event)
        if isinstance(event, Interview):
            recipients = event.interviewers
    return out


def _sequences(app: Application, now: datetime, policy: Policy) -> dict[str, int]:
    """How often each window's planned times changed: the plan is asked as of each event (at
    or before ``now``) and as of ``now``; a UID's SEQUENCE rises each time its times differ."""
    seen: dict[str, tuple[datetime, datetime | None]] = {}
    counts: dict[str, int] = {}
    instants = sorted({e.at for e in app.events if e.at <= now} | {now})
    for instant in instants:
        keys = _keys(app, instant)
        for window in plan(app, instant, policy).windows:
            uid = _uid(app, keys, window)
            times = (window.not_before, window.due_by or window.limit)
            if uid in seen and seen[uid] != times:
                counts[uid] = counts.get(uid, 0) + 1
            seen[uid] = times
    return counts
