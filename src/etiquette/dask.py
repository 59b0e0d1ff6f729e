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

import functools
import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

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
    spec = json.dumps(chosen.spec, default=str) if chosen is not default_policy() else None
    return bag.map_partitions(_decide_partition, when, spec, chosen.source)


def _decide_partition(
    items: Iterable[Any], when: str, spec: str | None, source: str
) -> list[dict[str, Any]]:
    # A list, not a generator: a partition's result travels back to the client pickled.
    policy = _policy(spec, source)
    now = datetime.fromisoformat(when)
    return [decide_at(_application(item), now, policy).to_dict() for item in items]


def _application(item: Any) -> Application:
    if isinstance(item, Application):
        return item
    if isinstance(item, bytes | str):
        item = json.loads(item)
    return Application.from_dict(item)


@functools.lru_cache(maxsize=8)
def _policy(spec: str | None, source: str) -> Policy:
    """The policy, compiled once per worker process."""
    if spec is None:
        return default_policy()
    return policy_from_data(json.loads(spec), source)
