"""Every output format renders the same findings; SARIF is valid against its schema."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from tests.helpers import NOW, incident_text

SCHEMA = json.loads((Path(__file__).parent.parent / "data" / "sarif-schema-2.1.0.json").read_text())
BAD = incident_text(  # acknowledged without acknowledged_at; a full outage at SEV3
    title='"Outage: 100% of users, line\\nbreak"',
    status="acknowledged",
    impact={"full_outage": True},
)


def _run(make_repo, fmt: str):
    repo = make_repo({"INC-2026-0001-outage.md": BAD})
    return repo.run("validate", "--format", fmt, "--now", NOW)


def test_json_has_the_spec_shape(make_repo):
    result = _run(make_repo, "json")
    assert result.code == 1
    doc = result.json()
    assert doc["summary"] == {"files": 1, "incidents": 1, "errors": 2, "warnings": 0}
    rules = {(f["rule"], f["line"]) for f in doc["findings"]}
    assert rules == {("under-classified", 5), ("lifecycle", 4)}
    for finding in doc["findings"]:
        assert finding["path"] == "incidents/2026/INC-2026-0001-outage.md"
        assert finding["incident"] == "INC-2026-0001"
        assert finding["level"] == "error"


def test_text_is_one_line_per_finding_without_colour_when_piped(make_repo):
    result = _run(make_repo, "text")
    lines = result.out.splitlines()
    assert lines[0].startswith("incidents/2026/INC-2026-0001-outage.md:4:1: error [lifecycle] ")
    assert lines[1].startswith("incidents/2026/INC-2026-0001-outage.md:5:1: error [under-")
    assert "\033[" not in result.out
    assert lines[-1] == "1 file, 1 valid incidents: 2 error(s), 0 warning(s)"


def test_github_workflow_commands_escape_their_data(make_repo):
    result = _run(make_repo, "github")
    first = result.out.splitlines()[0]
    assert first.startswith(
        "::error file=incidents/2026/INC-2026-0001-outage.md,line=4,col=1,title=lifecycle::"
    )
    assert all("\n" not in line for line in result.out.splitlines())


def test_sarif_is_valid_sarif_2_1_0(make_repo):
    result = _run(make_repo, "sarif")
    log = json.loads(result.out)
    jsonschema.validate(log, SCHEMA)  # draft-04 schema: jsonschema picks the validator
    run = log["runs"][0]
    results = run["results"]
    assert [r["ruleId"] for r in results] == ["lifecycle", "under-classified"]
    region = results[1]["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 5, "startColumn": 1}
    ids = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    assert ids[results[1]["ruleIndex"]] == "under-classified"


def test_sarif_schema_check_can_fail():
    """Guard: the schema really rejects a malformed log, so the check above means something."""
    bad = {"version": "2.1.0", "runs": [{"tool": {"driver": {}}, "results": []}]}
    try:
        jsonschema.validate(bad, SCHEMA)
    except jsonschema.ValidationError:
        return
    raise AssertionError("an invalid SARIF log passed the schema")
