"""recurrence: an incident matching an earlier one (services + root cause within the window)."""

from __future__ import annotations

import pytest

from tests.helpers import NOW, front_matter, incident
from tests.rules.util import lint

EARLIER = front_matter(
    status="resolved",
    detected_at="2026-10-06T09:12:00+02:00",
    acknowledged_at="2026-10-06T09:20:00+02:00",
    resolved_at="2026-10-06T12:30:00+02:00",
    services=["billing-db"],
    root_cause={"category": "configuration"},
) + (  # {A1}: the action's status, filled in by each test
    'actions:\n  - {id: A1, title: Alert on lag, owner: "@carol", due: 2026-12-20, status: {A1}}\n'
)

LATER = front_matter(
    id="INC-2026-0007",
    title="Billing database slow",
    detected_at="2026-11-16T10:05:00+01:00",
    services=["api", "billing-db"],
    root_cause={"category": "configuration"},
)
NAME = "INC-2026-0007-slow.md"


def earlier(status: str = "done, done_at: 2026-10-09T15:00:00+02:00") -> dict[str, str]:
    return {"INC-2026-0001-billing.md": incident(EARLIER.replace("{A1}", status))}


def test_unrelated_recurrence_is_a_warning_on_the_id_line(make_repo):
    found, result = lint(make_repo, incident(LATER), NAME, **earlier())
    assert [item for item in found if item[1] == "recurrence"] == [(2, "recurrence")] * 2
    ours = [f for f in result.json()["findings"] if f["rule"] == "recurrence"]
    messages = [f["message"] for f in ours]
    assert messages[0].startswith("recurs INC-2026-0001 (2026-10-06): same services, root_cause")
    assert "all its prevention actions were done" in messages[1]
    assert "prevention did not hold" in messages[1]
    # the reporter of a new incident cannot mend an earlier one's prevention: no red PR
    assert [f["level"] for f in ours] == ["warning", "warning"]
    errors = {f["rule"] for f in result.json()["findings"] if f["level"] == "error"}
    assert errors == {"acknowledge-overdue"}  # the reported incident's own deadline only


def test_open_actions_of_the_earlier_incident_do_not_fail_the_new_one(make_repo):
    _, result = lint(make_repo, incident(LATER + "related: [INC-2026-0001]\n"), NAME,
                     **earlier("open"))  # fmt: skip
    ours = [f for f in result.json()["findings"] if f["rule"] == "recurrence"]
    assert [(f["level"], f["message"]) for f in ours] == [
        ("warning", "recurs INC-2026-0001, whose prevention actions are still open: A1")
    ]
    errors = {f["rule"] for f in result.json()["findings"] if f["level"] == "error"}
    assert errors == {"acknowledge-overdue"}  # the reported incident's own deadline only


CLOSED_LATER = LATER.replace("status: reported", "status: closed") + (
    "acknowledged_at: 2026-11-16T10:10:00+01:00\nresolved_at: 2026-11-16T11:00:00+01:00\n"
    "closed_at: 2026-11-17T11:00:00+01:00\n"
)
PLAN = (
    "\n## Summary\nSlow.\n\n## Impact\nSome.\n\n## Timeline\n- 10:05 alert\n\n"
    "## Root cause analysis\nA rebuild.\n\n## Prevention plan\n{plan}\n\n"
    "## Customer communication\nNone needed.\n"
)


@pytest.mark.parametrize(
    ("related", "plan", "expected"),
    [
        ("related: [INC-2026-0001]\n",
         "INC-2026-0001's lag alert did not see a rebuild; A1 alerts on rebuild time.", []),
        ("", "A1 alerts on rebuild.", [(4, "closure-recurrence"), ("plan", "closure-recurrence")]),
        ("related: [INC-2026-0001]\n", "A1 alerts on rebuild.", [("plan", "closure-recurrence")]),
        ("", "INC-2026-0001 alerted on lag only.", [(4, "closure-recurrence")]),
    ],
)  # fmt: skip
def test_closing_a_recurrence_needs_related_and_a_plan_that_names_it(
    make_repo, related, plan, expected
):
    text = incident(CLOSED_LATER + related, PLAN.format(plan=plan))
    heading = text.splitlines().index("## Prevention plan") + 1
    expected = [(heading if line == "plan" else line, rule) for line, rule in expected]
    found, _ = lint(make_repo, text, NAME, now="2027-05-01T00:00:00+02:00", **earlier())
    assert [item for item in found if item[1] == "closure-recurrence"] == expected


@pytest.mark.parametrize(
    ("later", "actions", "expected"),
    [
        # listed in related, actions done after this detection: passes
        (LATER + "related: [INC-2026-0001]\n", "done, done_at: 2026-11-20T10:00:00+01:00", []),
        # listed, actions all done before: warning on the related item line
        (LATER + "related: [INC-2026-0001]\n", "done, done_at: 2026-10-09T15:00:00+02:00",
         [(10, "recurrence")]),
        # listed, an action still open: error on the related item line
        (LATER + "related:\n  - INC-2026-0001\n", "open", [(11, "recurrence")]),
        # not listed, related present but empty: on the related line, plus the open action
        (LATER + "related: []\n", "open", [(10, "recurrence"), (10, "recurrence")]),
        # a different root cause: no match
        (LATER.replace("{category: configuration}", "{category: capacity}"), "open", []),
        # no shared service: no match
        (LATER.replace("[api, billing-db]", "[api]"), "open", []),
        # no root cause yet: a missing value never matches
        (LATER.replace("root_cause: {category: configuration}\n", ""), "open", []),
        # outside the 180d window
        (LATER.replace("2026-11-16T10:05", "2027-04-10T10:05"), "open", []),
        # the earlier one is not earlier
        (LATER.replace("2026-11-16T10:05", "2026-10-01T10:05"), "open", []),
    ],
)  # fmt: skip
def test_recurrence_cases(make_repo, later, actions, expected):
    found, _ = lint(
        make_repo, incident(later), NAME, now="2027-05-01T00:00:00+02:00", **earlier(actions)
    )
    assert [item for item in found if item[1] == "recurrence"] == expected


def test_recurrence_is_inactive_without_a_policy_entry(make_repo):
    from tests.helpers import SPEC_POLICY

    policy = SPEC_POLICY.replace(
        "recurrence: {window: 180d, match: [services, root_cause.category]}\n", ""
    )
    repo = make_repo({NAME: incident(LATER), **earlier("open")}, policy=policy)
    result = repo.run("validate", "--format", "json", "--now", NOW)
    assert [f for f in result.json()["findings"] if f["rule"] == "recurrence"] == []


def test_cancelled_earlier_incident_does_not_count(make_repo):
    files = {"INC-2026-0001-billing.md": incident(
        EARLIER.replace("{A1}", "open").replace("status: resolved", "status: cancelled")
        + "cancelled_at: 2026-10-06T12:30:00+02:00\n"
    )}  # fmt: skip
    found, _ = lint(make_repo, incident(LATER), NAME, **files)
    assert [item for item in found if item[1] == "recurrence"] == []


@pytest.mark.parametrize(
    ("match", "later_change", "recurs"),
    [
        ("[category, customers]", "", True),
        ("[category, customers]", "customers: [city-gov]\n", False),
        ("[severity]", "", True),
        ("[severity]", "SEV2", False),
    ],
)
def test_matching_on_category_customers_and_severity(make_repo, match, later_change, recurs):
    from tests.helpers import SPEC_POLICY

    policy = SPEC_POLICY.replace("match: [services, root_cause.category]", f"match: {match}")
    first = EARLIER.replace("{A1}", "done") + "customers: [acme-bank]\n"
    later = LATER + "customers: [acme-bank]\n"
    if later_change == "SEV2":
        later = later.replace("severity: SEV3", "severity: SEV2")
    elif later_change:
        later = later.replace("customers: [acme-bank]\n", later_change)
    repo = make_repo(
        {NAME: incident(later), "INC-2026-0001-billing.md": incident(first)}, policy=policy
    )
    result = repo.run("validate", "--format", "json", "--now", NOW)
    rules = [f["rule"] for f in result.json()["findings"] if f["path"].endswith(NAME)]
    assert ("recurrence" in rules) is recurs, result.out
