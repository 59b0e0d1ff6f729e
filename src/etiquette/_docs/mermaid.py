"""The state diagrams (Mermaid ``stateDiagram-v2``), drawn from the compiled transition table."""

from __future__ import annotations

from collections.abc import Sequence

from .._engine import (
    Numbers,
    Policy,
    Transition,
)
from .words import condition_words, guard_words, mermaid_text, ordered_transitions, trigger_label


def _edge_label(t: Transition, n: Numbers, *, outcome: bool = True) -> str:
    """One transition on an arrow: its trigger, then ``[conditions, guards]`` in short words."""
    label = trigger_label(t.trigger, n)
    extra = [condition_words(c, n, short=True) for c in t.conditions]
    extra += [guard_words(g, n, short=True) for g in t.guards]
    if outcome and t.outcome is not None:
        extra.append(f"outcome {t.outcome}")
    return label + (f" [{', '.join(extra)}]" if extra else "")


def _states_words(states: Sequence[str], policy: Policy) -> str:
    """A set of states in words: listed, or "any state but …" when that is shorter."""
    others = [s for s in policy.states if s not in states]
    if len(states) > len(others) + 1 and others:
        return "any state but " + ", ".join(others)
    return ", ".join(states)


def state_diagram(policy: Policy) -> str:
    """The Mermaid ``stateDiagram-v2`` of every change of state of the compiled machine.

    A trigger that leads to one state from three states or more is drawn once, from a dashed
    box naming those states. The transitions that stay in a state, and the outcomes, are drawn
    per state by :func:`state_transitions_diagram`.
    """
    n = policy.numbers
    changes = [t for t in ordered_transitions(policy) if t.dest != t.source]
    sources: dict[tuple[str, str, str], list[str]] = {}
    for t in changes:
        label = _edge_label(t, n, outcome=False)
        sources.setdefault((t.trigger, t.dest, label), []).append(t.source)
    edges: dict[tuple[str, str], list[str]] = {}
    groups: dict[tuple[str, ...], str] = {}
    for (_, dest, label), froms in sources.items():
        first = dest not in policy.final_states
        direct = [s for s in froms if len(froms) < 3 or (s == policy.initial and first)]
        grouped = tuple(s for s in froms if s not in direct)
        for source in direct:
            edges.setdefault((source, dest), []).append(label)
        if grouped:
            node = groups.setdefault(grouped, f"from{len(groups) + 1}")
            edges.setdefault((node, dest), []).append(label)
    lines = ["stateDiagram-v2", f"    [*] --> {policy.initial}"]
    for states, node in groups.items():
        lines.append(f'    state "{mermaid_text(_states_words(states, policy))}" as {node}')
    for (source, dest), labels in edges.items():
        lines.append(f"    {source} --> {dest} : {'<br/>'.join(map(mermaid_text, labels))}")
    for state in policy.final_states:
        lines.append(f"    {state} --> [*]")
    if groups:
        lines.append("    classDef from fill:none,stroke-dasharray:4 4,font-style:italic")
        lines.append(f"    class {','.join(groups.values())} from")
    return "\n".join(lines)


def state_transitions_diagram(policy: Policy, state: str) -> str:
    """The Mermaid ``stateDiagram-v2`` of every transition out of ``state``, staying ones too."""
    n = policy.numbers
    edges: dict[str, list[str]] = {}
    for t in ordered_transitions(policy):
        if t.source == state:
            edges.setdefault(t.dest, []).append(_edge_label(t, n))
    lines = ["stateDiagram-v2", "    direction LR"]
    for dest, labels in edges.items():
        texts = [mermaid_text(label) for label in labels]
        if len(texts) > 1:
            texts = [f"• {text}" for text in texts]
        lines.append(f"    {state} --> {dest} : {'<br/>'.join(texts)}")
    return "\n".join(lines)
