"""The etiquette benchmark: ``python bench/run.py`` (or ``make bench``).

One run, pinned to one core, on a deterministic seeded workload (``bench/workload.py``). Times
are CPU times of the process measured (``time.process_time``, or the rusage of a subprocess), so
that other work on a shared machine does not count; comparisons are interleaved. It prints a
Markdown table:

* decisions per CPU second from applications already loaded, of this code and of the previous
  release (:data:`BASELINE`, taken out of git), each in processes of its own
  (``bench/engine_rate.py``), interleaved;
* decisions per CPU second from applications already loaded (``next_actions``);
* the same for the Machine-per-application pattern (``bench/machine_per_app.py``), and the ratio,
  both measured in interleaved rounds of about a second each (means over the same time);
* the cost per application (load from the wire format + decide) at 10k and at 1M applications:
  the 1M in one pass, generated lazily in chunks of 10k so that at most one chunk lives in
  memory (only the loading and deciding are timed, not the generating), and the same 10k timed
  ten times spread over that pass; both are means over the same stretch of time;
* ``etiquette next FILE --jsonl`` end to end (a subprocess, start-up included) against the floors
  of parsing and dumping the same lines with the stdlib ``json`` and with ``msgspec``, each in a
  subprocess of its own, and against the ``--jsonl`` of the previous release;
* peak memory (resident set) of the ``--jsonl`` runs, at two input sizes, and of this process;
* the start-up of ``etiquette next`` on one application (CPU and wall, median of seven runs).

The commands run with etiquette's bytecode compiled first, as installing a package compiles it:
from a fresh checkout, or with ``PYTHONDONTWRITEBYTECODE`` set, each command would otherwise
compile every module of the package from source as it starts (a tenth of a second or more).

``--quick`` runs smaller sizes (100k instead of 1M) for a fast look.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from machine_per_app import decide as machine_decide
from workload import NOW, application, applications

from etiquette import Application, next_action, next_actions
from etiquette._engine.spec import default_policy

SEED = 2026
CHUNK = 10_000
#: Interleaved rounds of the comparisons run in subprocesses (the engine against the baseline,
#: ``--jsonl`` against the floors and the baseline).
ROUNDS = 5


def _pin_one_core() -> str:
    """Run this process (and its children) on one core."""
    if hasattr(os, "sched_setaffinity"):
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
        return f"pinned to one core (cpu {cpu})"
    return "not pinned (no sched_setaffinity here)"


def _cpu(fn: Callable[[], Any]) -> float:
    """CPU seconds of ``fn()``: other work on the machine does not count."""
    gc.collect()
    t0 = time.process_time()
    fn()
    return time.process_time() - t0


def _chunks(n: int, seed: int) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, n, CHUNK):
        yield [application(seed, i) for i in range(start, min(n, start + CHUNK))]


def _cost(chunk: list[dict[str, Any]], policy: Any) -> float:
    """CPU seconds to load (from the wire format) and decide each application of ``chunk``."""
    t0 = time.process_time()
    for data in chunk:
        next_action(Application.from_dict(data), NOW, policy)
    return time.process_time() - t0


def scaling(big: int, small: int, seed: int, samples: int = 10) -> tuple[float, float]:
    """Seconds per application to load and decide, over ``small`` and over ``big`` applications.

    The ``big`` run goes chunk by chunk; at ``samples`` points spread over it (the first before
    it starts), the same ``small`` applications are timed again. Both figures are means taken
    over the same stretch of time, so a slow spell of a shared machine weighs on both alike
    instead of on the long run alone.
    """
    policy = default_policy()
    reference = next(_chunks(small, seed))
    every = max(1, (big // CHUNK) // samples)
    spent_small: list[float] = []
    spent_big = 0.0
    for i, chunk in enumerate(_chunks(big, seed)):
        if i % every == 0 and len(spent_small) < samples:
            spent_small.append(_cost(reference, policy))
        spent_big += _cost(chunk, policy)
    return statistics.fmean(spent_small) / small, spent_big / big


def _write_jsonl(path: Path, n: int, seed: int) -> None:
    with path.open("w", encoding="utf-8") as f:
        for data in applications(n, seed):
            f.write(json.dumps(data, ensure_ascii=False))
            f.write("\n")


# Runs a command and reports its CPU seconds, wall seconds and peak resident set. It runs in a
# small process of its own because on Linux a child's peak resident set starts from its parent's
# at the fork: started from this process, which holds a good deal after the long run, every
# command would seem to need as much.
_MEASURE = (
    "import os, resource, subprocess, sys, time\n"
    "with open(os.devnull, 'wb') as sink:\n"
    "    t0 = time.perf_counter()\n"
    "    status = subprocess.call(sys.argv[1:], stdout=sink)\n"
    "    wall = time.perf_counter() - t0\n"
    "u = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "print(status, u.ru_utime + u.ru_stime, wall, u.ru_maxrss / 1024)\n"
)


def _run(
    cmd: list[str], stdin: Path | None = None, env: dict[str, str] | None = None
) -> tuple[float, float, float]:
    """CPU seconds, wall seconds and peak resident MB of a subprocess (stdout discarded)."""
    with open(stdin or os.devnull, "rb") as src:
        done = subprocess.run(
            [sys.executable, "-c", _MEASURE, *cmd],
            stdin=src,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
    status, cpu, wall, rss = done.stdout.split()
    if status != "0":
        raise SystemExit(f"{' '.join(cmd)} failed with status {status}")
    return float(cpu), float(wall), float(rss)


_FLOOR = (
    "import json, sys\n"
    "out = sys.stdout\n"
    "for line in open(sys.argv[1], 'rb'):\n"
    "    if line.strip():\n"
    "        out.write(json.dumps(json.loads(line), ensure_ascii=False, separators=(',', ':')))\n"
    "        out.write('\\n')\n"
)


_MSGSPEC_FLOOR = (
    "import sys, msgspec\n"
    "decode, encode = msgspec.json.Decoder().decode, msgspec.json.Encoder().encode\n"
    "out = sys.stdout.buffer\n"
    "for line in open(sys.argv[1], 'rb'):\n"
    "    if line.strip():\n"
    "        out.write(encode(decode(line)) + b'\\n')\n"
)

#: The previous release: the new baseline of the second performance pass.
BASELINE = "712e25e"


def _baseline_source(folder: Path) -> Path | None:
    """The ``src`` folder of :data:`BASELINE`, taken out of git into ``folder`` and compiled;
    None when this checkout does not hold that commit (a shallow clone, an archive)."""
    root = Path(__file__).resolve().parent.parent
    try:
        archive = subprocess.run(
            ["git", "-C", str(root), "archive", BASELINE, "src", "specs"],
            capture_output=True,
            check=True,
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    except (OSError, subprocess.CalledProcessError):
        return None
    import compileall

    compileall.compile_dir(folder / "src", quiet=1)
    return folder / "src"


def _with_path(src: Path | None) -> dict[str, str]:
    """The environment that imports etiquette from ``src`` (None: the current code)."""
    env = dict(os.environ)
    if src is not None:
        env["PYTHONPATH"] = str(src)
    return env


def _engine_rates(
    base: Path | None, rounds: int = ROUNDS
) -> tuple[float, float | None, list[float]]:
    """Decisions per CPU second from loaded applications, of the current code and of the
    baseline (``bench/engine_rate.py`` in a process of each, interleaved; median of
    ``rounds``), and the ratio of each round's pair (current over baseline)."""
    script = str(Path(__file__).resolve().parent / "engine_rate.py")
    current: list[float] = []
    baseline: list[float] = []
    runs: list[tuple[Path | None, list[float]]] = [(None, current)]
    if base is not None:
        runs.append((base, baseline))
    for _ in range(rounds):
        for src, into in runs:
            done = subprocess.run(
                [sys.executable, script, "10000", "5"],
                env=_with_path(src),
                capture_output=True,
                text=True,
                check=True,
            )
            into.append(float(done.stdout))
    pairs = [now / then for now, then in zip(current, baseline, strict=False)]
    return statistics.median(current), statistics.median(baseline) if baseline else None, pairs


def _spread(ratios: list[float]) -> str:
    """The range of the ratios of a measure's interleaved pairs: how much the machine moved."""
    return f" (pairs {min(ratios):.2f}x to {max(ratios):.2f}x)" if ratios else ""


def _compile_bytecode() -> None:
    """Compile the etiquette package's modules, as installing it does (``pip install`` compiles)."""
    import compileall

    import etiquette

    compileall.compile_dir(Path(etiquette.__file__).parent, quiet=1)


def _etiquette() -> list[str]:
    script = Path(sys.executable).parent / "etiquette"
    return [str(script)] if script.exists() else [sys.executable, "-m", "etiquette"]


def _machine_info(pinned: str) -> list[str]:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return [
        f"CPU: {model or platform.processor() or 'unknown'}, {os.cpu_count()} cores; {pinned}",
        f"Python {platform.python_version()} ({platform.python_implementation()}), "
        f"{platform.system()} {platform.machine()}",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="100k instead of 1M applications")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()
    big = 100_000 if args.quick else 1_000_000
    small = 10_000
    pinned = _pin_one_core()
    policy = default_policy()

    print(f"workload: seed {args.seed}, decisions as of {NOW.isoformat()}", file=sys.stderr)
    keep = tempfile.TemporaryDirectory()
    base = _baseline_source(Path(keep.name))
    print(f"decisions per CPU s, this code and {BASELINE}...", file=sys.stderr)
    rate_now, rate_base, rate_pairs = _engine_rates(base)
    engine_rate, machine_rate = _throughputs(small, args.seed, policy)
    agree = _agreement(args.seed, policy)

    print("per-application cost at 10k and at scale...", file=sys.stderr)
    cost_small, cost_big = scaling(big, small, args.seed)
    peak_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print("--jsonl end to end...", file=sys.stderr)
    _compile_bytecode()
    with tempfile.TemporaryDirectory() as tmp:
        lines_small, lines_big = 20_000, (100_000 if args.quick else 200_000)
        small_file, big_file = Path(tmp) / "small.jsonl", Path(tmp) / "big.jsonl"
        _write_jsonl(small_file, lines_small, args.seed)
        _write_jsonl(big_file, lines_big, args.seed + 1)
        now = ["--now", NOW.isoformat()]
        cli = [*_etiquette(), "next"]
        jsonl, floor, fast_floor, old = [], [], [], []
        old_cli = [sys.executable, "-m", "etiquette", "next"]
        for _ in range(ROUNDS):  # interleaved, best of ROUNDS each
            jsonl.append(_run([*cli, str(small_file), "--jsonl", *now]))
            floor.append(_run([sys.executable, "-c", _FLOOR, str(small_file)]))
            fast_floor.append(_run([sys.executable, "-c", _MSGSPEC_FLOOR, str(small_file)]))
            if base is not None:
                args_ = [*old_cli, str(small_file), "--jsonl", *now]
                old.append(_run(args_, env=_with_path(base)))
        t_jsonl, rss_small = min(r[0] for r in jsonl), max(r[2] for r in jsonl)
        t_floor = min(r[0] for r in floor)
        t_fast_floor = min(r[0] for r in fast_floor)
        t_old = min(r[0] for r in old) if old else None
        old_pairs = [o[0] / j[0] for j, o in zip(jsonl, old, strict=False)]
        floor_pairs = [j[0] / f[0] for j, f in zip(jsonl, fast_floor, strict=True)]
        t_jsonl_big, _, rss_big = _run([*cli, "-", "--jsonl", *now], stdin=big_file)
        one = Path(tmp) / "one.json"
        one.write_text(json.dumps(application(args.seed, 7)), encoding="utf-8")
        starts = [_run([*cli, str(one), *now]) for _ in range(7)]
        print("POST /v1/next on uvicorn...", file=sys.stderr)
        served, served_cpu = _served(args.seed, Path(tmp))

    keep.cleanup()
    na = f"n/a ({BASELINE} is not in this checkout)"
    rows = [
        (
            f"decisions per CPU s, loaded applications, this code / {BASELINE} "
            f"(bench/engine_rate.py, median of {ROUNDS})",
            f"{rate_now:,.0f} / " + (f"{rate_base:,.0f}" if rate_base else na),
        ),
        (
            f"  this code vs {BASELINE} (target ≥ 2x, goal 4x)",
            f"{rate_now / rate_base:.2f}x{_spread(rate_pairs)}" if rate_base else na,
        ),
        ("decisions per CPU s, loaded applications (next_actions)", f"{engine_rate:,.0f}"),
        ("decisions per CPU s, Machine per application", f"{machine_rate:,.0f}"),
        ("ratio (target ≥ 25x)", f"{engine_rate / machine_rate:.1f}x"),
        ("  same action as next_action (Machine per application)", f"{agree:.2%}"),
        ("CPU µs per application, load + decide, 10k", f"{cost_small * 1e6:.1f}"),
        (f"CPU µs per application, load + decide, {big:,}", f"{cost_big * 1e6:.1f}"),
        (f"{big:,} vs 10k (target ≤ 1.25x)", f"{cost_big / cost_small:.2f}x"),
        (f"--jsonl end to end, {lines_small:,} lines (CPU s)", f"{t_jsonl:.2f}"),
        (f"json parse+dump floor, {lines_small:,} lines (CPU s)", f"{t_floor:.2f}"),
        ("--jsonl vs floor (first pass's target ≤ 5x)", f"{t_jsonl / t_floor:.2f}x"),
        (f"msgspec decode+encode floor, {lines_small:,} lines (CPU s)", f"{t_fast_floor:.2f}"),
        (
            "--jsonl vs msgspec floor (target ≤ 8x, goal 4x)",
            f"{t_jsonl / t_fast_floor:.2f}x{_spread(floor_pairs)}",
        ),
        (
            f"--jsonl of {BASELINE}, {lines_small:,} lines (CPU s)",
            f"{t_old:.2f}" if t_old else na,
        ),
        (
            f"--jsonl lines per CPU s vs {BASELINE} (target ≥ 2x)",
            f"{t_old / t_jsonl:.2f}x{_spread(old_pairs)}" if t_old else na,
        ),
        (
            f"--jsonl lines per CPU s ({lines_small:,} from a file; {lines_big:,} from stdin)",
            f"{lines_small / t_jsonl:,.0f}; {lines_big / t_jsonl_big:,.0f}",
        ),
        (
            f"--jsonl peak memory, {lines_small:,} / {lines_big:,} lines (MB, target < 200)",
            f"{rss_small:.0f} / {rss_big:.0f}",
        ),
        (f"benchmark process peak memory, after {big:,} (MB)", f"{peak_self:.0f}"),
        (
            "POST /v1/next per s, one application a request (uvicorn, one worker, one core)",
            f"{served:,.0f} wall; {served_cpu:,.0f} per server CPU s",
        ),
        (
            "  vs --jsonl lines per CPU s, the same applications",
            f"{served_cpu / (lines_small / t_jsonl):.2f}x",
        ),
        (
            "etiquette next, one application, CPU / wall, median of 7 (s, target < 0.3)",
            f"{statistics.median(r[0] for r in starts):.3f} / "
            f"{statistics.median(r[1] for r in starts):.3f}",
        ),
    ]
    width = max(len(r[0]) for r in rows)
    print()
    for line in _machine_info(pinned):
        print(line)
    print()
    print(f"| {'measure':<{width}} | value |")
    print(f"|{'-' * (width + 2)}|------:|")
    for name, value in rows:
        print(f"| {name:<{width}} | {value} |")


def _served(seed: int, tmp: Path, n: int = 2000) -> tuple[float, float]:
    """Requests per wall second and per server CPU second of ``POST /v1/next``: ``etiquette
    serve`` (uvicorn, one worker) pinned to the benchmark's core, the client (this process, on
    one connection kept alive) on the other core when there is one."""
    import http.client
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    cores = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
    env = {**os.environ, "ETIQUETTE_DB": str(tmp / "served.sqlite3")}
    server = subprocess.Popen(
        [*_etiquette(), "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        others = [c for c in range(os.cpu_count() or 1) if c not in cores]
        if others and hasattr(os, "sched_setaffinity"):
            os.sched_setaffinity(0, {others[0]})  # the client apart from the server
        bodies = [json.dumps(application(seed, i)).encode() for i in range(n)]
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for _ in range(100):
            try:
                connection.request("GET", "/healthz")
                connection.getresponse().read()
                break
            except OSError:
                connection.close()
                time.sleep(0.1)
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        path = f"/v1/next?now={NOW.isoformat().replace('+', '%2B')}"
        cpu_before = _process_cpu(server.pid)
        started = time.perf_counter()
        for body in bodies:
            connection.request("POST", path, body, {"Content-Type": "application/json"})
            answer = connection.getresponse()
            answer.read()
            if answer.status != 200:
                raise SystemExit(f"POST /v1/next answered {answer.status}")
        wall = time.perf_counter() - started
        cpu = _process_cpu(server.pid) - cpu_before
        connection.close()
    finally:
        server.terminate()
        server.wait()
        if cores and hasattr(os, "sched_setaffinity"):
            os.sched_setaffinity(0, set(cores))
    return n / wall, n / max(cpu, 1e-9)


def _process_cpu(pid: int) -> float:
    """A process's user + system CPU seconds so far (Linux: /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _throughputs(n: int, seed: int, policy: Any, rounds: int = 20) -> tuple[float, float]:
    """Decisions per CPU second of next_actions and of the Machine-per-application pattern.

    Interleaved in ``rounds`` of about a second each: a pass of next_actions over all ``n``
    applications, then the Machine-per-application pattern over the next ``n / rounds`` of them
    (which takes about as long). Each rate is the total decisions over the total CPU time of
    all rounds: both are means over the same stretch of time, so a slow spell of a shared
    machine weighs on both alike instead of on whichever happened to run in it.
    """
    apps = [Application.from_dict(d) for d in applications(n, seed)]
    list(next_actions(apps, NOW, policy))  # warm the calendar caches, as a long run would
    step = n // rounds
    t_engine = t_machine = 0.0
    for r in range(rounds):
        t_engine += _cpu(lambda: list(next_actions(apps, NOW, policy)))
        part = apps[r * step : (r + 1) * step]

        def machine_pass(part: list[Application] = part) -> list[Any]:
            return [machine_decide(a, NOW, policy) for a in part]

        t_machine += _cpu(machine_pass)
    return rounds * n / t_engine, rounds * step / t_machine


def _agreement(seed: int, policy: Any, n: int = 2000) -> float:
    """The share of applications where both approaches give the same state, action, recipients."""
    same = 0
    for data in applications(n, seed):
        app = Application.from_dict(data)
        d = next_action(app, NOW, policy)
        same += machine_decide(app, NOW, policy) == (d.state, d.action, d.to)
    return same / n


if __name__ == "__main__":
    main()
