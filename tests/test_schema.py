"""The JSON Schemas of ``specs/schema`` (draft 2020-12) against the engine's own reader.

Everything the engine writes validates; every document the loader takes validates; and every
document a schema refuses, the loader refuses too (a property test over damaged documents).
The loader refuses more than a schema can say: the differences are listed in
``docs/embedding.md`` and pinned here.
"""

from __future__ import annotations

import json
import pkgutil
import tomllib
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st
from referencing import Registry, Resource

from etiquette import Application, InvalidApplication, InvalidEvent, check, next_action, plan
from etiquette._docs import load_scenarios

from . import strategies as s
from .conftest import contract_data

ROOT = Path(__file__).parent.parent
FOLDER = ROOT / "specs" / "schema"
SCHEMAS = {
    p.name.removesuffix(".schema.json"): json.loads(p.read_text()) for p in FOLDER.glob("*.json")
}
REGISTRY = Registry().with_resources(
    [(schema["$id"], Resource.from_contents(schema)) for schema in SCHEMAS.values()]
)
NOW = "2026-11-24T09:00:00-05:00"


def valid(name: str, document: Any) -> bool:
    validator = jsonschema.Draft202012Validator(SCHEMAS[name], registry=REGISTRY)
    return bool(validator.is_valid(document))


def errors(name: str, document: Any) -> list[str]:
    validator = jsonschema.Draft202012Validator(SCHEMAS[name], registry=REGISTRY)
    return [e.message for e in validator.iter_errors(document)]


def test_there_is_a_schema_for_each_part_of_the_wire_format() -> None:
    assert set(SCHEMAS) == {"application", "event", "decision", "plan", "verdict", "policy"}


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_each_schema_is_a_draft_2020_12_schema_and_is_shipped(name: str) -> None:
    schema = SCHEMAS[name]
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)
    packaged = pkgutil.get_data("etiquette", f"_specs/schema/{name}.schema.json")
    assert packaged is not None
    assert json.loads(packaged) == schema


def test_every_scenario_validates() -> None:
    for scenario in load_scenarios(ROOT / "specs" / "scenarios"):
        app = scenario.application
        assert valid("application", app.to_dict()), (
            scenario.name,
            errors("application", app.to_dict()),
        )
        for query in scenario.queries:
            policy = scenario.policy
            assert valid("decision", next_action(app, query.now, policy).to_dict()), scenario.name
            assert valid("plan", plan(app, query.now, policy).to_dict()), scenario.name
        for item in scenario.checks:
            verdict = check(app, item.action, item.at, scenario.policy, to=item.to)
            assert valid("verdict", verdict.to_dict()), scenario.name


def test_every_json_output_of_the_command_line_validates(cli: Any, tmp_path: Path) -> None:
    path = tmp_path / "acme.json"
    path.write_text(json.dumps(contract_data()), encoding="utf-8")
    db = str(tmp_path / "t.sqlite3")

    def out(*args: str) -> Any:
        status, text, err = cli([*args])
        assert (status, err) in ((0, ""), (1, ""))
        return json.loads(text)

    assert valid("decision", out("next", str(path), "--now", NOW, "--json"))
    listed = tmp_path / "list.json"
    listed.write_text(json.dumps([contract_data()]), encoding="utf-8")
    assert all(valid("decision", d) for d in out("next", str(listed), "--now", NOW, "--json"))
    verdict = out("check", str(path), "send_status_inquiry", "--at", NOW, "--json")
    assert valid("verdict", verdict)
    assert cli(["add", str(path), "--db", db])[0] == 0
    decisions = out("due", "--now", NOW, "--json", "--db", db)
    assert decisions
    assert all(valid("decision", d) for d in decisions)
    shown = out("show", "acme-backend-1", "--now", NOW, "--json", "--db", db)
    assert valid("application", shown["application"])
    assert valid("decision", shown["decision"])
    assert valid("plan", shown["plan"])
    assert all(valid("application", a) for a in out("export", "--db", db))


@given(data=st.data())
def test_decisions_and_plans_of_any_history_validate(data: st.DataObject) -> None:
    app = data.draw(s.histories())
    now = data.draw(s.instants_around(app))
    assert valid("application", app.to_dict()), errors("application", app.to_dict())
    assert valid("decision", next_action(app, now).to_dict())
    assert valid("plan", plan(app, now).to_dict())


def test_the_policy_specs_validate() -> None:
    assert valid("policy", tomllib.loads((ROOT / "specs" / "default.toml").read_text()))


@given(text=s.policy_specs())
def test_every_drawn_policy_validates(text: str) -> None:
    assert valid("policy", tomllib.loads(text))


def _loads(document: Any) -> bool:
    try:
        Application.from_dict(document)
    except InvalidApplication:
        return False
    return True


@given(document=st.one_of(s.mutated_applications(), s.applications().map(lambda a: a.to_dict())))
def test_what_a_schema_refuses_the_loader_refuses(document: Any) -> None:
    if _loads(document):
        assert valid("application", document), errors("application", document)


#: Documents the loader refuses though the schema takes them: what a schema cannot say.
DIFFERENCES = {
    "an unknown timezone": {"id": "a", "timezone": "Mars/Olympus_Mons"},
    "an unknown country": {"id": "a", "country": "ZZ"},
    "a day that does not exist": {
        "id": "a",
        "events": [{"type": "interview", "at": "2026-02-30T10:00:00Z"}],
    },
    "an offset beyond a day": {
        "id": "a",
        "events": [{"type": "interview", "at": "2026-11-23T10:00:00+25:00"}],
    },
    "half of a character": {"id": "\ud800"},
}


@pytest.mark.parametrize("what", list(DIFFERENCES))
def test_the_loader_refuses_more_than_the_schema_and_the_docs_say_so(what: str) -> None:
    document = DIFFERENCES[what]
    assert valid("application", document)
    assert not _loads(document)
    assert what in (ROOT / "docs" / "embedding.md").read_text(encoding="utf-8")


def test_an_event_in_the_wrong_place_is_the_engines_to_refuse() -> None:
    # the schema reads events one by one; only the engine knows a history that cannot happen
    document = contract_data(events=[{"type": "rejection_reply_sent", "at": NOW}])
    assert valid("application", document)
    with pytest.raises(InvalidEvent, match="rejection"):
        next_action(Application.from_dict(document), datetime_of(NOW))
    assert "an event in the wrong place" in (ROOT / "docs" / "embedding.md").read_text()


def datetime_of(text: str) -> Any:
    from datetime import datetime

    return datetime.fromisoformat(text)
