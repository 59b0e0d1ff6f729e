"""The command line: ``etiquette next``, ``check``, ``demo``, ``docs`` and ``verify``.

Bad input of any kind exits with status 2 and one line on stderr naming the problem and its
place; never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NoReturn, TextIO

from .._engine.decisions import Decision, Verdict, check, next_action
from .._engine.errors import EtiquetteError, InvalidApplication, InvalidEvent
from .._engine.model import Application, Event, load_json
from .._engine.policy import Policy
from .._engine.spec import load_policy
from .._engine.times import Calendar, calendar_for, parse_instant

__all__ = ["main"]

EXIT_OK, EXIT_REFUSED, EXIT_BAD_INPUT = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # one line, as for every other bad input; the usage is one `--help` away
        self.exit(EXIT_BAD_INPUT, f"error: {message} (see '{self.prog} --help')\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="etiquette",
        description="Interview follow-up etiquette: what to send, from when, until when, and why.",
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    nxt = sub.add_parser("next", help="print the next action for one or more applications")
    nxt.add_argument("file", help="a JSON file with one application or a list of them; - for stdin")
    nxt.add_argument("--now", help="the instant to decide at (RFC 3339 with offset); default: now")
    nxt.add_argument("--policy", help="a policy spec (TOML); default: the packaged policy")
    nxt.add_argument("--json", action="store_true", help="print the wire format (JSON)")
    nxt.add_argument(
        "--jsonl",
        action="store_true",
        help="JSON Lines: one application per input line, one decision per output line (streamed)",
    )

    chk = sub.add_parser("check", help="check whether a contact is allowed (exit 0) or not (1)")
    chk.add_argument("file", help="a JSON file with one application; - for stdin")
    chk.add_argument(
        "action",
        choices=[
            "send_thank_you",
            "mail_handwritten_note",
            "send_status_inquiry",
            "reply_to_rejection",
            "respond_to_offer",
        ],
    )
    chk.add_argument("--at", help="the instant of the contact (RFC 3339 with offset); default: now")
    chk.add_argument("--to", help="the recipient of a thank-you or handwritten note")
    chk.add_argument("--policy", help="a policy spec (TOML); default: the packaged policy")
    chk.add_argument("--json", action="store_true", help="print the wire format (JSON)")

    demo = sub.add_parser("demo", help="play a built-in sample application through its whole life")
    demo.add_argument("--policy", help="a policy spec (TOML); default: the packaged policy")

    docs = sub.add_parser("docs", help="generate the reference pages (Markdown) from a policy spec")
    docs.add_argument("--spec", help="a policy spec (TOML); default: the packaged policy")
    docs.add_argument("--out", default="docs/generated", help="output folder (docs/generated)")
    docs.add_argument(
        "--scenarios", help="folder of worked scenarios; default: scenarios/ beside the spec"
    )
    docs.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if the pages are out of date"
    )

    ver = sub.add_parser(
        "verify", help="explore every history of a policy up to a depth; exit 1 on a counterexample"
    )
    ver.add_argument("spec", nargs="?", help="a policy spec (TOML); default: the packaged policy")
    ver.add_argument("--depth", type=int, help="events per history (default: a full life)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "next":
            return _next(args, sys.stdout)
        if args.command == "check":
            return _check(args, sys.stdout)
        if args.command == "docs":
            return _docs(args, sys.stdout)
        if args.command == "verify":
            return _verify(args, sys.stdout)
        return _demo(args, sys.stdout)
    except EtiquetteError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:  # pragma: no cover - `etiquette next … | head`
        return EXIT_OK


def _policy(args: argparse.Namespace) -> Policy | None:
    return None if args.policy is None else load_policy(args.policy)


def _instant(value: str | None, option: str) -> datetime:
    if value is None:
        return datetime.now(UTC)
    return parse_instant(value, option)


def _read(file: str) -> Any:
    try:
        if file == "-":  # UTF-8, as a file is (a text-only stdin, in embedded use, as it is)
            binary = getattr(sys.stdin, "buffer", None)
            text = sys.stdin.read() if binary is None else binary.read().decode("utf-8")
        else:
            text = Path(file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise InvalidApplication(file, f"cannot read: {reason}") from None
    try:
        return load_json(text)
    except InvalidApplication as exc:
        raise InvalidApplication(f"{file}: {exc.path}", exc.why) from None


def _applications(data: Any) -> list[tuple[str, Application]]:
    if isinstance(data, list):
        return [(f"[{i}]", Application.from_dict(item, f"[{i}]")) for i, item in enumerate(data)]
    return [("", Application.from_dict(data))]


def _prefixed(prefix: str, exc: InvalidEvent) -> InvalidEvent:
    if not prefix:
        return exc
    return InvalidEvent(f"{prefix}.{exc.path}" if exc.path else prefix, exc.why)


def _next(args: argparse.Namespace, out: TextIO) -> int:
    policy = _policy(args)
    now = _instant(args.now, "--now")
    if args.jsonl:
        return _next_jsonl(args.file, out, now, policy)
    apps = _applications(_read(args.file))
    decisions = []
    for prefix, app in apps:
        try:
            decisions.append(next_action(app, now, policy))
        except InvalidEvent as exc:
            raise _prefixed(prefix, exc) from None
    if args.json:
        payload: Any = [d.to_dict() for d in decisions]
        if len(apps) == 1 and apps[0][0] == "":
            payload = payload[0]
        out.write(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
        return EXIT_OK
    for i, (decision, (_, app)) in enumerate(zip(decisions, apps, strict=True)):
        if i:
            out.write("\n")
        out.write(render_decision(decision, app))
    return EXIT_OK


def _next_jsonl(file: str, out: TextIO, now: datetime, policy: Policy | None) -> int:
    from .._bulk import run_jsonl, size_of, wants_progress

    bar = sys.stderr if wants_progress() else None
    if file == "-":
        binary = getattr(sys.stdin, "buffer", None)  # None: a text-only stdin (embedded use)
        source = binary if binary is not None else (line.encode() for line in sys.stdin)
        run_jsonl(source, out, now, policy, progress=bar, total=size_of(binary))
        return EXIT_OK
    try:
        handle = open(file, "rb")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise InvalidApplication(file, f"cannot read: {exc.strerror or exc}") from None
    with handle:
        run_jsonl(handle, out, now, policy, progress=bar, total=size_of(handle))
    return EXIT_OK


def _check(args: argparse.Namespace, out: TextIO) -> int:
    policy = _policy(args)
    at = _instant(args.at, "--at")
    data = _read(args.file)
    if isinstance(data, list):
        raise InvalidApplication(args.file, "check takes one application, not a list")
    app = Application.from_dict(data)
    verdict = check(app, args.action, at, policy, to=args.to)
    if args.json:
        out.write(json.dumps(verdict.to_dict(), indent=2, ensure_ascii=False) + "\n")
    else:
        out.write(render_verdict(verdict, app))
    return EXIT_OK if verdict.allowed else EXIT_REFUSED


def _docs(args: argparse.Namespace, out: TextIO) -> int:
    from .._docs import generate

    target = Path(args.out)
    scenarios = None if args.scenarios is None else Path(args.scenarios)
    pages, changes = generate(args.spec, target, scenarios, check_only=args.check)
    if args.check:
        if changes:
            out.write(f"{target}: out of date; regenerate with `etiquette docs`\n")
            out.write("".join(f"  {change}\n" for change in changes))
            return EXIT_REFUSED
        out.write(f"{target}: {len(pages)} pages up to date\n")
        return EXIT_OK
    out.write(f"{target}: {len(pages)} pages, {len(changes)} changed\n")
    out.write("".join(f"  {change}\n" for change in changes))
    return EXIT_OK


def _verify(args: argparse.Namespace, out: TextIO) -> int:
    from .._proof.verify import DEFAULT_DEPTH, progress_bar, render, verify

    policy = load_policy(args.spec)
    bar = progress_bar(sys.stderr)
    depth = DEFAULT_DEPTH if args.depth is None else args.depth
    report = verify(policy, depth=depth, progress=bar)
    if bar is not None:
        bar.close()
    out.write(render(report))
    return EXIT_OK if report.ok else EXIT_REFUSED


def _demo(args: argparse.Namespace, out: TextIO) -> int:
    from .demo import SAMPLE, play

    policy = _policy(args)
    cal = calendar_for(SAMPLE.timezone, SAMPLE.country)
    out.write(
        f"{SAMPLE.company} — {SAMPLE.role} ({SAMPLE.id}), {SAMPLE.timezone}, {SAMPLE.country}\n"
        f"Interview {_local(cal, SAMPLE.events[0].at)} with Ana Ruiz and Bo Chen; "
        "decision expected by Fri 2026-12-04.\n\n"
    )
    rows: list[tuple[str, str, str, str]] = []
    for step in play(policy):
        d = step.decision
        what = d.action + (f" → {', '.join(d.to)}" if d.to else "")
        if d.action == "wait" and d.not_before is not None:
            what += f" until {_local(cal, d.not_before)}"
        rows.append((_local(cal, d.as_of), d.state, what, d.rule))
        for event in step.done:
            rows.append((_local(cal, event.at), "", f"  ↳ {_describe(event)}", ""))
    # the lines of what happened have no rule: they may run past the decision column
    widths = [max(len(r[i]) for r in rows if r[3] or i < 2) for i in range(3)]
    header = ("when", "state", "decision", "rule")
    for row in (header, *rows):
        cells = [f"{cell:<{width}}" for cell, width in zip(row[:3], widths, strict=True)]
        out.write("  ".join([*cells, row[3]]).rstrip() + "\n")
    return EXIT_OK


def _describe(event: Event) -> str:
    words = {
        "thank_you_sent": "thank-you sent",
        "status_inquiry_sent": "status inquiry sent",
        "reply_received": "employer replied: still deciding",
        "rejection_received": "employer sent a rejection",
        "rejection_reply_sent": "gracious reply sent",
        "offer_received": "employer made an offer",
    }
    text = words.get(event.type, event.type.replace("_", " "))
    to = getattr(event, "to", None)
    if to:
        text += f" to {to}"
    expected = getattr(event, "decision_expected_by", None)
    if expected is not None:
        text += f", decision expected by {expected:%a %Y-%m-%d}"
    return text


def _local(cal: Calendar, instant: datetime) -> str:
    return cal.wall_clock(instant, zone=True)


def render_decision(decision: Decision, app: Application) -> str:
    """Human-readable, aligned text of a decision, in the application's timezone."""
    cal = calendar_for(app.timezone, app.country)
    title = " — ".join(x for x in (app.company, app.role) if x)
    lines = [f"{app.id}" + (f"  {title}" if title else "")]
    what = decision.action + (f" → {', '.join(decision.to)}" if decision.to else "")
    if decision.late:
        what += " (late)"
    fields: list[tuple[str, str]] = [
        ("as of", _local(cal, decision.as_of)),
        ("state", decision.state + (f" ({decision.outcome})" if decision.outcome else "")),
        ("action", what),
    ]
    if decision.not_before is not None:
        fields.append(
            ("from" if decision.action != "wait" else "until", _local(cal, decision.not_before))
        )
    if decision.due_by is not None:
        fields.append(("due by", _local(cal, decision.due_by)))
    if decision.suggested_at is not None:
        fields.append(("suggested", _local(cal, decision.suggested_at)))
    fields.append(("rule", decision.rule))
    fields.append(("why", decision.reason))
    if decision.optional:
        fields.append(("optional", ", ".join(decision.optional)))
    for b in decision.blocked:
        until = "for now" if b.until is None else f"until {_local(cal, b.until)}"
        fields.append(("blocked", f"{b.action} {until} ({b.rule})"))
    width = max(len(k) for k, _ in fields)
    lines += [f"  {k:<{width}}  {v}" for k, v in fields]
    return "\n".join(lines) + "\n"


def render_verdict(verdict: Verdict, app: Application) -> str:
    """Human-readable text of a verdict."""
    cal = calendar_for(app.timezone, app.country)
    head = "allowed" if verdict.allowed else "refused"
    lines = [f"{head}: {verdict.action} at {_local(cal, verdict.at)}"]
    for v in verdict.violations:
        when = "never" if v.allowed_from is None else f"from {_local(cal, v.allowed_from)}"
        lines.append(f"  {v.rule}: {v.message} (allowed {when})")
    return "\n".join(lines) + "\n"
