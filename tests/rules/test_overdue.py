"""The six `*-overdue` rules through the real `validate`: exact (line, rule, level).

SPEC §4 policy, SEV1 detected Friday 2026-11-20 09:12 +01:00: acknowledge by 09:27,
management escalation by 09:42, customer update every 1h, management update every 2h,
mitigate by 13:12, RCA 5bd after resolution.
"""

from __future__ import annotations

import pytest

from tests.helpers import front_matter, incident

ACKED = "acknowledged_at: 2026-11-20T09:20:00+01:00\n"  # line 8 when it comes first


def front(status: str, *rest: str) -> str:
    """A SEV1 incident's keys on lines 2-7 (the status on line 4), then `rest`."""
    return front_matter(status=status, severity="SEV1") + "".join(rest)


def overdue(make_repo, text: str, now: str, rule: str) -> tuple[list[tuple[int, str, str]], int]:
    repo = make_repo({"INC-2026-0001-billing.md": incident(text)})
    result = repo.run("validate", "--format", "json", "--now", now)
    found = [(f["line"], f["rule"], f["level"]) for f in result.json()["findings"]]
    return [f for f in found if f[1] == rule], result.code


def at(clock: str, day: str = "2026-11-20") -> str:
    return f"{day}T{clock}:00+01:00"


def test_a_fresh_incident_has_no_findings(make_repo):
    repo = make_repo({"INC-2026-0001-billing.md": incident(front("reported"))})
    result = repo.run("validate", "--format", "json", "--now", at("09:20"))
    assert (result.code, result.json()["findings"]) == (0, [])


PLATFORM = "escalations:\n  - {department: platform, at: 2026-11-20T09:20:00+01:00}\n"  # 9, 10
RESOLVED = "resolved_at: 2026-11-20T12:30:00+01:00\n"  # line 9; RCA due 2026-11-27 12:30


def update(clock: str, audience: str = "customers") -> str:
    return (
        f"  - at: 2026-11-20T{clock}:00+01:00\n    audience: {audience}\n"
        "    channel: email\n    summary: news\n"
    )


def action(ident: str, due: str, status: str = "open", done_at: str | None = None) -> str:
    text = f"  - id: {ident}\n    title: Fix it\n    due: {due}\n    status: {status}\n"
    return text + (f"    done_at: {done_at}\n" if done_at else "")


def actions(*items: str) -> str:
    """An investigating incident with these actions: line 10 is the first item's."""
    return front("investigating", ACKED, "actions:\n", *items)


# rule -> [(front matter, --now, that rule's findings as (line, rule, level))]
TABLE: dict[str, list[tuple[str, str, list[tuple[int, str, str]]]]] = {
    "acknowledge-overdue": [
        (front("reported"), at("09:27"), []),
        (front("reported"), at("09:28"), [(4, "acknowledge-overdue", "error")]),
        (front("acknowledged", ACKED), at("09:28"), []),
        (front("acknowledged", "acknowledged_at: 2026-11-20T09:30:00+01:00\n"), at("09:31"),
         [(8, "acknowledge-overdue", "warning")]),
    ],
    "mitigate-overdue": [
        (front("investigating", ACKED), at("13:12"), []),
        (front("investigating", ACKED), at("13:13"), [(4, "mitigate-overdue", "error")]),
        (front("mitigated", ACKED, "mitigated_at: 2026-11-20T13:20:00+01:00\n"), at("14:00"),
         [(9, "mitigate-overdue", "warning")]),
        (front("resolved", ACKED, "resolved_at: 2026-11-20T13:00:00+01:00\n"), at("14:00"), []),
        (front("resolved", ACKED, "resolved_at: 2026-11-20T13:30:00+01:00\n"), at("14:00"),
         [(9, "mitigate-overdue", "warning")]),
    ],
    "escalation-overdue": [
        (front("investigating", ACKED), at("09:42"), []),
        (front("investigating", ACKED), at("09:43"), [(4, "escalation-overdue", "error")]),
        (front("investigating", ACKED, PLATFORM), at("09:43"),
         [(9, "escalation-overdue", "error")]),
        (front("investigating", ACKED, PLATFORM,
               "  - {department: management, at: 2026-11-20T09:40:00+01:00}\n"), at("10:00"), []),
        (front("investigating", ACKED, PLATFORM,
               "  - {department: management, at: 2026-11-20T09:45:00+01:00}\n"), at("10:00"),
         [(11, "escalation-overdue", "warning")]),
    ],
    "update-overdue": [
        (front("investigating", ACKED), at("10:12"), []),
        (front("investigating", ACKED), at("10:13"), [(4, "update-overdue", "error")]),
        # customers updated at 10:00 and 11:00, management never: due 11:12
        (front("investigating", ACKED, "updates:\n", update("10:00"), update("11:00")), at("11:13"),
         [(9, "update-overdue", "error")]),
        # a late customer update (10:20 > 10:12) shows once the cadence ended with resolution
        (front("resolved", ACKED, "resolved_at: 2026-11-20T10:30:00+01:00\n", "updates:\n",
               update("10:05", "management"), update("10:20")), at("11:00"),
         [(15, "update-overdue", "warning")]),
    ],
    "rca-overdue": [
        (front("resolved", ACKED, RESOLVED), at("12:30", "2026-11-27"), []),
        (front("resolved", ACKED, RESOLVED), at("12:31", "2026-11-27"),
         [(9, "rca-overdue", "error")]),
        (front("closed", ACKED, RESOLVED, "closed_at: 2026-11-26T10:00:00+01:00\n"),
         at("12:00", "2026-11-30"), []),
        (front("closed", ACKED, RESOLVED, "closed_at: 2026-11-27T13:00:00+01:00\n"),
         at("12:00", "2026-11-30"), [(9, "rca-overdue", "warning")]),
    ],
    "action-overdue": [  # line 10 is A1's item, line 14 A2's
        (actions(action("A1", "2026-12-20"), action("A2", "2026-12-05")),
         "2026-12-05T23:59:00+01:00", []),
        (actions(action("A1", "2026-12-20"), action("A2", "2026-12-05")),
         "2026-12-06T00:00:00+01:00", [(14, "action-overdue", "error")]),
        (actions(action("A1", "2026-12-05", "done", "2026-12-06T10:00:00+01:00")),
         "2026-12-07T00:00:00+01:00", [(10, "action-overdue", "warning")]),
        (actions(action("A1", "2026-12-05", "done", "2026-12-05T10:00:00+01:00")),
         "2026-12-07T00:00:00+01:00", []),
        (actions(action("A1", "2026-12-05", "wont-do")), "2026-12-07T00:00:00+01:00", []),
    ],
}  # fmt: skip


@pytest.mark.parametrize(
    ("rule", "text", "now", "expected"),
    [
        pytest.param(rule, text, now, expected, id=f"{rule}-{number}")
        for rule, cases in TABLE.items()
        for number, (text, now, expected) in enumerate(cases)
    ],
)
def test_overdue_rule(make_repo, rule, text, now, expected):
    """One rule's exact findings at `now`; an error among them fails `validate`."""
    found, code = overdue(make_repo, text, now, rule)
    assert found == expected
    if any(level == "error" for _, _, level in expected):
        assert code == 1


@pytest.mark.parametrize(("setting", "expected"), [("warning", "warning"), ("'off'", None)])
def test_overdue_rules_follow_the_config_levels(make_repo, setting, expected):
    config = f"rules: {{acknowledge-overdue: {setting}}}\n"
    repo = make_repo({"INC-2026-0001-billing.md": incident(front("reported"))}, config=config)
    result = repo.run("validate", "--format", "json", "--now", at("09:28"))
    levels = [f["level"] for f in result.json()["findings"] if f["rule"] == "acknowledge-overdue"]
    assert levels == ([expected] if expected else [])
    assert result.code == 0


def test_unknown_severity_is_left_to_unknown_reference(make_repo):
    text = front("reported").replace("SEV1", "SEV9")
    found, code = overdue(make_repo, text, at("18:00"), "acknowledge-overdue")
    assert (found, code) == ([], 1)
