"""The engine's hot modules as they are built: compiled by mypyc, from the sources of this tree.

``pip install`` compiles ``_engine/machine.py`` and ``_engine/times.py`` (pyproject.toml); a
compiled module shadows its source, so a build older than its source would test and ship old
code. Their values still pickle, as the worker processes of ``verify`` need.
"""

from __future__ import annotations

import importlib
import pickle
import re
import sysconfig
import tomllib
from pathlib import Path

import pytest

from etiquette._engine.spec import default_policy
from etiquette._engine.times import Chain, Duration, calendar_for

ROOT = Path(__file__).resolve().parent.parent
#: the sources the build compiles, as pyproject.toml lists them
HOT: list[str] = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["hatch"]["build"][
    "targets"
]["wheel"]["hooks"]["mypyc"]["include"]


def test_make_compiles_again_what_the_build_compiles() -> None:
    makefile = (ROOT / "Makefile").read_text().replace("\\\n", " ")  # (continued lines)
    listed = re.search(r"^ENGINE_HOT\s*:=(.*)$", makefile, re.MULTILINE)
    assert listed is not None
    assert sorted(listed.group(1).split()) == sorted(path.lstrip("/") for path in HOT)


@pytest.mark.parametrize("path", HOT)
def test_a_compiled_module_is_built_from_its_source(path: str) -> None:
    name = path.lstrip("/").removeprefix("src/").removesuffix(".py").replace("/", ".")
    built = Path(importlib.import_module(name).__file__ or "")
    if built.suffix == ".py":
        pytest.skip("pure-Python build (HATCH_BUILD_NO_HOOKS=true)")
    if not built.exists():
        # a module one compiled module imports from another gets a __file__ beside the
        # install's site-packages, where an editable install has none: it is in the source tree
        built = ROOT / path.lstrip("/").removesuffix(".py")
        built = built.with_name(built.name + sysconfig.get_config_var("EXT_SUFFIX"))
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
