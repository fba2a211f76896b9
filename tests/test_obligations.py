"""The obligations engine: states just before and after each due time, for every kind."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from incident_ops.domain.incident import Incident
from incident_ops.domain.obligations import Obligation, obligations
from incident_ops.policy.load import Policy, load_policy
from tests.helpers import SPEC_POLICY

# SPEC §4 plus a Seoul calendar/department and the rule shapes SPEC mentions.
EXTRA_RULES = """\
  - name: off-hours-duty
    severities: [SEV1]
    during: off-hours
    department: platform
    within: 15m
  - name: desk-working-hours
    severities: [SEV1]
    during: working
    department: customer-support
    within: 15m
  - name: legal-after-ack
    severities: [SEV2]
    department: legal
    within: 4h
    from: acknowledged_at
    until: closed
  - name: hr-business
    severities: [SEV3]
    department: hr
    within: 30m
    calendar: default
"""
POLICY = (
    SPEC_POLICY.replace("departments:\n  platform:", EXTRA_RULES + "departments:\n  platform:")
    .replace(
        "    holidays: {country: DE, dates: [2026-12-24]}\n",
        "    holidays: {country: DE, dates: [2026-12-24]}\n"
        "  seoul: {timezone: Asia/Seoul, days: mon-fri, hours: '09:00-18:00'}\n",
    )
    .replace("  hr: {name: HR,", "  network: {name: NOC, calendar: seoul}\n  hr: {name: HR,")
)
DETECTED = "2026-11-20T09:12:00+01:00"  # a Friday, inside working hours


@pytest.fixture(scope="module")
def policy(tmp_path_factory: pytest.TempPathFactory) -> Policy:
    root = tmp_path_factory.mktemp("policy")
    (root / "policies").mkdir()
    (root / "policies" / "policy.yaml").write_text(POLICY, encoding="utf-8")
    return load_policy(str(root / "policies"), str(root))


def t(text: str) -> datetime:
    return datetime.fromisoformat(text if "+" in text else f"2026-11-20T{text}:00+01:00")


def make(**fields: Any) -> Incident:
    base: dict[str, Any] = {
        "id": "INC-2026-0001",
        "title": "Billing down",
        "status": "investigating",
        "severity": "SEV1",
        "category": "service-failure",
        "detected_at": DETECTED,
    }
    return Incident.model_validate(base | fields)


def of(policy: Policy, incident: Incident, now: str, kind: str, **match: str) -> list[Obligation]:
    found = obligations(incident, policy, t(now))
    return [
        o for o in found if o.kind == kind and all(getattr(o, k) == v for k, v in match.items())
    ]


def one(policy: Policy, incident: Incident, now: str, kind: str, **match: str) -> Obligation:
    found = of(policy, incident, now, kind, **match)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("ack", "now", "state"),
    [
        (None, "09:26", "pending"),
        (None, "09:27", "pending"),  # due exactly now: not yet passed
        (None, "09:28", "overdue"),
        ("09:27", "12:00", "met"),
        ("09:28", "12:00", "met-late"),
        ("09:30", "09:29", "overdue"),  # replay: the ack had not happened yet
        ("09:30", "09:31", "met-late"),
    ],
)
def test_acknowledge_states(policy, ack, now, state):
    incident = make(acknowledged_at=t(ack) if ack else None)
    found = one(policy, incident, now, "acknowledge")
    assert (found.due, found.state) == (t("09:27"), state)
    assert found.satisfied_at == (t(ack) if state.startswith("met") else None)


def test_business_hours_target_crosses_the_weekend(policy):
    incident = make(severity="SEV3", detected_at="2026-11-20T16:00:00+01:00")
    found = one(policy, incident, "2026-11-23T10:59:00+01:00", "acknowledge")
    assert found.due == t("2026-11-23T11:00:00+01:00")  # 2h Friday + 2h Monday
    assert found.state == "pending"
    after = one(policy, incident, "2026-11-23T11:01:00+01:00", "acknowledge")
    assert after.state == "overdue"


@pytest.mark.parametrize(
    ("fields", "now", "state", "satisfied"),
    [
        ({}, "13:11", "pending", None),
        ({}, "13:13", "overdue", None),
        ({"mitigated_at": t("13:12")}, "15:00", "met", t("13:12")),
        ({"mitigated_at": t("13:13")}, "15:00", "met-late", t("13:13")),
        # resolved_at counts as the mitigation time when mitigated_at is left out
        ({"status": "resolved", "resolved_at": t("12:00")}, "15:00", "met", t("12:00")),
    ],
)
def test_mitigate_states(policy, fields, now, state, satisfied):
    found = one(policy, make(**fields), now, "mitigate")
    assert (found.due, found.state, found.satisfied_at) == (t("13:12"), state, satisfied)


def test_escalation_during_off_hours_vs_working(policy):
    night = make(detected_at="2026-11-20T20:00:00+01:00")
    day = make()
    assert [o.rule for o in of(policy, night, "20:01", "escalate")] == [
        "off-hours-duty",
        "management-informed",
    ]
    assert [o.rule for o in of(policy, day, "09:13", "escalate")] == [
        "desk-working-hours",
        "management-informed",
    ]


def test_escalation_due_met_late_and_overdue(policy):
    late = make(escalations=[{"department": "management", "at": t("09:43")}])
    found = one(policy, late, "10:00", "escalate", department="management")
    assert (found.due, found.satisfied_at, found.state) == (t("09:42"), t("09:43"), "met-late")
    before = one(policy, make(), "09:42", "escalate", department="management")
    after = one(policy, make(), "09:43", "escalate", department="management")
    assert (before.state, after.state) == ("pending", "overdue")


def test_vip_customer_matches_the_when_clause(policy):
    vip = make(customers=["acme-bank"])
    assert one(policy, vip, "09:13", "escalate", department="executives").due == t("11:12")
    assert (
        of(policy, make(customers=["small-shop"]), "09:13", "escalate", department="executives")
        == []
    )


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"mitigated_at": t("11:00")}, []),  # until: mitigated reached before due: lapses
        ({"mitigated_at": t("11:30")}, [("missed", None)]),  # due unmet, then mitigation
        (
            {
                "mitigated_at": t("11:30"),
                "escalations": [{"department": "executives", "at": t("11:20")}],
            },
            [("met-late", t("11:20"))],
        ),
    ],
)
def test_until_mitigated_lapses_only_if_not_yet_due(policy, fields, expected):
    incident = make(
        customers=["acme-bank"], status="mitigated", acknowledged_at=t("09:20"), **fields
    )
    found = of(policy, incident, "16:00", "escalate", department="executives")
    assert [(o.state, o.satisfied_at) for o in found] == expected


def test_tiers_are_ordered_by_due_time(policy):
    incident = make(customers=["acme-bank"])
    tiers = [(o.department, o.due) for o in of(policy, incident, "09:13", "escalate")]
    assert tiers == [
        ("customer-support", t("09:27")),
        ("management", t("09:42")),
        ("executives", t("11:12")),
    ]
    found = obligations(incident, policy, t("09:13"))
    dues = [o.due for o in found]
    assert dues == sorted(dues)


def test_escalation_from_a_missing_timestamp_is_pending_without_due_and_sorted_last(policy):
    incident = make(severity="SEV2")
    found = obligations(incident, policy, t("12:00"))
    assert found[-1].rule == "legal-after-ack"
    assert (found[-1].due, found[-1].state) == (None, "pending")
    acked = make(severity="SEV2", acknowledged_at=t("09:20"))
    assert one(policy, acked, "12:00", "escalate", department="legal").due == t("13:20")


def test_calendar_named_escalation_counts_working_minutes(policy):
    incident = make(severity="SEV3", category="staffing", detected_at="2026-11-20T17:45:00+01:00")
    found = one(policy, incident, "17:50", "escalate", department="hr")
    assert found.due == t("2026-11-23T09:15:00+01:00")  # 15 min Friday + 15 min Monday


def _update(at: str, audience: str = "customers") -> dict[str, Any]:
    return {"at": t(at), "audience": audience, "channel": "email", "summary": "news"}


@pytest.mark.parametrize(
    ("fields", "now", "expected"),
    [
        ({}, "10:12", (t("10:12"), None, "pending")),
        ({}, "10:13", (t("10:12"), None, "overdue")),
        # each customer update restarts the clock; management updates do not
        ({"updates": [_update("10:00"), _update("10:30", "management")]}, "10:59",
         (t("11:00"), None, "pending")),
        ({"updates": [_update("10:00")]}, "11:01", (t("11:00"), None, "overdue")),
        # resolved before the open cycle fell due: the last completed cycle is reported
        ({"updates": [_update("10:00")], "status": "resolved", "acknowledged_at": t("09:20"),
          "resolved_at": t("10:45")}, "12:00", (t("10:12"), t("10:00"), "met")),
        ({"updates": [_update("10:20")], "status": "resolved", "acknowledged_at": t("09:20"),
          "resolved_at": t("10:30")}, "12:00", (t("10:12"), t("10:20"), "met-late")),
        # resolved after the open cycle fell due: the update can no longer be sent: missed
        ({"updates": [_update("10:00")], "status": "resolved", "acknowledged_at": t("09:20"),
          "resolved_at": t("11:30")}, "12:00", (t("11:00"), None, "missed")),
    ],
)  # fmt: skip
def test_customer_update_cadence(policy, fields, now, expected):
    found = one(policy, make(**fields), now, "customer-update")
    assert (found.due, found.satisfied_at, found.state) == expected


def test_resolved_before_the_first_update_was_due_has_no_customer_update(policy):
    incident = make(status="resolved", acknowledged_at=t("09:20"), resolved_at=t("10:00"))
    assert of(policy, incident, "12:00", "customer-update") == []


def test_management_cadence_ends_at_mitigation(policy):
    base = {"status": "mitigated", "acknowledged_at": t("09:20")}
    early = make(mitigated_at=t("11:00"), **base)
    assert of(policy, early, "18:00", "management-update") == []
    late = make(mitigated_at=t("11:30"), **base)
    found = one(policy, late, "18:00", "management-update")
    assert (found.due, found.state) == (t("11:12"), "missed")  # mitigation ended the cadence
    assert one(policy, late, "11:20", "management-update").state == "overdue"  # before it did
    running = make(updates=[_update("10:00", "management")])
    assert one(policy, running, "11:59", "management-update").due == t("12:00")


@pytest.mark.parametrize(
    ("closed", "now", "state"),
    [
        (None, "2026-11-27T12:29:00+01:00", "pending"),
        (None, "2026-11-27T12:31:00+01:00", "overdue"),
        ("2026-11-27T12:30:00+01:00", "2026-11-30T09:00:00+01:00", "met"),
        ("2026-11-27T12:31:00+01:00", "2026-11-30T09:00:00+01:00", "met-late"),
    ],
)
def test_rca_in_business_days_from_resolution(policy, closed, now, state):
    incident = make(
        status="closed" if closed else "resolved",
        acknowledged_at=t("09:20"),
        resolved_at=t("12:30"),
        closed_at=t(closed) if closed else None,
    )
    found = one(policy, incident, now, "rca")
    # 5bd = 45 working hours: 5.5h Friday, 36h Mon-Thu, 3.5h the next Friday
    assert (found.due, found.state) == (t("2026-11-27T12:30:00+01:00"), state)


def test_no_rca_before_resolution(policy):
    assert of(policy, make(), "12:00", "rca") == []


def _action(**fields: Any) -> dict[str, Any]:
    return {"id": "A1", "title": "Alert on lag", "due": "2026-12-05"} | fields


@pytest.mark.parametrize(
    ("action", "now", "due", "state"),
    [
        (_action(), "2026-12-05T23:59:00+01:00", "2026-12-05T23:59:59+01:00", "pending"),
        (_action(), "2026-12-06T00:00:00+01:00", "2026-12-05T23:59:59+01:00", "overdue"),
        # the department's calendar is in Seoul: the day ends 8 hours earlier
        (_action(department="network"), "2026-12-05T16:00:00+01:00",
         "2026-12-05T23:59:59+09:00", "overdue"),
        (_action(status="done", done_at="2026-12-05T15:59:00+01:00", department="network"),
         "2026-12-07T00:00:00+01:00", "2026-12-05T23:59:59+09:00", "met"),
        (_action(status="done", done_at="2026-12-05T16:00:00+01:00", department="network"),
         "2026-12-07T00:00:00+01:00", "2026-12-05T23:59:59+09:00", "met-late"),
        (_action(status="wont-do"), "2026-12-07T00:00:00+01:00", "2026-12-05T23:59:59+01:00",
         "met"),
    ],
)  # fmt: skip
def test_action_due_at_the_end_of_the_day_in_its_department_timezone(
    policy, action, now, due, state
):
    found = one(policy, make(actions=[action]), now, "action")
    assert (found.due, found.state, found.action) == (t(due), state, "A1")
    assert found.due.isoformat() == due


def test_action_without_due_date_has_no_obligation(policy):
    incident = make(actions=[{"id": "A1", "title": "x"}])
    assert of(policy, incident, "12:00", "action") == []


def test_cancelled_incident_lapses_what_was_not_yet_due(policy):
    early = make(status="cancelled", cancelled_at=t("09:20"))
    assert obligations(early, policy, t("18:00")) == []
    late = make(status="cancelled", cancelled_at=t("09:40"))
    kinds = [(o.kind, o.state) for o in obligations(late, policy, t("18:00"))]
    # desk 09:27: both fell due unmet before the cancellation, which ended them: missed
    assert kinds == [("acknowledge", "missed"), ("escalate", "missed")]
    replay = [(o.kind, o.state) for o in obligations(late, policy, t("09:35"))]
    assert replay[:2] == [("acknowledge", "overdue"), ("escalate", "overdue")]  # not ended yet
    unknown = make(
        status="cancelled", acknowledged_at=t("09:20"), actions=[_action(status="wont-do")]
    )
    found = obligations(unknown, policy, t("18:00"))
    assert [(o.kind, o.state) for o in found] == [("acknowledge", "met"), ("action", "met")]


def test_unknown_severity_has_no_obligations(policy):
    assert obligations(make(severity="SEV9"), policy, t("18:00")) == []


def test_to_dict_is_the_spec_shape(policy):
    found = one(policy, make(actions=[_action()]), "12:00", "action")
    assert found.to_dict() == {
        "kind": "action",
        "department": None,
        "due": "2026-12-05T23:59:59+01:00",
        "satisfied_at": None,
        "state": "pending",
        "action": "A1",
    }
