# mypy: disallow-untyped-calls=False
# (dask and distributed ship no type hints for these calls)
"""Scale-out on Dask: a local ``distributed`` cluster of two worker processes gives, line for
line, what ``next_actions`` gives, with the default policy and with one of a user's own."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import dask.bag as db
import pytest
from distributed import Client, LocalCluster

from etiquette import Application, InvalidApplication, load_policy, next_action, next_actions
from etiquette.dask import next_actions_bag

from .conftest import bench_workload, contract_data

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 12, 1, 14, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster) as c,
    ):
        yield c


def test_two_worker_processes_give_next_actions_line_for_line(client: Client) -> None:
    data = bench_workload(2000)
    bag = db.from_sequence([json.dumps(d) for d in data], npartitions=8)
    got = next_actions_bag(bag, NOW).compute()
    expected = [d.to_dict() for d in next_actions((Application.from_dict(d) for d in data), NOW)]
    assert got == expected
    assert len({d["state"] for d in got}) >= 5  # the workload is not one state over and over
    workers = client.run(lambda: __import__("os").getpid())
    assert len(set(workers.values())) == 2  # two processes, each did its share


def test_bytes_dicts_and_a_policy_of_ones_own(client: Client, tmp_path: Path) -> None:
    text = (ROOT / "specs" / "default.toml").read_text(encoding="utf-8")
    assert "due = { hours = 24 }" in text
    spec = tmp_path / "mine.toml"
    spec.write_text(text.replace("due = { hours = 24 }", "due = { hours = 48 }", 1), "utf-8")
    policy = load_policy(spec)
    at = datetime.fromisoformat("2026-11-24T12:00:00-05:00")
    line = json.dumps(contract_data()).encode()
    bag = db.from_sequence([contract_data(), line], npartitions=2)
    first, second = next_actions_bag(bag, at, policy).compute()
    expected = next_action(Application.from_dict(contract_data()), at, policy).to_dict()
    assert first == second == expected
    assert first["due_by"] == "2026-11-25T11:00:00-05:00"  # 48 hours: the policy's own number
    default = next_actions_bag(db.from_sequence([line], npartitions=1), at).compute()
    assert default[0]["due_by"] != first["due_by"]


def test_a_naive_now_is_refused_before_anything_runs() -> None:
    bag = db.from_sequence([contract_data()], npartitions=1)
    with pytest.raises(InvalidApplication, match="now"):
        next_actions_bag(bag, datetime(2026, 12, 1, 14, 0))


def test_a_bad_line_fails_the_computation_naming_its_field(client: Client) -> None:
    bad = copy.deepcopy(contract_data())  # (its events are the conftest's own dicts)
    bad["events"][0]["at"] = "2026-11-24T10:00:00"
    bag = db.from_sequence([contract_data(), bad], npartitions=1)
    with pytest.raises(InvalidApplication, match=r"events\[0\]\.at"):
        next_actions_bag(bag, NOW).compute()


def test_a_line_that_is_not_json_is_named_as_jsonl_names_it(client: Client) -> None:
    # read as --jsonl reads a line: msgspec, then json's words for what is wrong
    bag = db.from_sequence([b'{"id": "acme",'], npartitions=1)
    with pytest.raises(InvalidApplication, match=r"^column 15: invalid JSON: Expecting"):
        next_actions_bag(bag, NOW).compute()
    nan = db.from_sequence(['{"id": NaN}'], npartitions=1)
    with pytest.raises(InvalidApplication, match=r"^id: expected a non-empty string"):  # (NaN)
        next_actions_bag(nan, NOW).compute()
