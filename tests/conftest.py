"""Shared pytest configuration: hypothesis profiles.

``ETIQUETTE_HYPOTHESIS=deep`` selects the deep profile (many more examples, random seeds);
the default ``ci`` profile is fast and derandomised, so a CI run is repeatable.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

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
