"""`incident-ops sweep` against the fake GitHub over real HTTP, in real temp git repos."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.fakegithub import FakeGitHub
from tests.helpers import (
    NOW,
    GitRepo,
    RepoFactory,
    Result,
    front_matter,
    incident,
    run_cli,
    run_process,
)

ROOT = Path(__file__).resolve().parents[2]
WRITES = "POST|PATCH|PUT|DELETE"
REPOS = ("acme/platform", "acme/support", "acme/management", "acme/security", "acme/legal")
BOT = "incident-ops"
M42 = "incident-ops:INC-2026-0042"

OPEN_SEV1 = incident(
    front_matter(
        id="INC-2026-0042",
        status="investigating",
        severity="SEV1",
        customers=["acme-bank"],
        impact={"full_outage": True, "customers_affected": 340},
        acknowledged_at="2026-11-20T09:20:00+01:00",
    )
    + """\
escalations:
  - department: platform
    at: 2026-11-20T09:15:00+01:00
  - department: management
    at: 2026-11-20T09:35:00+01:00
updates:
  - {at: 2026-11-20T11:30:00+01:00, audience: customers, channel: status-page, summary: Down}
  - {at: 2026-11-20T11:00:00+01:00, audience: management, channel: chat, summary: Down}
actions:
  - {id: A1, title: Alert on replica lag, owner: "@carol", department: platform,
     due: 2026-12-05}
  - {id: A2, title: Runbook review, owner: Ops team, department: support, due: 2026-12-05}
"""
)
CLOSED_SEV2 = incident(
    front_matter(
        id="INC-2026-0040",
        title="Slow invoices",
        status="closed",
        severity="SEV2",
        detected_at="2026-11-02T10:00:00+01:00",
        acknowledged_at="2026-11-02T10:10:00+01:00",
        resolved_at="2026-11-02T12:00:00+01:00",
        closed_at="2026-11-05T12:00:00+01:00",
    )
    + """\
actions:
  - {id: A1, title: Tune replica, department: platform, status: done,
     done_at: 2026-11-04T12:00:00+01:00}
"""
)
# Severity departments of SEV1: platform (acme/platform), customer-support (acme/support),
# management (acme/management); executives (acme/management) via unmitigated-to-director.
DEPARTMENTS = {
    "platform": "acme/platform",
    "customer-support": "acme/support",
    "management": "acme/management",
    "executives": "acme/management",
}


def marker_of(body: str | None) -> str:
    """The key of the hidden marker a body starts with."""
    return (body or "").split("-->")[0].removeprefix("<!-- ").strip()


def seed(server: FakeGitHub, skip: tuple[str, ...] = ()) -> None:
    for repo in REPOS:
        if repo not in skip:
            server.add_repo(repo)
    # an issue of the closed incident, left open by an earlier sweep
    body = "<!-- incident-ops:INC-2026-0040:department:platform -->\nold"
    server.add_issue("acme/platform", "[INC-2026-0040][SEV2] Slow invoices", body, labels=[BOT])


def build(base: Path, **files: str) -> RepoFactory:
    repo = RepoFactory(base)
    return repo(
        files or {"INC-2026-0042-billing.md": OPEN_SEV1, "INC-2026-0040-slow.md": CLOSED_SEV2}
    )


def sweep(repo: RepoFactory, server: FakeGitHub, *args: str, **env: str) -> Result:
    environ = {
        "GITHUB_TOKEN": server.token,
        "GITHUB_API_URL": server.url,
        "INCIDENT_OPS_RETRY_BASE": "0.001",
        "GITHUB_STEP_SUMMARY": "",
        **env,
    }
    return run_cli(repo.root, "sweep", "--now", NOW, *args, env=environ)


def state(server: FakeGitHub, repos: tuple[str, ...] = REPOS) -> dict[tuple[str, str], Any]:
    """Issues by (repo, marker), asserting no duplicate issue or comment marker exists."""
    found: dict[tuple[str, str], Any] = {}
    for repo in repos:
        if server.state.repo(repo) is None:
            continue
        for issue in server.issues(repo):
            marker = marker_of(issue.body)
            assert (repo, marker) not in found, f"duplicate issue {repo} {marker}"
            notes = [marker_of(c.body) for c in issue.comments]
            assert len(notes) == len(set(notes)), f"duplicate comment on {repo}#{issue.number}"
            labels = sorted(lb.name for lb in issue.labels)
            assignees = sorted(a.login for a in issue.assignees)
            found[(repo, marker)] = (issue.title, issue.body, issue.state, labels, assignees,
                                     sorted(notes))  # fmt: skip
    return found


@pytest.fixture
def gh(fake_github: FakeGitHub) -> FakeGitHub:
    seed(fake_github)
    return fake_github


def test_first_sweep_creates_issues_comments_and_closes(gh: FakeGitHub, tmp_path: Path) -> None:
    repo = build(tmp_path)
    result = sweep(repo, gh)
    assert result.code == 0, result.out + result.err
    end = state(gh)
    markers = {marker for _, marker in end}
    expected = {f"incident-ops:INC-2026-0042:department:{d}" for d in DEPARTMENTS}
    expected |= {
        "incident-ops:INC-2026-0042:action:A1",
        "incident-ops:INC-2026-0040:department:platform",
    }
    assert markers == expected  # A2's department `support` does not exist: skipped
    assert "action A2 (support) has no GitHub repo" in result.out

    title, body, st, labels, assignees, notes = end[
        ("acme/platform", "incident-ops:INC-2026-0042:department:platform")
    ]
    assert title == "[INC-2026-0042][SEV1] Billing database unavailable"
    assert body.startswith("<!-- incident-ops:INC-2026-0042:department:platform -->\n")
    assert "| Mitigate (restore the service) | 2026-11-20 13:12+01:00 | pending |" in body
    assert "`incidents/2026/INC-2026-0042-billing.md`" in body
    assert (st, labels, assignees) == ("open", ["incident", BOT], ["alice"])
    # customer updates every 1h: 11:30 + 1h = 12:30 pending; management every 2h: 13:00 pending
    assert notes == []
    execs = end[("acme/management", "incident-ops:INC-2026-0042:department:executives")]
    assert execs[3] == ["exec", "incident", BOT]
    assert execs[5] == ["incident-ops:INC-2026-0042:breach:escalate:executives"]
    # the tier fell due unmet at 11:12: the bot escalated, so the duty is met late, not open
    assert (
        "incident-ops escalated incident **INC-2026-0042** (Billing database unavailable) to "
        "**Executives**: rule `unmitigated-to-director` required the department by "
        "2026-11-20 11:12+01:00 and no one had engaged it." in execs[1]
    )
    assert "| Engage the department" not in execs[1]
    action = end[("acme/platform", "incident-ops:INC-2026-0042:action:A1")]
    assert action[0] == "[INC-2026-0042][A1] Alert on replica lag" and action[4] == ["carol"]
    closed = end[("acme/platform", "incident-ops:INC-2026-0040:department:platform")]
    assert closed[2] == "closed" and closed[5] == ["incident-ops:INC-2026-0040:closed"]
    assert gh.issue("acme/platform", 1).state_reason == "completed"

    text = (repo.root / "incidents/2026/INC-2026-0042-billing.md").read_text()
    numbers = _numbers(gh)
    platform = numbers[("acme/platform", f"{M42}:department:platform")]
    management = numbers[("acme/management", f"{M42}:department:management")]
    executives = numbers[("acme/management", f"{M42}:department:executives")]
    action_number = numbers[("acme/platform", f"{M42}:action:A1")]
    for ref in (f"acme/platform#{platform}", f"acme/management#{management}"):
        assert f"issue: {ref}" in text  # their escalations entries existed
    assert f"issue: acme/platform#{action_number}" in text and text.count("issue:") == 4
    # the bot's escalation is recorded: who engaged executives, when, on which issue
    entry = (
        "  - department: executives\n    at: 2026-11-20T12:00:00+01:00\n    by: incident-ops\n"
        f"    issue: acme/management#{executives}\n"
    )
    assert entry in text


def _numbers(server: FakeGitHub) -> dict[tuple[str, str], int]:
    out = {}
    for repo in REPOS:
        if server.state.repo(repo) is not None:
            for issue in server.issues(repo):
                out[(repo, marker_of(issue.body))] = issue.number
    return out


def test_second_sweep_makes_no_write_and_few_calls(gh: FakeGitHub, tmp_path: Path) -> None:
    repo = build(tmp_path)
    first = sweep(repo, gh)
    writes = len(gh.write_calls())
    # who the bot is; 3 repos listed once; 5 creates, 1 breach comment and its record in
    # the issue's body, 1 closing comment, 1 close; no comment list (the issue to close has
    # no comments, the others are new)
    assert writes == 9 and len(gh.calls) == 1 + 3 + 9, first.out
    assert "GitHub API calls: 13 (writes: 9)" in first.out
    files = {p: p.read_text() for p in (repo.root / "incidents/2026").iterdir()}
    before = state(gh)
    gh.reset_log()
    second = sweep(repo, gh)
    assert second.code == 0 and gh.write_calls() == []
    # who the bot is, one list per repo; the executives issue's body records its comment
    assert len(gh.calls) == 1 + 3, [c.path for c in gh.calls]
    assert state(gh) == before
    assert {p: p.read_text() for p in files} == files
    assert "GitHub API calls: 4 (writes: 0)" in second.out


def clean_run(base: Path) -> tuple[dict[Any, Any], dict[str, str]]:
    with FakeGitHub() as server:
        seed(server)
        repo = build(base)
        assert sweep(repo, server).code == 0
        return state(server), _files(repo)


def _files(repo: RepoFactory) -> dict[str, str]:
    return {p.name: p.read_text() for p in (repo.root / "incidents/2026").iterdir()}


def test_crash_after_each_write_then_rerun_leaves_no_duplicates(tmp_path: Path) -> None:
    expected, expected_files = clean_run(tmp_path / "clean")
    for k in range(1, 10):
        with FakeGitHub() as server:
            seed(server)
            repo = build(tmp_path / f"k{k}")
            # the k-th write happens but its answer is lost, then the network is gone for good
            server.fail("drop", method=WRITES, nth=k, perform=True)
            server.fail("drop", method=WRITES, nth=k, times=10**6)
            crashed = sweep(repo, server)
            if k < 9:  # after the last write nothing is left to fail
                assert crashed.code == 1 and "FAILED" in crashed.out, (k, crashed.out)
            server.clear_faults()
            rerun = sweep(repo, server)
            assert rerun.code == 0, (k, rerun.out)
            assert state(server) == expected, k
            assert _files(repo) == expected_files, k
            assert server.violations == []


def test_lost_answer_on_each_write_creates_no_duplicate(tmp_path: Path) -> None:
    expected, _ = clean_run(tmp_path / "clean")
    for k in range(1, 10):
        with FakeGitHub() as server:
            seed(server)
            repo = build(tmp_path / f"k{k}")
            server.fail("lost", method=WRITES, nth=k)
            result = sweep(repo, server)
            assert result.code == 0, (k, result.out)
            assert state(server) == expected, k
            assert [c.status for c in server.write_calls()].count(502) == 1
            assert server.violations == []


def test_502_429_and_retry_after_are_waited_out(gh: FakeGitHub, tmp_path: Path) -> None:
    gh.fail("502", method="GET", path=r"/issues$", nth=1, times=2)
    gh.fail("rate_limit", method="POST", path=r"/issues$", nth=1, status=429, retry_after=1)
    gh.fail("rate_limit", method="POST", path=r"/comments$", nth=1, status=403, retry_after=0)
    gh.fail("drop", method="PATCH", nth=1, perform=True)
    result = sweep(build(tmp_path), gh)
    assert result.code == 0, result.out
    statuses = [c.status for c in gh.calls]
    assert statuses.count(502) == 2 and 429 in statuses and 403 in statuses and 0 in statuses
    assert len([i for i in gh.issues("acme/platform") if "0042" in i.title]) == 2


def test_a_missing_repo_fails_alone(fake_github: FakeGitHub, tmp_path: Path) -> None:
    seed(fake_github, skip=("acme/management",))
    result = sweep(build(tmp_path), fake_github)
    assert result.code == 1
    assert "FAILED acme/management: cannot list issues: HTTP 404: Not Found" in result.out
    assert {m for r, m in state(fake_github)} >= {
        "incident-ops:INC-2026-0042:department:platform",
        "incident-ops:INC-2026-0042:department:customer-support",
    }
    row = next(line for line in result.out.splitlines() if line.startswith("acme/management"))
    # management, executives, the closed INC-2026-0040's management issue, 1 breach comment
    assert row.split()[1:] == ["0", "0", "0", "0", "0", "4"]


def test_dry_run_writes_nothing(gh: FakeGitHub, tmp_path: Path) -> None:
    repo = build(tmp_path)
    files = _files(repo)
    result = sweep(repo, gh, "--dry-run")
    assert result.code == 0 and gh.write_calls() == []
    assert _files(repo) == files
    lines = result.out.splitlines()
    assert "would create acme/platform: [INC-2026-0042][SEV1] Billing database unavailable" in lines
    assert "would close acme/platform#1: [INC-2026-0040][SEV2] Slow invoices" in lines
    assert f"would comment acme/management (new issue): {M42}:breach:escalate:executives" in lines
    assert "GitHub API calls: 4 (would write: 9)" in lines


def test_commit_and_step_summary(gh: FakeGitHub, tmp_path: Path) -> None:
    import git

    repo = build(tmp_path)
    summary = tmp_path / "summary.md"
    result = sweep(repo, gh, "--commit", GITHUB_STEP_SUMMARY=str(summary))
    assert result.code == 0
    head = git.Repo(repo.root).head.commit
    assert head.message.strip() == "incident-ops sweep: record issue references"
    assert sorted(head.stats.files) == ["incidents/2026/INC-2026-0042-billing.md"]
    text = summary.read_text()
    assert "| acme/platform | 2 | 0 | 1 | 1 | 0 | 0 |" in text and "GitHub API calls: 13" in text


def test_missing_token_is_a_usage_error(tmp_path: Path) -> None:
    repo = build(tmp_path)
    result = run_cli(repo.root, "sweep", env={"GITHUB_TOKEN": ""})
    assert result.code == 2 and "GITHUB_TOKEN is not set" in result.err


def test_token_never_printed(fake_github: FakeGitHub, tmp_path: Path) -> None:
    seed(fake_github)
    fake_github.fail("502")
    repo = build(tmp_path)
    env = {"GITHUB_TOKEN": fake_github.token, "GITHUB_API_URL": fake_github.url,
           "INCIDENT_OPS_RETRY_BASE": "0.001", "INCIDENT_OPS_DEBUG": ""}  # fmt: skip
    result = run_process(repo.root, "sweep", "--now", NOW, env=env)
    assert result.code == 1 and "HTTP 502" in result.out
    assert fake_github.token not in result.out + result.err
    bad = run_process(repo.root, "sweep", env={**env, "GITHUB_API_URL": "http://127.0.0.1:9"})
    assert bad.code == 1 and "network error" in bad.out
    assert fake_github.token not in bad.out + bad.err


def test_bundled_example_repo_call_count(gh: FakeGitHub, tmp_path: Path) -> None:
    root = tmp_path / "example"
    root.mkdir()
    for name in ("incidents", "policies"):
        shutil.copytree(ROOT / name, root / name)
    shutil.copy(ROOT / "incident-ops.yaml", root)
    for repo in ("customer-support", "network", "security", "executives", "hr"):
        gh.add_repo(f"acme/{repo}")
    first = run_cli(
        root, "sweep", "--now", NOW, env={"GITHUB_TOKEN": gh.token, "GITHUB_API_URL": gh.url}
    )
    calls, writes = len(gh.calls), len(gh.write_calls())
    print(f"\nbundled repo: first sweep {calls} calls ({writes} writes)")
    assert first.code == 0, first.out
    gh.reset_log()
    second = run_cli(
        root, "sweep", "--now", NOW, env={"GITHUB_TOKEN": gh.token, "GITHUB_API_URL": gh.url}
    )
    print(f"bundled repo: second sweep {len(gh.calls)} calls ({len(gh.write_calls())} writes)")
    assert second.code == 0 and gh.write_calls() == []
    # who the bot is, and 8 department repos, 1 page each
    assert calls <= writes + 9 and len(gh.calls) <= 9


def test_later_sweep_comments_breaches_updates_and_closes_done_actions(
    gh: FakeGitHub, tmp_path: Path
) -> None:
    repo = build(tmp_path)
    assert sweep(repo, gh).code == 0
    path = repo.root / "incidents/2026/INC-2026-0042-billing.md"
    done = "due: 2026-12-05, status: done, done_at: 2026-11-20T13:00:00+01:00, issue: acme/pl"
    text = path.read_text().replace("due: 2026-12-05, issue: acme/pl", done, 1)
    assert done in text
    path.write_text(text)
    gh.reset_log()
    later = "2026-11-20T14:00:00+01:00"
    result = sweep(repo, gh, "--now", later)
    assert result.code == 0, result.out
    end = state(gh)
    # customers last told 11:30, every 1h → due 12:30 (11:30Z), now overdue: one comment on
    # the lead issue (platform: the severity's first department); mitigate (13:12) and
    # management (13:00) too — and none on the other departments' issues
    wide = [f"{M42}:breach:{k}" for k in ("customer-update:20261120T1130Z", "mitigate")]
    wide.append(f"{M42}:breach:management-update:20261120T1200Z")
    for dept in ("platform", "customer-support", "management"):
        notes = end[(DEPARTMENTS[dept], f"{M42}:department:{dept}")][5]
        assert notes == (sorted(wide) if dept == "platform" else []), (dept, notes)
    assert end[("acme/platform", f"{M42}:action:A1")][2] == "closed"
    assert "updated" in result.out and "| overdue |" in gh.issues("acme/platform")[1].body
    gh.reset_log()
    assert sweep(repo, gh, "--now", later).code == 0 and gh.write_calls() == []


def test_commit_when_the_repo_sits_below_the_git_top_level(gh: FakeGitHub, tmp_path: Path) -> None:
    import git

    GitRepo(tmp_path)
    repo = RepoFactory(tmp_path)
    repo({"INC-2026-0042-billing.md": OPEN_SEV1}, git=False)
    result = sweep(repo, gh, "--commit", "--root", str(repo.root))
    assert result.code == 0, result.out + result.err
    head = git.Repo(tmp_path).head.commit
    assert sorted(head.stats.files) == ["repo/incidents/2026/INC-2026-0042-billing.md"]


def test_commit_outside_git_is_a_clear_error(gh: FakeGitHub, tmp_path: Path) -> None:
    repo = RepoFactory(tmp_path)
    repo({"INC-2026-0042-billing.md": OPEN_SEV1}, git=False)
    result = sweep(repo, gh, "--commit", "--root", str(repo.root))
    assert result.code == 2 and "is not in a Git repository" in result.err, result.err
    assert "internal error" not in result.err


def test_unwritable_step_summary_is_a_warning(gh: FakeGitHub, tmp_path: Path) -> None:
    repo = build(tmp_path)
    result = sweep(repo, gh, GITHUB_STEP_SUMMARY=str(tmp_path))  # a directory
    assert result.code == 0, result.err
    assert "cannot write GITHUB_STEP_SUMMARY" in result.err
    assert "GitHub API calls:" in result.out


def test_bad_api_url_is_a_usage_error(tmp_path: Path) -> None:
    repo = build(tmp_path)
    result = run_cli(repo.root, "sweep", env={"GITHUB_TOKEN": "t", "GITHUB_API_URL": "ftp://x"})
    assert result.code == 2 and "GITHUB_API_URL='ftp://x' is not an http(s) URL" in result.err
