"""``etiquette next`` and ``etiquette check``: decisions and verdicts, as text or JSON."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from typing import Any, TextIO

from .._engine import (
    CHECKABLE,
    Application,
    Decision,
    InvalidApplication,
    InvalidEvent,
    Policy,
    Verdict,
    calendar_for,
    check,
    next_action,
)
from .common import (
    EXIT_OK,
    EXIT_REFUSED,
    applications,
    instant,
    local,
    policy_of,
    policy_option,
    read_json,
    write_json,
)

__all__ = ["add", "render_decision", "render_verdict"]


def add(sub: Any) -> None:
    """The ``next`` and ``check`` sub-commands."""
    nxt = sub.add_parser("next", help="print the next action for one or more applications")
    nxt.add_argument("file", help="a JSON file with one application or a list of them; - for stdin")
    nxt.add_argument("--now", help="the instant to decide at (RFC 3339 with offset); default: now")
    policy_option(nxt)
    nxt.add_argument("--json", action="store_true", help="print the wire format (JSON)")
    nxt.add_argument(
        "--jsonl",
        action="store_true",
        help="JSON Lines: one application per input line, one decision per output line (streamed)",
    )
    nxt.add_argument(
        "--keep-going",
        action="store_true",
        help="with --jsonl: write a bad line's error in its place, go on, and exit 1 at the end",
    )
    nxt.set_defaults(run=_next)

    chk = sub.add_parser("check", help="check whether a contact is allowed (exit 0) or not (1)")
    chk.add_argument("file", help="a JSON file with one application; - for stdin")
    chk.add_argument("action", choices=CHECKABLE)
    chk.add_argument("--at", help="the instant of the contact (RFC 3339 with offset); default: now")
    chk.add_argument("--to", help="the recipient of a thank-you or handwritten note")
    policy_option(chk)
    chk.add_argument("--json", action="store_true", help="print the wire format (JSON)")
    chk.set_defaults(run=_check)


def _next(args: argparse.Namespace, out: TextIO) -> int:
    policy = policy_of(args)
    now = instant(args.now, "--now")
    if args.keep_going and not args.jsonl:
        raise InvalidApplication("--keep-going", "goes with --jsonl")
    if args.jsonl:
        return _next_jsonl(args.file, out, now, policy, args.keep_going)
    apps = applications(read_json(args.file))
    decisions = []
    for prefix, app in apps:
        try:
            decisions.append(next_action(app, now, policy))
        except InvalidEvent as exc:
            raise exc.within(prefix) if prefix else exc from None
    if args.json:
        payload: Any = [d.to_dict() for d in decisions]
        if len(apps) == 1 and apps[0][0] == "":
            payload = payload[0]
        write_json(out, payload)
        return EXIT_OK
    for i, (decision, (_, app)) in enumerate(zip(decisions, apps, strict=True)):
        if i:
            out.write("\n")
        out.write(render_decision(decision, app))
    return EXIT_OK


def _next_jsonl(
    file: str, out: TextIO, now: datetime, policy: Policy | None, keep_going: bool = False
) -> int:
    from .._bulk import run_jsonl, size_of, wants_progress

    bar = sys.stderr if wants_progress() else None
    bad: list[int] | None = [] if keep_going else None
    if file == "-":
        binary = getattr(sys.stdin, "buffer", None)  # None: a text-only stdin (embedded use)
        source = binary if binary is not None else (line.encode() for line in sys.stdin)
        run_jsonl(source, out, now, policy, progress=bar, total=size_of(binary), bad_lines=bad)
    else:
        try:
            handle = open(file, "rb")  # noqa: SIM115 - closed below
        except OSError as exc:
            raise InvalidApplication(file, f"cannot read: {exc.strerror or exc}") from None
        with handle:
            run_jsonl(handle, out, now, policy, progress=bar, total=size_of(handle), bad_lines=bad)
    if bad:
        out.flush()
        sys.stderr.write(f"{len(bad)} bad line(s): {', '.join(map(str, bad[:10]))}\n")
        return EXIT_REFUSED
    return EXIT_OK


def _check(args: argparse.Namespace, out: TextIO) -> int:
    policy = policy_of(args)
    at = instant(args.at, "--at")
    data = read_json(args.file)
    if isinstance(data, list):
        raise InvalidApplication(args.file, "check takes one application, not a list")
    app = Application.from_dict(data)
    verdict = check(app, args.action, at, policy, to=args.to)
    if args.json:
        write_json(out, verdict.to_dict())
    else:
        out.write(render_verdict(verdict, app))
    return EXIT_OK if verdict.allowed else EXIT_REFUSED


def render_decision(decision: Decision, app: Application) -> str:
    """Human-readable, aligned text of a decision, in the application's timezone."""
    cal = calendar_for(app.timezone, app.country)
    title = " — ".join(x for x in (app.company, app.role) if x)
    lines = [f"{app.id}" + (f"  {title}" if title else "")]
    what = decision.action + (f" → {', '.join(decision.to)}" if decision.to else "")
    if decision.late:
        what += " (late)"
    fields: list[tuple[str, str]] = [
        ("as of", local(cal, decision.as_of)),
        ("state", decision.state + (f" ({decision.outcome})" if decision.outcome else "")),
        ("action", what),
    ]
    if decision.not_before is not None:
        fields.append(
            ("from" if decision.action != "wait" else "until", local(cal, decision.not_before))
        )
    if decision.due_by is not None:
        fields.append(("due by", local(cal, decision.due_by)))
    if decision.suggested_at is not None:
        fields.append(("suggested", local(cal, decision.suggested_at)))
    fields.append(("rule", decision.rule))
    fields.append(("why", decision.reason))
    if decision.optional:
        fields.append(("optional", ", ".join(decision.optional)))
    for b in decision.blocked:
        until = "for now" if b.until is None else f"until {local(cal, b.until)}"
        fields.append(("blocked", f"{b.action} {until} ({b.rule})"))
    width = max(len(k) for k, _ in fields)
    lines += [f"  {k:<{width}}  {v}" for k, v in fields]
    return "\n".join(lines) + "\n"


def render_verdict(verdict: Verdict, app: Application) -> str:
    """Human-readable text of a verdict."""
    cal = calendar_for(app.timezone, app.country)
    head = "allowed" if verdict.allowed else "refused"
    lines = [f"{head}: {verdict.action} at {local(cal, verdict.at)}"]
    for v in verdict.violations:
        when = "never" if v.allowed_from is None else f"from {local(cal, v.allowed_from)}"
        lines.append(f"  {v.rule}: {v.message} (allowed {when})")
    return "\n".join(lines) + "\n"
