"""Scale-out on Dask: the decisions of a ``dask.bag`` of applications, on every worker.

``pip install etiquette[dask]``. :func:`next_actions_bag` maps each partition of a bag of
applications (JSON lines, as ``bytes`` or ``str``, or wire-format dicts) to their decisions in
the wire format, exactly ``next_action(app, now, policy).to_dict()`` for each, in order. The
policy travels as plain data, once per partition's task, and is compiled once per worker
process.

    >>> import dask.bag as db                                   # doctest: +SKIP
    >>> lines = db.read_text("applications-*.jsonl")            # doctest: +SKIP
    >>> decisions = next_actions_bag(lines, now).compute()      # doctest: +SKIP
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from ._bulk import read_line
from ._engine import (
    Application,
    Policy,
    as_of,
    decide_at,
    default_policy,
    policy_from_data,
)

__all__ = ["next_actions_bag"]


def next_actions_bag(bag: Any, now: datetime, policy: Policy | None = None) -> Any:
    """A ``dask.bag.Bag`` of the decisions (wire-format dicts) of ``bag``'s applications as of
    ``now`` (timezone-aware), in the same order. Nothing runs until the bag is computed."""
    when = as_of(now).isoformat()
    chosen = policy or default_policy()
    if chosen is default_policy():
        return bag.map_partitions(_decide_partition, when, None, None, chosen.source)
    # the spec itself travels (pickled, whatever TOML types it holds); its text as JSON is only
    # the key under which each worker keeps the policy it compiled
    key = json.dumps(chosen.spec, sort_keys=True, default=repr)
    return bag.map_partitions(_decide_partition, when, key, dict(chosen.spec), chosen.source)


def _decide_partition(
    items: Iterable[Any], when: str, key: str | None, spec: dict[str, Any] | None, source: str
) -> list[dict[str, Any]]:
    # A list, not a generator: a partition's result travels back to the client pickled.
    policy = default_policy() if key is None or spec is None else _policy(key, spec, source)
    now = datetime.fromisoformat(when)
    return [decide_at(_application(item), now, policy).to_dict() for item in items]


def _application(item: Any) -> Application:
    if isinstance(item, Application):
        return item
    if isinstance(item, str):
        item = item.encode()
    if isinstance(item, bytes):
        item = read_line(item)  # as --jsonl reads a line (bad JSON: an error naming the column)
    return Application.from_dict(item)


#: The policies this worker process compiled, by their spec's key.
_COMPILED: dict[str, Policy] = {}


def _policy(key: str, spec: dict[str, Any], source: str) -> Policy:
    """The policy of ``spec``, compiled once per worker process."""
    policy = _COMPILED.get(key)
    if policy is None:
        policy = _COMPILED[key] = policy_from_data(spec, source)
    return policy
