"""The bulk path's output is pinned: the benchmark's workload gives, byte for byte, what it gave
when the second performance pass began, and each line is ``next_action`` of its application."""

from __future__ import annotations

import hashlib
import io
import json

from etiquette import Application, next_action
from etiquette._bulk import run_jsonl
from etiquette._engine import parse_instant

from .conftest import bench_workload

NOW = parse_instant("2026-12-01T14:00:00+00:00", "now")

#: sha256 of ``etiquette next FILE --jsonl --now 2026-12-01T14:00:00+00:00`` on the first 3,000
#: applications of the benchmark's workload (seed 2026), at the start of the performance pass
PINNED_3000 = "73db335a00be3c4a3bd5f633c1014e935149e998cd97bddfeb3694d574e95a2c"


def bench_lines(n: int) -> list[bytes]:
    return [(json.dumps(d, ensure_ascii=False) + "\n").encode() for d in bench_workload(n)]


def test_the_jsonl_output_of_the_benchmark_workload_is_byte_identical_to_the_pinned_one() -> None:
    out = io.StringIO()
    assert run_jsonl(bench_lines(3000), out, NOW) == 3000
    assert hashlib.sha256(out.getvalue().encode()).hexdigest() == PINNED_3000


def test_each_jsonl_line_is_next_action_of_its_application_one_by_one() -> None:
    lines = bench_lines(1000)
    out = io.StringIO()
    run_jsonl(lines, out, NOW)
    written = out.getvalue().splitlines()
    assert len(written) == len(lines)
    for line, text in zip(lines, written, strict=True):
        app = Application.from_dict(json.loads(line))
        assert json.loads(text) == next_action(app, NOW).to_dict()
