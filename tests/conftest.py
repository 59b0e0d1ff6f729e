"""Shared pytest configuration: hypothesis profiles.

``ETIQUETTE_HYPOTHESIS=deep`` selects the deep profile (many more examples, random seeds);
the default ``ci`` profile is fast and derandomised, so a CI run is repeatable.
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Callable, Sequence

import pytest
from hypothesis import HealthCheck, settings

from etiquette._cli import main

settings.register_profile(
    "ci",
    max_examples=40,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
settings.register_profile(
    "deep",
    max_examples=2000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
settings.load_profile(os.environ.get("ETIQUETTE_HYPOTHESIS", "ci"))


#: What the ``cli`` fixture returns for one run: (exit status, stdout, stderr).
Run = tuple[int, str, str]


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Callable[..., Run]:
    """Run the CLI in-process: ``cli(args, stdin=None) -> (status, stdout, stderr)``."""

    def run(args: Sequence[str], stdin: str | None = None) -> Run:
        if stdin is not None:
            monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        try:
            status = main(list(args))
        except SystemExit as exc:  # argparse
            status = exc.code if isinstance(exc.code, int) else 2
        out, err = capsys.readouterr()
        return status, out, err

    return run
