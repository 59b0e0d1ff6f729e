"""The one progress bar: a line on a terminal, redrawn a few times a second.

The long-running commands (``etiquette next --jsonl`` and ``etiquette verify``) draw it on
stderr when stderr is a terminal, never on stdout and never into a pipe or a file.
"""

from __future__ import annotations

import sys
import time
from typing import IO, Any

__all__ = ["ProgressBar", "on_terminal"]


def on_terminal(stream: Any = None) -> bool:
    """Whether ``stream`` (stderr by default) is a terminal, where a progress bar belongs."""
    stream = sys.stderr if stream is None else stream
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


class ProgressBar:
    """``[#####.....]  42%  text`` on one line of ``stream``, redrawn at most every ``every``
    seconds (the first and a forced draw always)."""

    WIDTH = 30

    def __init__(self, stream: IO[str], every: float = 0.2) -> None:
        self.stream = stream
        self.every = every
        self.started = time.monotonic()
        self.drawn: float | None = None

    def draw(self, share: float | None, text: str, *, force: bool = False) -> None:
        """Draw ``text``, after a bar filled to ``share`` (0 to 1; None: no bar)."""
        now = time.monotonic()
        if not force and self.drawn is not None and now - self.drawn < self.every:
            return
        self.drawn = now
        if share is not None:
            share = min(max(share, 0.0), 1.0)
            filled = int(share * self.WIDTH)
            text = f"[{'#' * filled}{'.' * (self.WIDTH - filled)}] {share:4.0%}  {text}"
        self.stream.write(f"\r{text}\033[K")
        self.stream.flush()

    def elapsed(self) -> float:
        """Seconds since the bar was made."""
        return max(time.monotonic() - self.started, 1e-9)

    def close(self, *, keep: bool) -> None:
        """End the bar: keep its last line (``keep``) or erase it."""
        if self.drawn is None:
            return
        self.stream.write("\n" if keep else "\r\033[K")
        self.stream.flush()
