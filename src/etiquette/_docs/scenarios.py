"""Worked scenarios: reading ``specs/scenarios/*.toml``, what the author expects, and the
timeline the engine gives. The one reader of scenario files (the test suite uses it too)."""

from __future__ import annotations

import heapq
import json
import tomllib
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import attrs

from .._engine import (
    Application,
    Context,
    Decision,
    Event,
    InvalidApplication,
    Policy,
    SpecError,
    Transition,
    Verdict,
    load_policy,
    next_action,
    next_deadline,
    parse_instant,
    replay,
)
from .words import LATE_WORDS, timed_words

#: The keys a scenario file, a query, a check and their expectations may hold.
SCENARIO_KEYS = ("title", "about", "rules", "policy", "application", "queries", "checks")
QUERY_KEYS = ("now", "note", "expect", "proves", "xfail")
CHECK_KEYS = ("at", "action", "to", "note", "expect", "proves", "xfail")
#: A query expects keys of the decision's wire format; a check, these of its verdict.
DECISION_KEYS = (
    "application",
    "as_of",
    "state",
    "action",
    "to",
    "not_before",
    "due_by",
    "suggested_at",
    "late",
    "rule",
    "reason",
    "optional",
    "blocked",
    "outcome",
    "revisit_at",
)
VERDICT_KEYS = ("allowed", "rules", "rules_include", "allowed_from")


def _only(
    data: Mapping[str, Any],
    allowed: Sequence[str],
    path: str,
    fail: Callable[[str, str], SpecError],
) -> None:
    for key in data:
        if key not in allowed:
            where = f"{path}.{key}" if path else str(key)
            raise fail(where, f"unknown key (allowed: {', '.join(allowed)})")


@attrs.frozen
class Query:
    """A ``[[queries]]`` entry: ``next_action`` at ``now``, with what the author expects."""

    now: datetime
    note: str
    expect: Mapping[str, Any]
    proves: str | None = None
    xfail: str | None = None


@attrs.frozen
class Check:
    """A ``[[checks]]`` entry: ``check(action, at, to=...)``, with what the author expects."""

    at: datetime
    action: str
    to: str | None
    note: str
    expect: Mapping[str, Any]
    proves: str | None = None
    xfail: str | None = None


@attrs.frozen
class Scenario:
    """One worked scenario file of ``specs/scenarios``."""

    name: str
    file: str
    title: str
    about: str
    rules: tuple[str, ...]
    policy_file: str | None
    policy: Policy | None
    application: Application
    queries: tuple[Query, ...]
    checks: tuple[Check, ...]


def _wire(value: object, path: str, fail: Callable[[str, str], SpecError]) -> object:
    """TOML values as the JSON wire format: offset date-times and dates become strings."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise fail(path, f"{value.isoformat()} has no UTC offset")
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        raise fail(path, "a time of day is neither an instant nor a date")
    if isinstance(value, dict):
        return {str(k): _wire(v, f"{path}.{k}", fail) for k, v in value.items()}
    if isinstance(value, list):
        return [_wire(v, f"{path}[{i}]", fail) for i, v in enumerate(value)]
    return value


def _text(data: Mapping[str, Any], key: str, fail: Callable[[str, str], SpecError]) -> str:
    value = data.get(key, "")
    if not isinstance(value, str):
        raise fail(key, "expected a string")
    return value.strip()


def load_scenario(path: Path) -> Scenario:
    """Read one scenario file; :class:`SpecError` names the file and key path of a problem."""
    where = path.name

    def fail(key: str, why: str) -> SpecError:
        return SpecError(where, key, why)

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise fail("", f"cannot read: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise fail("", f"not valid TOML: {exc}") from None
    _only(data, SCENARIO_KEYS, "", fail)
    rules = data.get("rules", [])
    if not isinstance(rules, list) or not all(isinstance(r, str) for r in rules):
        raise fail("rules", "expected a list of rule ids")
    policy_file = data.get("policy")
    policy: Policy | None = None
    if policy_file is not None:
        if not isinstance(policy_file, str):
            raise fail("policy", "expected the file name of a policy spec")
        policy = load_policy(path.parent / policy_file)
    raw_app = data.get("application")
    if not isinstance(raw_app, dict):
        raise fail("application", "missing table [application]")
    try:
        application = Application.from_dict(_wire(raw_app, "application", fail))
    except InvalidApplication as exc:
        raise fail(f"application.{exc.path}", exc.why) from None
    queries = []
    for i, q in enumerate(_entries(data, "queries", fail)):
        _only(q, QUERY_KEYS, f"queries[{i}]", fail)
        expect = q.get("expect", {})
        if not isinstance(expect, dict):
            raise fail(f"queries[{i}].expect", "expected a table")
        _only(expect, DECISION_KEYS, f"queries[{i}].expect", fail)
        queries.append(
            Query(
                now=_instant(q.get("now"), f"queries[{i}].now", fail),
                note=_text(q, "note", fail),
                expect=_nulls(expect),
                proves=_optional_text(q, "proves", f"queries[{i}]", fail),
                xfail=_optional_text(q, "xfail", f"queries[{i}]", fail),
            )
        )
    checks = []
    for i, c in enumerate(_entries(data, "checks", fail)):
        _only(c, CHECK_KEYS, f"checks[{i}]", fail)
        expect = c.get("expect", {})
        if not isinstance(expect, dict):
            raise fail(f"checks[{i}].expect", "expected a table")
        _only(expect, VERDICT_KEYS, f"checks[{i}].expect", fail)
        action = c.get("action")
        if not isinstance(action, str):
            raise fail(f"checks[{i}].action", "expected an action name")
        to = c.get("to")
        if to is not None and not isinstance(to, str):
            raise fail(f"checks[{i}].to", "expected a name")
        checks.append(
            Check(
                at=_instant(c.get("at"), f"checks[{i}].at", fail),
                action=action,
                to=to,
                note=_text(c, "note", fail),
                expect=_nulls(expect),
                proves=_optional_text(c, "proves", f"checks[{i}]", fail),
                xfail=_optional_text(c, "xfail", f"checks[{i}]", fail),
            )
        )
    return Scenario(
        name=path.stem,
        file=path.name,
        title=_text(data, "title", fail) or path.stem,
        about=_text(data, "about", fail),
        rules=tuple(rules),
        policy_file=policy_file,
        policy=policy,
        application=application,
        queries=tuple(queries),
        checks=tuple(checks),
    )


def _nulls(value: Any) -> Any:
    """The scenario files write the wire format's null as the string "null"."""
    if value == "null":
        return None
    if isinstance(value, dict):
        return {k: _nulls(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_nulls(v) for v in value]
    return value


def _optional_text(
    data: Mapping[str, Any], key: str, path: str, fail: Callable[[str, str], SpecError]
) -> str | None:
    value = data.get(key)
    if value is not None and not isinstance(value, str):
        raise fail(f"{path}.{key}", "expected a string")
    return value


def _entries(
    data: Mapping[str, Any], key: str, fail: Callable[[str, str], SpecError]
) -> list[dict[str, Any]]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise fail(key, f"expected an array of tables [[{key}]]")
    return value


def _instant(value: object, path: str, fail: Callable[[str, str], SpecError]) -> datetime:
    wired = _wire(value, path, fail)
    try:
        return parse_instant(wired, path)
    except InvalidApplication as exc:
        raise fail(path, exc.why) from None


def load_scenarios(folder: Path) -> list[Scenario]:
    """Every ``*.toml`` scenario of a folder, by file name; none when the folder is missing."""
    if not folder.is_dir():
        return []
    return [load_scenario(p) for p in sorted(folder.glob("*.toml"))]


_INSTANT_KEYS = (
    "as_of",
    "not_before",
    "due_by",
    "suggested_at",
    "revisit_at",
    "until",
    "allowed_from",
)


def _same_instant(a: object, b: object) -> bool:
    if a is None or b is None:
        return a is None and b is None
    try:
        return parse_instant(_plain(a), "a") == parse_instant(_plain(b), "b")
    except InvalidApplication:
        return False


def _plain(value: object) -> object:
    return value.isoformat() if isinstance(value, datetime) else value


def mismatches(expect: Mapping[str, Any], actual: Mapping[str, Any]) -> list[str]:
    """The keys of ``expect`` that ``actual`` (a wire-format dict) does not match."""
    wrong = []
    for key, want in expect.items():
        got = actual.get(key)
        if key in _INSTANT_KEYS:
            ok = _same_instant(want, got)
        elif key == "blocked" and isinstance(want, list) and isinstance(got, list):
            ok = len(want) == len(got) and all(
                isinstance(w, dict)
                and all(
                    _same_instant(w.get(k), g.get(k)) if k == "until" else w.get(k) == g.get(k)
                    for k in w
                )
                for w, g in zip(want, got, strict=True)
            )
        else:
            ok = want == got
        if not ok:
            wrong.append(key)
    return wrong


def check_mismatches(expect: Mapping[str, Any], verdict: Verdict) -> list[str]:
    broken = {v.rule for v in verdict.violations}
    wrong = []
    if "allowed" in expect and expect["allowed"] != verdict.allowed:
        wrong.append("allowed")
    if "rules" in expect and set(expect["rules"] or ()) != broken:
        wrong.append("rules")
    if "rules_include" in expect and not set(expect["rules_include"] or ()) <= broken:
        wrong.append("rules_include")
    if "allowed_from" in expect and not _same_instant(expect["allowed_from"], verdict.allowed_from):
        wrong.append("allowed_from")
    return wrong


@attrs.frozen
class Row:
    at: datetime
    events: tuple[Event, ...]
    queries: tuple[int, ...]
    decision: Decision
    context: Context
    happened: str
    fired: Transition | None  # the timed transition that made this row, if one did


def _decision_key(d: Decision) -> tuple[object, ...]:
    return (d.state, d.action, d.to, d.not_before, d.due_by, d.late, d.rule, d.outcome)


def timeline(app: Application, policy: Policy, queries: Sequence[Query]) -> list[Row]:
    """Decisions at every event, query and instant where the decision changes by itself.

    The timeline runs to the scenario's last event or query, and one change beyond it.
    """
    fixed = sorted({e.at for e in app.events} | {q.now for q in queries})
    if not fixed:
        return []
    last_fixed = fixed[-1]
    heap = list(fixed)
    heapq.heapify(heap)
    seen = set(fixed)
    computed: dict[datetime, tuple[Decision, Context, tuple[datetime, Transition] | None]] = {}
    while heap and len(computed) < 400:
        t = heapq.heappop(heap)
        decision = next_action(app, t, policy)
        ctx = replay(app, policy, t)
        timed = next_deadline(ctx, policy)
        computed[t] = (decision, ctx, timed)
        if t > last_fixed:
            continue  # past the scenario's last instant, only the next change is shown
        later: list[datetime | None] = [decision.due_by, *(b.until for b in decision.blocked)]
        if decision.action == "wait":
            later.append(decision.not_before)
        if timed is not None:
            later.append(timed[0])
        if t == last_fixed:
            later = [min((x for x in later if x is not None and x > t), default=None)]
        for x in later:
            if x is not None and x > t and x not in seen:
                seen.add(x)
                heapq.heappush(heap, x)
    rows: list[Row] = []
    previous: tuple[Decision, Context, tuple[datetime, Transition] | None] | None = None
    for t in sorted(computed):
        decision, ctx, timed = computed[t]
        events = tuple(e for e in sorted(app.events, key=lambda e: e.at) if e.at == t)
        qs = tuple(i + 1 for i, q in enumerate(queries) if q.now == t)
        if previous is None:
            rows.append(Row(t, events, qs, decision, ctx, "", None))
        elif events or qs or _decision_key(decision) != _decision_key(previous[0]):
            due = previous[2]
            fired = due[1] if due is not None and due[0] <= t and not events else None
            happened = "" if events else _by_itself(previous[0], decision, fired, policy)
            rows.append(Row(t, events, qs, decision, ctx, happened, fired))
        previous = computed[t]
    return rows


def _by_itself(before: Decision, after: Decision, fired: Transition | None, policy: Policy) -> str:
    """What changed at an instant without any event: a timed transition, or a window."""
    if fired is not None and before.state != after.state:
        return timed_words(fired.trigger, policy.numbers).happens
    if before.action == "wait" and after.action == "send_status_inquiry":
        return "the status inquiry opens"
    if not before.late and after.late:
        return LATE_WORDS.get(after.action, "the deadline passes")
    if "mail_handwritten_note" in before.optional and "mail_handwritten_note" not in after.optional:
        return "the window for an optional handwritten note ends"
    return ""


def closes_at(ctx: Context, policy: Policy) -> datetime | None:
    timed = next_deadline(ctx, policy)
    return None if timed is None else timed[0]


def wire_json(app: Application) -> str:
    """The application's JSON, one event per line."""
    data = app.to_dict()
    events = data.pop("events")
    head = [f"  {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}" for k, v in data.items()]
    body = [f"    {json.dumps(e, ensure_ascii=False)}" for e in events]
    if not body:
        return "{\n" + ",\n".join([*head, '  "events": []']) + "\n}"
    return "{\n" + ",\n".join([*head, '  "events": [\n' + ",\n".join(body) + "\n  ]"]) + "\n}"
