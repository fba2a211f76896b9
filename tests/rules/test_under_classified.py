"""under-classified and the `when:` language (every operator, dotted paths, VIP customers)."""

from __future__ import annotations

import pytest

from tests.helpers import SPEC_POLICY, front_matter, incident, incident_text
from tests.rules.util import lint as _lint

EARLY = "2026-11-20T09:13:00+01:00"  # before any deadline: only classification can fire


def lint(make_repo, text):
    return _lint(make_repo, text, now=EARLY)


BASE = front_matter(severity="SEV2")


def test_full_outage_demands_sev1_on_the_severity_line(make_repo):
    front = BASE + "impact: {full_outage: true}\n"
    found, result = lint(make_repo, incident(front))
    assert found == [(5, "under-classified")]
    assert "'total-outage'" in result.json()["findings"][0]["message"]


def test_operator_gte_and_each_matching_rule_is_named(make_repo):
    front = front_matter(impact={"customers_affected": 100, "full_outage": True})
    found, result = lint(make_repo, incident(front))
    assert found == [(5, "under-classified"), (5, "under-classified")]
    messages = sorted(f["message"] for f in result.json()["findings"])
    assert "'many-customers'" in messages[0] + messages[1]


@pytest.mark.parametrize(
    ("front", "expected"),
    [
        pytest.param(front_matter(severity="SEV1", impact={"customers_affected": 500}), [],
                     id="more-severe-than-required-passes"),
        pytest.param(front_matter(impact={"customers_affected": 99}), [], id="gte-boundary"),
        # all conditions of a rule must hold: a breach alone is not `security-breach`
        pytest.param(front_matter(severity="SEV2", impact={"security_breach": True}), [],
                     id="one-condition-of-two"),
        pytest.param(front_matter(severity="SEV2", category="security",
                                  impact={"security_breach": True}),
                     [(5, "under-classified")], id="both-conditions"),
    ],
)  # fmt: skip
def test_classification(make_repo, front, expected):
    assert lint(make_repo, incident(front))[0] == expected


OPERATOR_POLICY = (
    SPEC_POLICY.split("classification:")[0]
    + """\
classification:
  - {name: r-eq, when: {source: {eq: vendor}}, severity: SEV1}
  - {name: r-ne, when: {source: {ne: vendor}, reporter: {eq: "@ne"}}, severity: SEV1}
  - {name: r-gt, when: {impact.customers_affected: {gt: 10}}, severity: SEV1}
  - {name: r-lt, when: {impact.customers_affected: {lt: 1}, reporter: "@lt"}, severity: SEV1}
  - {name: r-lte, when: {impact.customers_affected: {lte: 1}, reporter: "@lte"}, severity: SEV1}
  - {name: r-in, when: {services: {in: [core-network, dns]}}, severity: SEV1}
  - {name: r-not-in, when: {category: {not_in: [service-failure, security]}}, severity: SEV1}
  - {name: r-contains, when: {title: {contains: bank}}, severity: SEV1}
  - {name: r-list-literal, when: {customers: small-shop}, severity: SEV1}
  - {name: r-exists, when: {root_cause: {exists: true}}, severity: SEV1}
  - {name: r-vip, when: {impact.vip_affected: true}, severity: SEV2}
  - {name: r-nested-list, when: {actions.status: open}, severity: SEV1}
escalations:
"""
    + SPEC_POLICY.split("escalations:\n", 1)[1]
)


@pytest.mark.parametrize(
    ("extra", "rule"),
    [
        ("source: vendor\n", "r-eq"),
        ("source: staff\nreporter: '@ne'\n", "r-ne"),
        ("impact: {customers_affected: 11}\n", "r-gt"),
        ("reporter: '@lt'\nimpact: {customers_affected: 0}\n", "r-lt"),
        ("reporter: '@lte'\nimpact: {customers_affected: 1}\n", "r-lte"),
        ("services: [web, dns]\n", "r-in"),
        ("title: Online bank login fails\n", "r-contains"),
        ("customers: [small-shop]\n", "r-list-literal"),
        ("root_cause: {category: network}\n", "r-exists"),
        ("customers: [acme-bank]\n", "r-vip"),
        ("actions: [{id: A1, title: Fix it}]\n", "r-nested-list"),
    ],
)
def test_each_operator_matches(make_repo, extra, rule):
    keys = {line.split(":")[0] for line in extra.splitlines()}
    front = front_matter(**dict.fromkeys(keys)) + extra  # the keys move to the end
    repo = make_repo({"INC-2026-0001-x.md": incident(front)}, policy=OPERATOR_POLICY)
    result = repo.run("validate", "--format", "json", "--now", EARLY)
    names = [f["message"].split("'")[1] for f in result.json()["findings"]]
    assert names == [rule], result.out


def test_an_unknown_impact_matches_no_condition_on_its_value(make_repo):
    """`null` (or absent) is unknown, not 0 or false: `lt: 1` does not match it."""
    for impact in ("", "impact: {customers_affected: null}\n"):
        front = front_matter(reporter="'@lt'") + impact
        repo = make_repo({"INC-2026-0001-x.md": incident(front)}, policy=OPERATOR_POLICY)
        result = repo.run("validate", "--format", "json", "--now", EARLY)
        assert result.json()["findings"] == [], result.out


def test_no_operator_matches_a_plain_incident(make_repo):
    repo = make_repo({"INC-2026-0001-x.md": incident_text()}, policy=OPERATOR_POLICY)
    result = repo.run("validate", "--format", "json", "--now", EARLY)
    assert result.json()["findings"] == []
    assert result.code == 0


def test_not_in_matches_another_category(make_repo):
    front = front_matter(category="staffing")
    repo = make_repo({"INC-2026-0001-x.md": incident(front)}, policy=OPERATOR_POLICY)
    result = repo.run("validate", "--format", "json", "--now", EARLY)
    assert [f["message"].split("'")[1] for f in result.json()["findings"]] == ["r-not-in"]
