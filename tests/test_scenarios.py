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

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
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
    SpecError,
    check,
    load_policy,
    next_action,
)
from etiquette._docs import Check, Query, Scenario, load_scenario, load_scenarios

SCENARIOS = Path(__file__).resolve().parent.parent / "specs" / "scenarios"

#: The instants of a decision (an expectation gives each as an offset date-time, or null).
DECISION_INSTANTS = {"as_of", "not_before", "due_by", "suggested_at", "revisit_at"}

DEFAULT = load_policy()


def policy_of(scenario: Scenario) -> Policy:
    return scenario.policy or DEFAULT


@dataclass(frozen=True)
class Case:
    """One query (``kind == "q"``) or check (``kind == "c"``) of a scenario."""

    scenario: Scenario
    kind: str
    number: int
    entry: Query | Check

    @property
    def proves(self) -> str:
        expect = self.entry.expect
        if self.entry.proves is not None:
            return self.entry.proves
        if self.kind == "q" and "rule" in expect:
            return str(expect["rule"])
        for key in ("rules", "rules_include"):
            if self.kind == "c" and expect.get(key):
                return str(expect[key][0])
        return self.scenario.rules[0] if self.scenario.rules else "no-rule"

    @property
    def id(self) -> str:
        return f"{self.proves}::{self.scenario.name}::{self.kind}{self.number}"


#: Every scenario, read by the one reader of scenario files (the docs generator's).
ALL = load_scenarios(SCENARIOS)


def _cases() -> Iterator[Case]:
    for scenario in ALL:
        for i, query in enumerate(scenario.queries, 1):
            yield Case(scenario, "q", i, query)
        for i, item in enumerate(scenario.checks, 1):
            yield Case(scenario, "c", i, item)


CASES = list(_cases())


def _params(kind: str) -> list[Any]:
    out = []
    for case in CASES:
        if case.kind != kind:
            continue
        marks = []
        if case.entry.xfail is not None:
            marks.append(pytest.mark.xfail(strict=True, reason=case.entry.xfail))
        out.append(pytest.param(case, id=case.id, marks=marks))
    return out


# --- comparing --------------------------------------------------------------------------------


def _aware(value: object, where: str) -> datetime:
    assert isinstance(value, datetime), f"{where}: expected an offset date-time, got {value!r}"
    assert value.utcoffset() is not None, f"{where}: a local date-time has no offset"
    return value


def _same_instant(expected: object, actual: str | None, where: str) -> str | None:
    """A mismatch message, or None when ``actual`` (wire text or null) is ``expected``."""
    if expected is None:
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


def _query(case: Case) -> Query:
    assert isinstance(case.entry, Query)
    return case.entry


def _check(case: Case) -> Check:
    assert isinstance(case.entry, Check)
    return case.entry


@pytest.mark.parametrize("case", _params("q"))
def test_query(case: Case) -> None:
    """next_action at ``now`` gives the decision the scenario documents."""
    query = _query(case)
    now = _aware(query.now, f"{case.id}: now")
    decision = next_action(case.scenario.application, now, policy_of(case.scenario)).to_dict()
    problems = _decision_mismatches(query.expect, decision)
    assert not problems, f"{query.note}\n" + "\n".join(problems) + f"\ngot: {decision}"


@pytest.mark.parametrize("case", _params("c"))
def test_check(case: Case) -> None:
    """check of one contact at ``at`` gives the verdict the scenario documents."""
    item = _check(case)
    at = _aware(item.at, f"{case.id}: at")
    verdict = check(
        case.scenario.application, item.action, at, policy_of(case.scenario), to=item.to
    ).to_dict()
    problems = _verdict_mismatches(item.expect, verdict)
    assert not problems, f"{item.note}\n" + "\n".join(problems) + f"\ngot: {verdict}"


@pytest.mark.parametrize("scenario", ALL, ids=[s.name for s in ALL])
def test_scenario_is_well_formed(scenario: Scenario) -> None:
    """Every scenario reads well as a page: title, about, known rule ids, a note on each case."""
    known = set(policy_of(scenario).rules)
    assert scenario.title != scenario.name, "a scenario needs a title"
    assert scenario.about, "a scenario needs an about paragraph"
    assert scenario.rules, "a scenario names the rules it exercises"
    assert set(scenario.rules) <= known, f"unknown rule ids {set(scenario.rules) - known}"
    assert scenario.queries, "a scenario has at least one query"
    cases = [c for c in CASES if c.scenario is scenario]
    for case in cases:
        assert case.entry.note, f"{case.id}: a note says why"
        assert case.entry.expect, f"{case.id}: nothing expected"
        assert case.proves in scenario.rules, f"{case.id}: proves a rule the scenario omits"
    proven = {c.proves for c in cases}
    assert set(scenario.rules) <= proven, f"rules never proven here: {set(scenario.rules) - proven}"


@pytest.mark.parametrize(
    ("where", "text"),
    [
        ("colour", 'title = "t"\ncolour = "red"\n'),
        ("queries[0].when", "[[queries]]\nwhen = 2026-11-23T10:00:00Z\n"),
        (
            "queries[0].expect.colour",
            "[[queries]]\nnow = 2026-11-23T10:00:00Z\n[queries.expect]\ncolour = 1\n",
        ),
        (
            "checks[0].expect.state",
            "\n".join(
                ("[[checks]]", "at = 2026-11-23T10:00:00Z", 'action = "send_thank_you"'),
            )
            + '\n[checks.expect]\nstate = "x"\n',
        ),
    ],
)
def test_the_reader_refuses_an_unknown_key_by_its_path(
    tmp_path: Path, where: str, text: str
) -> None:
    app = (
        '[application]\nid = "a"\n'
        '[[application.events]]\ntype = "interview"\nat = 2026-11-23T10:00:00Z\n'
    )
    path = tmp_path / "bad.toml"
    path.write_text(text + app if not text.startswith("[[") else app + text, encoding="utf-8")
    with pytest.raises(SpecError) as info:
        load_scenario(path)
    assert (info.value.file, info.value.path) == ("bad.toml", where)
    assert "unknown key" in info.value.why


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
    app = _zoned(scenario.application)
    tz = ZoneInfo(app.timezone)
    policy = policy_of(scenario)
    problems = []
    for case in CASES:
        if case.scenario is not scenario or case.entry.xfail is not None:
            continue
        if case.kind == "q":
            now = _aware(_query(case).now, case.id).astimezone(tz)
            got = next_action(app, now, policy).to_dict()
            found = _decision_mismatches(case.entry.expect, got)
        else:
            item = _check(case)
            at = _aware(item.at, case.id).astimezone(tz)
            got = check(app, item.action, at, policy, to=item.to).to_dict()
            found = _verdict_mismatches(item.expect, got)
        problems += [f"{case.id}: {p}" for p in found]
    assert not problems, "\n".join(problems)


def test_every_rule_has_a_worked_scenario() -> None:
    """Each rule id of the default policy is proven by at least one query or check."""
    proven = {c.proves for c in CASES if c.scenario.policy is None}
    missing = set(DEFAULT.rules) - proven
    assert not missing, f"rules without a worked scenario: {sorted(missing)}"
