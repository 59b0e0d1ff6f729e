"""``etiquette verify``: every history of a policy explored up to a depth."""

from __future__ import annotations

import argparse
import sys
from typing import Any, TextIO

from .._engine import load_policy
from .common import EXIT_OK, EXIT_REFUSED

__all__ = ["add"]


def add(sub: Any) -> None:
    """The ``verify`` sub-command."""
    ver = sub.add_parser(
        "verify", help="explore every history of a policy up to a depth; exit 1 on a counterexample"
    )
    ver.add_argument("spec", nargs="?", help="a policy spec (TOML); default: the packaged policy")
    ver.add_argument("--depth", type=int, help="events per history (default: a full life)")
    ver.set_defaults(run=_verify)


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
