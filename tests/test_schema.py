"""`envelope schema`: a valid JSON Schema, alone on stdout, that the bundled scenarios satisfy."""

from __future__ import annotations

import json

import jsonschema
import pytest

from conftest import ROOT, SCENARIOS, run_cli
from estimator.scenario.source import read_yaml
from estimator.starter import ARCHETYPES, starter_text


@pytest.fixture(scope="module")
def schema_run():
    return run_cli("schema")


@pytest.fixture(scope="module")
def validator(schema_run):
    schema = json.loads(schema_run.stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_schema_prints_only_the_schema(schema_run):
    assert schema_run.returncode == 0
    assert schema_run.stderr == ""


def test_quantity_defaults_appear_as_their_text(schema_run):
    defs = json.loads(schema_run.stdout)["$defs"]
    conventions = defs["Conventions"]["properties"]
    assert conventions["day"]["default"] == "86400 s"
    assert conventions["month"]["default"] == "30.436875 day"
    assert conventions["peak_factor"]["default"] == 2.0
    # A section's default writes its quantities the same way.
    assert json.loads(schema_run.stdout)["properties"]["conventions"]["default"] == {
        "day": "86400 s", "month": "30.436875 day", "year": None, "storage_display": "decimal", "peak_factor": 2.0}
    day = conventions["day"]
    assert day["type"] == "string" and day["examples"] == ["86400 s"] and day["pattern"]


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_every_bundled_scenario_satisfies_the_schema(validator, path):
    data = read_yaml(path.read_text(encoding="utf-8"), str(path)).data
    errors = [f"{'.'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(data)]
    assert errors == []


@pytest.mark.parametrize("name, path, given", [
    ("misspelt_key.yaml", ["traffic"], "daily_active_user"),
])
def test_the_schema_refuses_what_the_loader_refuses(validator, name, path, given):
    data = read_yaml((ROOT / "tests" / "invalid" / name).read_text(encoding="utf-8"), name).data
    errors = list(validator.iter_errors(data))
    assert [list(e.absolute_path) for e in errors] == [path]
    assert given in errors[0].message


@pytest.mark.parametrize("text, valid", [
    ("2 KB", True), (".5 KB", True), ("1.5 billion B", True),
    ("KB", False), ("two KB", False),
])
def test_a_quantity_field_checks_the_shape_of_its_text(validator, text, valid):
    data = {"name": "x", "traffic": {"request_size": text, "requests": "10 request/s"}}
    errors = [e for e in validator.iter_errors(data) if list(e.absolute_path) == ["traffic", "request_size"]]
    assert (errors == []) is valid


@pytest.mark.parametrize("text, valid", [("calendar", True), ("30 days", True), ("2.5e6 s", True),
                                         ("fortnight", False)])
def test_words_a_field_accepts_are_in_its_pattern(validator, text, valid):
    data = {"name": "x", "conventions": {"month": text}, "traffic": {"requests": "10 request/s"}}
    assert validator.is_valid(data) is valid


@pytest.mark.parametrize("archetype", ARCHETYPES)
def test_every_starter_satisfies_the_schema(validator, archetype):
    data = read_yaml(starter_text(archetype, "Schema check"), f"{archetype}.yaml").data
    assert [e.message for e in validator.iter_errors(data)] == []
