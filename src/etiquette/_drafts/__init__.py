"""Drafts of the messages that are due, and a lint of a message's wording.

Theory of operation
-------------------

:func:`draft` asks the engine what is due (``next_action`` and ``plan``) and writes each message
from a Jinja2 template of ``templates/`` (or the user's ``templates`` folder, which overrides
any of them by name): one thank-you per interviewer still owed, each opening differently and
each leading with a different note of the round; the status inquiry (the first and the second
worded differently); the gracious reply to a rejection; the acknowledgement of an offer; the
optional handwritten note. Templates render in Jinja2's ``SandboxedEnvironment`` with
``StrictUndefined``: a template cannot reach Python's internals, and any template error is a
:class:`DraftError` naming the template and its line, with nothing of it printed.

:func:`lint` (in :mod:`.lint`) reads a message and reports what reads as pushy, too long,
impersonal or misspelt; the phrases it looks for are data (``phrases.toml``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

import attrs

from .._engine import (
    Application,
    Decision,
    EtiquetteError,
    Interview,
    OfferReceived,
    Policy,
    ReplyReceived,
    StatusInquirySent,
    as_of,
    calendar_for,
    next_action,
    plan,
)
from .lint import KINDS, Finding, lint

__all__ = ["KINDS", "Draft", "DraftError", "Finding", "draft", "lint"]

_BUILT_IN = Path(__file__).parent / "templates"

#: The template of each kind of message.
TEMPLATES = {kind: f"{kind}.txt.j2" for kind in KINDS}

#: The kind of message each action of a decision asks for.
_KIND_OF = {
    "send_thank_you": "thank_you",
    "send_status_inquiry": "status_inquiry",
    "reply_to_rejection": "rejection_reply",
    "respond_to_offer": "offer_reply",
    "mail_handwritten_note": "handwritten_note",
}


class DraftError(EtiquetteError):
    """A template cannot be rendered: ``template`` names it, ``line`` its line (0: unknown)."""

    def __init__(self, template: str, line: int, why: str) -> None:
        self.template = template
        self.line = line
        self.why = why
        where = f"{template}, line {line}" if line else template
        super().__init__(f"template {where}: {why}")


@attrs.frozen
class Draft:
    """One message to send: to whom, its subject and body, and the decision it answers."""

    kind: str
    to: tuple[str, ...]
    subject: str
    body: str
    rule: str
    decision: Decision

    def to_dict(self) -> dict[str, Any]:
        """The wire format: the draft, and the decision it answers."""
        return {
            "kind": self.kind,
            "to": list(self.to),
            "subject": self.subject,
            "body": self.body,
            "rule": self.rule,
            "decision": self.decision.to_dict(),
        }


def draft(
    app: Application,
    now: datetime,
    policy: Policy | None = None,
    templates: str | Path | None = None,
) -> list[Draft]:
    """The messages due for ``app`` as of ``now``: thank-yous (one per interviewer still owed),
    a status inquiry, the reply to a rejection, the answer to an offer, and the optional
    handwritten notes. ``templates`` is a folder whose ``*.txt.j2`` override the built-in ones
    by name. Raises :class:`DraftError` for a template that cannot be rendered."""
    now = as_of(now)
    decision = next_action(app, now, policy)
    env = _environment(None if templates is None else Path(templates))
    known = sorted((e for e in app.events if e.at <= now), key=lambda e: e.at)
    rounds = [e for e in known if isinstance(e, Interview)]
    notes = rounds[-1].notes if rounds else ()
    base = _base(app)
    out: list[Draft] = []
    kind = _KIND_OF.get(decision.action)
    if kind == "thank_you":
        for index, name in enumerate(decision.to):
            shift = index % len(notes) if notes else 0
            context = {
                **base,
                "greeting": _greeting(name),
                "to": name,
                "notes": list(notes[shift:] + notes[:shift]),
                "index": index,
                "late": decision.late,
            }
            out.append(_render(env, kind, (name,), context, decision))
    elif kind == "status_inquiry":
        context = {
            **base,
            "greeting": "Hello,",
            "attempt": _attempt(known),
            "expected": _expected(known, rounds),
        }
        out.append(_render(env, kind, (), context, decision))
    elif kind == "rejection_reply":
        out.append(_render(env, kind, (), {**base, "greeting": "Hello,"}, decision))
    elif kind == "offer_reply":
        cal = calendar_for(app.timezone, app.country)
        offers = [e for e in known if isinstance(e, OfferReceived)]
        given = offers[-1].respond_by if offers else None
        if isinstance(given, datetime):
            respond_by = cal.wall_clock(given)
        elif given is not None:
            respond_by = f"{given:%A %d %B}"  # (a date: the end of that day, local)
        else:
            due = decision.due_by
            respond_by = "the date you gave" if due is None else cal.wall_clock(due)
        context = {**base, "greeting": "Hello,", "respond_by": respond_by}
        out.append(_render(env, kind, (), context, decision))
    if "mail_handwritten_note" in decision.optional:
        for window in plan(app, now, policy).windows:
            if window.action != "mail_handwritten_note" or window.not_before > now:
                continue
            name = window.to[0] if window.to else "coordinator"
            context = {**base, "greeting": _greeting(name), "to": name, "notes": list(notes)}
            out.append(_render(env, "handwritten_note", (name,), context, decision))
    return out


def _base(app: Application) -> dict[str, Any]:
    return {"company": app.company or "your company", "role": app.role, "candidate": app.candidate}


def _greeting(name: str) -> str:
    return "Hello," if name == "coordinator" else f"Dear {name},"


def _attempt(known: list[Any]) -> int:
    """Which status inquiry this is since the employer last wrote: 1, 2, …"""
    sent = 0
    for event in known:
        if isinstance(event, StatusInquirySent):
            sent += 1
        elif event.type in ("interview", "reply_received", "offer_received", "rejection_received"):
            sent = 0
    return sent + 1


def _expected(known: list[Any], rounds: list[Interview]) -> str | None:
    dates = [
        e.decision_expected_by
        for e in known
        if isinstance(e, Interview | ReplyReceived) and e.decision_expected_by is not None
    ]
    return None if not dates else f"{dates[-1]:%A %d %B}"


# --- templates ----------------------------------------------------------------------------------


def _environment(folder: Path | None) -> Any:
    import jinja2
    from jinja2.sandbox import SandboxedEnvironment

    loaders: list[jinja2.BaseLoader] = []
    if folder is not None:
        if not folder.is_dir():
            raise DraftError(str(folder), 0, "not a folder of templates")
        loaders.append(jinja2.FileSystemLoader(folder))
    loaders.append(jinja2.FileSystemLoader(_BUILT_IN))
    return SandboxedEnvironment(
        loader=jinja2.ChoiceLoader(loaders),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _render(
    env: Any, kind: str, to: tuple[str, ...], context: Mapping[str, Any], decision: Decision
) -> Draft:
    import jinja2

    name = TEMPLATES[kind]
    try:
        template = env.get_template(name)
        text = template.render(**context)
    except jinja2.TemplateSyntaxError as exc:
        raise DraftError(exc.name or name, exc.lineno or 0, exc.message or "syntax error") from None
    except jinja2.TemplateNotFound:
        raise DraftError(name, 0, "no such template") from None
    except Exception as exc:  # an error while rendering: the sandbox's, or the template's own
        raise DraftError(name, _line_of(exc, name), str(exc) or type(exc).__name__) from None
    subject, body = _split(text, name)
    return Draft(kind, to, subject, body, decision.rule, decision)


def _line_of(exc: BaseException, name: str) -> int:
    """The template's line an error of rendering came from (Jinja2 writes template lines into
    the traceback); 0 when it is not known."""
    line = 0
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.endswith(name):
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _split(text: str, name: str) -> tuple[str, str]:
    first, _, rest = text.lstrip("\n").partition("\n")
    found = re.match(r"^Subject:\s*(.*)$", first)
    if found is None:
        raise DraftError(name, 1, "the first line must be 'Subject: …'")
    body = re.sub(r"\n{3,}", "\n\n", rest.strip("\n")) + "\n"
    return found.group(1).strip(), body
