"""Policy specs as data: the states, the rules with their numbers, and the checked values.

A policy spec is a TOML document (``specs/default.toml`` is the default) holding the states, the
transitions with their guards, every number, and each rule's id, statement, rationale and
sources. :func:`read_spec` checks all of it but the transitions (which :mod:`.machine` checks
as it compiles them) and refuses a bad spec with :class:`SpecError` naming the file, the key
path and why; :mod:`.spec` puts the two together into a :class:`Policy`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import time
from typing import Any

import attrs
import transitions

from .errors import SpecError
from .times import Chain, Duration, chain, quoted

__all__ = ["STATES", "Numbers", "Policy", "Rule", "SpecParts", "read_spec"]

#: The engine's states: a spec describes each of them (meaning, final, silence rule).
STATES = (
    "scheduled",
    "interviewed",
    "thanked",
    "awaiting",
    "inquired",
    "offered",
    "rejected",
    "closed",
)

#: What each rule carries besides its texts: parameter name -> kind.
RULE_PARAMS: dict[str, dict[str, str]] = {
    "thank-you-24h": {"due": "duration"},
    "thank-you-late-limit": {"limit": "duration"},
    "handwritten-note-optional": {},
    "no-bombarding": {"quiet": "duration"},
    "inquiry-after-timeline": {"grace": "duration", "default_wait": "duration"},
    "inquiry-spacing": {"spacing": "duration"},
    "inquiry-max-unanswered": {"max_unanswered": "count", "max_total": "count"},
    "ongoing-wait": {"wait": "duration"},
    "ghosted-close": {"wait": "duration"},
    "rejection-one-reply": {"due": "duration", "limit": "duration"},
    "offer-respond": {"due": "duration"},
    "closed-silence": {},
    "send-window": {"start": "clock", "end": "clock"},
}
_RULE_TEXTS = ("statement", "rationale", "sources")


@attrs.frozen
class Rule:
    """One rule of a policy: its id, its texts and its parameters."""

    id: str
    statement: str
    rationale: str
    sources: tuple[str, ...]
    params: Mapping[str, Duration | int | time]


@attrs.frozen
class Numbers:
    """Every number of a policy, typed, for the engine."""

    thank_you_due: Duration
    late_limit: Duration
    quiet: Duration
    grace: Duration
    default_wait: Duration
    spacing: Duration
    max_unanswered: int
    max_total: int
    ongoing_wait: Duration
    ghost_wait: Duration
    rejection_due: Duration
    rejection_limit: Duration
    offer_due: Duration
    window_start: time
    window_end: time
    #: The sums from the inquiry opening to the latest close (ghosted-close, invariant P7):
    #: (max_unanswered - 1) inquiry spacings, then the ghosting wait.
    cold_chain: tuple[Duration | Chain, ...] = attrs.field(init=False, eq=False, repr=False)

    @cold_chain.default
    def _cold_chain(self) -> tuple[Duration | Chain, ...]:
        return chain((self.spacing,) * (self.max_unanswered - 1) + (self.ghost_wait,))


@attrs.frozen(eq=False)
class Policy:
    """A checked, compiled policy spec. Build one with :func:`load_policy`."""

    name: str
    source: str
    initial: str
    states: Mapping[str, Mapping[str, Any]]
    rules: Mapping[str, Rule]
    numbers: Numbers
    machine: transitions.Machine = attrs.field(repr=False)
    table: Any = attrs.field(repr=False)  # machine.Table
    spec: Mapping[str, Any] = attrs.field(repr=False)
    #: The names of the final states.
    final_states: tuple[str, ...] = attrs.field(init=False, repr=False)

    @final_states.default
    def _finals(self) -> tuple[str, ...]:
        return tuple(s for s, d in self.states.items() if d.get("final", False))


@attrs.frozen
class SpecParts:
    """A spec's data, checked: all a :class:`Policy` holds but its compiled machine."""

    name: str
    initial: str
    states: Mapping[str, Mapping[str, Any]]
    rules: Mapping[str, Rule]
    numbers: Numbers
    #: the ``[[transitions]]`` tables, as written (the machine checks and compiles them)
    transitions: list[Any]
    fail: Callable[[str, str], SpecError]


def read_spec(data: dict[str, Any], where: str) -> SpecParts:
    """Check everything of a parsed spec but its transitions; ``where`` names it in errors."""

    def fail(path: str, why: str) -> SpecError:
        return SpecError(where, path, why)

    _only(data, ("policy", "states", "rules", "transitions"), "", fail)
    head = _table(data, "policy", "", fail)
    _only(head, ("name", "version", "initial", "description"), "policy", fail)
    name = head.get("name", where)
    if not isinstance(name, str) or not name:
        raise fail("policy.name", "expected a non-empty string")
    initial = head.get("initial")
    if not isinstance(initial, str):
        raise fail("policy.initial", "expected the name of the initial state")

    states = _table(data, "states", "", fail)
    for state in STATES:
        if state not in states:
            raise fail(f"states.{state}", "missing; every state of the engine must be described")
    for state, body in states.items():
        path = f"states.{state}"
        if state not in STATES:
            raise fail(path, f"unknown state (known: {', '.join(STATES)})")
        if not isinstance(body, dict):
            raise fail(path, "expected a table")
        _only(body, ("meaning", "final", "silence_rule"), path, fail)
        if not isinstance(body.get("meaning"), str):
            raise fail(f"{path}.meaning", "expected a one-sentence string")
        if "final" in body and not isinstance(body["final"], bool):
            raise fail(f"{path}.final", "expected true or false")
        rule = body.get("silence_rule")
        if rule is not None and (not isinstance(rule, str) or rule not in RULE_PARAMS):
            raise fail(f"{path}.silence_rule", f"unknown rule id {quoted(rule)}")
    if initial not in states:
        raise fail("policy.initial", f"unknown state {quoted(initial)}")

    rules = _rules(_table(data, "rules", "", fail), fail)
    numbers = _numbers(rules, fail)

    raw = data.get("transitions")
    if not isinstance(raw, list) or not raw:
        raise fail("transitions", "expected a non-empty array of tables [[transitions]]")
    return SpecParts(
        name, initial, {k: dict(v) for k, v in states.items()}, rules, numbers, raw, fail
    )


def _only(table: Mapping[str, Any], allowed: tuple[str, ...], path: str, fail: Any) -> None:
    for key in table:
        if key not in allowed:
            where = f"{path}.{key}" if path else key
            raise fail(where, f"unknown key (allowed: {', '.join(allowed)})")


def _table(data: Mapping[str, Any], key: str, path: str, fail: Any) -> dict[str, Any]:
    where = f"{path}.{key}" if path else key
    value = data.get(key)
    if value is None:
        raise fail(where, "missing table")
    if not isinstance(value, dict):
        raise fail(where, "expected a table")
    return value


def _rules(table: dict[str, Any], fail: Any) -> dict[str, Rule]:
    for rule_id in RULE_PARAMS:
        if rule_id not in table:
            raise fail(f"rules.{rule_id}", "missing rule")
    out: dict[str, Rule] = {}
    for rule_id, body in table.items():
        path = f"rules.{rule_id}"
        if rule_id not in RULE_PARAMS:
            raise fail(path, f"unknown rule id (known: {', '.join(RULE_PARAMS)})")
        if not isinstance(body, dict):
            raise fail(path, "expected a table")
        kinds = RULE_PARAMS[rule_id]
        _only(body, (*_RULE_TEXTS, *kinds), path, fail)
        for text in ("statement", "rationale"):
            if not isinstance(body.get(text), str) or not body[text].strip():
                raise fail(f"{path}.{text}", "expected a non-empty string")
        sources = body.get("sources")
        if (
            not isinstance(sources, list)
            or not sources
            or not all(isinstance(s, str) and s.strip() for s in sources)
        ):
            raise fail(f"{path}.sources", "expected a non-empty list of strings")
        params: dict[str, Duration | int | time] = {}
        for param, kind in kinds.items():
            ppath = f"{path}.{param}"
            if param not in body:
                raise fail(ppath, f"missing {_KIND_TEXT[kind]}")
            params[param] = _READERS[kind](body[param], ppath, fail)
        out[rule_id] = Rule(rule_id, body["statement"], body["rationale"], tuple(sources), params)
    return out


_KIND_TEXT = {
    "duration": "duration ({ hours = N } or { business_days = N })",
    "count": "whole number",
    "clock": 'local time "HH:MM"',
}


def _duration(value: object, path: str, fail: Any) -> Duration:
    if not isinstance(value, dict) or len(value) != 1:
        raise fail(path, "expected a duration: { hours = N } or { business_days = N }")
    [(unit, amount)] = value.items()
    if unit not in ("hours", "business_days"):
        raise fail(f"{path}.{unit}", "unknown unit (expected hours or business_days)")
    if not isinstance(amount, int) or isinstance(amount, bool):
        raise fail(f"{path}.{unit}", "expected a whole number")
    if amount <= 0:
        raise fail(f"{path}.{unit}", f"must be positive, got {amount}")
    return Duration(amount, unit)


def _count(value: object, path: str, fail: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise fail(path, "expected a whole number")
    if value <= 0:
        raise fail(path, f"must be positive, got {value}")
    return value


def _clock(value: object, path: str, fail: Any) -> time:
    if not isinstance(value, str) or len(value) != 5 or value[2] != ":":
        raise fail(path, 'expected a local time "HH:MM"')
    try:
        return time.fromisoformat(value)
    except ValueError:
        raise fail(path, f'{quoted(value)} is not a local time "HH:MM"') from None


_READERS: dict[str, Any] = {"duration": _duration, "count": _count, "clock": _clock}


def _at_least(a: Duration, b: Duration) -> bool:
    """Whether ``a`` ≥ ``b`` from any starting instant (a business day lasts at least 24 h)."""
    if a.unit == b.unit:
        return a.amount >= b.amount
    if a.unit == "business_days":
        return a.amount * 24 >= b.amount
    return False


def _numbers(rules: Mapping[str, Rule], fail: Any) -> Numbers:
    def p(rule: str, param: str) -> Any:
        return rules[rule].params[param]

    numbers = Numbers(
        thank_you_due=p("thank-you-24h", "due"),
        late_limit=p("thank-you-late-limit", "limit"),
        quiet=p("no-bombarding", "quiet"),
        grace=p("inquiry-after-timeline", "grace"),
        default_wait=p("inquiry-after-timeline", "default_wait"),
        spacing=p("inquiry-spacing", "spacing"),
        max_unanswered=p("inquiry-max-unanswered", "max_unanswered"),
        max_total=p("inquiry-max-unanswered", "max_total"),
        ongoing_wait=p("ongoing-wait", "wait"),
        ghost_wait=p("ghosted-close", "wait"),
        rejection_due=p("rejection-one-reply", "due"),
        rejection_limit=p("rejection-one-reply", "limit"),
        offer_due=p("offer-respond", "due"),
        window_start=p("send-window", "start"),
        window_end=p("send-window", "end"),
    )
    if not _at_least(numbers.late_limit, numbers.thank_you_due):
        raise fail(
            "rules.thank-you-late-limit.limit",
            f"the late limit ({numbers.late_limit.describe()}) must not come before the "
            f"thank-you is due ({numbers.thank_you_due.describe()})",
        )
    if not _at_least(numbers.rejection_limit, numbers.rejection_due):
        raise fail(
            "rules.rejection-one-reply.limit",
            f"the limit ({numbers.rejection_limit.describe()}) must not come before the reply "
            f"is due ({numbers.rejection_due.describe()})",
        )
    if numbers.max_total < numbers.max_unanswered:
        raise fail(
            "rules.inquiry-max-unanswered.max_total",
            f"max_total ({numbers.max_total}) must be at least max_unanswered "
            f"({numbers.max_unanswered})",
        )
    if numbers.window_start >= numbers.window_end:
        raise fail("rules.send-window.end", "the send window must end after it starts")
    return numbers
