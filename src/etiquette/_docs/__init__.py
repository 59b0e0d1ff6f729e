"""Reference pages generated from a policy spec: ``etiquette docs``.

Everything on these pages is computed from a compiled :class:`~etiquette.Policy` and from the
worked scenarios beside it, so the documentation cannot drift from the rules:

* ``machine.md`` — the state machine as a Mermaid ``stateDiagram-v2`` drawn from the compiled
  transition table (the same table the engine walks), guards and timed transitions in words with
  the policy's own numbers, and the transition table itself;
* ``rules.md`` — one section per rule id: statement, parameters with units, rationale, sources,
  and where the machine enforces it;
* ``invariants.md`` — the no-pushy invariants P1 to P7 with the policy's numbers, and the floors;
* ``scenarios/<name>.md`` — one page per worked scenario: the application, then a timeline
  computed by running the engine, and a Mermaid gantt chart of the windows.

The pages are MyST Markdown. Output is deterministic: no clock, no absolute path, a fixed order,
so regenerating from an unchanged spec changes no byte.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from .._engine import InvalidApplication, load_policy
from .mermaid import state_diagram, state_transitions_diagram
from .pages import GENERATED_MARK, render_pages
from .scenarios import Check, Query, Scenario, load_scenario, load_scenarios, timeline
from .words import trigger_label

__all__ = [
    "GENERATED_MARK",
    "Check",
    "Query",
    "Scenario",
    "check_pages",
    "generate",
    "load_scenario",
    "load_scenarios",
    "render_pages",
    "state_diagram",
    "state_transitions_diagram",
    "timeline",
    "trigger_label",
    "write_pages",
]


def _generated_files(out: Path) -> list[str]:
    if not out.is_dir():
        return []
    found = []
    for path in sorted(out.rglob("*.md")):
        try:
            head = path.read_text(encoding="utf-8")[: len(GENERATED_MARK)]
        except (OSError, UnicodeDecodeError):
            continue
        if head == GENERATED_MARK:
            found.append(path.relative_to(out).as_posix())
    return found


def check_pages(pages: Mapping[str, str], out: Path) -> list[str]:
    """What writing ``pages`` into ``out`` would change: ``changed:``/``new:``/``stale:`` lines."""
    problems = []
    for rel, text in pages.items():
        path = out / rel
        if not path.exists():
            problems.append(f"new: {rel}")
        elif path.read_bytes() != text.encode("utf-8"):
            problems.append(f"changed: {rel}")
    problems += [f"stale: {rel}" for rel in _generated_files(out) if rel not in pages]
    return problems


def write_pages(pages: Mapping[str, str], out: Path) -> list[str]:
    """Write the pages into ``out``, remove generated pages no longer produced; return changes."""
    changes = check_pages(pages, out)
    for rel, text in pages.items():
        path = out / rel
        data = text.encode("utf-8")
        if not path.exists() or path.read_bytes() != data:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
    for rel in _generated_files(out):
        if rel not in pages:
            (out / rel).unlink()
    return changes


def generate(
    spec: str | None, out: Path, scenarios_dir: Path | None, *, check_only: bool
) -> tuple[dict[str, str], list[str]]:
    """Load the policy and scenarios, render the pages, and write or compare them."""
    policy = load_policy(spec)
    if scenarios_dir is None:
        base = Path(spec).parent if spec is not None else Path("specs")
        scenarios_dir = base / "scenarios"
    scenarios = load_scenarios(scenarios_dir)
    proof = out.parent / "proof.md"
    pages = render_pages(policy, scenarios, proof_link="../proof.md" if proof.is_file() else None)
    try:
        changes = check_pages(pages, out) if check_only else write_pages(pages, out)
    except OSError as exc:
        raise InvalidApplication(str(out), f"cannot write the pages: {exc}") from None
    return pages, changes
