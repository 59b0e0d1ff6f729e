"""``etiquette docs``: the reference pages generated from a policy spec."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, TextIO

from .common import EXIT_OK, EXIT_REFUSED

__all__ = ["add"]


def add(sub: Any) -> None:
    """The ``docs`` sub-command."""
    docs = sub.add_parser("docs", help="generate the reference pages (Markdown) from a policy spec")
    docs.add_argument("--spec", help="a policy spec (TOML); default: the packaged policy")
    docs.add_argument("--out", default="docs/generated", help="output folder (docs/generated)")
    docs.add_argument(
        "--scenarios", help="folder of worked scenarios; default: scenarios/ beside the spec"
    )
    docs.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if the pages are out of date"
    )
    docs.set_defaults(run=_docs)


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
