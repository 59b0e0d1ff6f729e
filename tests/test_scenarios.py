"""The worked scenarios of ``specs/scenarios/`` run as tests, one test per query and per check.

Each scenario is an application in the wire format plus queries (``next_action`` at an instant,
with the decision expected there) and checks (``check`` of one contact at an instant, with the
verdict expected). The format is described in ``specs/scenarios/README.md``.

Test ids read ``<rule id>::<scenario>::q<n>`` (queries) and ``<rule id>::<scenario>::c<n>``
(checks), numbered from 1 in file order, so that searching for a rule id finds its proofs.
The rule id is the case's ``proves`` key, else the rule the expectation names, else the
scenario's first rule. Each scenario is also replayed with its instants as zoneinfo datetimes
(``test_scenario_with_zoned_instants``), the way Python callers often hold them.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import pytest

from etiquette import (
    Application,
    Event,
    Interview,
    OfferReceived,
    Policy,
    check,
    load_policy,
    next_action,
)

SCENARIOS = Path(__file__).resolve().parent.parent / "specs" / "scenarios"

#: TOML has no null: this string stands for the wire format's null in an expectation.
NULL = "null"

SCENARIO_KEYS = {"title", "about", "rules", "policy", "application", "queries", "checks"}
QUERY_KEYS = {"now", "note", "expect", "proves", "xfail"}
CHECK_KEYS = {"at", "action", "to", "note", "expect", "proves", "xfail"}
DECISION_INSTANTS = {"as_of", "not_before", "due_by", "suggested_at", "revisit_at"}
DECISION_KEYS = DECISION_INSTANTS | {
    "application",
    "state",
    "action",
    "to",
    "late",
    "rule",
    "reason",
    "optional",
    "blocked",
    "outcome",
}
VERDICT_KEYS = {"allowed", "rules", "rules_include", "allowed_from"}


@dataclass(frozen=True)
class Scenario:
    """One scenario file, read."""

    name: str
    data: Mapping[str, Any]

    @property
    def rules(self) -> list[str]:
        return list(self.data.get("rules", []))

    def application(self) -> Application:
        return Application.from_dict(_wire(self.data["application"]))

    def policy(self) -> Policy:
        return _policy(self.data.get("policy"))


@dataclass(frozen=True)
class Case:
    """One query (``kind == "q"``) or check (``kind == "c"``) of a scenario."""

    scenario: Scenario
    kind: str
    number: int
    data: Mapping[str, Any]

    @property
    def proves(self) -> str:
        expect = self.data.get("expect", {})
        if "proves" in self.data:
            return str(self.data["proves"])
        if self.kind == "q" and "rule" in expect:
            return str(expect["rule"])
        for key in ("rules", "rules_include"):
            if self.kind == "c" and expect.get(key):
                return str(expect[key][0])
        return self.scenario.rules[0] if self.scenario.rules else "no-rule"

    @property
    def id(self) -> str:
        return f"{self.proves}::{self.scenario.name}::{self.kind}{self.number}"


@cache
def _policy(relative: str | None) -> Policy:
    return load_policy(None if relative is None else SCENARIOS / relative)


def _wire(value: Any) -> Any:
    """TOML values -> the JSON wire format: dates and date-times become RFC 3339 text.

    A TOML local date-time (no offset) becomes text without an offset, which the engine refuses,
    as it refuses such text in JSON.
    """
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {k: _wire(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_wire(v) for v in value]
    return value


def _load() -> list[Scenario]:
    found = []
    for path in sorted(SCENARIOS.glob("*.toml")):
        with path.open("rb") as f:
            found.append(Scenario(path.stem, tomllib.load(f)))
    return found


ALL = _load()


def _cases() -> Iterator[Case]:
    for scenario in ALL:
        for i, query in enumerate(scenario.data.get("queries", []), 1):
            yield Case(scenario, "q", i, query)
        for i, item in enumerate(scenario.data.get("checks", []), 1):
            yield Case(scenario, "c", i, item)


CASES = list(_cases())


def _params(kind: str) -> list[Any]:
    out = []
    for case in CASES:
        if case.kind != kind:
            continue
        marks = []
        if "xfail" in case.data:
            marks.append(pytest.mark.xfail(strict=True, reason=str(case.data["xfail"])))
        out.append(pytest.param(case, id=case.id, marks=marks))
    return out


# --- comparing --------------------------------------------------------------------------------


def _aware(value: object, where: str) -> datetime:
    assert isinstance(value, datetime), f"{where}: expected an offset date-time, got {value!r}"
    assert value.utcoffset() is not None, f"{where}: a local date-time has no offset"
    return value


def _same_instant(expected: object, actual: str | None, where: str) -> str | None:
    """A mismatch message, or None when ``actual`` (wire text or null) is ``expected``."""
    if expected == NULL:
        return None if actual is None else f"{where}: expected null, got {actual}"
    want = _aware(expected, where)
    if actual is None:
        return f"{where}: expected {want.isoformat()}, got null"
    if datetime.fromisoformat(actual) != want:
        return f"{where}: expected {want.isoformat()}, got {actual}"
    return None


def _decision_mismatches(expect: Mapping[str, Any], got: Mapping[str, Any]) -> list[str]:
    problems = []
    for key, want in expect.items():
        if key in DECISION_INSTANTS:
            problem = _same_instant(want, got[key], key)
        elif key == "blocked":
            problem = _blocked_mismatch(want, got[key])
        elif key == "outcome" and want == NULL:
            problem = None if got[key] is None else f"outcome: expected null, got {got[key]!r}"
        else:
            problem = None if got[key] == want else f"{key}: expected {want!r}, got {got[key]!r}"
        if problem:
            problems.append(problem)
    return problems


def _blocked_mismatch(want: list[Mapping[str, Any]], got: list[Mapping[str, Any]]) -> str | None:
    if len(want) != len(got):
        return f"blocked: expected {len(want)} entries, got {got!r}"
    for i, (w, g) in enumerate(zip(want, got, strict=True)):
        for key in ("action", "rule"):
            if w[key] != g[key]:
                return f"blocked[{i}].{key}: expected {w[key]!r}, got {g[key]!r}"
        problem = _same_instant(w["until"], g["until"], f"blocked[{i}].until")
        if problem:
            return problem
    return None


def _verdict_mismatches(expect: Mapping[str, Any], got: Mapping[str, Any]) -> list[str]:
    problems = []
    broken = {v["rule"] for v in got["violations"]}
    if "allowed" in expect and got["allowed"] != expect["allowed"]:
        problems.append(f"allowed: expected {expect['allowed']!r}, got {got['allowed']!r}")
    if got["allowed"] and broken:
        problems.append(f"allowed, yet it lists violations {sorted(broken)}")
    if "rules" in expect and broken != set(expect["rules"]):
        problems.append(f"rules: expected {sorted(expect['rules'])}, got {sorted(broken)}")
    if "rules_include" in expect and not set(expect["rules_include"]) <= broken:
        problems.append(f"rules_include: {sorted(expect['rules_include'])} not in {sorted(broken)}")
    if "allowed_from" in expect:
        # the earliest instant at which every broken rule allows it; null if one never does
        froms = [v["allowed_from"] for v in got["violations"]]
        if got["allowed"]:
            actual: str | None = got["at"]
        elif any(f is None for f in froms):
            actual = None
        else:
            actual = max(froms, key=datetime.fromisoformat)
        problem = _same_instant(expect["allowed_from"], actual, "allowed_from")
        if problem:
            problems.append(problem)
    return problems


# --- the tests --------------------------------------------------------------------------------


@pytest.mark.parametrize("case", _params("q"))
def test_query(case: Case) -> None:
    """next_action at ``now`` gives the decision the scenario documents."""
    now = _aware(case.data["now"], f"{case.id}: now")
    decision = next_action(case.scenario.application(), now, case.scenario.policy()).to_dict()
    problems = _decision_mismatches(case.data["expect"], decision)
    assert not problems, f"{case.data['note']}\n" + "\n".join(problems) + f"\ngot: {decision}"


@pytest.mark.parametrize("case", _params("c"))
def test_check(case: Case) -> None:
    """check of one contact at ``at`` gives the verdict the scenario documents."""
    at = _aware(case.data["at"], f"{case.id}: at")
    verdict = check(
        case.scenario.application(),
        case.data["action"],
        at,
        case.scenario.policy(),
        to=case.data.get("to"),
    ).to_dict()
    problems = _verdict_mismatches(case.data["expect"], verdict)
    assert not problems, f"{case.data['note']}\n" + "\n".join(problems) + f"\ngot: {verdict}"


@pytest.mark.parametrize("scenario", ALL, ids=[s.name for s in ALL])
def test_scenario_is_well_formed(scenario: Scenario) -> None:
    """Every scenario reads well as a page: title, about, known rule ids, a note on each case."""
    data = scenario.data
    known = set(scenario.policy().rules)
    assert set(data) <= SCENARIO_KEYS, f"unknown keys {sorted(set(data) - SCENARIO_KEYS)}"
    assert str(data.get("title", "")).strip(), "a scenario needs a title"
    assert str(data.get("about", "")).strip(), "a scenario needs an about paragraph"
    assert scenario.rules, "a scenario names the rules it exercises"
    assert set(scenario.rules) <= known, f"unknown rule ids {set(scenario.rules) - known}"
    assert data.get("queries"), "a scenario has at least one query"
    cases = [c for c in CASES if c.scenario is scenario]
    for case in cases:
        allowed_keys = QUERY_KEYS if case.kind == "q" else CHECK_KEYS
        expect_keys = DECISION_KEYS if case.kind == "q" else VERDICT_KEYS
        assert set(case.data) <= allowed_keys, f"{case.id}: unknown keys"
        assert str(case.data.get("note", "")).strip(), f"{case.id}: a note says why"
        assert case.data.get("expect"), f"{case.id}: nothing expected"
        assert set(case.data["expect"]) <= expect_keys, f"{case.id}: unknown expect keys"
        assert case.proves in scenario.rules, f"{case.id}: proves a rule the scenario omits"
    proven = {c.proves for c in cases}
    assert set(scenario.rules) <= proven, f"rules never proven here: {set(scenario.rules) - proven}"
    scenario.application()  # the application itself is valid wire format


def _zoned(app: Application) -> Application:
    """The same application with every instant an aware datetime in its own zone (zoneinfo)."""
    tz = ZoneInfo(app.timezone)

    def zoned(event: Event) -> Event:
        changes: dict[str, Any] = {"at": event.at.astimezone(tz)}
        if isinstance(event, Interview) and event.ends_at is not None:
            changes["ends_at"] = event.ends_at.astimezone(tz)
        if isinstance(event, OfferReceived) and isinstance(event.respond_by, datetime):
            changes["respond_by"] = event.respond_by.astimezone(tz)
        return attrs.evolve(event, **changes)

    return attrs.evolve(app, events=tuple(zoned(e) for e in app.events))


@pytest.mark.parametrize(
    "scenario",
    [pytest.param(s, id=s.name) for s in ALL],
)
def test_scenario_with_zoned_instants(scenario: Scenario) -> None:
    """The Python API takes any aware datetime: the scenario's instants given in the
    application's own zone (zoneinfo, not fixed offsets) lead to the same decisions and verdicts.
    """
    app = _zoned(scenario.application())
    tz = ZoneInfo(app.timezone)
    policy = scenario.policy()
    problems = []
    for case in CASES:
        if case.scenario is not scenario or "xfail" in case.data:
            continue
        if case.kind == "q":
            now = _aware(case.data["now"], case.id).astimezone(tz)
            got = next_action(app, now, policy).to_dict()
            found = _decision_mismatches(case.data["expect"], got)
        else:
            at = _aware(case.data["at"], case.id).astimezone(tz)
            got = check(app, case.data["action"], at, policy, to=case.data.get("to")).to_dict()
            found = _verdict_mismatches(case.data["expect"], got)
        problems += [f"{case.id}: {p}" for p in found]
    assert not problems, "\n".join(problems)


def test_every_rule_has_a_worked_scenario() -> None:
    """Each rule id of the default policy is proven by at least one query or check."""
    proven = {c.proves for c in CASES if c.scenario.data.get("policy") is None}
    missing = set(_policy(None).rules) - proven
    assert not missing, f"rules without a worked scenario: {sorted(missing)}"
