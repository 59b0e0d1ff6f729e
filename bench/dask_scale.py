# mypy: disallow-untyped-calls=False
# (dask and distributed ship no type hints for these calls)
"""The Dask scale-out, measured: ``python bench/dask_scale.py [N]`` (1,000,000 by default).

Writes N applications of the benchmark's workload as JSON lines in files of 50,000 lines, then
decides them with :func:`etiquette.dask.next_actions_bag` on a local ``distributed`` cluster of
one worker process and then of two (one thread each), writing the decisions back as JSON lines.
It prints the wall time of each (reading, deciding, writing), the speed-up, and whether the two
outputs are the same bytes. The client and scheduler share the machine with the workers, so on
a machine of two cores the second worker competes with them.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import dask.bag as db
from distributed import Client, LocalCluster
from workload import NOW, application

from etiquette.dask import next_actions_bag

PER_FILE = 50_000


def _write(folder: Path, n: int, seed: int = 2026) -> None:
    for k, start in enumerate(range(0, n, PER_FILE)):
        with (folder / f"apps-{k:04d}.jsonl").open("w", encoding="utf-8") as f:
            for i in range(start, min(n, start + PER_FILE)):
                f.write(json.dumps(application(seed, i), ensure_ascii=False) + "\n")


def _run(workers: int, source: Path, out: Path) -> tuple[float, str]:
    with (
        LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster),
    ):
        started = time.perf_counter()
        lines = db.read_text(str(source / "apps-*.jsonl"), blocksize=None)
        decisions = next_actions_bag(lines, NOW).map(json.dumps, ensure_ascii=False)
        decisions.to_textfiles(str(out / "decisions-*.jsonl"))
        wall = time.perf_counter() - started
    digest = hashlib.sha256()
    for path in sorted(out.glob("decisions-*.jsonl"), key=lambda p: int(p.stem.split("-")[1])):
        digest.update(path.read_bytes())
    return wall, digest.hexdigest()


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "in"
        source.mkdir()
        _write(source, n)
        results = {}
        for workers in (1, 2):
            out = Path(tmp) / f"out{workers}"
            out.mkdir()
            results[workers] = _run(workers, source, out)
    (one, h1), (two, h2) = results[1], results[2]
    print(f"{n:,} applications, {os.cpu_count()} cores")
    print("| worker processes | wall s | decisions per s |\n|---|---:|---:|")
    print(f"| 1 | {one:.1f} | {n / one:,.0f} |")
    print(f"| 2 | {two:.1f} | {n / two:,.0f} |")
    print(f"speed-up 1 -> 2: {one / two:.2f}x; same output: {h1 == h2} ({h1[:12]})")


if __name__ == "__main__":
    main()
