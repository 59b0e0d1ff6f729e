"""The engine's hot modules as they are built: compiled by mypyc, from the sources of this tree.

``pip install`` compiles ``_engine/machine.py`` and ``_engine/times.py`` (pyproject.toml); a
compiled module shadows its source, so a build older than its source would test and ship old
code. Their values still pickle, as the worker processes of ``verify`` need.
"""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from etiquette._engine import machine, times
from etiquette._engine.spec import default_policy
from etiquette._engine.times import Chain, Duration, calendar_for

HOT = (machine, times)


@pytest.mark.parametrize("module", HOT, ids=lambda m: m.__name__)
def test_a_compiled_module_is_built_from_its_source(module: object) -> None:
    built = Path(module.__file__)  # type: ignore[attr-defined]
    if built.suffix == ".py":
        pytest.skip("pure-Python build (HATCH_BUILD_NO_HOOKS=true)")
    source = built.with_name(built.name.split(".", 1)[0] + ".py")
    assert source.exists()
    assert built.stat().st_mtime >= source.stat().st_mtime, (
        f"{built.name} is older than {source.name}: run make (it compiles the engine again)"
    )


def test_the_engine_values_pickle_as_they_were() -> None:
    policy = default_policy()
    back = pickle.loads(pickle.dumps(policy))
    assert back.numbers == policy.numbers
    assert back.table == policy.table
    for value in (Duration(3, "business_days"), Chain((1, 2)), calendar_for("Asia/Tokyo", "JP")):
        again = pickle.loads(pickle.dumps(value))
        assert again == value
        assert hash(again) == hash(value)
    # a transition comes back with its implementations looked up again
    t = policy.table[("awaiting", "status_inquiry_sent")][0]
    assert pickle.loads(pickle.dumps(t)).checks == t.checks
