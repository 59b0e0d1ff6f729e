"""The words of the docs: guards, conditions, timed transitions, values and events in
plain language with the policy's numbers, and the Markdown pieces the pages are made of."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import datetime, time

import attrs

from .._engine import (
    CONDITIONS,
    GUARDS,
    TRIGGERS,
    Calendar,
    Decision,
    Duration,
    Event,
    Numbers,
    Policy,
    ThankYouSent,
    Transition,
    term_of,
    term_of_event,
)

TIMES = "\u00d7"  # the multiplication sign


def guard_words(name: str, n: Numbers, *, short: bool = False) -> str:
    """A guard in words with the policy's numbers; ``short`` for diagram labels."""
    words: dict[str, tuple[str, str]] = {
        "interview_over": ("after the interview's end", "after its end"),
        "within_late_limit": (
            f"within {n.late_limit.describe()} of the interview's end",
            f"within {n.late_limit.describe()}",
        ),
        "first_thank_you": ("first thank-you to them this round", "first to them"),
        "first_note": ("first note to them this round", "first to them"),
        "inquiry_open": ("the inquiry has opened", "inquiry open"),
        "ongoing_wait_over": (
            "the new opening a still-deciding reply set has come",
            "still-deciding wait over",
        ),
        "within_reply_window": (
            f"within {n.rejection_limit.describe()} of the rejection",
            f"within {n.rejection_limit.describe()}",
        ),
        "inquiry_spaced": (
            f"≥ {n.spacing.describe()} after the last inquiry",
            f"≥ {n.spacing.describe()} apart",
        ),
        "inquiry_under_limit": (
            f"≤ {n.max_unanswered} unanswered, ≤ {n.max_total} per round",
            f"≤ {n.max_unanswered} unanswered, ≤ {n.max_total} per round",
        ),
    }
    if name in words:
        return words[name][1 if short else 0]
    return GUARDS[name][1] if name in GUARDS else name.replace("_", " ")


def condition_words(name: str, n: Numbers, *, short: bool = False) -> str:
    """A condition in words with the policy's numbers; ``short`` for diagram labels."""
    words: dict[str, tuple[str, str]] = {
        "everyone_thanked": ("the last one owed", "the last one owed"),
        "no_inquiry_left": (
            f"no inquiry left ({n.max_unanswered} unanswered or {n.max_total} sent)",
            "no inquiry left",
        ),
    }
    if name in words:
        return words[name][1 if short else 0]
    return CONDITIONS[name][0] if name in CONDITIONS else name.replace("_", " ")


@attrs.frozen
class _Timed:
    label: str  # on an arrow: "after 24 hours"
    when: str  # its deadline: "24 hours after the interview's end"
    happens: str  # in a timeline: "the thank-you day is over: 24 hours after …"


def timed_words(trigger: str, n: Numbers) -> _Timed:
    """A timed trigger in words, with the policy's numbers."""
    bound = (
        f"the inquiry opening + {n.max_unanswered - 1} {TIMES} {n.spacing.describe()} + "
        f"{n.ghost_wait.describe()}"
    )
    words: dict[str, _Timed] = {
        "thank_you_day_over": _Timed(
            f"after {n.thank_you_due.describe()}",
            f"{n.thank_you_due.describe()} after the interview's end",
            f"the thank-you day is over: {n.thank_you_due.describe()} after the interview's end",
        ),
        "thank_you_limit_passed": _Timed(
            f"after {n.late_limit.describe()}",
            f"{n.late_limit.describe()} after the interview's end",
            f"the late limit passes: {n.late_limit.describe()} after the interview's end",
        ),
        "ghosted": _Timed(
            f"{n.ghost_wait.describe()} without an answer",
            f"{n.ghost_wait.describe()} after the last inquiry, when no inquiry is left",
            f"no answer {n.ghost_wait.describe()} after the last allowed inquiry",
        ),
        "gone_cold": _Timed(
            "silent until the P7 bound",
            f"{bound} (the P7 bound), when the employer stays silent",
            f"silent until the P7 bound: {bound}",
        ),
        "reply_window_over": _Timed(
            f"after {n.rejection_limit.describe()}",
            f"{n.rejection_limit.describe()} after the rejection",
            f"the gracious reply's window ends: {n.rejection_limit.describe()} after the rejection",
        ),
    }
    fallback = trigger.replace("_", " ")
    return words.get(trigger, _Timed(fallback, fallback, fallback))


def trigger_label(trigger: str, n: Numbers) -> str:
    """Words for a trigger: the event, or for a timed trigger when it fires."""
    if TRIGGERS.get(trigger) == "timed":
        return timed_words(trigger, n).label
    return term_of(trigger).label


KIND_WORDS = {
    "employer": "employer event",
    "contact": "candidate contact",
    "decision": "candidate decision",
    "timed": "timed",
}


PARAM_MEANING: dict[tuple[str, str], str] = {
    ("thank-you-24h", "due"): "a thank-you is due this long after the interview's end",
    ("thank-you-late-limit", "limit"): (
        "a late thank-you (or note) is allowed until this long after the interview's end"
    ),
    ("no-bombarding", "quiet"): (
        "no status inquiry within this long of the interview's end or the employer's last message"
    ),
    ("inquiry-after-timeline", "grace"): (
        "the first inquiry opens at 09:00 local on this business day after a stated decision date"
    ),
    ("inquiry-after-timeline", "default_wait"): (
        "with no stated date, the first inquiry opens this long after the interview's end"
    ),
    ("inquiry-spacing", "spacing"): "two status inquiries are at least this far apart",
    ("inquiry-max-unanswered", "max_unanswered"): "inquiries since the employer last wrote",
    ("inquiry-max-unanswered", "max_total"): "inquiries per interview round",
    ("ongoing-wait", "wait"): (
        "after a still-deciding reply without a date, the next inquiry opens this long after it"
    ),
    ("ghosted-close", "wait"): "silence after the last allowed inquiry before closing",
    ("rejection-one-reply", "due"): "the gracious reply is due this long after the rejection",
    ("rejection-one-reply", "limit"): "the gracious reply is allowed until this long after it",
    ("offer-respond", "due"): "answer an offer this long after it, when it names no respond-by",
    ("send-window", "start"): "suggestions start at this local time of the recipient",
    ("send-window", "end"): "suggestions end at this local time of the recipient",
}


def value_words(value: object, *, short: bool = False) -> str:
    if isinstance(value, Duration) and short:
        return value.describe()
    if isinstance(value, Duration):
        kind = "elapsed" if value.unit == "hours" else "Monday to Friday, no public holidays"
        return f"{value.describe()} ({kind})"
    if isinstance(value, time):
        return f"{value:%H:%M} local"
    return str(value)


def spec_words(value: object) -> str:
    if isinstance(value, Duration):
        return f"`{{ {value.unit} = {value.amount} }}`"
    if isinstance(value, time):
        return f'`"{value:%H:%M}"`'
    return f"`{value}`"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def table(head: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return lines


def rule_link(rule: str, prefix: str = "") -> str:
    return f"[{rule}]({prefix}rules.md#{rule})"


def mermaid_text(text: str) -> str:
    """Text safe inside a Mermaid label or task name (no separators of the syntax)."""
    return re.sub(r"[:;#\n]", " ", text).strip()


def ordered_transitions(policy: Policy) -> list[Transition]:
    """Every compiled transition, by source state, then trigger, then priority."""
    state_order = {s: i for i, s in enumerate(policy.states)}
    trigger_order = {t: i for i, t in enumerate(TRIGGERS)}
    keys = sorted(
        policy.table,
        key=lambda k: (state_order.get(k[0], len(state_order)), trigger_order.get(k[1], 99), k),
    )
    return [t for key in keys for t in policy.table[key]]


LATE_WORDS = {
    "send_thank_you": "the thank-you is due: late from now on",
    "reply_to_rejection": "the gracious reply is due: late from now on",
    "respond_to_offer": "the answer to the offer is due: late from now on",
}


def local(cal: Calendar, instant: datetime | None) -> str:
    if instant is None:
        return "—"
    local = cal.local(instant)
    clock = "%H:%M:%S" if local.second or local.microsecond else "%H:%M"
    return str(local.strftime(f"%a %d %b {clock}"))


def event_short(event: Event) -> str:
    """An event in a few words, for a milestone of a gantt chart."""
    short = term_of_event(event).short
    if isinstance(event, ThankYouSent):
        return f"{short} to {event.to or 'the coordinator'}"
    return short


def decision_words(d: Decision) -> str:
    text = f"`{d.action}`"
    if d.to:
        text += " → " + ", ".join("the coordinator" if t == "coordinator" else t for t in d.to)
    if d.late:
        text += " (late)"
    if d.outcome:
        text += f" ({d.outcome})"
    return text


def window_words(d: Decision, cal: Calendar, ends: datetime | None) -> str:
    """The decision's window; ``ends``: when the state changes by itself (the action's end)."""
    if d.action == "none":
        return "—"
    if d.action == "wait":
        if d.not_before is None:
            return "until the employer writes"
        return f"until {local(cal, d.not_before)}"
    text = f"from {local(cal, d.not_before)}"
    if d.due_by is not None:
        text += f", due {local(cal, d.due_by)}"
    if ends is not None:
        text += f", ends {local(cal, ends)}"
    return text


def expectation_words(wrong: Sequence[str], xfail: str | None) -> str:
    if not wrong:
        return "✓ as expected" + (" (marked as a known bug, yet met)" if xfail else "")
    text = "✗ differs in " + ", ".join(wrong)
    return text + (f" (known: {xfail})" if xfail else "")
