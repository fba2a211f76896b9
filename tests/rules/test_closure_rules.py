"""closure-rca, closure-prevention, closure-follow-up, closure-departments."""

from __future__ import annotations

import pytest

from tests.helpers import SECTIONS
from tests.rules.util import CLOSED_SEV1, WRITTEN, closed, lint


def test_a_complete_closed_sev1_passes(make_repo):
    found, result = lint(make_repo, closed())
    assert found == []
    assert result.code == 0


@pytest.mark.parametrize(
    ("front", "body", "expected"),
    [
        # RCA section still a placeholder: finding on the section heading line.
        (CLOSED_SEV1, SECTIONS.replace("## Prevention plan\nTODO", "## Prevention plan\nA1."),
         [(67, "closure-rca")]),
        # root_cause unknown: finding on the category line.
        (CLOSED_SEV1.replace("category: configuration", "category: unknown"), WRITTEN,
         [(45, "closure-rca")]),
        # no root_cause at all: on the status line.
        (CLOSED_SEV1.replace(
            "root_cause:\n  category: configuration\n"
            "  summary: Failover script pointed at a decommissioned replica\n", ""),
         WRITTEN, [(4, "closure-rca")]),
    ],
)  # fmt: skip
def test_closure_rca(make_repo, front, body, expected):
    found, result = lint(make_repo, closed(front, body))
    assert found == expected
    assert result.code == 1


def test_closure_prevention_action_without_owner_points_at_the_action(make_repo):
    front = CLOSED_SEV1.replace('    owner: "@carol"\n', "")
    found, _ = lint(make_repo, closed(front))
    assert found == [(48, "closure-prevention")]


def test_closure_prevention_needs_actions_and_a_written_plan(make_repo):
    front = CLOSED_SEV1[: CLOSED_SEV1.index("actions:")]
    body = WRITTEN.replace(
        "## Prevention plan\nA1 alerts on replica lag.", "## Prevention plan\n<!-- x -->"
    )
    found, _ = lint(make_repo, closed(front, body))
    assert found == [(4, "closure-prevention"), (61, "closure-prevention")]


def test_closure_follow_up_needs_a_final_update_after_resolution(make_repo):
    front = CLOSED_SEV1.replace("    final: true\n", "")
    found, _ = lint(make_repo, closed(front))
    assert found == [(22, "closure-follow-up")]


def test_closure_follow_up_before_resolution_does_not_count(make_repo):
    front = CLOSED_SEV1.replace("at: 2026-11-10T13:00:00+01:00", "at: 2026-11-10T12:00:00+01:00")
    found, _ = lint(make_repo, closed(front))
    assert found == [(22, "closure-follow-up")]


def test_closure_departments_lists_every_missing_department(make_repo):
    front = CLOSED_SEV1.replace(
        "  - {department: customer-support, at: 2026-11-10T09:26:00+01:00}\n", ""
    )
    found, result = lint(make_repo, closed(front))
    assert found == [(17, "closure-departments")]
    assert "customer-support" in result.json()["findings"][0]["message"]


def test_classification_departments_are_required_too(make_repo):
    front = CLOSED_SEV1.replace("category: service-failure", "category: security").replace(
        "  full_outage: true", "  full_outage: true\n  security_breach: true"
    )
    found, result = lint(make_repo, closed(front))
    assert found == [(18, "closure-departments")]
    message = result.json()["findings"][0]["message"]
    assert "security" in message and "legal" in message


def test_closure_rules_ignore_open_incidents(make_repo):
    front = CLOSED_SEV1.replace("status: closed", "status: resolved").replace(
        "closed_at: 2026-11-13T10:00:00+01:00\n", ""
    )
    found, _ = lint(make_repo, closed(front, SECTIONS), now="2026-11-13T09:00:00+01:00")
    assert found == []


def test_a_lower_severity_without_requirements_only_needs_departments(make_repo):
    front = (
        CLOSED_SEV1.replace("severity: SEV1", "severity: SEV3")
        .replace("  full_outage: true", "  full_outage: false")
        .replace("  customers_affected: 340", "  customers_affected: 3")
        .replace("customers: [acme-bank]\n", "")
    )
    found, _ = lint(make_repo, closed(front, SECTIONS))
    assert found == []
