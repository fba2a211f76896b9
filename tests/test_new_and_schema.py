"""`new` (next free id, template with every section) and `schema` (JSON Schemas)."""

from __future__ import annotations

from pathlib import Path

import jsonschema
import pytest
import yaml

from incident_ops.commands.schema import KINDS
from tests import yaml12
from tests.helpers import git, incident_text

PROJECT = Path(__file__).resolve().parent.parent


def test_new_takes_the_next_free_id_of_the_year(make_repo):
    repo = make_repo({"INC-2026-0007-old.md": incident_text(id="INC-2026-0007")})
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
    schemas = {kind: repo.run("schema", "--kind", kind).json() for kind in KINDS}
    for schema in schemas.values():
        jsonschema.Draft202012Validator.check_schema(schema)
    checker = jsonschema.Draft202012Validator.FORMAT_CHECKER
    incident_schema = jsonschema.Draft202012Validator(schemas["incident"], format_checker=checker)
    for path in (PROJECT / "incidents").rglob("*.md"):
        front = yaml12.load(path.read_text().split("---\n")[1])  # as an editor reads it
        assert not list(incident_schema.iter_errors(front)), path.name


def test_schema_rejects_what_validate_rejects(make_repo):
    schema = make_repo({}).run("schema", "--kind", "incident").json()
    validator = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    good = {"id": "INC-2026-0001", "title": "x", "status": "reported", "severity": "SEV1",
            "category": "c", "detected_at": "2026-11-20T09:12:00+01:00"}  # fmt: skip
    assert validator.is_valid(good)
    assert not validator.is_valid({**good, "severty": "SEV1"})
    assert not validator.is_valid({**good, "status": "sleeping"})
    assert not validator.is_valid({**good, "id": "inc-1"})


def test_new_takes_services_customers_commander_and_commits(make_repo, monkeypatch):
    for key in ("GIT_AUTHOR_NAME", "GIT_COMMITTER_NAME"):
        monkeypatch.setenv(key, "Test")
    for key in ("GIT_AUTHOR_EMAIL", "GIT_COMMITTER_EMAIL"):
        monkeypatch.setenv(key, "test@example.com")
    repo = make_repo({})
    result = repo.run(
        "new", "--title", "Billing DB down", "--severity", "SEV1", "--category",
        "service-failure", "--detected-at", "2026-11-20T09:12:00+01:00", "--source", "monitoring",
        "--services", "billing-db, billing-api", "--customers", "acme-bank,city-gov",
        "--commander", "bob", "--commit",
    )  # fmt: skip
    assert result.code == 0, result.err
    path = "incidents/2026/INC-2026-0001-billing-db-down.md"
    assert result.out == f"{path}\n"  # stdout stays the path alone, for scripts
    assert "incident(INC-2026-0001): opened" in result.err
    text = (repo.root / path).read_text()
    assert "services: [billing-db, billing-api]\ncustomers: [acme-bank, city-gov]\n" in text
    assert 'commander: "@bob"\n' in text and "source: monitoring\n" in text
    log = git(repo.root, "log", "--format=%s", "--name-only")
    assert log == f"incident(INC-2026-0001): opened\n\n{path}\n"
    bad = repo.run("new", "--title", "x", "--severity", "SEV3", "--category", "service-failure",
                   "--commander", "Bob Smith")  # fmt: skip
    assert bad.code == 2 and "--commander: 'Bob Smith' is not a GitHub login" in bad.err


def test_the_template_leaves_impact_unknown_and_nothing_reads_null_as_no(make_repo):
    """A VIP outage opened with `new` and not filled in: validate is clean, the VIP
    escalation still applies (from `customers`), no classification matches on a null
    flag, and the report says "unknown" — not "no VIP affected; SLA kept"."""
    repo = make_repo({})
    path = repo.run(
        "new", "--title", "Billing DB down", "--severity", "SEV1", "--category", "service-failure",
        "--detected-at", "2026-11-20T09:12:00+01:00", "--customers", "acme-bank",
    ).out.strip()  # fmt: skip
    front = yaml.safe_load((repo.root / path).read_text().split("---\n")[1])
    assert front["impact"] == dict.fromkeys(
        ["customers_affected", "full_outage", "data_loss", "security_breach", "vip_affected",
         "media_attention", "sla_breached"]
    )  # fmt: skip
    now = "2026-11-20T09:13:00+01:00"
    assert repo.run("validate", "--now", now).code == 0
    deadlines = repo.run("deadlines", "--format", "json", "--now", now).json()
    rules = {o.get("rule") for o in deadlines["incidents"][0]["obligations"]}
    assert "unmitigated-to-director" in rules  # VIP from customers ∩ customers.vip
    report = repo.run("report", "--now", now)
    assert report.code == 0, report.err
    assert ("customers affected unknown; full outage unknown; VIP affected (acme-bank); "
            "SLA breach unknown") in report.out  # fmt: skip
    assert "no VIP affected" not in report.out and "SLA kept" not in report.out


def test_new_in_a_read_only_incidents_folder_is_a_clear_error(make_repo):
    import os
    import subprocess

    repo = make_repo({})
    folder = repo.root / "incidents" / "2026"
    folder.chmod(0o555)
    immutable = False
    if os.geteuid() == 0:  # root writes anywhere: make the folder immutable instead
        immutable = (
            subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode == 0
        )
        if not immutable:
            folder.chmod(0o755)
            pytest.skip("running as root without chattr: no read-only folder to test with")
    try:
        result = repo.run(
            "new", "--title", "x", "--severity", "SEV3", "--category", "service-failure",
            "--detected-at", "2026-11-20T09:00:00+01:00",
        )  # fmt: skip
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(folder)], check=True)
        folder.chmod(0o755)
    assert result.code == 2, result.err
    assert "incidents/2026: cannot write the new incident file:" in result.err
    assert "internal error" not in result.err
    assert list(folder.iterdir()) == []


def test_new_writes_names_yaml_would_misread_quoted(make_repo):
    repo = make_repo({})
    path = repo.run(
        "new", "--title", "x", "--severity", "SEV3", "--category", "service-failure",
        "--services", "no,123,2026-01-01,dns", "--customers", "Null,acme bank",
    ).out.strip()  # fmt: skip
    front = yaml.safe_load((repo.root / path).read_text().split("---\n")[1])
    assert front["services"] == ["no", "123", "2026-01-01", "dns"]
    assert front["customers"] == ["Null", "acme bank"]
