"""Policy specs: the default loads, and a broken spec is refused with SpecError.

Each broken spec is made by a small textual edit of ``specs/default.toml``, read at test time,
so the tests follow the default spec as it changes. A refusal names the file, the key path and
why.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from datetime import time
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from etiquette import Policy, SpecError, load_policy

from . import strategies as s

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT / "specs" / "default.toml"
TEXT = DEFAULT.read_text(encoding="utf-8")
TRANSITIONS = tomllib.loads(TEXT)["transitions"]

STATES = ("interviewed", "thanked", "awaiting", "inquired", "offered", "rejected", "closed")


# --- editing the default spec -------------------------------------------------------------------


def once(text: str, old: str, new: str) -> str:
    """``text`` with ``old`` (which must occur exactly once) replaced by ``new``."""
    assert text.count(old) == 1, f"expected exactly one {old!r} in the spec"
    return text.replace(old, new)


def _plain(t: dict[str, Any]) -> bool:
    # not one of the transitions that facts take out of closed, or that a pending offer takes
    conditions = t.get("conditions", [])
    return t["source"] != "closed" and not any(
        c == "offer_pending" or c.startswith("outcome_") for c in conditions
    )


def index_of(trigger: str, dest: str | None = None) -> int:
    """The index of the (only) plain transition of ``trigger`` (and ``dest``) in the default
    spec: not out of closed, not on a pending offer."""
    found = [
        i
        for i, t in enumerate(TRANSITIONS)
        if t["trigger"] == trigger and (dest is None or t["dest"] == dest) and _plain(t)
    ]
    assert len(found) == 1, (trigger, dest, found)
    return found[0]


def without_source(state: str, keep: Callable[[str], bool]) -> Callable[[str], str]:
    """Take ``state`` out of the sources of every transition whose block ``keep`` refuses."""

    def edit(text: str) -> str:
        head, *blocks = text.split("\n[[transitions]]\n")
        out = []
        for block in blocks:
            if keep(block):
                out.append(block)
                continue
            block = block.replace(f'"{state}", ', "").replace(f', "{state}"', "")
            if f'source = "{state}"' not in block:
                out.append(block)
        return "\n[[transitions]]\n".join([head, *out])

    return edit


def in_transition(i: int, old: str, new: str) -> Callable[[str], str]:
    """An edit of the ``i``-th ``[[transitions]]`` table of the spec."""

    def edit(text: str) -> str:
        head, *blocks = text.split("\n[[transitions]]\n")
        assert len(blocks) == len(TRANSITIONS)
        blocks[i] = once(blocks[i], old, new)
        return "\n[[transitions]]\n".join([head, *blocks])

    return edit


def in_table(header: str, old: str, new: str) -> Callable[[str], str]:
    """An edit inside the table that starts with ``header`` (up to the next table)."""

    def edit(text: str) -> str:
        start = text.index(header + "\n")
        end = text.find("\n[", start + len(header))
        end = len(text) if end < 0 else end
        return text[:start] + once(text[start:end], old, new) + text[end:]

    return edit


def without_table(header: str) -> Callable[[str], str]:
    """Remove the table that starts with ``header``, up to the next table or section comment."""

    def edit(text: str) -> str:
        start = text.index(header + "\n")
        ends = [text.find(mark, start + len(header)) for mark in ("\n[", "\n# ---")]
        end = min(e for e in ends if e >= 0)
        return text[:start] + text[end + 1 :]

    return edit


def replace(old: str, new: str) -> Callable[[str], str]:
    return lambda text: once(text, old, new)


def append(extra: str) -> Callable[[str], str]:
    return lambda text: text + "\n" + extra


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "policy.toml"
    path.write_text(text, encoding="utf-8")
    return path


def refused(tmp_path: Path, text: str) -> tuple[Path, SpecError]:
    path = write(tmp_path, text)
    with pytest.raises(SpecError) as info:
        load_policy(path)
    return path, info.value


# --- broken specs -------------------------------------------------------------------------------

I_INQUIRY = index_of("status_inquiry_sent")
I_WITHDRAWN = index_of("withdrawn")
I_OFFER = index_of("offer_received")
I_GHOSTED = index_of("ghosted")
I_REPLY_TO_INQUIRY = index_of("reply_received", dest="awaiting")
I_DAY_OVER = index_of("thank_you_day_over")
I_LIMIT_PASSED = index_of("thank_you_limit_passed")

BROKEN: list[tuple[str, Callable[[str], str], str, tuple[str, ...]]] = [
    # (case, edit, key path, words of why)
    ("unknown top-level key", append("[extras]\nanswer = 42\n"), "extras", ("unknown key",)),
    (
        "unknown key in [policy]",
        replace('initial = "scheduled"', 'initial = "scheduled"\ninital = "scheduled"'),
        "policy.inital",
        ("unknown key",),
    ),
    (
        "unknown initial state",
        replace('initial = "scheduled"', 'initial = "start"'),
        "policy.initial",
        ("unknown state", "start"),
    ),
    (
        "unknown state key",
        replace("[states.awaiting]\n", '[states.awaiting]\ncolour = "blue"\n'),
        "states.awaiting.colour",
        ("unknown key",),
    ),
    (
        "unknown state",
        append('[states.pending]\nmeaning = "Waiting for a slot."\n'),
        "states.pending",
        ("unknown state",),
    ),
    ("missing state", without_table("[states.offered]"), "states.offered", ("missing",)),
    (
        "unknown silence rule",
        in_table("[states.offered]", '"offer-respond"', '"offer-respnd"'),
        "states.offered.silence_rule",
        ("unknown rule", "offer-respnd"),
    ),
    ("no final state", replace("final = true\n", ""), "states", ("final",)),
    (
        "unknown guard",
        in_transition(I_INQUIRY, '"inquiry_open"', '"inquiry_opened"'),
        f"transitions[{I_INQUIRY}].guards[0]",
        ("unknown guard", "inquiry_opened"),
    ),
    (
        "unknown trigger",
        in_transition(I_WITHDRAWN, 'trigger = "withdrawn"', 'trigger = "withdrew"'),
        f"transitions[{I_WITHDRAWN}].trigger",
        ("unknown trigger", "withdrew"),
    ),
    (
        "unknown condition",
        in_transition(I_GHOSTED, '"no_inquiry_left"', '"no_inquiries_left"'),
        f"transitions[{I_GHOSTED}].conditions[0]",
        ("unknown condition", "no_inquiries_left"),
    ),
    (
        "guard on the wrong trigger",
        in_transition(I_INQUIRY, '"no_offer_pending"]', '"no_offer_pending", "first_note"]'),
        f"transitions[{I_INQUIRY}].guards[5]",
        ("first_note", "status_inquiry_sent"),
    ),
    (
        "guard on a trigger that takes none",
        in_transition(
            I_WITHDRAWN, 'dest = "closed"', 'dest = "closed"\nguards = ["interview_over"]'
        ),
        f"transitions[{I_WITHDRAWN}].guards[0]",
        ("interview_over", "withdrawn"),
    ),
    (
        "unknown transition key",
        in_transition(I_WITHDRAWN, 'dest = "closed"', 'dest = "closed"\npriority = 1'),
        f"transitions[{I_WITHDRAWN}].priority",
        ("unknown key",),
    ),
    (
        "unknown destination",
        in_transition(I_OFFER, 'dest = "offered"', 'dest = "offerred"'),
        f"transitions[{I_OFFER}].dest",
        ("unknown state", "offerred"),
    ),
    (
        "unknown source",
        in_transition(I_REPLY_TO_INQUIRY, 'source = "inquired"', 'source = "inqured"'),
        f"transitions[{I_REPLY_TO_INQUIRY}].source",
        ("unknown state", "inqured"),
    ),
    (
        "unreachable state",
        lambda text: text.replace('dest = "offered"', 'dest = "awaiting"'),
        "states.offered",
        ("unreachable",),
    ),
    (
        "trap state",
        # nothing leaves rejected but the employer's words that stay in it
        without_source(
            "rejected", lambda block: 'dest = "rejected"' in block or 'dest = "="' in block
        ),
        "states.rejected",
        ("no way", "final"),
    ),
    (
        "facts are never refused: a state without a new interview round",
        replace(
            '"offered", "rejected", "closed"]\ndest = "interviewed"',
            '"offered", "rejected"]\ndest = "interviewed"',
        ),
        "transitions",
        ("closed", "refuses the fact", "interview"),
    ),
    (
        "facts are never refused: a reply taken only under a condition",
        replace(
            'source = "closed"\ndest = "="\n\n[[transitions]]\ntrigger = "offer_received"',
            'source = "closed"\ndest = "="\nconditions = ["outcome_rejected"]\n\n'
            '[[transitions]]\ntrigger = "offer_received"',
        ),
        "transitions",
        ("closed", "refuses the fact", "reply_received"),
    ),
    (
        "ghosted-close: a timed transition that stays would fire for ever",
        in_transition(I_DAY_OVER, 'source = "thanked"', 'source = ["thanked", "awaiting"]'),
        f"transitions[{I_DAY_OVER}].dest",
        ("thank_you_day_over", "must leave its state"),
    ),
    (
        "ghosted-close: timed transitions that go round in a cycle",
        in_transition(
            I_LIMIT_PASSED,
            'source = "interviewed"\ndest = "awaiting"',
            'source = "awaiting"\ndest = "thanked"',
        ),
        "transitions",
        ("cycle", "awaiting -> thanked -> awaiting"),
    ),
    (
        "a contact out of a final state",
        in_transition(I_INQUIRY, '"inquired"]', '"inquired", "closed"]'),
        f"transitions[{I_INQUIRY}].source",
        ("closed", "final", "contact"),
    ),
    (
        "a timed transition out of a final state",
        in_transition(I_GHOSTED, 'source = "inquired"', 'source = ["inquired", "closed"]'),
        f"transitions[{I_GHOSTED}].source",
        ("closed", "final", "timed"),
    ),
    (
        "missing outcome into closed",
        in_transition(I_WITHDRAWN, 'outcome = "withdrawn"\n', ""),
        f"transitions[{I_WITHDRAWN}].outcome",
        ("needs an outcome", "no_response"),
    ),
    (
        "unknown outcome",
        in_transition(I_WITHDRAWN, 'outcome = "withdrawn"', 'outcome = "gave_up"'),
        f"transitions[{I_WITHDRAWN}].outcome",
        ("needs an outcome",),
    ),
    (
        "outcome on a transition that does not close",
        in_transition(I_OFFER, 'dest = "offered"', 'dest = "offered"\noutcome = "accepted"'),
        f"transitions[{I_OFFER}].outcome",
        ("final",),
    ),
    (
        "zero duration",
        replace("due = { hours = 24 }", "due = { hours = 0 }"),
        "rules.thank-you-24h.due.hours",
        ("positive", "0"),
    ),
    (
        "negative duration",
        replace("spacing = { business_days = 5 }", "spacing = { business_days = -5 }"),
        "rules.inquiry-spacing.spacing.business_days",
        ("positive", "-5"),
    ),
    (
        "zero count",
        replace("max_unanswered = 2", "max_unanswered = 0"),
        "rules.inquiry-max-unanswered.max_unanswered",
        ("positive",),
    ),
    (
        "wrong unit",
        replace("spacing = { business_days = 5 }", "spacing = { days = 7 }"),
        "rules.inquiry-spacing.spacing.days",
        ("unknown unit", "hours", "business_days"),
    ),
    (
        "two units",
        replace("due = { hours = 24 }", "due = { hours = 24, business_days = 1 }"),
        "rules.thank-you-24h.due",
        ("hours", "business_days"),
    ),
    (
        "fractional duration",
        replace("due = { hours = 24 }", "due = { hours = 24.5 }"),
        "rules.thank-you-24h.due.hours",
        ("whole number",),
    ),
    (
        "duration that is a number",
        replace("due = { hours = 24 }", "due = 24"),
        "rules.thank-you-24h.due",
        ("hours", "business_days"),
    ),
    (
        "late limit before the thank-you is due",
        replace("limit = { business_days = 3 }", "limit = { hours = 12 }"),
        "rules.thank-you-late-limit.limit",
        ("late limit", "12 hours", "24 hours"),
    ),
    (
        "rejection reply limit before it is due",
        in_table("[rules.rejection-one-reply]", "{ business_days = 5 }", "{ business_days = 1 }"),
        "rules.rejection-one-reply.limit",
        ("1 business day", "2 business days"),
    ),
    (
        "max_total below max_unanswered",
        replace("max_total = 4", "max_total = 1"),
        "rules.inquiry-max-unanswered.max_total",
        ("max_total", "max_unanswered"),
    ),
    (
        "send window ending before it starts",
        in_table("[rules.send-window]", 'end = "17:00"', 'end = "08:00"'),
        "rules.send-window.end",
        ("end after it starts",),
    ),
    (
        "send window of no length",
        in_table("[rules.send-window]", 'end = "17:00"', 'end = "09:00"'),
        "rules.send-window.end",
        ("end after it starts",),
    ),
    (
        "send window start that is not a time",
        in_table("[rules.send-window]", 'start = "09:00"', 'start = "9am"'),
        "rules.send-window.start",
        ("HH:MM",),
    ),
    ("missing rule", without_table("[rules.closed-silence]"), "rules.closed-silence", ("missing",)),
    (
        "unknown rule",
        append(
            '[rules.be-nice]\nstatement = "Be nice."\nrationale = "It works."\n'
            'sources = ["Common sense."]\n'
        ),
        "rules.be-nice",
        ("unknown rule",),
    ),
    (
        "missing sources",
        in_table("[rules.closed-silence]", "sources = [", "# sources = ["),
        "rules.closed-silence.sources",
        ("list",),
    ),
    (
        "empty sources",
        lambda text: in_table(
            "[rules.closed-silence]",
            text.split("[rules.closed-silence]")[1].split("sources = ")[1].split("\n")[0],
            "[]",
        )(text),
        "rules.closed-silence.sources",
        ("non-empty",),
    ),
    (
        "missing rule parameter",
        replace("spacing = { business_days = 5 }\n", ""),
        "rules.inquiry-spacing.spacing",
        ("missing", "duration"),
    ),
    (
        "unknown rule parameter",
        replace(
            "spacing = { business_days = 5 }\n",
            "spacing = { business_days = 5 }\nspacng = { business_days = 5 }\n",
        ),
        "rules.inquiry-spacing.spacng",
        ("unknown key",),
    ),
    (
        "empty statement",
        in_table("[rules.closed-silence]", "statement = ", 'statement = ""\n# '),
        "rules.closed-silence.statement",
        ("non-empty",),
    ),
]


@pytest.mark.parametrize(
    ("edit", "key", "words"), [case[1:] for case in BROKEN], ids=[case[0] for case in BROKEN]
)
def test_broken_spec_names_file_key_and_why(
    tmp_path: Path, edit: Callable[[str], str], key: str, words: tuple[str, ...]
) -> None:
    text = edit(TEXT)
    assert text != TEXT
    tomllib.loads(text)  # the edit keeps it valid TOML: the spec is what is wrong
    path, error = refused(tmp_path, text)
    assert error.file == str(path)
    assert error.path == key
    for word in words:
        assert word in error.why, (word, error.why)
    assert str(error) == f"{path}: {key}: {error.why}"


def test_invalid_toml_names_the_file_and_the_line(tmp_path: Path) -> None:
    text = TEXT + "\n[[transitions]\ntrigger = 1\n"
    path, error = refused(tmp_path, text)
    assert error.file == str(path)
    assert "TOML" in error.why
    assert f"line {TEXT.count(chr(10)) + 2}" in error.why
    assert str(error).startswith(f"{path}: ")


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.toml"
    with pytest.raises(SpecError) as info:
        load_policy(path)
    assert info.value.file == str(path)
    assert "cannot read" in info.value.why


def test_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SpecError) as info:
        load_policy(tmp_path)
    assert info.value.file == str(tmp_path)
    assert "cannot read" in info.value.why


def test_a_file_that_is_not_text_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "policy.toml"
    path.write_bytes(b"\xff\xfe[policy]\n")
    with pytest.raises(SpecError) as info:
        load_policy(str(path))
    assert info.value.file == str(path)


def test_the_edits_above_are_exact() -> None:
    # guard against an edit that silently stops matching when the default spec changes
    for case, edit, _, _ in BROKEN:
        assert edit(TEXT) != TEXT, case


# --- the default ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def default() -> Policy:
    return load_policy()


def test_the_default_policy_loads(default: Policy) -> None:
    assert default.name == "default"
    assert set(default.rules) == set(s.RULE_IDS)
    assert set(STATES) <= set(default.states)
    assert default.final_states == ("closed",)


def test_every_rule_has_a_statement_a_rationale_and_sources(default: Policy) -> None:
    for rule_id, rule in default.rules.items():
        assert rule.id == rule_id
        assert rule.statement.strip()
        assert rule.rationale.strip()
        assert rule.sources
        assert all(source.strip() for source in rule.sources)


def _param(policy: Policy, rule: str, name: str) -> tuple[int, str] | int | time:
    value = policy.rules[rule].params[name]
    if isinstance(value, int | time):
        return value
    return (value.amount, value.unit)


@pytest.mark.parametrize(
    ("rule", "name", "value"),
    [
        # contract §3
        ("thank-you-24h", "due", (24, "hours")),
        ("thank-you-late-limit", "limit", (3, "business_days")),
        ("inquiry-after-timeline", "grace", (2, "business_days")),
        ("inquiry-after-timeline", "default_wait", (7, "business_days")),
        ("inquiry-spacing", "spacing", (5, "business_days")),
        ("inquiry-max-unanswered", "max_unanswered", 2),
        ("inquiry-max-unanswered", "max_total", 4),
        ("ongoing-wait", "wait", (5, "business_days")),
        ("ghosted-close", "wait", (10, "business_days")),
        ("rejection-one-reply", "due", (2, "business_days")),
        ("rejection-one-reply", "limit", (5, "business_days")),
        ("offer-respond", "due", (2, "business_days")),
        ("send-window", "start", time(9, 0)),
        ("send-window", "end", time(17, 0)),
    ],
)
def test_the_default_numbers_are_the_contracts(
    default: Policy, rule: str, name: str, value: object
) -> None:
    assert _param(default, rule, name) == value


def test_the_packaged_spec_is_specs_default_toml_byte_for_byte() -> None:
    packaged = resources.files("etiquette").joinpath("_specs", "default.toml").read_bytes()
    assert packaged == DEFAULT.read_bytes()


def test_loading_the_file_equals_loading_the_default(default: Policy) -> None:
    from_file = load_policy(DEFAULT)
    assert from_file.source == str(DEFAULT)
    assert from_file.rules == default.rules
    assert from_file.numbers == default.numbers
    assert from_file.states == default.states


def test_a_users_numbers_replace_the_defaults(tmp_path: Path) -> None:
    text = replace("spacing = { business_days = 5 }", "spacing = { business_days = 3 }")(TEXT)
    policy = load_policy(write(tmp_path, text))
    assert _param(policy, "inquiry-spacing", "spacing") == (3, "business_days")
    assert policy.source == str(tmp_path / "policy.toml")
