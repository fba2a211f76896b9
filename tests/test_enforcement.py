"""A missed deadline is history, not a permanent red build; waivers; close agrees with CI."""

from __future__ import annotations

import pytest

from tests.helpers import SPEC_POLICY, findings, incident_text

# SEV3 of the SPEC policy, plus a management-update cadence and an escalation tier that
# ends at mitigation: the two ways an obligation falls due and then stops applying.
POLICY = SPEC_POLICY.replace(
    "    targets: {acknowledge: 4bh}\n",
    "    targets: {acknowledge: 4bh, management_update_every: 2h}\n",
).replace(
    "escalations:\n",
    "escalations:\n"
    "  - name: management-within-30m\n"
    "    severities: [SEV3]\n"
    "    department: management\n"
    "    within: 30m\n"
    "    until: mitigated\n",
)
FRIDAY = "2026-11-20T{}:00+01:00"


def front(status: str = "investigating", **extra: str) -> str:
    """A SEV3 detected Friday 17:10 and acknowledged 17:15 (line 8); `extra` from line 9."""
    return incident_text(
        title="Mail relay delays",
        status=status,
        detected_at=FRIDAY.format("17:10"),
        acknowledged_at=FRIDAY.format("17:15"),
        **extra,
    )


@pytest.fixture
def repo(make_repo):
    return make_repo({}, policy=POLICY)


def test_deadlines_missed_before_mitigation_are_warnings_forever(repo):
    repo.write(
        "INC-2026-0001-mail.md",
        front("mitigated", mitigated_at=FRIDAY.format("19:30")),
    )
    for now in ("2026-11-20T20:00:00+01:00", "2027-06-01T00:00:00+02:00"):
        result = repo.run("validate", "--format", "json", "--now", now)
        assert result.code == 0, result.out
        found = {(f["rule"], f["level"], f["message"]) for f in result.json()["findings"]}
        assert found == {
            ("escalation-overdue", "warning",
             "escalation to management (rule 'management-within-30m') was due "
             "2026-11-20T17:40:00+01:00 and was missed"),
            ("update-overdue", "warning",
             "management update was due 2026-11-20T19:10:00+01:00 and was missed"),
        }  # fmt: skip
    table = repo.run("deadlines", "--format", "json", "--now", "2026-11-21T00:00:00+01:00")
    states = {o["kind"]: o["state"] for o in table.json()["incidents"][0]["obligations"]}
    assert states["management-update"] == states["escalate"] == "missed"


def test_before_it_ends_an_unmet_deadline_is_still_an_error(repo):
    repo.write("INC-2026-0001-mail.md", front())
    result = repo.run("validate", "--format", "json", "--now", FRIDAY.format("19:20"))
    assert result.code == 1
    assert {(f["rule"], f["level"]) for f in result.json()["findings"]} == {
        ("escalation-overdue", "error"),
        ("update-overdue", "error"),
    }


WAIVER = (
    "\n  - {obligation: management-update, reason: management in the bridge call,"
    ' by: "@dana", at: 2026-11-20T17:40:00+01:00}'
)


def test_a_waived_obligation_is_not_an_error_and_is_counted_apart(repo):
    repo.write(
        "INC-2026-0001-mail.md",
        front(escalations="\n  - {department: management, at: 2026-11-20T17:30:00+01:00}",
              waivers=WAIVER),
    )  # fmt: skip
    now = FRIDAY.format("21:00")
    result = repo.run("validate", "--format", "json", "--now", now)
    assert result.code == 0 and result.json()["findings"] == []
    table = repo.run("deadlines", "--format", "json", "--now", now).json()
    waived = [o for o in table["incidents"][0]["obligations"] if o["state"] == "waived"]
    assert waived == [
        {
            "kind": "management-update",
            "department": None,
            "due": "2026-11-20T19:10:00+01:00",
            "satisfied_at": None,
            "state": "waived",
            "waiver": {
                "by": "@dana",
                "at": "2026-11-20T17:40:00+01:00",
                "reason": "management in the bridge call",
            },
        }
    ]
    stats = repo.run("stats", "--format", "json", "--now", now).json()
    assert stats["obligations"]["management-update"]["waived"] == 1
    assert stats["obligations"]["management-update"]["overdue"] == 0


def test_a_waiver_counts_from_its_time_on(repo):
    later = WAIVER.replace("17:40", "20:30")
    repo.write("INC-2026-0001-mail.md", front(waivers=later))
    result = repo.run("validate", "--format", "json", "--now", FRIDAY.format("19:20"))
    assert ("update-overdue", "error") in {
        (f["rule"], f["level"]) for f in result.json()["findings"]
    }


def test_a_waiver_must_name_an_obligation_kind(repo):
    bad = '\n  - {obligation: weather, reason: r, by: "@dana", at: 2026-11-20T17:40:00+01:00}'
    repo.write("INC-2026-0001-mail.md", front(waivers=bad))
    result = repo.run("validate", "--format", "json", "--now", FRIDAY.format("17:20"))
    assert result.code == 1 and findings(result) == [(10, "schema")]


def test_a_waiver_that_names_unknown_things_is_reported_at_its_line(repo):
    bad = (
        '\n  - {obligation: action, action: A9, reason: r, by: "@dana",'
        " at: 2026-11-20T17:30:00+01:00}"
        '\n  - {obligation: escalate, department: nowhere, reason: r, by: "@dana",'
        " at: 2026-11-20T17:00:00+01:00}"
    )
    repo.write("INC-2026-0001-mail.md", front(waivers=bad))
    result = repo.run("validate", "--format", "json", "--now", FRIDAY.format("17:35"))
    assert sorted(findings(result)) == [(10, "unknown-reference"), (11, "lifecycle"),
                                        (11, "unknown-reference")]  # fmt: skip


def test_close_refuses_what_the_pull_request_check_would_refuse(repo):
    resolved = front(
        "resolved",
        mitigated_at=FRIDAY.format("17:30"),
        resolved_at=FRIDAY.format("17:35"),
        escalations="\n  - {department: management, at: 2026-11-20T17:20:00+01:00}",
        updates="\n  - {at: 2026-11-20T17:25:00+01:00, audience: management, channel: email,"
        " summary: restored}",
        actions='\n  - {id: A1, title: Alert on queue age, owner: "@carol", due: 2026-11-23}',
    )
    path = repo.write("INC-2026-0001-mail.md", resolved)
    now = "2026-11-25T12:00:00+01:00"
    validate = repo.run("validate", "--format", "json", "--now", now)
    assert ("action-overdue", "error") in {
        (f["rule"], f["level"]) for f in validate.json()["findings"]
    }
    refused = repo.run("close", "INC-2026-0001", "--at", now)
    assert refused.code == 1 and "[action-overdue]" in refused.err
    assert "status: resolved" in path.read_text()
