"""`pr-check`'s closure-approval gate against the fake GitHub, on a real Git repository.

The PR closes INC-2026-0001 (SEV1 in `SPEC_POLICY`: approvers acme/sre-leads and
acme/support-leads); the closed version is the bundled example, valid at `NOW`, so the
only finding left to decide is the gate.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.fakegithub import FakeGitHub
from tests.helpers import NOW, SPEC_POLICY, Result
from tests.test_pr_check_git import NAME, PATH, PrRepo, pr_repo

REPO = "acme/incidents"
PR = 7
CLOSED = (Path(__file__).parents[2] / "incidents" / "2026" / NAME).read_text(encoding="utf-8")
RESOLVED = CLOSED.replace("status: closed", "status: resolved").replace(
    "closed_at: 2026-10-12T16:00:00+02:00", "closed_at: null"
)
STATUS_LINE = 4


class Pr:
    """A feature branch closing the incident, its PR on the fake GitHub, and the CI env."""

    def __init__(self, repo: PrRepo, gh: FakeGitHub, tmp: Path) -> None:
        self.repo, self.gh = repo, gh
        self.old_sha = repo.commit("work in progress")
        repo.write(NAME, CLOSED)
        self.sha = repo.commit("close INC-2026-0001")
        gh.add_repo(REPO)
        gh.add_pull(REPO, PR, self.sha, files=[PATH])
        gh.add_team("acme", "sre-leads", members=["alice", "bob"])
        gh.add_team("acme", "support-leads", members=["sam"])
        self.event = tmp / "event.json"
        self.event.write_text(
            json.dumps({"pull_request": {"number": PR, "head": {"sha": self.sha}}})
        )
        self.summary = tmp / "summary.md"
        self.env = {
            "GITHUB_TOKEN": gh.token,
            "GITHUB_API_URL": gh.url,
            "GITHUB_REPOSITORY": REPO,
            "GITHUB_EVENT_PATH": str(self.event),
            "GITHUB_STEP_SUMMARY": str(self.summary),
        }

    def approve(self, user: str, state: str = "APPROVED", commit: str | None = None) -> None:
        self.gh.add_review(REPO, PR, user, state, commit_id=commit or self.sha)  # type: ignore[arg-type]

    def check(self, *args: str, **env: str | None) -> Result:
        result = self.repo.check(*args, env={**self.env, **env})
        assert self.gh.token not in result.out + result.err
        return result

    def gate(self, **env: str | None) -> tuple[int, list[str]]:
        """Exit code and the closure-approval messages."""
        result = self.check(**env)
        found = result.json()["findings"]
        assert all(f["rule"] == "closure-approval" for f in found), found
        assert all((f["path"], f["line"]) == (PATH, STATUS_LINE) for f in found)
        return result.code, [f["message"] for f in found]


@pytest.fixture
def pr(make_repo, fake_github: FakeGitHub, tmp_path: Path) -> Pr:
    return Pr(pr_repo(make_repo, {NAME: RESOLVED}), fake_github, tmp_path)


def test_closing_without_approvals_fails_naming_both_teams(pr: Pr) -> None:
    code, messages = pr.gate()
    assert code == 1
    assert len(messages) == 1
    assert messages[0].endswith("missing: acme/sre-leads, acme/support-leads")


def test_closing_with_one_approval_per_team_passes(pr: Pr) -> None:
    pr.approve("alice")
    pr.approve("sam")
    assert pr.gate() == (0, [])
    paths = [c.path for c in pr.gh.calls]
    assert f"/repos/{REPO}/pulls/{PR}/reviews" in paths
    assert "/orgs/acme/teams/sre-leads/members" in paths
    assert all(c.method == "GET" for c in pr.gh.calls)


def test_one_team_missing(pr: Pr) -> None:
    pr.approve("bob")
    code, messages = pr.gate()
    assert code == 1 and messages[0].endswith("missing: acme/support-leads")


def test_approval_before_the_last_push_does_not_count(pr: Pr) -> None:
    # The incident file differs at the approved commit; the message says so.
    pr.approve("alice")
    pr.approve("sam", commit=pr.old_sha)
    code, messages = pr.gate()
    assert code == 1 and messages[0].endswith(
        f"missing: acme/support-leads (@sam approved {pr.old_sha[:7]}, but {PATH} differs there)"
    )


def test_later_changes_requested_overrides_approval(pr: Pr) -> None:
    pr.approve("sam")
    pr.approve("alice")
    pr.approve("alice", "CHANGES_REQUESTED")
    code, messages = pr.gate()
    assert code == 1 and messages[0].endswith("missing: acme/sre-leads")


def test_later_comment_keeps_approval_and_dismissal_cancels_it(pr: Pr) -> None:
    pr.approve("alice")
    pr.approve("alice", "COMMENTED")
    pr.approve("sam")
    pr.approve("sam", "DISMISSED")
    code, messages = pr.gate()
    assert code == 1 and messages[0].endswith("missing: acme/support-leads")


def test_approval_of_a_non_member_does_not_count(pr: Pr) -> None:
    pr.approve("alice")
    pr.approve("mallory")
    code, messages = pr.gate()
    assert code == 1 and messages[0].endswith("missing: acme/support-leads")


def test_pr_number_from_option_needs_no_event(pr: Pr) -> None:
    # Approvals are judged by the approved content, not by the PR's head SHA: no need to
    # read the pull request itself.
    pr.approve("alice")
    pr.approve("sam")
    result = pr.check("--pr", str(PR), GITHUB_EVENT_PATH=None)
    assert result.code == 0, result.out
    assert f"/repos/{REPO}/pulls/{PR}/reviews" in [c.path for c in pr.gh.calls]
    assert f"/repos/{REPO}/pulls/{PR}" not in [c.path for c in pr.gh.calls]


def test_pr_cannot_weaken_its_own_gate(pr: Pr) -> None:
    weaker = SPEC_POLICY.replace("    rca_approvers: [acme/sre-leads, acme/support-leads]\n", "")
    (pr.repo.root / "policies" / "policy.yaml").write_text(weaker)
    pr.repo.commit("drop the approvers")
    result = pr.check()
    assert result.code == 1
    found = {f["rule"]: f["message"] for f in result.json()["findings"]}
    # The gate still asks for both teams; mixing a policy change with a closure is
    # refused on its own too (policy-and-status).
    assert sorted(found) == ["closure-approval", "policy-and-status"]
    assert found["closure-approval"].endswith("missing: acme/sre-leads, acme/support-leads")


def test_github_annotations_on_the_status_line_and_step_summary(pr: Pr) -> None:
    pr.approve("alice")
    result = pr.repo.run("--base", "main", "--now", NOW, env={**pr.env, "GITHUB_ACTIONS": "true"})
    assert result.code == 1
    assert result.out.startswith(
        f"::error file={PATH},line={STATUS_LINE},col=1,title=closure-approval::"
        "closing INC-2026-0001 needs"
    )
    summary = pr.summary.read_text()
    assert "## incident-ops pr-check: failed" in summary
    assert f"| `{PATH}` | modified | resolved → closed |" in summary
    assert "- `acme/sre-leads`: approved by @alice" in summary
    assert "- `acme/support-leads`: **missing**" in summary
    assert pr.gh.token not in summary


def test_no_pr_number_means_unverified(pr: Pr) -> None:
    code, messages = pr.gate(GITHUB_EVENT_PATH=None)
    assert code == 1
    assert "approvals could not be verified: no pull request number" in messages[0]
    assert pr.gh.calls == []


@pytest.mark.parametrize(
    ("setup", "env", "message"),
    [
        ("none", {"GITHUB_TOKEN": "ghs_wrong"}, "GitHub API error reading reviews of"),
        ("no-pr", {}, f"GitHub API error reading reviews of {REPO}#{PR + 1}: 404 Not Found"),
        ("no-team", {}, "members of team acme/support-leads: 404 Not Found (the token must"),
    ],
)
def test_api_errors_exit_2_with_a_clear_message(
    pr: Pr, setup: str, env: dict[str, str], message: str
) -> None:
    pr.approve("alice")
    pr.approve("sam")
    if setup == "no-pr":
        event = {"pull_request": {"number": PR + 1, "head": {"sha": pr.sha}}}
        pr.event.write_text(json.dumps(event))
    if setup == "no-team":
        with pr.gh.state.lock:
            del pr.gh.state.teams[("acme", "support-leads")]
    result = pr.repo.check(env={**pr.env, **env})
    assert result.code == 2
    assert message in result.err and "Traceback" not in result.err
    assert pr.gh.token not in result.out + result.err


def test_team_members_are_read_across_pages(pr: Pr) -> None:
    pr.gh.add_team("acme", "support-leads", members=[f"user{i:02}" for i in range(45)])
    pr.approve("alice")
    pr.approve("user44")
    assert pr.gate() == (0, [])
    pages = [c for c in pr.gh.calls if c.path == "/orgs/acme/teams/support-leads/members"]
    assert len(pages) == 2


def test_malformed_event_repository_means_unverified(pr: Pr) -> None:
    event = {"pull_request": {"number": PR}, "repository": "acme/incidents"}
    pr.event.write_text(json.dumps(event))
    code, messages = pr.gate(GITHUB_REPOSITORY="")
    assert code == 1
    assert "approvals could not be verified: no repository" in messages[0]


def test_bad_api_url_is_a_usage_error(pr: Pr) -> None:
    result = pr.check(GITHUB_API_URL="api.example.com")
    assert result.code == 2
    assert "GITHUB_API_URL='api.example.com' is not an http(s) URL" in result.err
