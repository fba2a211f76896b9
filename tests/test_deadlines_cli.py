"""`incident-ops deadlines` through the real CLI: exact JSON, the table, exit codes."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from tests.helpers import (
    NOW,
    SPEC_POLICY,
    Result,
    front_matter,
    incident,
    incident_text,
    run_process,
)

PROJECT = Path(__file__).resolve().parents[1]
KINDS = {"acknowledge", "mitigate", "escalate", "customer-update", "management-update", "rca"}
KINDS |= {"action"}
FRIDAY_4PM = front_matter(detected_at="2026-11-20T16:00:00+01:00")  # SEV3, acknowledge: 4bh


def test_json_for_a_small_incident_is_exact(make_repo):
    repo = make_repo({"INC-2026-0001-billing.md": incident(FRIDAY_4PM)})
    result = repo.run("deadlines", "--format", "json", "--now", "2026-11-20T17:00:00+01:00")
    assert result.code == 0
    assert result.json() == {
        "now": "2026-11-20T17:00:00+01:00",
        "policy": "as-detected",
        "graded": "Graded by the policies in effect at detection: the current ones.",
        "incidents": [
            {
                "id": "INC-2026-0001",
                "path": "incidents/2026/INC-2026-0001-billing.md",
                "severity": "SEV3",
                "status": "reported",
                "policy_commit": None,  # no commit holds policies: the working tree's
                "obligations": [
                    {
                        "kind": "acknowledge",
                        "department": None,
                        "due": "2026-11-23T11:00:00+01:00",  # 2 working hours Fri + 2 Mon
                        "satisfied_at": None,
                        "state": "pending",
                    }
                ],
            }
        ],
    }


def test_escalations_and_actions_name_department_rule_and_action(make_repo):
    front = front_matter(severity="SEV2") + (
        "actions:\n  - {id: A1, title: Alert, department: platform, due: 2026-11-19}\n"
    )
    repo = make_repo({"INC-2026-0001-billing.md": incident(front)})
    result = repo.run("deadlines", "--format", "json", "--now", NOW)
    assert result.code == 0  # a report: overdue deadlines do not fail it
    obligations = result.json()["incidents"][0]["obligations"]
    assert obligations[0] == {
        "kind": "action",
        "department": "platform",
        "due": "2026-11-19T23:59:59+01:00",
        "satisfied_at": None,
        "state": "overdue",
        "action": "A1",
    }
    escalation = next(o for o in obligations if o["kind"] == "escalate")
    assert escalation == {
        "kind": "escalate",
        "department": "management",
        "due": "2026-11-20T09:42:00+01:00",
        "satisfied_at": None,
        "state": "overdue",
        "rule": "management-informed",
    }


def test_text_table_puts_overdue_first(make_repo):
    front = front_matter(severity="SEV2") + (
        "actions:\n  - {id: A1, title: Alert, department: platform, due: 2026-12-19}\n"
    )
    repo = make_repo({"INC-2026-0001-billing.md": incident(front)})
    result = repo.run("deadlines", "--now", NOW)
    assert result.code == 0
    lines = result.out.splitlines()
    assert lines[0] == "Deadlines as of 2026-11-20T12:00:00+01:00"
    header = lines[2]
    assert _cells(header, header) == [
        "incident", "kind", "department/action", "due", "state", "overdue by", "satisfied",
        "title",
    ]  # fmt: skip
    table = [dict(zip(_cells(header, header), _cells(header, row), strict=True))
             for row in lines[3:] if row.startswith("INC-")]  # fmt: skip
    states = [row["state"] for row in table]
    assert states == sorted(states, key=lambda s: s != "overdue")
    assert "overdue" in states and "pending" in states
    assert any((r["incident"], r["kind"], r["department/action"]) == ("INC-2026-0001", "action",
               "A1") for r in table)  # fmt: skip
    assert {r["title"] for r in table} == {"Billing database unavailable"}
    assert {r["overdue by"] for r in table if r["state"] != "overdue"} == {"-"}


def _cells(header: str, row: str) -> list[str]:
    """A plain table row cut at the header's column starts."""
    starts = [
        i for i, ch in enumerate(header) if ch != " " and (i == 0 or header[i - 2 : i] == "  ")
    ]
    ends = [*starts[1:], None]
    return [row[a:b].strip() for a, b in zip(starts, ends, strict=True)]


def test_empty_repo_says_so(make_repo):
    repo = make_repo({})
    result = repo.run("deadlines", "--now", NOW)
    assert (result.code, result.out) == (
        0,
        "Deadlines as of 2026-11-20T12:00:00+01:00: no obligations\n",
    )


def test_unparsable_file_is_named_on_stderr_and_exits_1(make_repo):
    repo = make_repo(
        {
            "INC-2026-0001-billing.md": incident_text(),
            "INC-2026-0002-broken.md": "---\nid: INC-2026-0002\ntitle: [unclosed\n---\n",
        }
    )
    result = repo.run("deadlines", "--format", "json", "--now", NOW)
    assert result.code == 1
    assert result.err.startswith("incidents/2026/INC-2026-0002-broken.md:4: invalid YAML")
    assert [i["id"] for i in result.json()["incidents"]] == ["INC-2026-0001"]


def test_bad_policy_exits_2_naming_the_file(make_repo):
    repo = make_repo(
        {"INC-2026-0001-billing.md": incident_text()},
        policy="severities: [\n",
    )
    result = repo.run("deadlines", "--now", NOW)
    assert result.code == 2
    assert "policies/policy.yaml:" in result.err


def _iso(text: str | None) -> bool:
    return text is None or datetime.fromisoformat(text).tzinfo is not None


# SPEC §6's deadline states; at NOW the bundled example has none missed or waived.
STATES = {"met", "met-late", "pending", "overdue", "missed", "waived"}
EXAMPLE_STATES = {"met", "met-late", "pending", "overdue"}


def _assert_deadlines_shape(doc: dict[str, Any], states: set[str]) -> None:
    """SPEC §6's `deadlines --format json` document: keys, kinds, states, timestamps."""
    for item in doc["incidents"]:
        assert set(item) >= {"id", "path", "severity", "status", "obligations"}
        assert not Path(item["path"]).is_absolute()
        for o in item["obligations"]:
            assert set(o) >= {"kind", "department", "due", "satisfied_at", "state"}
            assert o["kind"] in KINDS
            assert o["state"] in states
            assert _iso(o["due"]) and _iso(o["satisfied_at"])
            assert ("action" in o) == (o["kind"] == "action")
            if o["kind"] == "escalate":
                assert o["department"]


def test_bundled_example_repo_has_the_contract_shape():
    result = run_process(PROJECT, "deadlines", "--now", NOW, "--format", "json", "--root", ".")
    assert result.code == 0, result.err
    assert "Traceback" not in result.err
    doc = result.json()
    assert doc["now"] == NOW
    assert len(doc["incidents"]) >= 9
    _assert_deadlines_shape(doc, EXAMPLE_STATES)


def _console_script(root: Path, *args: str) -> Result:
    """The installed `incident-ops` script (what the README's quick start runs), in `root`."""
    script = Path(sys.executable).with_name("incident-ops")
    proc = subprocess.run(
        [str(script), *args], cwd=root, capture_output=True, text=True, timeout=120, check=False
    )
    assert "Traceback" not in proc.stdout + proc.stderr
    return Result(proc.returncode, proc.stdout, proc.stderr)


def _contract_incident(severity: str) -> str:
    """An acknowledged full outage detected at 09:00: under-classified unless SEV1."""
    return incident_text(
        status="investigating",
        severity=severity,
        detected_at="2026-11-20T09:00:00+01:00",
        source="monitoring",
        impact={"full_outage": True},
        acknowledged_at="2026-11-20T09:05:00+01:00",
    )


def test_console_script_keeps_the_spec_output_contract(make_repo):
    """SPEC §6 through the console script: validate's and deadlines' JSON shapes, exit codes.

    The same checks as the shared contract check `.ci/run` runs, on the repo's own files.
    """
    name = "INC-2026-0001-billing.md"
    repo = make_repo({name: _contract_incident("SEV2")})
    result = _console_script(repo.root, "validate", "--format", "json", "--now", NOW)
    assert result.code == 1, result.out + result.err
    doc = result.json()
    assert set(doc) >= {"findings", "summary"}
    assert set(doc["summary"]) >= {"files", "incidents", "errors", "warnings"}
    keys = {"path", "line", "column", "rule", "level", "message", "incident"}
    for f in doc["findings"]:
        assert set(f) >= keys, sorted(f)
        assert not Path(f["path"]).is_absolute()
        assert isinstance(f["line"], int) and f["line"] >= 1
        assert f["level"] in ("error", "warning")
        assert re.fullmatch(r"[a-z][a-z0-9-]*", f["rule"] or "")
    assert ("under-classified", 5) in [(f["rule"], f["line"]) for f in doc["findings"]]

    repo.write(name, _contract_incident("SEV1"))
    result = _console_script(repo.root, "deadlines", "--format", "json", "--now", NOW)
    doc = result.json()
    assert doc["now"] == NOW
    _assert_deadlines_shape(doc, STATES)
    early = _console_script(
        repo.root, "validate", "--format", "json", "--now", "2026-11-20T09:10:00+01:00"
    )
    assert early.code == 0, early.out

    make_repo(policy=SPEC_POLICY.replace("acknowledge: 15m", "acknowledge: soon"))
    result = _console_script(repo.root, "validate", "--now", NOW)
    assert result.code == 2
    assert "policy.yaml" in result.out + result.err


def test_deadlines_of_incidents_named_by_id_with_overdue_by_and_title(make_repo):
    repo = make_repo({
        "INC-2026-0001-billing.md": incident_text(severity="SEV2"),
        "INC-2026-0002-mail.md": incident_text(id="INC-2026-0002", title="Mail relay unavailable"),
    })  # fmt: skip
    by_id = repo.run("deadlines", "INC-2026-0001", "--format", "json", "--now", NOW)
    assert by_id.code == 0, by_id.err
    assert [i["id"] for i in by_id.json()["incidents"]] == ["INC-2026-0001"]
    mixed = repo.run("deadlines", "INC-2026-0002", "incidents/2026/INC-2026-0001-billing.md",
                     "--format", "json", "--now", NOW)  # fmt: skip
    assert [i["id"] for i in mixed.json()["incidents"]] == ["INC-2026-0002", "INC-2026-0001"]
    table = repo.run("deadlines", "INC-2026-0001", "--now", NOW)
    header, *lines = table.out.splitlines()[2:]
    rows = [line for line in lines if line.startswith("INC-")]  # not the "Graded by" line
    cells = [dict(zip(_cells(header, header), _cells(header, row), strict=True)) for row in rows]
    acknowledge = next(c for c in cells if c["kind"] == "acknowledge")
    assert acknowledge == {  # SEV2: acknowledge within 30m of 09:12
        "incident": "INC-2026-0001", "kind": "acknowledge", "department/action": "-",
        "due": "2026-11-20 09:42+01:00", "state": "overdue", "overdue by": "2h 18m",
        "satisfied": "-", "title": "Billing database unavailable",
    }  # fmt: skip
    unknown = repo.run("deadlines", "INC-2026-0099", "--now", NOW)
    assert unknown.code == 2
    assert "INC-2026-0099: no such file, folder or incident in incidents/" in unknown.err
