"""``etiquette draft`` and ``etiquette lint``: the messages themselves."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, TextIO

from .._engine import MESSAGE_KINDS, Application, InvalidApplication
from .common import EXIT_OK, EXIT_REFUSED, instant, policy_of, policy_option, read_json, write_json

__all__ = ["add"]


def add(sub: Any) -> None:
    """The ``draft`` and ``lint`` sub-commands."""
    cmd = sub.add_parser("draft", help="write the message(s) due now for an application")
    cmd.add_argument("app", help="a JSON file with one application, or the id of a tracked one")
    cmd.add_argument("--now", help="the instant to decide at; default: now")
    cmd.add_argument("--templates", help="a folder of templates overriding the built-in ones")
    cmd.add_argument("--json", action="store_true", help="the drafts as a JSON list")
    cmd.add_argument("--db", help="the tracker's database, for an id")
    policy_option(cmd)
    cmd.set_defaults(run=_draft)

    cmd = sub.add_parser("lint", help="check a message's wording; exit 1 when something is found")
    cmd.add_argument("file", help="the message, as text (- for stdin)")
    cmd.add_argument("--kind", required=True, choices=MESSAGE_KINDS)
    cmd.add_argument("--app", help="its application (a JSON file or a tracked id): names, notes")
    cmd.add_argument("--phrases", help="a TOML file of phrases extending the built-in ones")
    cmd.add_argument("--json", action="store_true", help="the findings as a JSON list")
    cmd.add_argument("--db", help="the tracker's database, for an id")
    policy_option(cmd)
    cmd.set_defaults(run=_lint)


def _application(args: argparse.Namespace, ref: str) -> Application:
    """A JSON file's application, else the tracked application with that id."""
    if ref == "-" or Path(ref).is_file():
        data = read_json(ref)
        if isinstance(data, list):
            raise InvalidApplication(ref, "expected one application, not a list")
        return Application.from_dict(data)
    from .track import open_store

    store = open_store(args)
    try:
        return store.get(ref)  # type: ignore[no-any-return]
    finally:
        store.close()


def _draft(args: argparse.Namespace, out: TextIO) -> int:
    from .._drafts import draft

    app = _application(args, args.app)
    drafts = draft(app, instant(args.now, "--now"), policy_of(args), args.templates)
    if args.json:
        write_json(out, [d.to_dict() for d in drafts])
        return EXIT_OK
    if not drafts:
        out.write(f"{app.id}: nothing to write now\n")
        return EXIT_OK
    for i, d in enumerate(drafts):
        if i:
            out.write("\n---\n\n")
        to = ", ".join(d.to) if d.to else (app.company or app.id)
        out.write(f"To: {to}\nSubject: {d.subject}\n\n{d.body}")
    return EXIT_OK


def _lint(args: argparse.Namespace, out: TextIO) -> int:
    from .._drafts import lint

    if args.file == "-":
        import sys

        text = sys.stdin.read()
    else:
        try:
            text = Path(args.file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InvalidApplication(args.file, f"cannot read: {exc}") from None
    app = None if args.app is None else _application(args, args.app)
    findings = lint(text, args.kind, app, phrases=args.phrases)
    if args.json:
        write_json(out, [f.to_dict() for f in findings])
    elif not findings:
        out.write("no findings\n")
    for f in [] if args.json else findings:
        shown = f" {f.text!r}" if f.text else ""
        out.write(f"{args.file}:{f.line}:{f.column}: {f.rule}{shown}: {f.suggestion}\n")
    return EXIT_REFUSED if findings else EXIT_OK
