"""The lint of a message: what reads as pushy, too long, impersonal, argumentative or misspelt.

Each finding has a rule id (``lint-pushy``, ``lint-punctuation``, ``lint-shouting``,
``lint-too-long``, ``lint-no-notes``, ``lint-no-thanks``, ``lint-argues``, ``lint-spelling``),
the span it is about (line and column from 1, and the text) and a suggestion. The phrases are
data: ``phrases.toml`` beside this module.
"""

from __future__ import annotations

import functools
import re
import tomllib
from pathlib import Path
from typing import Any

import attrs

from .._engine import MESSAGE_KINDS, Application, Interview, InvalidApplication

__all__ = ["KINDS", "RULES", "Finding", "lint"]

#: The kinds of message there are drafts and a lint for.
KINDS = MESSAGE_KINDS

#: Every rule of the lint, with what it says.
RULES = {
    "lint-pushy": "pushy or demanding phrasing",
    "lint-punctuation": "repeated ! or ?",
    "lint-shouting": "shouting in capitals",
    "lint-too-long": "longer than a message of its kind should be",
    "lint-no-notes": "a thank-you that refers to nothing said in the interview",
    "lint-no-thanks": "a reply to a rejection that does not thank them",
    "lint-argues": "a reply to a rejection that argues with the decision",
    "lint-spelling": "a word that looks misspelt",
}


@attrs.frozen
class Finding:
    """One thing the lint found: the rule, where (line and column from 1), the text, and what to
    do instead."""

    rule: str
    line: int
    column: int
    text: str
    suggestion: str

    def to_dict(self) -> dict[str, Any]:
        """The wire format."""
        return {
            "rule": self.rule,
            "line": self.line,
            "column": self.column,
            "text": self.text,
            "suggestion": self.suggestion,
        }


@functools.cache
def _phrases() -> dict[str, Any]:
    with (Path(__file__).parent / "phrases.toml").open("rb") as f:
        return tomllib.load(f)


def _extended(path: Path) -> dict[str, Any]:
    """The built-in phrases with a user's file's lists added (and its numbers in place)."""
    try:
        extra = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InvalidApplication(str(path), f"cannot read the phrases: {exc}") from None
    data = {section: dict(values) for section, values in _phrases().items()}
    for section, values in extra.items():
        if section not in data or not isinstance(values, dict):
            raise InvalidApplication(f"{path}: {section}", "unknown section of the phrases")
        for key, value in values.items():
            known = data[section].get(key)
            if isinstance(known, list) and isinstance(value, list):
                data[section][key] = [*known, *value]
            elif key in data[section] and isinstance(value, type(known)):
                data[section][key] = value
            else:
                raise InvalidApplication(
                    f"{path}: {section}.{key}", "unknown, or of the wrong kind"
                )
    return data


def lint(
    text: str,
    kind: str,
    app: Application | None = None,
    *,
    phrases: str | Path | None = None,
) -> list[Finding]:
    """What in ``text``, a message of ``kind``, breaks the etiquette of its wording; ``app``
    (optional) gives the names and notes that are not misspellings and that a thank-you should
    draw on; ``phrases`` (optional) a TOML file whose lists extend the built-in ones (and whose
    lengths replace them). Findings in the order of the text."""
    if kind not in KINDS:
        raise InvalidApplication(
            "kind", f"unknown kind {kind!r} (expected one of {', '.join(KINDS)})"
        )
    data = _phrases() if phrases is None else _extended(Path(phrases))
    found: list[Finding] = []
    lower = text.lower()
    for phrase in data["pushy"]["phrases"]:
        for m in re.finditer(r"(?<!\w)" + re.escape(phrase) + r"(?!\w)", lower):
            found.append(
                _at(text, m.start(), m.end(), "lint-pushy", "ask politely, without pressure")
            )
    for pattern in data["pushy"]["patterns"]:
        for m in re.finditer(pattern, lower):
            found.append(_at(text, m.start(), m.end(), "lint-pushy", "leave the timing to them"))
    for m in re.finditer(r"[!?]{2,}", text):
        found.append(_at(text, m.start(), m.end(), "lint-punctuation", "one mark is enough"))
    acronyms = set(data["shouting"]["acronyms"])
    for m in re.finditer(r"\b[A-Z][A-Z']+(?:\s+[A-Z][A-Z']+)*\b", text):
        words = m.group(0).split()
        shouting = len(words) >= 2 and not all(w in acronyms for w in words)
        shouting = shouting or (len(words) == 1 and len(words[0]) >= 5 and words[0] not in acronyms)
        if shouting:
            found.append(_at(text, m.start(), m.end(), "lint-shouting", "write it in lower case"))
    limit = data["length"].get(kind)
    count = len(re.findall(r"\b\w+\b", text))
    if limit is not None and count > limit:
        found.append(
            Finding("lint-too-long", 1, 1, f"{count} words", f"keep it under {limit} words")
        )
    if kind in ("thank_you", "handwritten_note") and app is not None:
        notes = _round_notes(app)
        if notes and not any(_mentions(lower, note) for note in notes):
            found.append(
                Finding(
                    "lint-no-notes",
                    1,
                    1,
                    "",
                    "mention something specific from the interview: " + "; ".join(notes),
                )
            )
    if kind == "rejection_reply":
        if not any(word in lower for word in data["rejection"]["thanks"]):
            found.append(
                Finding("lint-no-thanks", 1, 1, "", "thank them for the opportunity and their time")
            )
        for phrase in data["rejection"]["argue"]:
            for m in re.finditer(r"(?<!\w)" + re.escape(phrase) + r"(?!\w)", lower):
                found.append(
                    _at(text, m.start(), m.end(), "lint-argues", "accept the decision graciously")
                )
    found += _spelling(text, app)
    return _without_overlaps(found)


def _without_overlaps(found: list[Finding]) -> list[Finding]:
    """In the order of the text; of two findings of one rule that overlap, the longer."""
    ordered = sorted(found, key=lambda f: (f.line, f.column, -len(f.text), f.rule))
    kept: list[Finding] = []
    for f in ordered:
        covered = any(
            k.rule == f.rule
            and k.line == f.line
            and k.text
            and k.column <= f.column < k.column + len(k.text)
            for k in kept
        )
        if not covered:
            kept.append(f)
    return kept


def _at(text: str, start: int, end: int, rule: str, suggestion: str) -> Finding:
    line = text.count("\n", 0, start) + 1
    column = start - (text.rfind("\n", 0, start) + 1) + 1
    return Finding(rule, line, column, text[start:end], suggestion)


def _round_notes(app: Application) -> tuple[str, ...]:
    rounds = sorted((e for e in app.events if isinstance(e, Interview)), key=lambda e: e.at)
    return rounds[-1].notes if rounds else ()


_STOP = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "how",
        "in",
        "is",
        "it",
        "of",
        "on",
        "or",
        "our",
        "the",
        "their",
        "to",
        "was",
        "we",
        "were",
        "what",
        "with",
        "you",
        "your",
        "about",
        "this",
        "that",
    ]
)


def _mentions(lower: str, note: str) -> bool:
    words = [w for w in re.findall(r"\w+", note.lower()) if len(w) > 3 and w not in _STOP]
    if not words:  # (a note of short words only: the note itself)
        return note.lower().strip() in lower
    return any(re.search(r"(?<!\w)" + re.escape(w) + r"(?!\w)", lower) for w in words)


_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
_SKIP = re.compile(r"https?://\S+|\S+@\S+\.\S+")


@functools.cache
def _checker() -> Any:
    from spellchecker import SpellChecker

    return SpellChecker()


def _own_words(app: Application | None) -> set[str]:
    """The words of the application (names, company, role, notes): never misspellings."""
    if app is None:
        return set()
    texts = [app.id, app.company or "", app.role or "", app.candidate or ""]
    for event in app.events:
        texts += list(getattr(event, "interviewers", ()))
        texts += list(getattr(event, "notes", ()))
        texts.append(getattr(event, "to", None) or "")
    return {w.lower() for t in texts for w in _WORD.findall(t)} | {
        w.lower() for t in texts for w in re.findall(r"\w+", t)
    }


def _spelling(text: str, app: Application | None) -> list[Finding]:
    own = _own_words(app)
    spans: list[tuple[int, int, str]] = []
    masked = _SKIP.sub(lambda m: " " * len(m.group(0)), text)
    for m in _WORD.finditer(masked):
        word = m.group(0)
        if word.isupper() or word.lower() in own or len(word) < 2:
            continue
        spans.append((m.start(), m.end(), word))
    checker = _checker()
    unknown = checker.unknown([w.lower() for _, _, w in spans])
    out = []
    for start, end, word in spans:
        if word.lower() in unknown:
            likely = checker.correction(word.lower())
            hint = f"did you mean {likely!r}?" if likely and likely != word.lower() else "check it"
            out.append(_at(text, start, end, "lint-spelling", hint))
    return out
