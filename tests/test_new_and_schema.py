"""`new` (next free id, template with every section) and `schema` (JSON Schemas)."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import yaml

from tests.helpers import MINIMAL, incident

PROJECT = Path(__file__).resolve().parent.parent


def test_new_takes_the_next_free_id_of_the_year(make_repo):
    repo = make_repo({"INC-2026-0007-old.md": incident(MINIMAL.replace("0001", "0007"))})
    result = repo.run(
        "new", "--title", "Billing DB down: eu-west!", "--severity", "SEV1",
        "--category", "service-failure", "--detected-at", "2026-11-20T09:12:00+01:00",
        "--source", "monitoring", "--reporter", "@alice",
    )  # fmt: skip
    assert result.code == 0, result.err
    assert result.out.strip() == "incidents/2026/INC-2026-0008-billing-db-down-eu-west.md"
    text = (repo.root / result.out.strip()).read_text()
    front = yaml.safe_load(text.split("---\n")[1])
    assert front["id"] == "INC-2026-0008"
    assert front["title"] == "Billing DB down: eu-west!"
    assert front["status"] == "reported" and front["reporter"] == "@alice"
    assert front["detected_at"].isoformat() == "2026-11-20T09:12:00+01:00"
    for section in ("Summary", "Impact", "Timeline", "Root cause analysis", "Prevention plan",
                    "Customer communication"):  # fmt: skip
        assert f"\n## {section}\n" in text


def test_a_new_incident_validates_and_only_lacks_what_is_unknown(make_repo):
    repo = make_repo({})
    path = repo.run("new", "--title", "Сбой биллинга", "--severity", "SEV3", "--category",
                    "service-failure", "--detected-at", "2026-11-20T09:12").out.strip()  # fmt: skip
    assert path == "incidents/2026/INC-2026-0001-incident.md"  # no Latin words: a plain slug
    result = repo.run("validate", "--format", "json", "--now", "2026-11-20T09:30:00+01:00")
    assert result.code == 0, result.out
    front = yaml.safe_load((repo.root / path).read_text().split("---\n")[1])
    assert front["title"] == "Сбой биллинга"
    assert front["detected_at"].isoformat() == "2026-11-20T09:12:00+01:00"  # default calendar tz


def test_new_uses_the_year_of_detection_and_never_overwrites(make_repo):
    repo = make_repo({})
    args = ["--severity", "SEV3", "--category", "service-failure"]
    first = repo.run("new", "--title", "A", *args, "--detected-at", "2025-01-02T10:00:00+01:00")
    second = repo.run("new", "--title", "A", *args, "--detected-at", "2025-01-02T11:00:00+01:00")
    assert first.out.strip() == "incidents/2025/INC-2025-0001-a.md"
    assert second.out.strip() == "incidents/2025/INC-2025-0002-a.md"


def test_new_refuses_unknown_severity_and_category(make_repo):
    repo = make_repo({})
    bad = repo.run("new", "--title", "x", "--severity", "SEV9", "--category", "service-failure")
    assert bad.code == 2 and "unknown severity 'SEV9'" in bad.err and "SEV1" in bad.err
    bad = repo.run("new", "--title", "x", "--severity", "SEV1", "--category", "weather")
    assert bad.code == 2 and "unknown category 'weather'" in bad.err
    assert not list((repo.root / "incidents").rglob("*.md"))


def test_schema_prints_valid_json_schemas_that_accept_the_examples(make_repo):
    repo = make_repo({})
    schemas = repo.run("schema").json()
    assert set(schemas) == {"incident", "policy", "config"}
    for schema in schemas.values():
        jsonschema.Draft202012Validator.check_schema(schema)
    incident_schema = jsonschema.Draft202012Validator(schemas["incident"])
    for path in (PROJECT / "incidents").rglob("*.md"):
        front = yaml.safe_load(path.read_text().split("---\n")[1])
        front = json.loads(json.dumps(front, default=str))  # timestamps as text, as editors see
        assert not list(incident_schema.iter_errors(front)), path.name
    policy = {}
    for path in (PROJECT / "policies").glob("*.yaml"):
        policy.update(json.loads(json.dumps(yaml.safe_load(path.read_text()), default=str)))
    assert not list(jsonschema.Draft202012Validator(schemas["policy"]).iter_errors(policy))


def test_schema_rejects_what_validate_rejects(make_repo):
    schema = make_repo({}).run("schema", "--kind", "incident").json()
    validator = jsonschema.Draft202012Validator(schema)
    good = {"id": "INC-2026-0001", "title": "x", "status": "reported", "severity": "SEV1",
            "category": "c", "detected_at": "2026-11-20T09:12:00+01:00"}  # fmt: skip
    assert validator.is_valid(good)
    assert not validator.is_valid({**good, "severty": "SEV1"})
    assert not validator.is_valid({**good, "status": "sleeping"})
    assert not validator.is_valid({**good, "id": "inc-1"})
