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


@pytest.mark.parametrize(
    ("front", "body", "expected"),
    [
        # a prevention action without owner: on the action's item
        pytest.param(CLOSED_SEV1.replace('    owner: "@carol"\n', ""), WRITTEN,
                     [(48, "closure-prevention")], id="prevention-action-without-owner"),
        # no actions and an empty plan: on the status line and on the plan's heading
        pytest.param(CLOSED_SEV1[: CLOSED_SEV1.index("actions:")],
                     WRITTEN.replace("## Prevention plan\nA1 alerts on replica lag.",
                                     "## Prevention plan\n<!-- x -->"),
                     [(4, "closure-prevention"), (61, "closure-prevention")],
                     id="prevention-needs-actions-and-a-written-plan"),
        # no final update: on the updates line
        pytest.param(CLOSED_SEV1.replace("    final: true\n", ""), WRITTEN,
                     [(22, "closure-follow-up")], id="follow-up-needs-a-final-update"),
        pytest.param(CLOSED_SEV1.replace("at: 2026-11-10T13:00:00+01:00",
                                         "at: 2026-11-10T12:00:00+01:00"), WRITTEN,
                     [(22, "closure-follow-up")], id="follow-up-before-resolution-does-not-count"),
        # a lower severity without requirements only needs its departments
        pytest.param(CLOSED_SEV1.replace("severity: SEV1", "severity: SEV3")
                     .replace("  full_outage: true", "  full_outage: false")
                     .replace("  customers_affected: 340", "  customers_affected: 3")
                     .replace("customers: [acme-bank]\n", ""), SECTIONS,
                     [], id="lower-severity-only-needs-departments"),
    ],
)  # fmt: skip
def test_closure_findings(make_repo, front, body, expected):
    found, _ = lint(make_repo, closed(front, body))
    assert found == expected


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
