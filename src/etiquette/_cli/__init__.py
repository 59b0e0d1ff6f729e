"""The command line: ``etiquette next``, ``check``, ``demo``, ``docs``, ``verify`` and the
personal tracker (``add``, ``new``, ``log``, ``undo``, ``due``, ``show``, ``export``, ``import``).

One module per command group (``decide``: next and check; ``demo``; ``docs``; ``verify``;
``track``: the tracker), each
adding its sub-commands to the one parser; :mod:`.common` holds what they share. Bad input of
any kind exits with status 2 and one line on stderr naming the problem and its place; never a
traceback. A command imports what is heavy only when it runs, so that start-up stays short.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .._engine import EtiquetteError
from . import decide, demo, docs, drafts, serve, track, verify
from .common import EXIT_BAD_INPUT, EXIT_OK, Parser

__all__ = ["main"]

#: The command groups, in the order ``--help`` lists their commands.
_GROUPS = (decide, demo, docs, verify, track, drafts, serve)


def _parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="etiquette",
        description="Interview follow-up etiquette: what to send, from when, until when, and why.",
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    for group in _GROUPS:
        group.add(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = _parser().parse_args(argv)
    try:
        status: int = args.run(args, sys.stdout)
    except EtiquetteError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:  # pragma: no cover - `etiquette next … | head`
        return EXIT_OK
    return status
