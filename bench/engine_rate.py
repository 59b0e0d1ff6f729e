"""Decisions per CPU second of whichever etiquette is imported: ``python bench/engine_rate.py``.

The public API only (``Application.from_dict``, ``next_actions``), so that the same script
measures an older release put first on ``PYTHONPATH``: the applications of the benchmark's
workload are loaded, decided once (to warm the calendar caches), then decided in ``passes``
passes; it prints the best pass's decisions per CPU second.
"""

from __future__ import annotations

import gc
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from workload import NOW, applications

from etiquette import Application, next_actions


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    passes = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    apps = [Application.from_dict(d) for d in applications(n, 2026)]
    list(next_actions(apps, NOW))
    gc.collect()
    gc.freeze()  # the loaded applications stay: the collector need not walk them each pass
    best = float("inf")
    for _ in range(passes):
        t0 = time.process_time()
        for _ in next_actions(apps, NOW):
            pass
        best = min(best, time.process_time() - t0)
    print(f"{n / best:.1f}")


if __name__ == "__main__":
    main()
