"""The command line: ``etiquette next``, ``check``, ``demo``, ``docs``, ``verify`` and the
personal tracker (``add``, ``new``, ``log``, ``undo``, ``due``, ``show``, ``export``, ``import``).

One module per command group (``decide``: next and check; ``demo``; ``docs``; ``verify``;
``track``: the tracker; ``drafts``: draft and lint; ``serve``), each adding its sub-commands
to the one parser, and imported only when the command line names one of them (:data:`COMMANDS`);
:mod:`.common` holds what they share. Bad input of
any kind exits with status 2 and one line on stderr naming the problem and its place; never a
traceback. A command imports what is heavy only when it runs, so that start-up stays short.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from .._engine import EtiquetteError
from .common import EXIT_BAD_INPUT, EXIT_OK, Parser

__all__ = ["main"]

#: Each command group's module and its commands, in the order ``--help`` lists them. A command
#: line imports and builds only the group of the command it names (building every group's
#: parser and importing its module cost more than a short command's own work); ``--help``, no
#: command or an unknown one builds them all.
COMMANDS: dict[str, tuple[str, ...]] = {
    "decide": ("next", "check"),
    "demo": ("demo",),
    "docs": ("docs",),
    "verify": ("verify",),
    "track": ("add", "new", "log", "undo", "due", "show", "export", "ics", "import"),
    "drafts": ("draft", "lint"),
    "serve": ("serve",),
}


def _parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser of every command, or of ``command``'s group only."""
    parser = Parser(
        prog="etiquette",
        description="Interview follow-up etiquette: what to send, from when, until when, and why.",
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    for group, commands in COMMANDS.items():
        if command is None or command in commands:
            importlib.import_module(f"{__name__}.{group}").add(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    words = sys.argv[1:] if argv is None else list(argv)
    named = words[0] if words and any(words[0] in c for c in COMMANDS.values()) else None
    args = _parser(named).parse_args(words)
    try:
        status: int = args.run(args, sys.stdout)
    except EtiquetteError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:  # pragma: no cover - `etiquette next … | head`
        return EXIT_OK
    return status
