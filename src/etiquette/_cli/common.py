"""What every command shares: exit statuses, the parser's one-line errors, reading input,
instants and policies from options, JSON out, local times.

A command module (``decide``, ``demo``, ``docs``, ``verify``) has ``add(sub)``, which adds its
sub-commands with ``set_defaults(run=...)``; ``run(args, out)`` returns the exit status. Bad
input of any kind is an :class:`~etiquette.EtiquetteError`: :func:`etiquette._cli.main` prints
it as one ``error: …`` line and exits 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NoReturn, TextIO

from .._engine import (
    Application,
    Calendar,
    InvalidApplication,
    Policy,
    load_json,
    load_policy,
    parse_instant,
)

__all__ = [
    "EXIT_BAD_INPUT",
    "EXIT_OK",
    "EXIT_REFUSED",
    "Parser",
    "applications",
    "instant",
    "local",
    "policy_of",
    "policy_option",
    "read_json",
    "write_json",
]

EXIT_OK, EXIT_REFUSED, EXIT_BAD_INPUT = 0, 1, 2


class Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line and exit 2, as all bad input."""

    def error(self, message: str) -> NoReturn:
        # one line, as for every other bad input; the usage is one `--help` away
        self.exit(EXIT_BAD_INPUT, f"error: {message} (see '{self.prog} --help')\n")


def policy_option(parser: argparse.ArgumentParser) -> None:
    """The ``--policy SPEC`` option of a command."""
    parser.add_argument("--policy", help="a policy spec (TOML); default: the packaged policy")


def policy_of(args: argparse.Namespace) -> Policy | None:
    """The policy ``--policy`` names (None: the packaged default)."""
    return None if args.policy is None else load_policy(args.policy)


def instant(value: str | None, option: str) -> datetime:
    """The instant an option gives (RFC 3339 with an offset); the current time when absent."""
    if value is None:
        return datetime.now(UTC)
    return parse_instant(value, option)


def read_json(file: str) -> Any:
    """The JSON document in ``file`` (``-``: stdin, read as UTF-8); errors name the file."""
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


def applications(data: Any) -> list[tuple[str, Application]]:
    """One application or a list of them, each with the path prefix its errors carry."""
    if isinstance(data, list):
        return [(f"[{i}]", Application.from_dict(item, f"[{i}]")) for i, item in enumerate(data)]
    return [("", Application.from_dict(data))]


def write_json(out: TextIO, payload: Any) -> None:
    """The wire format as the commands print it: indented, UTF-8 as is."""
    out.write(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")


def local(cal: Calendar, instant: datetime) -> str:
    """An instant as a wall clock in the calendar's zone, with the zone's abbreviation."""
    return cal.wall_clock(instant, zone=True)
