"""A yamllint-style table helper: run the real CLI and compare (line, rule) pairs."""

from __future__ import annotations

from tests.helpers import NOW, SECTIONS, front_matter, incident

CLOSED_SEV1 = (
    front_matter(
        status="closed",
        severity="SEV1",
        detected_at="2026-11-10T09:12:00+01:00",
        services=["billing-db"],
        customers=["acme-bank"],
    )
    + """\
impact:
  customers_affected: 340
  full_outage: true
acknowledged_at: 2026-11-10T09:20:00+01:00
mitigated_at: 2026-11-10T11:02:00+01:00
resolved_at: 2026-11-10T12:30:00+01:00
closed_at: 2026-11-13T10:00:00+01:00
escalations:
  - {department: platform, at: 2026-11-10T09:25:00+01:00}
  - {department: customer-support, at: 2026-11-10T09:26:00+01:00}
  - {department: management, at: 2026-11-10T09:35:00+01:00}
  - {department: executives, at: 2026-11-10T10:00:00+01:00}
updates:
  - at: 2026-11-10T09:50:00+01:00
    audience: customers
    channel: status-page
    summary: Investigating billing outage
  - at: 2026-11-10T10:45:00+01:00
    audience: management
    channel: email
    summary: Failover under way
  - at: 2026-11-10T10:48:00+01:00
    audience: customers
    channel: status-page
    summary: Failover under way
  - at: 2026-11-10T11:40:00+01:00
    audience: customers
    channel: status-page
    summary: Restored
  - at: 2026-11-10T13:00:00+01:00
    audience: customers
    channel: email
    summary: Resolved; RCA to follow
    final: true
root_cause:
  category: configuration
  summary: Failover script pointed at a decommissioned replica
actions:
  - id: A1
    title: Alert on replica lag over 30 s
    kind: technical
    owner: "@carol"
    department: platform
    due: 2026-11-12
    status: done
    done_at: 2026-11-12T15:00:00+01:00
"""
)

WRITTEN = SECTIONS.replace(
    "## Root cause analysis\nTODO", "## Root cause analysis\nThe failover script was stale."
).replace("## Prevention plan\nTODO", "## Prevention plan\nA1 alerts on replica lag.")

NAME = "INC-2026-0001-billing.md"


def lint(make_repo, text: str, name: str = NAME, now: str = NOW, **files: str):
    """(line, rule) of every finding for one incident file (plus other files if given)."""
    repo = make_repo({name: text, **files})
    result = repo.run("validate", "--format", "json", "--now", now, f"incidents/2026/{name}")
    assert "Traceback" not in result.out + result.err
    return sorted((f["line"], f["rule"]) for f in result.json()["findings"]), result


def closed(front: str = CLOSED_SEV1, body: str = WRITTEN) -> str:
    return incident(front, body)
