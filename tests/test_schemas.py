"""The editor schemas: one schema per kind, committed under schemas/ and current, picked up
by VS Code for policies and the config, and agreeing with `validate` on nulls, one policy
file at a time and the config's values."""

from __future__ import annotations

import fnmatch
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from incident_ops.commands.schema import FILES, KINDS, render
from incident_ops.workspace.load import read_record
from tests import yaml12
from tests.helpers import MINIMAL, incident

PROJECT = Path(__file__).resolve().parent.parent
CHECKER = jsonschema.Draft202012Validator.FORMAT_CHECKER


def _validator(kind: str) -> jsonschema.Draft202012Validator:
    schema = json.loads((PROJECT / "schemas" / FILES[kind]).read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema, format_checker=CHECKER)


def _errors(kind: str, value: Any) -> list[str]:
    return [error.message for error in _validator(kind).iter_errors(value)]


def test_formats_are_really_checked():
    """Guard: without rfc3339-validator, jsonschema skips `date-time` silently."""
    assert not CHECKER.conforms("2026-02-30T09:12:00+01:00", "date-time")
    assert CHECKER.conforms("2026-11-20T09:12:00+01:00", "date-time")


@pytest.mark.parametrize("kind", list(KINDS))
def test_committed_schemas_are_current(kind):
    """`incident-ops schema --out schemas` regenerates them; this fails until it is run."""
    assert (PROJECT / "schemas" / FILES[kind]).read_text(encoding="utf-8") == render(kind)


def test_schema_without_kind_is_a_usage_error_not_a_wrapper(make_repo):
    """A wrapper object of three schemas, used as a schema, accepted anything."""
    result = make_repo({}).run("schema")
    assert result.code == 2
    assert "--kind incident|policy|config, or --out DIR" in result.err


@pytest.mark.parametrize("kind", list(KINDS))
def test_each_printed_schema_is_one_real_schema(make_repo, kind):
    printed = make_repo({}).run("schema", "--kind", kind).json()
    jsonschema.Draft202012Validator.check_schema(printed)
    assert printed["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert not jsonschema.Draft202012Validator(printed).is_valid({"no-such-key": 1})


def test_schema_out_writes_every_kind(make_repo, tmp_path):
    result = make_repo({}).run("schema", "--out", str(tmp_path / "schemas"))
    assert result.code == 0
    for kind in KINDS:
        assert (tmp_path / "schemas" / FILES[kind]).read_text(encoding="utf-8") == render(kind)


@pytest.mark.parametrize(
    "path", sorted(p.name for p in (PROJECT / "policies").glob("*.yaml")), ids=str
)
def test_every_bundled_policy_file_is_valid_on_its_own(path):
    """An editor checks one file at a time: the policy schema is that of one file."""
    assert _errors("policy", yaml12.load((PROJECT / "policies" / path).read_text())) == []


def test_the_bundled_config_is_valid():
    assert _errors("config", yaml12.load((PROJECT / "incident-ops.yaml").read_text())) == []


def test_the_config_schema_says_what_history_tolerance_takes():
    assert _errors("config", {"history_tolerance": "90m"}) == []
    assert _errors("config", {"history_tolerance": "soon"}) == [
        "'soon' does not match '^[0-9]+[mhd]$'"
    ]
    assert _errors("config", {"rules": {"recurrence": "off"}}) == []
    assert _errors("config", {"rules": {"recurence": "off"}}) != []  # validate refuses it too


def test_a_policy_file_may_hold_any_subset_of_keys():
    assert _errors("policy", {"customers": {"vip": ["acme-bank"]}}) == []
    assert _errors("policy", {"calendars": {"x": {"timezone": "UTC", "holidays": None}}}) != []
    assert _errors("policy", {"severties": {}}) != []  # a typo is still flagged


NULLS = """\
source: null
reporter: ~
services: null
impact: null
acknowledged_at: null
escalations: null
root_cause: null
actions:
  - {id: A1, title: Alert, kind: null, owner: null, due: null, status: null, done_at: null}
updates:
  - {at: 2026-11-20T09:50:00+01:00, audience: customers, channel: chat, summary: x, final: null}
related: null
"""


def test_null_is_allowed_wherever_validate_treats_it_as_absent(tmp_path):
    text = incident(MINIMAL + NULLS)
    path = tmp_path / "INC-2026-0001-x.md"
    path.write_text(text)
    parsed = read_record(str(path), path.name)
    assert parsed.doc.problems == [] and parsed.incident is not None
    assert _errors("incident", yaml12.load(text.split("---\n")[1])) == []


def test_an_unknown_key_is_reported_even_when_null(tmp_path):
    """`severty: null` is a typo either way: the schema flags it, so validate must too."""
    path = tmp_path / "INC-2026-0001-x.md"
    path.write_text(incident(MINIMAL + "severty: null\nimpact: {full_outge: ~}\n"))
    parsed = read_record(str(path), path.name)
    assert parsed.incident is None
    assert sorted((p.line, p.message) for p in parsed.doc.problems) == [
        (8, "unknown key 'severty'"),
        (9, "unknown key 'impact.full_outge'"),
    ]


def test_vscode_settings_map_the_schemas_to_the_files():
    settings = json.loads((PROJECT / ".vscode" / "settings.json").read_text())
    mapped = settings["yaml.schemas"]
    files = ["incident-ops.yaml", *(f"policies/{p.name}" for p in (PROJECT / "policies").iterdir())]
    for name in files:
        targets = [schema for schema, globs in mapped.items() if any(
            fnmatch.fnmatch(name, glob) for glob in globs)]  # fmt: skip
        assert len(targets) == 1, name
        assert (PROJECT / targets[0]).is_file()
    assert settings["yaml.yamlVersion"] == "1.2"


def test_schema_help_points_at_editors_not_the_cache_folder(make_repo):
    text = make_repo({}).run("schema", "--help").out
    assert ".incident-ops/" not in text
    assert ".vscode/settings.json" in text and "yaml.schemas" in text
    assert "pre-commit" in text


VOCABULARY = {
    "$schema", "$defs", "$ref", "title", "description", "default", "examples", "type",
    "properties", "additionalProperties", "required", "items", "anyOf", "enum", "const",
    "pattern", "format", "minimum", "maximum", "minLength", "maxLength", "minItems",
    "maxItems", "minProperties", "propertyNames",
}  # fmt: skip
_DATA = {"default", "examples", "enum", "const", "required"}  # values, not schemas


def _keywords(schema: Any) -> set[str]:
    """Every keyword used by a schema object and the schemas inside it."""
    if not isinstance(schema, dict):
        return set()
    found = set(schema)
    for key, value in schema.items():
        if key in _DATA:
            continue
        if key in ("properties", "$defs"):
            for inner in value.values():
                found |= _keywords(inner)
        elif isinstance(value, list):
            for inner in value:
                found |= _keywords(inner)
        else:
            found |= _keywords(value)
    return found


@pytest.mark.parametrize("kind", list(KINDS))
def test_schemas_use_only_json_schema_keywords(kind):
    """An unknown keyword is ignored by every validator: a constraint pydantic writes as
    `"ge": 0` instead of `"minimum": 0` silently checks nothing in an editor."""
    schema = json.loads(render(kind))
    assert _keywords(schema) - VOCABULARY == set()
