"""Enforcement that helps the responder: escalation tiers that wait for their time and are
performed by the bot, mentions, one breach comment on the issue that owns it, prevention
actions chased after closure and synced both ways, recurrence landing on the owners.

Against the fake GitHub over real HTTP, in real temp Git repos, through the real CLI.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.fakegithub import FakeGitHub
from tests.github.test_fakegithub import raw
from tests.github.test_sweep import WRITES, marker_of, state, sweep
from tests.helpers import SPEC_POLICY, GitRepo, RepoFactory, incident, run_cli

REPOS = ("acme/platform", "acme/support", "acme/management", "acme/security", "acme/legal")
CAROL = "ghp_carol00000000000000000000000000000000"
M50 = "incident-ops:INC-2026-0050"
PATH50 = "incidents/2026/INC-2026-0050-payments.md"
EXECUTIVES = f"{M50}:department:executives"
EARLY = "2026-11-20T09:27:00+01:00"  # 15 minutes in: the executives' tier is due at 11:12
DUE = "2026-11-20T11:30:00+01:00"  # the tier fell due unmet at 11:12
# A SEV1 for a VIP customer: platform, customer-support and management are required (the
# severity's departments); `unmitigated-to-director` brings in executives after 2 h unless
# mitigated (tier 3); management was engaged by the commander.
PAYMENTS = """
    id: INC-2026-0050
    title: Payments API down
    status: investigating
    severity: SEV1
    category: service-failure
    detected_at: 2026-11-20T09:12:00+01:00
    commander: "@dave"
    customers: [acme-bank]
    impact: {full_outage: true, customers_affected: 340}
    acknowledged_at: 2026-11-20T09:20:00+01:00
    escalations:
      - {department: management, at: 2026-11-20T09:25:00+01:00, by: "@dave"}
"""
MITIGATED = PAYMENTS.replace("status: investigating", "status: mitigated").replace(
    "acknowledged_at: 2026-11-20T09:20:00+01:00",
    "acknowledged_at: 2026-11-20T09:20:00+01:00\n    mitigated_at: 2026-11-20T10:30:00+01:00",
)
# Closed, with two prevention actions that fall due after the closure.
CLOSED = """
    id: INC-2026-0030
    title: Billing database failover failed
    status: closed
    severity: SEV2
    category: service-failure
    detected_at: 2026-11-02T10:00:00+01:00
    services: [billing-db]
    acknowledged_at: 2026-11-02T10:10:00+01:00
    resolved_at: 2026-11-02T12:00:00+01:00
    closed_at: 2026-11-05T12:00:00+01:00
    root_cause: {category: configuration}
    actions:
      - {id: A1, title: Alert on replica lag, owner: "@carol", department: platform,
         due: 2026-11-10}
      - {id: A2, title: Failover drill, owner: "@erin", department: platform, due: 2026-11-12}
"""
LATER_ON = "2026-11-20T12:00:00+01:00"  # both actions overdue
A1 = "incident-ops:INC-2026-0030:action:A1"
A2 = "incident-ops:INC-2026-0030:action:A2"
PATH30 = "incidents/2026/INC-2026-0030-failover.md"
# Mentions: platform's team and two more handles; executives their own.
MENTIONS = SPEC_POLICY.replace(
    "team: acme/platform-oncall}", 'team: acme/platform-oncall, mention: ["@alice", "@acme/sre"]}'
).replace("labels: [incident, exec]}}", 'labels: [incident, exec], mention: ["@ceo"]}}')


@pytest.fixture
def gh(fake_github: FakeGitHub) -> FakeGitHub:
    for repo in REPOS:
        fake_github.add_repo(repo)
    fake_github.add_token(CAROL, "carol")
    return fake_github


def make(base: Path, policy: str = SPEC_POLICY, **files: str) -> RepoFactory:
    return RepoFactory(base)({name: incident(text) for name, text in files.items()}, policy)


def payments(base: Path, text: str = PAYMENTS, policy: str = SPEC_POLICY) -> RepoFactory:
    return make(base, policy, **{"INC-2026-0050-payments.md": text})


def issues_by_marker(server: FakeGitHub) -> dict[str, Any]:
    return {
        marker_of(i.body): i
        for repo in REPOS
        if server.state.repo(repo) is not None
        for i in server.issues(repo)
    }


def comments(server: FakeGitHub, marker: str) -> list[str]:
    """The bodies of the comments carrying `marker`, on every issue of every repo."""
    return [
        c.body
        for repo in REPOS
        for i in server.issues(repo)
        for c in i.comments
        if marker_of(c.body) == marker
    ]


def front(repo: RepoFactory, path: str) -> str:
    return (repo.root / path).read_text()


def escalations(text: str) -> list[dict[str, Any]]:
    """The `escalations` entries of an incident file, parsed."""
    entries = yaml.safe_load(text.split("---\n")[1])["escalations"]
    return [{**e, "at": e["at"].astimezone(UTC)} for e in entries]


def as_carol(server: FakeGitHub, method: str, path: str, body: object = None) -> int:
    status, _, _ = raw(server, method, path, body, token=CAROL)
    return status


def rerun_writes_nothing(repo: RepoFactory, server: FakeGitHub, *args: str) -> None:
    server.reset_log()
    again = sweep(repo, server, *args)
    assert again.code == 0, again.out
    assert server.write_calls() == [], [(c.method, c.path) for c in server.write_calls()]


# ---- §2 escalation tiers wait for their time; the bot escalates when people did not ------
def test_a_tier_gets_no_issue_before_it_falls_due(gh: FakeGitHub, tmp_path: Path) -> None:
    repo = payments(tmp_path)
    result = sweep(repo, gh, "--now", EARLY)
    assert result.code == 0, result.out
    found = issues_by_marker(gh)
    required = {f"{M50}:department:{d}" for d in ("platform", "customer-support", "management")}
    assert set(found) == required, result.out  # no executives issue 15 minutes in
    assert "executives" not in front(repo, PATH50)


def test_the_bot_escalates_when_the_tier_falls_due_unmet(gh: FakeGitHub, tmp_path: Path) -> None:
    repo = payments(tmp_path)
    assert sweep(repo, gh, "--now", EARLY).code == 0
    result = sweep(repo, gh, "--now", DUE)
    assert result.code == 0, result.out
    issue = issues_by_marker(gh)[EXECUTIVES]
    assert issue.title == "[INC-2026-0050][SEV1] Payments API down"
    assert issue.body.startswith(
        f"<!-- {EXECUTIVES} -->\nincident-ops escalated incident **INC-2026-0050** (Payments "
        "API down) to **Executives**: rule `unmitigated-to-director` required the department "
        "by 2026-11-20 11:12+01:00 and no one had engaged it."
    )
    [breach] = comments(gh, f"{M50}:breach:escalate:executives")
    assert "no one had engaged Executives, so incident-ops escalated" in breach
    assert breach.endswith("cc @dave")  # the commander
    # the escalation is recorded: who engaged the department, when, on which issue
    text = front(repo, PATH50)
    assert escalations(text)[-1] == {
        "department": "executives",
        "at": datetime(2026, 11, 20, 10, 30, tzinfo=UTC),
        "by": "incident-ops",
        "issue": f"acme/management#{issue.number}",
    }
    assert f"escalate {PATH50}: executives (acme/management#{issue.number})" in result.out
    deadlines = run_cli(repo.root, "deadlines", "--format", "json", "--now", DUE).json()
    [tier] = [o for o in deadlines["incidents"][0]["obligations"] if o["kind"] == "escalate"
              and o["department"] == "executives"]  # fmt: skip
    assert (tier["state"], tier["satisfied_at"]) == ("met-late", "2026-11-20T11:30:00+01:00")
    # a rerun, even a later one, adds no second entry and writes nothing
    rerun_writes_nothing(repo, gh, "--now", DUE)
    later = "2026-11-20T11:45:00+01:00"
    gh.reset_log()
    assert sweep(repo, gh, "--now", later).code == 0
    assert not [c for c in gh.write_calls() if "/acme/management/" in c.path]
    assert front(repo, PATH50) == text


def test_a_tier_mitigated_in_time_never_opens_and_an_old_issue_is_closed_once(
    gh: FakeGitHub, tmp_path: Path
) -> None:
    # an older sweep opened the executives' issue 15 minutes in; mitigation came in time
    old = gh.add_issue(
        "acme/management",
        "[INC-2026-0050][SEV1] Payments API down",
        f"<!-- {EXECUTIVES} -->\nstale",
        labels=["incident", "exec", "incident-ops"],
    )
    repo = payments(tmp_path, MITIGATED)
    result = sweep(repo, gh, "--now", DUE)
    assert result.code == 0, result.out
    closed = gh.issue("acme/management", old.number)
    assert (closed.state, closed.state_reason) == ("closed", "not_planned")
    [note] = [c.body for c in closed.comments]
    assert note == (
        f"<!-- {M50}:lapsed:executives -->\nThe escalation of INC-2026-0050 to Executives is "
        "no longer needed: the incident reached `mitigated` before rule "
        "`unmitigated-to-director` fell due. Closing this issue."
    )
    assert len([i for i in gh.issues("acme/management") if EXECUTIVES in (i.body or "")]) == 1
    assert [e["department"] for e in escalations(front(repo, PATH50))] == ["management"]
    rerun_writes_nothing(repo, gh, "--now", DUE)


def test_a_tier_not_due_yet_keeps_an_existing_issue_open_and_current(
    gh: FakeGitHub, tmp_path: Path
) -> None:
    old = gh.add_issue(
        "acme/management", "old title", f"<!-- {EXECUTIVES} -->\nstale", labels=["incident-ops"]
    )
    repo = payments(tmp_path)
    assert sweep(repo, gh, "--now", EARLY).code == 0
    kept = gh.issue("acme/management", old.number)
    assert kept.state == "open" and kept.title == "[INC-2026-0050][SEV1] Payments API down"
    assert "Rule `unmitigated-to-director` requires it by 2026-11-20 11:12+01:00 unless " in (
        kept.body or ""
    )
    assert "| Engage the department (rule unmitigated-to-director) |" in (kept.body or "")


def test_mentions_of_commander_team_and_people_are_stable(gh: FakeGitHub, tmp_path: Path) -> None:
    repo = payments(tmp_path, policy=MENTIONS)
    assert sweep(repo, gh, "--now", EARLY).code == 0
    assert sweep(repo, gh, "--now", DUE).code == 0
    found = issues_by_marker(gh)
    platform = found[f"{M50}:department:platform"].body
    assert "- Commander: @dave\n" in platform
    assert "\nNotify: @acme/platform-oncall @alice @acme/sre\n" in platform
    assert "\nNotify: @ceo\n" in found[EXECUTIVES].body
    [escalation] = comments(gh, f"{M50}:breach:escalate:executives")
    assert escalation.endswith("\n\ncc @dave @ceo")
    # customer update due 10:12 and management update due 11:12 missed: on the lead issue,
    # mentioning the commander and the lead department
    [update] = comments(gh, f"{M50}:breach:customer-update:20261120T0912Z")
    assert update.endswith("\n\ncc @dave @acme/platform-oncall @alice @acme/sre")
    rerun_writes_nothing(repo, gh, "--now", DUE)


def test_mentions_are_policy_and_must_be_handles(tmp_path: Path) -> None:
    good = payments(tmp_path / "good", policy=MENTIONS)
    assert run_cli(good.root, "validate", "--now", EARLY).code == 0
    policy = MENTIONS.replace('"@ceo"', '"ceo"')
    repo = payments(tmp_path / "bad", policy=policy)
    result = run_cli(repo.root, "validate")
    assert result.code == 2 and "Traceback" not in result.err
    line = next(i for i, t in enumerate(policy.splitlines(), 1) if '"ceo"' in t)
    assert (
        f"policies/policy.yaml:{line}: departments.executives.github.mention[0]: 'ceo' is not "
        "a mention: write @login or @org/team"
    ) in result.err


# ---- §3 one breach, one comment, on the issue that owns it --------------------------------
def test_an_incident_wide_breach_is_posted_once_on_the_lead_issue(
    gh: FakeGitHub, tmp_path: Path
) -> None:
    repo = payments(tmp_path)
    assert sweep(repo, gh, "--now", DUE).code == 0
    lead = issues_by_marker(gh)[f"{M50}:department:platform"]
    for key in ("customer-update:20261120T0912Z", "management-update:20261120T1012Z"):
        marker = f"{M50}:breach:{key}"
        assert len(comments(gh, marker)) == 1, key
        assert marker in [marker_of(c.body) for c in lead.comments]
    assert "Breaches of the incident-wide deadlines are posted on this issue." in lead.body
    for dept in ("customer-support", "management"):
        assert issues_by_marker(gh)[f"{M50}:department:{dept}"].comments == []


def _clean(base: Path) -> tuple[dict[Any, Any], str]:
    with FakeGitHub() as server:
        for repo in REPOS:
            server.add_repo(repo)
        repo = payments(base)
        assert sweep(repo, server, "--now", EARLY).code == 0
        assert sweep(repo, server, "--now", DUE).code == 0
        return state(server, REPOS), front(repo, PATH50)


def test_crash_or_lost_answer_during_escalation_and_breaches_leaves_one_of_each(
    tmp_path: Path,
) -> None:
    expected, expected_file = _clean(tmp_path / "clean")
    for fault in ("drop", "lost"):
        for k in range(1, 9):  # the DUE sweep makes 8 writes: 3 comments, 2 records, 3 bodies
            with FakeGitHub() as server:
                for name in REPOS:
                    server.add_repo(name)
                repo = payments(tmp_path / f"{fault}{k}")
                assert sweep(repo, server, "--now", EARLY).code == 0
                if fault == "drop":  # the k-th write happens, its answer and the network are gone
                    server.fail("drop", method=WRITES, nth=k, perform=True)
                    server.fail("drop", method=WRITES, nth=k, times=10**6)
                else:  # the k-th write's answer is lost once
                    server.fail("lost", method=WRITES, nth=k)
                sweep(repo, server, "--now", DUE)
                server.clear_faults()
                assert sweep(repo, server, "--now", DUE).code == 0, (fault, k)
                assert state(server, REPOS) == expected, (fault, k)
                assert front(repo, PATH50) == expected_file, (fault, k)
                for key in ("escalate:executives", "customer-update:20261120T0912Z"):
                    assert len(comments(server, f"{M50}:breach:{key}")) == 1, (fault, k, key)
                rerun_writes_nothing(repo, server, "--now", DUE)
                assert server.violations == []


# ---- §4 prevention actions are chased until done, after the incident closes ---------------
def closed(base: Path, text: str = CLOSED) -> RepoFactory:
    return make(base, **{"INC-2026-0030-failover.md": text})


def test_overdue_actions_of_a_closed_incident_are_breached_on_their_issues(
    gh: FakeGitHub, tmp_path: Path
) -> None:
    repo = closed(tmp_path)
    assert sweep(repo, gh, "--now", "2026-11-06T12:00:00+01:00").code == 0  # issues opened
    dry = sweep(repo, gh, "--dry-run", "--now", LATER_ON)
    assert dry.code == 0
    numbers = {m: i.number for m, i in issues_by_marker(gh).items()}
    for marker, action in ((A1, "A1"), (A2, "A2")):
        line = f"would comment acme/platform#{numbers[marker]}: {M30}:breach:action:{action}"
        assert line in dry.out.splitlines(), dry.out
    assert "would write: 4)" in dry.out  # two comments, two records
    assert sweep(repo, gh, "--now", LATER_ON).code == 0
    [a1] = comments(gh, f"{M30}:breach:action:A1")
    assert "Prevention action A1 was due 2026-11-10 23:59+01:00 and is not done yet." in a1
    assert a1.endswith("\n\ncc @carol @acme/platform-oncall")  # the owner, the department
    assert comments(gh, f"{M30}:breach:action:A2")[0].endswith("cc @erin @acme/platform-oncall")
    rerun_writes_nothing(repo, gh, "--now", LATER_ON)


M30 = "incident-ops:INC-2026-0030"


def close_as_carol(server: FakeGitHub, number: int, reason: str, at: datetime) -> None:
    server.state.clock = lambda: at
    body = {"state": "closed", "state_reason": reason}
    assert as_carol(server, "PATCH", f"/repos/acme/platform/issues/{number}", body) == 200


def committed(base: Path) -> RepoFactory:
    repo = closed(base)
    GitRepo(repo.root).commit("INC-2026-0030")
    return repo


def test_an_action_issue_closed_on_github_is_recorded_done_and_history_allows_it(
    gh: FakeGitHub, tmp_path: Path
) -> None:
    repo = committed(tmp_path)
    assert sweep(repo, gh, "--commit", "--now", "2026-11-06T12:00:00+01:00").code == 0
    number = issues_by_marker(gh)[A1].number
    close_as_carol(gh, number, "completed", datetime(2026, 11, 9, 15, 30, tzinfo=UTC))
    result = sweep(repo, gh, "--commit", "--now", LATER_ON)
    assert result.code == 0, result.out
    assert (
        f"record {PATH30}: action A1 done (acme/platform#{number} closed as completed on GitHub)"
        in result.out
    )
    text = front(repo, PATH30)
    assert (
        '  - {id: A1, title: Alert on replica lag, owner: "@carol", department: platform, '
        "due: 2026-11-10, status: done, done_at: 2026-11-09T15:30:00+00:00, "
        f"issue: acme/platform#{number}}}\n"
    ) in text, text
    assert comments(gh, f"{M30}:breach:action:A1") == []  # done in time: no breach
    check = run_cli(repo.root, "validate", "--format", "json", "--now", LATER_ON).json()
    assert [f["rule"] for f in check["findings"] if "A1" in f["message"]] == []
    history = run_cli(repo.root, "history", "--check", "--format", "json")
    assert not [f for f in history.json()["findings"] if "edited the closed" in f["message"]]
    # the next sweep records that file and issue agree (once), then nothing more
    gh.reset_log()
    assert sweep(repo, gh, "--now", LATER_ON).code == 0
    assert [(c.method, c.path) for c in gh.write_calls()] == [
        ("PATCH", f"/repos/acme/platform/issues/{number}")
    ]
    assert gh.issue("acme/platform", number).state == "closed"
    rerun_writes_nothing(repo, gh, "--now", LATER_ON)


def test_an_action_issue_closed_as_not_planned_is_recorded_wont_do(
    gh: FakeGitHub, tmp_path: Path
) -> None:
    repo = closed(tmp_path)
    assert sweep(repo, gh, "--now", "2026-11-06T12:00:00+01:00").code == 0
    number = issues_by_marker(gh)[A2].number
    close_as_carol(gh, number, "not_planned", datetime(2026, 11, 8, 9, 0, tzinfo=UTC))
    assert sweep(repo, gh, "--now", LATER_ON).code == 0
    assert (
        '  - {id: A2, title: Failover drill, owner: "@erin", department: platform, '
        f"due: 2026-11-12, status: wont-do, issue: acme/platform#{number}}}\n"
    ) in front(repo, PATH30)
    assert comments(gh, f"{M30}:breach:action:A2") == []


def test_a_reopened_action_issue_reopens_the_action_and_stays_open(
    gh: FakeGitHub, tmp_path: Path
) -> None:
    repo = closed(tmp_path)
    assert sweep(repo, gh, "--now", "2026-11-06T12:00:00+01:00").code == 0
    number = issues_by_marker(gh)[A1].number
    close_as_carol(gh, number, "completed", datetime(2026, 11, 7, 9, 0, tzinfo=UTC))
    assert sweep(repo, gh, "--now", "2026-11-08T12:00:00+01:00").code == 0  # file: done
    assert sweep(repo, gh, "--now", "2026-11-08T12:05:00+01:00").code == 0  # they agree
    assert "done_at: 2026-11-07T09:00:00+00:00" in front(repo, PATH30)
    assert as_carol(gh, "PATCH", f"/repos/acme/platform/issues/{number}", {"state": "open"})
    result = sweep(repo, gh, "--now", "2026-11-08T12:10:00+01:00")
    assert result.code == 0, result.out
    assert f"action A1 open (acme/platform#{number} reopened on GitHub)" in result.out
    text = front(repo, PATH30)
    assert "done_at" not in text and "status: done" not in text
    assert gh.issue("acme/platform", number).state == "open"  # not closed again
    assert sweep(repo, gh, "--now", "2026-11-08T12:15:00+01:00").code == 0
    assert gh.issue("acme/platform", number).state == "open"
    rerun_writes_nothing(repo, gh, "--now", "2026-11-08T12:15:00+01:00")


def test_an_action_set_done_in_the_file_still_closes_its_issue(
    gh: FakeGitHub, tmp_path: Path
) -> None:
    repo = closed(tmp_path)
    assert sweep(repo, gh, "--now", "2026-11-06T12:00:00+01:00").code == 0
    number = issues_by_marker(gh)[A1].number
    path = repo.root / PATH30
    text = path.read_text()
    done = "due: 2026-11-10, status: done, done_at: 2026-11-07T10:00:00+01:00"
    path.write_text(text.replace("due: 2026-11-10", done))
    assert sweep(repo, gh, "--now", "2026-11-08T12:00:00+01:00").code == 0
    issue = gh.issue("acme/platform", number)
    assert (issue.state, issue.state_reason) == ("closed", "completed")
    assert done in front(repo, PATH30)  # not undone by the sync
    rerun_writes_nothing(repo, gh, "--now", "2026-11-08T12:00:00+01:00")


def test_a_closure_on_github_that_never_reaches_the_file_is_not_undone(
    gh: FakeGitHub, tmp_path: Path
) -> None:
    repo = closed(tmp_path)
    assert sweep(repo, gh, "--now", "2026-11-06T12:00:00+01:00").code == 0
    number = issues_by_marker(gh)[A1].number
    close_as_carol(gh, number, "completed", datetime(2026, 11, 7, 9, 0, tzinfo=UTC))
    before = front(repo, PATH30)
    assert sweep(repo, gh, "--now", "2026-11-08T12:00:00+01:00").code == 0
    (repo.root / PATH30).write_text(before)  # the write-back was lost (not committed)
    result = sweep(repo, gh, "--now", "2026-11-08T12:05:00+01:00")
    assert result.code == 0
    assert gh.issue("acme/platform", number).state == "closed"  # the bot does not reopen it
    assert "status: done" in front(repo, PATH30)  # it records the closure again


# ---- §5 recurrence lands on the prevention owners ------------------------------------------
RECURS = """
    id: INC-2026-0060
    title: Billing database failover failed again
    status: investigating
    severity: SEV2
    category: service-failure
    detected_at: 2026-11-19T08:00:00+01:00
    services: [billing-db]
    acknowledged_at: 2026-11-19T08:05:00+01:00
    root_cause: {category: configuration}
    escalations:
      - {department: management, at: 2026-11-19T08:10:00+01:00}
"""


def test_a_recurrence_is_commented_once_on_each_open_action_issue_of_the_earlier_incident(
    gh: FakeGitHub, tmp_path: Path
) -> None:
    done_a2 = CLOSED.replace(
        "due: 2026-11-12}", "due: 2026-11-12, status: done, done_at: 2026-11-11T10:00:00+01:00}"
    )
    files = {"INC-2026-0030-failover.md": done_a2, "INC-2026-0060-failover-again.md": RECURS}
    repo = make(tmp_path, **files)
    result = sweep(repo, gh, "--now", "2026-11-19T09:00:00+01:00")
    assert result.code == 0, result.out
    key = f"{A1}:recurred:INC-2026-0060"
    [note] = comments(gh, key)
    assert note == (
        f"<!-- {key} -->\n**Recurred**: incident **INC-2026-0060** (Billing database failover "
        "failed again), detected 2026-11-19 08:00+01:00, repeats INC-2026-0030 while its "
        "prevention action A1 is still open.\n\ncc @carol @acme/platform-oncall"
    )
    assert marker_of(issues_by_marker(gh)[A1].comments[-1].body) == key  # on A1's issue
    assert A2 not in issues_by_marker(gh)  # done: no issue, no comment
    rerun_writes_nothing(repo, gh, "--now", "2026-11-19T09:00:00+01:00")
