"""Bulk evaluation: many applications, one ``now``, in constant memory.

:func:`next_actions` is :func:`etiquette.next_action` over an iterable of applications; it is
lazy, so a million applications stream through it without ever being held at once.
:func:`run_jsonl` is ``etiquette next FILE --jsonl``: one application per input line, one
decision per output line, written as soon as it is decided.
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import IO, Any, Literal, overload

from ._engine import (
    Application,
    Decision,
    EtiquetteError,
    InvalidApplication,
    InvalidEvent,
    Policy,
    as_of,
    decide_at,
    decide_wire,
    default_policy,
)
from ._progress import ProgressBar, on_terminal

__all__ = ["next_actions", "run_jsonl"]


@overload
def next_actions(
    apps: Iterable[Application],
    now: datetime,
    policy: Policy | None = None,
    *,
    errors: Literal["raise"] = "raise",
) -> Iterator[Decision]: ...


@overload
def next_actions(
    apps: Iterable[Application],
    now: datetime,
    policy: Policy | None = None,
    *,
    errors: Literal["yield"],
) -> Iterator[Decision | InvalidApplication | InvalidEvent]: ...


def next_actions(
    apps: Iterable[Application],
    now: datetime,
    policy: Policy | None = None,
    *,
    errors: Literal["raise", "yield"] = "raise",
) -> Iterator[Decision] | Iterator[Decision | InvalidApplication | InvalidEvent]:
    """The decision of each application of ``apps`` as of ``now``, lazily, in order.

    Each decision is exactly ``next_action(app, now, policy)``. The result is an iterator: it
    reads one application, yields its decision and keeps nothing, so any number of applications
    (a generator reading a database, a file) stream through it in constant memory; wrap it in
    ``list()`` to keep them all. ``now`` and ``policy`` are checked at the call, before any
    application is read. An application whose history cannot have happened raises
    :class:`InvalidEvent` when it is reached, its path prefixed by its position
    (``[41].events[2]``); the decisions yielded before it stand. With ``errors="yield"`` that
    error is yielded in the decision's place instead, and the rest follow.
    """
    if errors not in ("raise", "yield"):
        raise InvalidApplication("errors", f'expected "raise" or "yield", got {errors!r}')
    # checked once here, as next_action checks it at each call
    return _decisions(apps, as_of(now), policy or default_policy(), errors == "yield")


def _decisions(
    apps: Iterable[Application], now: datetime, policy: Policy, keep_going: bool = False
) -> Iterator[Any]:
    for i, app in enumerate(apps):
        try:
            yield decide_at(app, now, policy)
        except (InvalidEvent, InvalidApplication) as exc:
            if not keep_going:
                raise exc.within(f"[{i}]") from None
            yield exc.within(f"[{i}]")


class LineError(EtiquetteError):
    """A bad line of a JSON Lines input: ``line N: <path>: <why>``."""

    def __init__(self, line: int, error: InvalidApplication | InvalidEvent) -> None:
        self.line = line
        self.path = error.path
        self.why = error.why
        where = f"line {line}: {error.path}" if error.path else f"line {line}"
        super().__init__(f"{where}: {error.why}")


def run_jsonl(
    source: Iterable[bytes],
    out: IO[str],
    now: datetime,
    policy: Policy | None = None,
    *,
    progress: IO[str] | None = None,
    total: int | None = None,
    bad_lines: list[int] | None = None,
) -> int:
    """Decide each application of a JSON Lines stream; write one decision per line to ``out``.

    Lines holding only whitespace are skipped (they still count in line numbers). The first bad
    line raises :class:`LineError` naming its 1-based line number; the decisions of the lines
    before it have already been written. With ``bad_lines`` (a list), a bad line is written as
    ``{"line": N, "error": {"path": …, "message": …}}`` in its place instead, its number appended
    to the list, and the run goes on. With ``progress`` (a terminal), a progress line is redrawn
    on it; ``total`` is the input's size in bytes, when known. Returns the number of decisions
    written.
    """
    encode, decode, not_json = _msgspec()
    chosen = policy or default_policy()
    now = as_of(now)
    bar = _Progress(progress, total) if progress is not None else None
    written = 0
    number = 0
    # (the loop calls msgspec and the engine directly: read_line, from_dict, to_dict and
    # json_line around them would cost a twentieth of a line)
    for number, line in enumerate(source, start=1):
        if bar is not None:
            bar.advance(len(line), written)
        if not line or line.isspace():
            continue
        try:
            try:
                data = decode(line)
            except not_json:
                data = _loads(line)  # (read_line, inline)
            wire = decide_wire(data, now, chosen)
        except (InvalidApplication, InvalidEvent) as exc:
            if bad_lines is not None:
                error = {"path": exc.path, "message": exc.why}
                out.write(
                    json.dumps(
                        {"line": number, "error": error}, ensure_ascii=False, separators=(",", ":")
                    )
                    + "\n"
                )
                bad_lines.append(number)
                continue
            out.flush()
            if bar is not None:
                bar.close(written)
            raise LineError(number, exc) from None
        # msgspec writes json.dumps(..., ensure_ascii=False, separators=(",", ":"))'s text
        out.write(encode(wire).decode() + "\n")
        written += 1
    if bar is not None:
        bar.close(written)
    return written


@functools.cache
def _msgspec() -> tuple[Callable[[Any], bytes], Callable[[bytes], Any], type[Exception]]:
    """msgspec's JSON encoder, decoder and decoding error (imported on first use: the rest of
    the command line starts without it)."""
    import msgspec

    return msgspec.json.Encoder().encode, msgspec.json.Decoder().decode, msgspec.DecodeError


def json_line(decision: Decision) -> str:
    """The ``--jsonl`` line of ``decision``, with its newline: msgspec's text of its wire form,
    which is ``json.dumps(decision.to_dict(), ensure_ascii=False, separators=(",", ":"))``."""
    return _msgspec()[0](decision.to_dict()).decode() + "\n"


def read_line(line: bytes) -> Any:
    """The JSON value of one input line, exactly as ``json.loads`` reads it (a byte order mark
    skipped); :class:`InvalidApplication` naming the column when it is not JSON."""
    _, decode, not_json = _msgspec()
    try:
        return decode(line)
    except not_json:
        # not JSON to msgspec (an error, a byte order mark, NaN, a number out of range): json
        # reads it, or says why not, as it always has
        return _loads(line)


def _loads(line: bytes) -> Any:
    # The reader of the lines msgspec does not take (off the hot path). JSON Lines are UTF-8
    # text: decoded as such, without json.loads sniffing for UTF-16 and UTF-32 (which it then
    # accepted, with lone surrogates too: they are refused, as not UTF-8); a byte order mark in
    # front of a line is skipped, as json.loads skips one in bytes.
    try:
        return json.loads(line.decode().removeprefix("\ufeff"))
    except json.JSONDecodeError as exc:
        raise InvalidApplication(f"column {exc.colno}", f"invalid JSON: {exc.msg}") from None
    except UnicodeDecodeError as exc:
        raise InvalidApplication("", f"invalid JSON: not UTF-8 text ({exc.reason})") from None


def size_of(source: IO[bytes] | None) -> int | None:
    """The size in bytes of a regular file behind ``source``, else None (a pipe, a terminal)."""
    if source is None:
        return None
    try:
        st = os.fstat(source.fileno())
    except (OSError, ValueError, AttributeError):
        return None
    import stat

    return st.st_size if stat.S_ISREG(st.st_mode) else None


def wants_progress(stream: Any = None) -> bool:
    """Whether to draw a progress bar: only when stderr is a terminal."""
    return on_terminal(stream)


class _Progress:
    """The progress of a JSON Lines run: bytes read of the total, decisions written."""

    def __init__(self, stream: IO[str], total: int | None) -> None:
        self.bar = ProgressBar(stream)
        self.total = total
        self.done = 0

    def advance(self, nbytes: int, decisions: int) -> None:
        self.done += nbytes
        if decisions & 255 == 0:  # (asking the clock for every line would cost)
            self._draw(decisions)

    def _draw(self, decisions: int, *, force: bool = False) -> None:
        rate = decisions / self.bar.elapsed()
        share = self.done / self.total if self.total else None
        self.bar.draw(share, f"{decisions:,} decisions, {rate:,.0f}/s", force=force)

    def close(self, decisions: int) -> None:
        self._draw(decisions, force=True)
        self.bar.close(keep=True)
