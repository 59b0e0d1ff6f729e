"""Where one ``--jsonl`` line's time goes: ``python bench/line_profile.py [N]``.

Times each stage of the line path over the first N applications of the benchmark's workload
(20,000 by default), each stage over all lines in turn, best of five passes, in CPU µs per line:
read the JSON, load and check the application (``Application.from_dict``), replay its events to
``now``, decide, and write the decision's line. Run it with ``PYTHONPATH=<an older src>`` to
profile an older version: it uses that version's own reader and writer.
"""

from __future__ import annotations

import gc
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from workload import NOW, applications

import etiquette
from etiquette import Application

try:
    from etiquette._engine.advice import decide
except ImportError:  # an older version: decide was in decisions
    from etiquette._engine.decisions import decide  # type: ignore[attr-defined,no-redef]
from etiquette._engine.machine import replay
from etiquette._engine.spec import default_policy


def _reader_and_writer() -> tuple[str, Callable[[bytes], Any], Callable[[Any], str]]:
    try:
        from etiquette._bulk import json_line, read_line  # msgspec's

        return "msgspec", read_line, json_line
    except ImportError:  # before the wire path moved to msgspec
        from etiquette._bulk import _loads
        from etiquette._engine import json_line as old_line  # type: ignore[attr-defined]

        return "json + the hand-written line writer", _loads, old_line


def _best(fn: Callable[[], Any], n: int) -> float:
    best = float("inf")
    for _ in range(5):
        gc.collect()
        # the inputs held for the stages live on: a stream holds one line at a time, so the
        # collector should not walk them again and again as it would here
        gc.freeze()
        t0 = time.process_time()
        fn()
        best = min(best, time.process_time() - t0)
        gc.unfreeze()
    return best / n * 1e6


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    name, read, write = _reader_and_writer()
    policy = default_policy()
    now = NOW
    lines = [json.dumps(d, ensure_ascii=False).encode() + b"\n" for d in applications(n, 2026)]
    datas = [read(line) for line in lines]
    apps = [Application.from_dict(d) for d in datas]
    ctxs = [replay(a, policy, now) for a in apps]
    decisions = [decide(a, c, policy, now) for a, c in zip(apps, ctxs, strict=True)]
    stages = [
        ("read the JSON", lambda: [read(line) for line in lines]),
        ("load and check (from_dict)", lambda: [Application.from_dict(d) for d in datas]),
        ("replay the events to now", lambda: [replay(a, policy, now) for a in apps]),
        (
            "decide",
            lambda: [decide(a, replay(a, policy, now), policy, now) for a in apps],
        ),
        ("write the line", lambda: [write(d) for d in decisions]),
    ]
    costs = {label: _best(fn, n) for label, fn in stages}
    costs["decide"] -= costs["replay the events to now"]  # (a context is spent by deciding)
    total = sum(costs.values())
    print(f"{etiquette.__file__}: reader and writer {name}; {n:,} lines")
    print("| stage | CPU µs per line | share |\n|---|---:|---:|")
    for label, cost in costs.items():
        print(f"| {label} | {cost:.1f} | {cost / total:.0%} |")
    print(f"| all | {total:.1f} | |")


if __name__ == "__main__":
    main()
