"""The layout of ``docs/architecture.md``, checked: imports point down, never back up.

Every import of the package is read from the source (``ast``, relative imports resolved,
imports inside functions and under ``TYPE_CHECKING`` included):

- the engine (``etiquette._engine``) imports nothing of the layers above it, and its modules
  import only those below them, in the documented order;
- every layer above imports the engine through the package ``etiquette._engine``, never one of
  its modules;
- the layers above import each other only as the architecture page says (the command line
  starts the others; the docs generator and the proof read the referee).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import etiquette
from etiquette._cli import COMMANDS

PACKAGE = Path(etiquette.__file__).parent

#: The engine's modules, bottom first: each may import only those before it.
ENGINE_ORDER = (
    "errors",
    "times",
    "wire",
    "model",
    "vocabulary",
    "policy",
    "machine",
    "spec",
    "results",
    "advice",
    "decisions",
    "plan",
)

#: The layers above the engine -> the other layers each may import (besides the engine).
LAYERS: dict[str, set[str]] = {
    "etiquette.referee": set(),
    "etiquette._progress": set(),
    "etiquette._proof": {"etiquette.referee", "etiquette._progress"},
    "etiquette._bulk": {"etiquette._progress"},
    "etiquette._docs": {"etiquette.referee"},
    "etiquette._store": set(),
    "etiquette.dask": {"etiquette._bulk"},  # the optional scale-out: the engine, --jsonl's reader
    "etiquette._ics": set(),
    "etiquette._drafts": set(),
    "etiquette._service": {"etiquette._store", "etiquette._ics", "etiquette._drafts"},
    "etiquette._cli": {
        "etiquette._drafts",
        "etiquette._bulk",
        "etiquette._docs",
        "etiquette._ics",
        "etiquette._proof",
        "etiquette._service",
        "etiquette._store",
    },
    "etiquette": {"etiquette._bulk", "etiquette._drafts", "etiquette._ics"},  # the public face
    "etiquette.__main__": {"etiquette._cli"},  # `python -m etiquette`
}


def module_name(path: Path) -> str:
    parts = ["etiquette", *path.relative_to(PACKAGE).with_suffix("").parts]
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports(path: Path) -> set[str]:
    """Every etiquette module ``path`` imports, as absolute names."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("etiquette")}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            if target.startswith("etiquette"):
                found.add(target)
                if node.level and not node.module:  # `from . import decide`: modules
                    found |= {f"{target}.{a.name}" for a in node.names}
    return found


SOURCES = sorted(PACKAGE.rglob("*.py"))


def layer_of(module: str) -> str:
    for layer in sorted(LAYERS, key=len, reverse=True):
        if module == layer or module.startswith(layer + "."):
            return layer
    raise AssertionError(f"{module} belongs to no layer")  # pragma: no cover


def is_engine(module: str) -> bool:
    return module == "etiquette._engine" or module.startswith("etiquette._engine.")


def test_the_sources_are_read() -> None:
    engine = [p for p in SOURCES if is_engine(module_name(p))]
    assert {module_name(p).rsplit(".", 1)[-1] for p in engine} >= set(ENGINE_ORDER)
    assert "etiquette._engine.errors" in imports(PACKAGE / "_engine" / "model.py")
    assert "etiquette._cli.common" in imports(PACKAGE / "_cli" / "__init__.py")
    # the command groups are imported by name, when a command line names one (COMMANDS): each
    # is a module of the command line's own layer, whose imports are read as its own file's
    assert {(PACKAGE / "_cli" / f"{group}.py").is_file() for group in COMMANDS} == {True}


@pytest.mark.parametrize("path", [p for p in SOURCES if is_engine(module_name(p))], ids=str)
def test_the_engine_imports_no_layer_above_it_and_only_modules_below(path: Path) -> None:
    name = module_name(path)
    for target in imports(path):
        assert is_engine(target), f"{name} imports {target}, a layer above the engine"
        if name == "etiquette._engine":
            continue  # the package gathers its modules' names
        here = ENGINE_ORDER.index(name.rsplit(".", 1)[-1])
        there = ENGINE_ORDER.index(target.rsplit(".", 1)[-1])
        assert there < here, f"{name} imports {target}, which is not below it"


@pytest.mark.parametrize("path", [p for p in SOURCES if not is_engine(module_name(p))], ids=str)
def test_the_layers_above_use_the_engines_package_and_import_down(path: Path) -> None:
    name = module_name(path)
    layer = layer_of(name)
    for target in imports(path):
        if is_engine(target):
            assert target == "etiquette._engine", f"{name} imports {target}: use etiquette._engine"
            continue
        other = layer_of(target)
        if other != layer:
            assert other in LAYERS[layer], f"{name} imports {target}: {layer} may not use {other}"


def test_the_architecture_page_lists_the_engines_modules_in_their_order() -> None:
    page = (Path(__file__).parent.parent / "docs" / "architecture.md").read_text(encoding="utf-8")
    section = page.split("## The engine, from the bottom up", 1)[1].split("\n## ", 1)[0]
    listed = re.findall(r"^\d+\. `(\w+)`", section, flags=re.M)
    assert tuple(listed) == ENGINE_ORDER
    for layer in LAYERS:
        if layer.startswith("etiquette._") or layer == "etiquette.referee":
            assert layer.split(".", 1)[1].split(".")[0] in page, layer
