"""Loading a policy: a spec's data checked (:mod:`.policy`), its machine compiled (:mod:`.machine`).

The policy is data and the machine is compiled from it; this module is where the two meet, so
that neither imports the other.
"""

from __future__ import annotations

import pkgutil
import tomllib
from pathlib import Path
from typing import Any

from .errors import SpecError
from .machine import compile_machine
from .policy import Policy, read_spec

__all__ = ["default_policy", "load_policy", "policy_from_data", "policy_from_text"]


def load_policy(path: str | Path | None = None) -> Policy:
    """Load and check a policy spec; ``None`` is the packaged default spec.

    Raises :class:`SpecError` naming the file, the key path and why, for a bad spec.
    """
    if path is None:
        text = _default_spec_text()
        return policy_from_text(text, "default.toml")
    where = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecError(where, "", f"cannot read the spec: {exc}") from None
    return policy_from_text(text, where)


def _default_spec_text() -> str:
    # (pkgutil reads a package's data as importlib.resources does, for a tenth of its import)
    packaged = pkgutil.get_data("etiquette", "_specs/default.toml")
    if packaged is None:  # (only from a loader that cannot read a package's data)
        raise SpecError("default.toml", "", "cannot read the packaged default spec")
    return packaged.decode("utf-8")


_DEFAULT: list[Policy] = []


def default_policy() -> Policy:
    """The packaged default policy, compiled once."""
    if not _DEFAULT:
        _DEFAULT.append(load_policy())
    return _DEFAULT[0]


def policy_from_text(text: str, where: str = "<spec>") -> Policy:
    """Check and compile a spec given as TOML text; ``where`` names it in errors."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SpecError(where, "", f"not valid TOML: {exc}") from None
    return _compile(data, where)


def policy_from_data(data: dict[str, Any], where: str = "<spec>") -> Policy:
    """Check and compile a spec already parsed (``Policy.spec``): how a policy travels to
    another process, as plain data."""
    return _compile(data, where)


def _compile(data: dict[str, Any], where: str) -> Policy:
    parts = read_spec(data, where)
    machine, table = compile_machine(parts.transitions, parts.states, parts.initial, parts.fail)
    return Policy(
        name=parts.name,
        source=where,
        initial=parts.initial,
        states=parts.states,
        rules=parts.rules,
        numbers=parts.numbers,
        machine=machine,
        table=table,
        spec=data,
    )
