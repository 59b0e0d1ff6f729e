"""The generated reference pages (``etiquette docs``) and the examples of the hand-written docs.

The pages must say what the engine does with the spec they come from: every rule with its
sources, every state and transition of the compiled machine in the diagrams, the policy's own
numbers, timelines that are the engine's decisions, and a byte-identical result on every run.
The hand-written pages' Python and command-line examples are run here, so they cannot rot.
"""

from __future__ import annotations

import contextlib
import doctest
import re
import shlex
from collections.abc import Iterator
from pathlib import Path

import pytest

from etiquette import SpecError, load_policy, next_action
from etiquette._cli import _parser, main
from etiquette._docs import (
    GENERATED_MARK,
    check_pages,
    load_scenario,
    load_scenarios,
    render_pages,
    timeline,
    write_pages,
)
from etiquette._engine.machine import TRIGGERS
from etiquette._engine.policy import Policy

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "specs" / "default.toml"
SCENARIOS = ROOT / "specs" / "scenarios"
DOCS = ROOT / "docs"
TIMES = "\u00d7"  # the multiplication sign of the pages' formulas


@pytest.fixture(scope="module")
def default() -> Policy:
    return load_policy(SPEC)


@pytest.fixture(scope="module")
def pages(default: Policy) -> dict[str, str]:
    return render_pages(default, load_scenarios(SCENARIOS))


def _section(page: str, heading: str) -> str:
    """The text of a ``## heading`` section, up to the next heading of that level."""
    start = page.index(f"\n## {heading}\n")
    end = page.find("\n## ", start + 1)
    return page[start : end if end != -1 else len(page)]


# --- rules ----------------------------------------------------------------------------------------


def test_every_rule_id_appears_with_its_statement_parameters_and_sources(
    default: Policy, pages: dict[str, str]
) -> None:
    rules = pages["rules.md"]
    for rule in default.rules.values():
        section = _section(rules, rule.id)
        assert rule.statement in section, rule.id
        assert rule.rationale in section, rule.id
        for source in rule.sources:
            assert f"- {source}" in section, (rule.id, source)
        for name, value in rule.params.items():
            assert f"`{name}`" in section, (rule.id, name)
            if hasattr(value, "describe"):
                assert value.describe() in section, (rule.id, name)


def test_every_rule_link_points_at_a_rule_section(pages: dict[str, str]) -> None:
    headings = set(re.findall(r"^## (\S+)$", pages["rules.md"], re.M))
    for name, text in pages.items():
        for target in re.findall(r"\]\((?:\.\./)?rules\.md#([^)]+)\)", text):
            assert target in headings, (name, target)


# --- the machine ----------------------------------------------------------------------------------

#: What each trigger is called on the diagrams' arrows (timed ones: with the policy's numbers).
_WORDS = {
    "interview": "interview",
    "reply_received": "employer replies",
    "offer_received": "offer received",
    "rejection_received": "rejection received",
    "thank_you_sent": "thank-you sent",
    "note_mailed": "handwritten note",
    "status_inquiry_sent": "status inquiry sent",
    "rejection_reply_sent": "gracious reply sent",
    "offer_accepted": "offer accepted",
    "offer_declined": "offer declined",
    "withdrawn": "withdrawn",
}


def _trigger_words(trigger: str, policy: Policy) -> str:
    n = policy.numbers
    timed = {
        "thank_you_day_over": f"after {n.thank_you_due.describe()}",
        "thank_you_limit_passed": f"after {n.late_limit.describe()}",
        "ghosted": f"{n.ghost_wait.describe()} without an answer",
        "gone_cold": "P7 bound",
        "reply_window_over": f"after {n.rejection_limit.describe()}",
    }
    words = {**_WORDS, **timed}
    assert trigger in words, f"the docs test has no words for the trigger {trigger!r}"
    return words[trigger]


def _diagrams(page: str) -> list[str]:
    return [
        block
        for block in re.findall(r"^```mermaid\n(.*?)^```$", page, re.M | re.S)
        if block.startswith("stateDiagram-v2")
    ]


def _edges(diagram: str) -> list[tuple[str, str, list[str]]]:
    edges = []
    for line in diagram.splitlines():
        match = re.fullmatch(r"\s*(\S+) --> (\S+)(?: : (.*))?", line)
        if match:
            source, dest, label = match.groups()
            edges.append((source, dest, (label or "").split("<br/>")))
    return edges


def test_the_diagrams_list_every_state_and_every_transition(
    default: Policy, pages: dict[str, str]
) -> None:
    diagrams = _diagrams(pages["machine.md"])
    overview, per_state = diagrams[0], diagrams[1:]
    drawn = {s for source, dest, _ in _edges(overview) for s in (source, dest)}
    assert set(default.states) <= drawn
    edges = [edge for diagram in per_state for edge in _edges(diagram)]
    for (source, trigger), transitions in default.table.items():
        for t in transitions:
            words = _trigger_words(trigger, default)
            assert any(
                s == source and d == t.dest and any(words in line for line in labels)
                for s, d, labels in edges
            ), f"{source} --{trigger}--> {t.dest} is not drawn"
    # and nothing is drawn that the machine does not have
    for source, dest, labels in edges:
        for line in labels:
            assert any(
                t.dest == dest and _trigger_words(t.trigger, default) in line
                for (s, _), ts in default.table.items()
                if s == source
                for t in ts
            ), f"{source} --> {dest} : {line} is not a transition"


def test_the_overview_draws_every_change_of_state_from_its_sources(
    default: Policy, pages: dict[str, str]
) -> None:
    overview = _diagrams(pages["machine.md"])[0]
    groups = {node: text for text, node in re.findall(r'state "([^"]+)" as (\S+)', overview)}

    def covers(node: str, state: str) -> bool:
        if node == state:
            return True
        text = groups.get(node, "")
        if text.startswith("any state but "):
            return state not in text.removeprefix("any state but ").split(", ")
        return state in text.split(", ")

    edges = _edges(overview)
    for (source, trigger), transitions in default.table.items():
        for t in transitions:
            if t.dest == source:
                continue
            words = _trigger_words(trigger, default)
            assert any(
                covers(s, source) and d == t.dest and any(words in x for x in labels)
                for s, d, labels in edges
            ), f"{source} --{trigger}--> {t.dest} is not in the overview"


def test_guards_and_timed_transitions_are_labelled_in_words_with_the_numbers(
    default: Policy, pages: dict[str, str]
) -> None:
    n = default.numbers
    edges = [e for d in _diagrams(pages["machine.md"]) for e in _edges(d)]

    def label(source: str, dest: str) -> str:
        return " | ".join(" ".join(ls) for s, d, ls in edges if s == source and d == dest)

    inquiry = label("awaiting", "inquired")
    assert f"≤ {n.max_unanswered} unanswered" in inquiry
    assert f"≥ {n.spacing.describe()} apart" in inquiry
    assert f"after {n.thank_you_due.describe()}" in label("thanked", "awaiting")
    assert f"after {n.late_limit.describe()}" in label("interviewed", "awaiting")
    assert f"within {n.late_limit.describe()}" in label("interviewed", "thanked")


def test_every_mermaid_arrow_has_one_label_separator(pages: dict[str, str]) -> None:
    for block in _diagrams(pages["machine.md"]):
        for line in block.splitlines():
            if "-->" in line and " : " in line:
                assert line.count(":") == 1, line


# --- invariants -----------------------------------------------------------------------------------


def test_the_invariants_carry_the_policys_numbers(default: Policy, pages: dict[str, str]) -> None:
    n = default.numbers
    text = pages["invariants.md"]
    for key in ("P1", "P2", "P3", "P4", "P5", "P6", "P7"):
        assert f"**{key}**" in text
    assert f"at least {n.spacing.describe()} apart" in text
    assert f"at most {n.max_unanswered} status inquiries since the employer last wrote" in text
    bound = f"{n.max_unanswered - 1} {TIMES} {n.spacing.describe()} + {n.ghost_wait.describe()}"
    assert bound in text
    assert "## The floors" in text


# --- determinism ----------------------------------------------------------------------------------


def test_regeneration_is_byte_identical(default: Policy, tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    scenarios = load_scenarios(SCENARIOS)
    write_pages(render_pages(default, scenarios), first)
    write_pages(render_pages(load_policy(SPEC), load_scenarios(SCENARIOS)), second)
    names = sorted(p.relative_to(first).as_posix() for p in first.rglob("*.md"))
    assert names == sorted(p.relative_to(second).as_posix() for p in second.rglob("*.md"))
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    assert check_pages(render_pages(default, scenarios), first) == []
    assert write_pages(render_pages(default, scenarios), first) == []


def test_pages_name_no_machine_path(pages: dict[str, str]) -> None:
    for name, text in pages.items():
        assert str(ROOT) not in text, name
        assert not re.search(r"(?<![\w.])/(?:home|tmp|root|usr|work)/", text), name


def test_the_scenarios_index_and_pages_are_sorted_by_file_name(pages: dict[str, str]) -> None:
    names = [p.stem for p in sorted(SCENARIOS.glob("*.toml"))]
    assert [
        n.removeprefix("scenarios/").removesuffix(".md")
        for n in pages
        if n.startswith("scenarios/") and n != "scenarios/index.md"
    ] == names
    toc = pages["scenarios/index.md"]
    positions = [toc.index(f"\n{name}\n") for name in names]
    assert positions == sorted(positions)


# --- a user's own spec ----------------------------------------------------------------------------


def _own_spec(tmp_path: Path) -> Path:
    text = SPEC.read_text(encoding="utf-8")
    changes = {
        'name = "default"': 'name = "patient"',
        "due = { hours = 24 }": "due = { hours = 48 }",
        "spacing = { business_days = 5 }": "spacing = { business_days = 7 }",
        "max_unanswered = 2": "max_unanswered = 3",
        "max_total = 4": "max_total = 5",
        'statement = "Two status inquiries are at least this far apart."': (
            'statement = "Leave a full week and more between two status inquiries."'
        ),
    }
    for old, new in changes.items():
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    text = text.replace(
        '"Common guidance: follow-ups spaced about a week apart;',
        '"Our own house rule: seven business days.", "Common guidance: follow-ups spaced about '
        "a week apart;",
    )
    spec = tmp_path / "patient.toml"
    spec.write_text(text, encoding="utf-8")
    return spec


def test_a_users_own_spec_produces_its_own_pages(
    tmp_path: Path, pages: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    spec = _own_spec(tmp_path)
    out = tmp_path / "site" / "generated"
    assert main(["docs", "--spec", str(spec), "--out", str(out)]) == 0
    capsys.readouterr()
    machine = (out / "machine.md").read_text(encoding="utf-8")
    rules = (out / "rules.md").read_text(encoding="utf-8")
    invariants = (out / "invariants.md").read_text(encoding="utf-8")
    assert "'patient' (patient.toml)" in machine
    drawn = "\n".join(_diagrams(machine))
    assert "after 48 hours" in drawn
    assert "after 24 hours" not in machine
    assert "≤ 3 unanswered, ≤ 5 per round" in drawn
    assert "≥ 7 business days apart" in drawn
    spacing = _section(rules, "inquiry-spacing")
    assert "Leave a full week and more between two status inquiries." in spacing
    assert "- Our own house rule: seven business days." in spacing
    assert "7 business days" in spacing
    assert "at least 7 business days apart" in invariants
    assert f"2 {TIMES} 7 business days + 10 business days" in invariants
    assert f"2 {TIMES} interviewers + 3 candidate messages" in invariants
    # no scenarios beside the spec: no scenario pages
    assert not (out / "scenarios").exists()
    assert machine != pages["machine.md"]


def test_own_scenarios_beside_the_spec_are_rendered_with_its_numbers(tmp_path: Path) -> None:
    spec = _own_spec(tmp_path)
    (tmp_path / "scenarios").mkdir()
    (tmp_path / "scenarios" / "one.toml").write_text(_SCENARIO, encoding="utf-8")
    policy = load_policy(spec)
    rendered = render_pages(policy, load_scenarios(tmp_path / "scenarios"))
    page = rendered["scenarios/one.md"]
    # thank-you due 48 hours after the interview's end (11:00), not 24
    assert "on time (48 hours) :active, 2026-11-23 11:00, 2026-11-25 11:00" in page
    # the scenario expects the default's 24 hours: its checkpoint is marked, with a warning
    assert "```{warning}" in page
    assert "✗ differs in due_by" in page


# --- the CLI: write, check, stale pages -------------------------------------------------------


def test_docs_check_reports_changed_new_and_stale_pages(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "generated"
    assert main(["docs", "--check", "--out", str(out), "--scenarios", str(tmp_path)]) == 1
    assert "new: machine.md" in capsys.readouterr().out
    assert main(["docs", "--out", str(out), "--scenarios", str(tmp_path)]) == 0
    assert main(["docs", "--check", "--out", str(out), "--scenarios", str(tmp_path)]) == 0
    capsys.readouterr()
    (out / "rules.md").write_text((out / "rules.md").read_text() + "edited\n")
    (out / "old.md").write_text(GENERATED_MARK + " from an older run -->\n")
    (out / "mine.md").write_text("# my own page\n")
    assert main(["docs", "--check", "--out", str(out), "--scenarios", str(tmp_path)]) == 1
    report = capsys.readouterr().out
    assert "changed: rules.md" in report
    assert "stale: old.md" in report
    assert "mine.md" not in report
    assert main(["docs", "--out", str(out), "--scenarios", str(tmp_path)]) == 0
    assert not (out / "old.md").exists()
    assert (out / "mine.md").read_text() == "# my own page\n"
    assert main(["docs", "--check", "--out", str(out), "--scenarios", str(tmp_path)]) == 0


def test_a_bad_scenario_is_one_line_naming_file_and_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = _SCENARIO.replace("now = 2026-11-24T10:59:59-05:00", "now = 2026-11-24T10:59:59")
    (tmp_path / "bad.toml").write_text(bad, encoding="utf-8")
    with pytest.raises(SpecError) as info:
        load_scenario(tmp_path / "bad.toml")
    assert (info.value.file, info.value.path) == ("bad.toml", "queries[0].now")
    code = main(["docs", "--out", str(tmp_path / "out"), "--scenarios", str(tmp_path)])
    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith("error: bad.toml: queries[0].now:")
    assert err.count("\n") == 1


# --- scenario pages -------------------------------------------------------------------------------

_SCENARIO = """
title = "Two interviewers, one thanked late"
about = "Ana is thanked the same day; Bo only after the thank-you was due."
rules = ["thank-you-24h", "thank-you-late-limit"]

[application]
id = "acme-1"
timezone = "America/New_York"
country = "US"

[[application.events]]
type = "interview"
at = 2026-11-23T10:00:00-05:00
interviewers = ["Ana Ruiz", "Bo Chen"]
decision_expected_by = 2026-12-04

[[application.events]]
type = "thank_you_sent"
at = 2026-11-23T15:00:00-05:00
to = "Ana Ruiz"

[[application.events]]
type = "thank_you_sent"
at = 2026-11-24T14:00:00-05:00
to = "Bo Chen"

[[queries]]
now = 2026-11-24T10:59:59-05:00
note = "One second before the thank-you is due: still on time."
[queries.expect]
state = "interviewed"
action = "send_thank_you"
to = ["Bo Chen"]
late = false
due_by = 2026-11-24T11:00:00-05:00

[[checks]]
at = 2026-11-30T10:00:00-05:00
action = "send_status_inquiry"
note = "Too early: the inquiry opens after the stated date plus grace."
expect = { allowed = false, rules = ["inquiry-after-timeline"], allowed_from = "null" }
xfail = "written to show a known difference"
"""


def test_a_scenario_page_shows_application_timeline_windows_and_checkpoints(
    default: Policy, tmp_path: Path
) -> None:
    (tmp_path / "late.toml").write_text(_SCENARIO, encoding="utf-8")
    page = render_pages(default, load_scenarios(tmp_path))["scenarios/late.md"]
    assert page.startswith(GENERATED_MARK)
    assert "# Two interviewers, one thanked late" in page
    assert '"id": "acme-1"' in page
    assert "## Timeline" in page
    # the windows of the round: on time from the end (at + 1 h) for 24 hours, late until +3 bd
    assert "on time (24 hours) :active, 2026-11-23 11:00, 2026-11-24 11:00" in page
    assert "late, still allowed :crit, 2026-11-24 11:00, 2026-11-27 11:00" in page
    # the row at which the thank-you became late, though nothing happened then
    assert "| Tue 24 Nov 11:00 | the thank-you is due: late from now on |" in page
    assert "**Q1** · Tue 24 Nov 10:59:59" in page
    assert "✓ as expected" in page
    # the check's expectation differs, but it is marked as known: no warning for the page
    assert "(known: written to show a known difference)" in page
    assert "```{warning}" not in page


def test_every_timeline_row_is_the_engines_decision_at_its_instant(default: Policy) -> None:
    scenarios = load_scenarios(SCENARIOS)
    assert scenarios, "no worked scenarios in specs/scenarios"
    for scenario in scenarios:
        policy = scenario.policy or default
        rows = timeline(scenario.application, policy, scenario.queries)
        instants = [row.at for row in rows]
        assert instants == sorted(set(instants)), scenario.name
        for event in scenario.application.events:
            assert event.at in instants, (scenario.name, event)
        for query in scenario.queries:
            assert query.now in instants, (scenario.name, query.now)
        for row in rows:
            assert row.decision == next_action(scenario.application, row.at, policy)


def test_the_default_scenarios_agree_with_their_expectations(pages: dict[str, str]) -> None:
    for name, text in pages.items():
        if name.startswith("scenarios/"):
            assert "```{warning}" not in text, name


# --- the hand-written pages -----------------------------------------------------------------------

_HAND_WRITTEN = sorted(p for p in DOCS.glob("*.md"))


def _fenced(text: str, language: str) -> list[tuple[int, str]]:
    """(line number, body) of each fenced block in ``language``."""
    found = []
    for match in re.finditer(rf"^```{language}\n(.*?)^```$", text, re.M | re.S):
        found.append((text.count("\n", 0, match.start()) + 2, match.group(1)))
    return found


@pytest.mark.parametrize("page", _HAND_WRITTEN, ids=lambda p: p.name)
def test_the_python_examples_of_the_docs_run(page: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(DOCS)
    text = page.read_text(encoding="utf-8")
    parser = doctest.DocTestParser()
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    report: list[str] = []
    globs: dict[str, object] = {"__name__": page.stem}
    for line, body in _fenced(text, "pycon"):
        test = parser.get_doctest(body, globs, f"{page.name}:{line}", str(page), line)
        runner.run(test, out=report.append, clear_globs=False)
        globs = test.globs
    assert runner.failures == 0, "".join(report)


def _transcripts(text: str) -> Iterator[tuple[int, str, str]]:
    """(line, command, expected output) of each ``$ etiquette …`` in a console block."""
    for line, body in _fenced(text, "console"):
        parts = re.split(r"^\$ ", body, flags=re.M)
        for part in parts[1:]:
            command, _, output = part.partition("\n")
            yield line, command, output


def _matches(expected: str, actual: str) -> bool:
    """Exact, except that a line ``...`` stands for any number of lines."""
    pieces = expected.split("...\n") if expected.endswith("...\n") else [expected]
    if len(pieces) == 1:
        return actual == expected
    return actual.startswith(pieces[0])


@pytest.mark.parametrize("page", _HAND_WRITTEN, ids=lambda p: p.name)
def test_the_command_line_examples_of_the_docs_print_what_they_show(
    page: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    monkeypatch.chdir(DOCS)
    # the tracker's commands of a page share one database, new for the page
    monkeypatch.setenv("ETIQUETTE_DB", str(tmp_path / "tracker.sqlite3"))
    for line, command, expected in _transcripts(page.read_text(encoding="utf-8")):
        argv = shlex.split(command)
        assert argv[0] == "etiquette", f"{page.name}:{line}: only etiquette commands are run"
        with contextlib.suppress(SystemExit):
            main(argv[1:])
        captured = capsys.readouterr()
        actual = captured.out + captured.err
        assert _matches(expected, actual), f"{page.name}:{line}: $ {command}\n{actual}"


def test_the_cli_reference_documents_every_command_and_option() -> None:
    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    parser = _parser()
    commands = next(a for a in parser._actions if a.dest == "command")
    for name, sub in commands.choices.items():  # type: ignore[union-attr]
        assert f"## etiquette {name}" in text, name
        section = _section(text, f"etiquette {name}")
        for action in sub._actions:
            for option in action.option_strings:
                if option.startswith("--") and option != "--help":
                    assert option in section, (name, option)


def test_every_trigger_of_the_engine_has_words_in_this_test(default: Policy) -> None:
    for trigger in TRIGGERS:
        assert _trigger_words(trigger, default)


# --- every rule is enforced somewhere a reader can find -------------------------------------------


@pytest.mark.parametrize("rule_id", list(load_policy().rules))
def test_every_rule_says_where_it_is_enforced(rule_id: str) -> None:
    pages = render_pages(load_policy(), [])
    section = pages["rules.md"].split(f"\n## {rule_id}\n", 1)[1].split("\n## ", 1)[0]
    assert "**Enforced by.**" in section, rule_id


def test_ongoing_wait_and_rejection_one_reply_have_guards_of_their_own() -> None:
    rules = render_pages(load_policy(), [])["rules.md"]
    ongoing = rules.split("\n## ongoing-wait\n", 1)[1].split("\n## ", 1)[0]
    assert "guard `ongoing_wait_over`" in ongoing
    reply = rules.split("\n## rejection-one-reply\n", 1)[1].split("\n## ", 1)[0]
    assert "guard `within_reply_window`" in reply
