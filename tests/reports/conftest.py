"""A small incident repo whose statistics are computed by hand in the tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.helpers import GitRepo, incident_text

WRITTEN = """
## Summary
Mail was slow.

## Impact
Some customers.

## Timeline
- 10:00 alert

## Root cause analysis
The relay queue filled up.

## Prevention plan
- A1 alert on queue length

## Customer communication
Status page.
"""

# SEV3 targets in SPEC_POLICY: acknowledge within 4 business hours; no escalation applies.
SMALL = {
    "INC-2026-0001-mail-slow.md": incident_text(
        WRITTEN,
        title="Mail relay slow",
        status="resolved",
        detected_at="2026-11-02T10:00:00+01:00",
        services=["mail"],
        acknowledged_at="2026-11-02T09:30:00+00:00",
        resolved_at="2026-11-02T14:00:00+01:00",
        root_cause={"category": "capacity", "summary": "Queue full"},
        actions=[
            {
                "id": "A1",
                "title": "Alert on queue length",
                "owner": '"@carol"',
                "department": "platform",
                "due": "2026-11-10",
            },
            {
                "id": "A2",
                "title": "Bigger queue",
                "owner": '"@dave"',
                "department": "platform",
                "due": "2026-11-12",
                "status": "done",
                "done_at": "2026-11-05T10:00:00+01:00",
            },
        ],
    ),
    "INC-2026-0002-mail-and-web.md": incident_text(
        id="INC-2026-0002",
        title="Mail and web slow | again",
        status="resolved",
        detected_at="2026-11-03T09:00:00+01:00",
        source="customer",
        services=["mail", "web"],
        acknowledged_at="2026-11-03T09:10:00+01:00",
        mitigated_at="2026-11-03T09:40:00+01:00",
        resolved_at="2026-11-03T11:00:00+01:00",
        actions=[
            {
                "id": "A1",
                "title": "Capacity review",
                "owner": '"@erin"',
                "department": "customer-support",
                "due": "2026-12-01",
            },
        ],
        related=["INC-2026-0001"],
    ),
    "INC-2026-0003-web-errors.md": incident_text(
        id="INC-2026-0003",
        title="Web errors",
        status="acknowledged",
        detected_at="2026-11-04T09:00:00+01:00",
        services=["web"],
        acknowledged_at="2026-11-04T09:45:00+01:00",
    ),
    "INC-2026-0004-unacknowledged.md": incident_text(
        id="INC-2026-0004", title="Nobody looked yet", detected_at="2026-11-19T10:00:00+01:00"
    ),
    "INC-2026-0005-false-alarm.md": incident_text(
        id="INC-2026-0005",
        title="False alarm",
        status="cancelled",
        severity="SEV1",
        detected_at="2026-11-05T10:00:00+01:00",
        cancelled_at="2026-11-05T10:20:00+01:00",
    ),
    "INC-2026-0006-october.md": incident_text(
        id="INC-2026-0006",
        title="Before the period",
        status="resolved",
        detected_at="2026-10-01T10:00:00+02:00",
        acknowledged_at="2026-10-01T10:05:00+02:00",
        resolved_at="2026-10-01T11:00:00+02:00",
    ),
}


@pytest.fixture
def small_repo(make_repo):
    return make_repo(SMALL)


PROJECT = Path(__file__).resolve().parents[2]


def copy_example(root: Path) -> Path:
    """The bundled example repo (policies, incidents, config) copied to `root`, committed."""
    shutil.copytree(PROJECT / "incidents", root / "incidents")
    shutil.copytree(PROJECT / "policies", root / "policies")
    shutil.copy(PROJECT / "incident-ops.yaml", root / "incident-ops.yaml")
    GitRepo(root).commit("Example incidents", author="Site Test")
    return root


@pytest.fixture
def example_repo(tmp_path) -> Path:
    return copy_example(tmp_path / "example")
