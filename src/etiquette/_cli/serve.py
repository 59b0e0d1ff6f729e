"""``etiquette serve``: the HTTP service (see :mod:`etiquette._service`)."""

from __future__ import annotations

import argparse
import ipaddress
import os
from typing import Any, TextIO

from .._engine import InvalidApplication
from .common import EXIT_OK

__all__ = ["add"]


def add(sub: Any) -> None:
    """The ``serve`` sub-command."""
    cmd = sub.add_parser("serve", help="the HTTP JSON API and the dashboard")
    cmd.add_argument("--host", default="127.0.0.1", help="the address to listen on (127.0.0.1)")
    cmd.add_argument("--port", type=int, default=8750, help="the port (8750)")
    cmd.add_argument("--db", help="the tracker's database (default: $ETIQUETTE_DB, else per user)")
    cmd.add_argument("--token", help="the bearer token requests need (or $ETIQUETTE_TOKEN)")
    cmd.set_defaults(run=_serve)


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _serve(args: argparse.Namespace, out: TextIO) -> int:
    token = args.token or os.environ.get("ETIQUETTE_TOKEN") or None
    if not _loopback(args.host) and token is None:
        raise InvalidApplication(
            "--host",
            f"{args.host} is reachable from other machines: give a token (--token or "
            "ETIQUETTE_TOKEN) that every request must carry",
        )
    import uvicorn

    from .._service import create_app

    out.write(f"etiquette serve: http://{args.host}:{args.port}/ (Ctrl-C stops it)\n")
    out.flush()
    uvicorn.run(create_app(args.db, token), host=args.host, port=args.port, log_level="warning")
    return EXIT_OK
