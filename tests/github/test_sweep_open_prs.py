"""The sweep acts on the live record of an incident: its open pull request, before any merge.

Real Git repositories with a bare origin that the fake GitHub serves as acme/incidents; the
sweep runs in the default branch's checkout, the incident lives on a pushed branch.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from incident_ops.edit.frontmatter import escalation_issue
from incident_ops.github.client import Client, Settings
from incident_ops.github.pulls import LiveFile, read_open_pulls
from incident_ops.github.writeback import BOT_BRANCH, BOT_TITLE, write_back
from incident_ops.workspace.config import open_repo
from tests.fakegithub import FakeGitHub
from tests.github.test_sweep import (
    CLOSED_SEV2,
    DEPARTMENTS,
    M42,
    OPEN_SEV1,
    _numbers,
    seed,
    state,
    sweep,
)
from tests.origin import INCIDENTS, Origin, git, make_origin

PATH = "incidents/2026/INC-2026-0042-billing.md"
LIVE = {"GITHUB_REPOSITORY": INCIDENTS}


@pytest.fixture
def gh(fake_github: FakeGitHub) -> FakeGitHub:
    seed(fake_github)
    return fake_github


def open_pr(gh: FakeGitHub, origin: Origin, files: dict[str, str], branch: str,
            **kw: object) -> int:  # fmt: skip
    sha = origin.push_branch(branch, files)
    pull = gh.add_pull(INCIDENTS, head_sha=sha, head_ref=branch, title=branch, **kw)
    return pull.number


def test_the_sweep_acts_on_an_incident_that_exists_only_in_an_open_pr(
    gh: FakeGitHub, tmp_path: Path
) -> None:
    origin = make_origin(tmp_path, gh, {"INC-2026-0040-slow.md": CLOSED_SEV2})
    number = open_pr(gh, origin, {PATH: OPEN_SEV1}, "incident/INC-2026-0042")
    main_before = origin.head("main")

    result = sweep(origin.checkout, gh, **LIVE)
    assert result.code == 0, result.out + result.err
    issues = _numbers(gh)
    platform = issues[("acme/platform", f"{M42}:department:platform")]
    assert ("acme/management", f"{M42}:department:executives") in issues
    body = state(gh)[("acme/platform", f"{M42}:department:platform")][1]
    assert f"`{PATH}`" in body
    executives = state(gh)[("acme/management", f"{M42}:department:executives")]
    assert executives[5] == [f"{M42}:breach:escalate:executives"]  # a breach comment
    assert "incidents read from open pull requests: 1" in result.out

    # the issue references (and the escalation the bot made) went onto the PR's branch,
    # never onto main
    assert origin.head("main") == main_before
    text = origin.show("incident/INC-2026-0042", PATH)
    assert f"issue: acme/platform#{platform}" in text
    executives_number = issues[("acme/management", f"{M42}:department:executives")]
    assert (
        "  - department: executives\n    at: 2026-11-20T12:00:00+01:00\n    by: incident-ops\n"
        f"    issue: acme/management#{executives_number}\n"
    ) in text
    assert f"on the branch of #{number} (incident/INC-2026-0042)" in result.out
    message = git(tmp_path, "--git-dir", str(origin.bare), "log", "-1", "--format=%s",
                  "incident/INC-2026-0042")  # fmt: skip
    assert message == "incident-ops sweep: record issue references"
    diff = git(tmp_path, "--git-dir", str(origin.bare), "diff", "incident/INC-2026-0042~1",
               "incident/INC-2026-0042").splitlines()  # fmt: skip
    added = [line for line in diff if line.startswith("+") and not line.startswith("+++")]
    removed = [line for line in diff if line.startswith("-") and not line.startswith("---")]
    escalation = ("department: executives", "at: 2026-11-20T12:00", "by: incident-ops")
    assert len(added) == 7, diff  # 4 references, the 3 other lines of the bot's escalation
    assert all("issue: acme/" in line or any(e in line for e in escalation) for line in added)
    assert all("A1" in line or "due: 2026-12-05}" in line for line in removed), diff  # A1's

    gh.reset_log()
    again = sweep(origin.checkout, gh, **LIVE)
    assert again.code == 0 and gh.write_calls() == [], again.out


def test_without_the_repository_open_prs_are_not_read(gh: FakeGitHub, tmp_path: Path) -> None:
    origin = make_origin(tmp_path, gh, {"INC-2026-0040-slow.md": CLOSED_SEV2})
    open_pr(gh, origin, {PATH: OPEN_SEV1}, "incident/INC-2026-0042")
    result = sweep(origin.checkout, gh)
    assert result.code == 0
    assert not [key for key in _numbers(gh) if "INC-2026-0042" in key[1]]
    assert not [c for c in gh.calls if "/acme/incidents/" in c.path]


def test_the_pr_version_wins_over_the_default_branch(gh: FakeGitHub, tmp_path: Path) -> None:
    reported = OPEN_SEV1.replace("status: investigating", "status: reported").replace(
        "acknowledged_at: 2026-11-20T09:20:00+01:00\n", ""
    )
    origin = make_origin(tmp_path, gh, {"INC-2026-0042-billing.md": reported})
    # on main it is unacknowledged (a breach); in its open PR it was acknowledged
    open_pr(gh, origin, {PATH: OPEN_SEV1}, "incident/INC-2026-0042")
    result = sweep(origin.checkout, gh, **LIVE)
    assert result.code == 0, result.out
    notes = [n for (_, marker), v in state(gh).items() for n in v[5]]
    assert f"{M42}:breach:acknowledge" not in notes
    assert f"{M42}:breach:escalate:executives" in notes


def test_a_labelled_pr_counts_a_fork_or_unrelated_pr_does_not(
    gh: FakeGitHub, tmp_path: Path
) -> None:
    origin = make_origin(tmp_path, gh, {"INC-2026-0040-slow.md": CLOSED_SEV2})
    gh.add_repo("mallory/incidents")
    fork = origin.push_branch("incident/INC-2026-0042", {PATH: OPEN_SEV1})
    gh.add_pull(INCIDENTS, head_sha=fork, head_ref="incident/INC-2026-0042",
                head_repo="mallory/incidents", files=[PATH])  # fmt: skip
    other = OPEN_SEV1.replace("INC-2026-0042", "INC-2026-0043")
    open_pr(gh, origin, {"incidents/2026/INC-2026-0043-x.md": other}, "docs-fix")
    result = sweep(origin.checkout, gh, **LIVE)
    assert result.code == 0, result.out
    assert not [key for key in _numbers(gh) if "INC-2026-004" in key[1] and "0040" not in key[1]]

    labelled = OPEN_SEV1.replace("INC-2026-0042", "INC-2026-0044")
    open_pr(gh, origin, {"incidents/2026/INC-2026-0044-y.md": labelled}, "hotfix",
            labels=["incident"])  # fmt: skip
    result = sweep(origin.checkout, gh, **LIVE)
    assert result.code == 0, result.out
    found = {key[1] for key in _numbers(gh)}
    assert "incident-ops:INC-2026-0044:department:platform" in found
    assert not any("INC-2026-0042" in m or "INC-2026-0043" in m for m in found)


def test_a_closure_or_waiver_in_an_open_pr_waits_for_its_merge(
    gh: FakeGitHub, tmp_path: Path
) -> None:
    origin = make_origin(tmp_path, gh, {"INC-2026-0042-billing.md": OPEN_SEV1})
    assert sweep(origin.checkout, gh).code == 0  # issues open, breach posted
    origin.pull_checkout()
    waived = OPEN_SEV1.replace(
        "\nactions:",
        "\nwaivers:\n"
        "  - {obligation: escalate, department: executives, reason: on the bridge,\n"
        '     by: "@dana", at: 2026-11-20T11:00:00+01:00}\n'
        "resolved_at: 2026-11-20T11:30:00+01:00\n"
        "closed_at: 2026-11-20T11:40:00+01:00\n"
        "actions:",
    ).replace("status: investigating", "status: closed")
    assert "waivers:" in waived
    open_pr(gh, origin, {PATH: waived}, "incident/INC-2026-0042")
    result = sweep(origin.checkout, gh, "--now", "2026-11-20T14:00:00+01:00", **LIVE)
    assert "closing counts once the PR is approved and merged" in result.out
    assert "1 new waiver(s) count once the PR is approved and merged" in result.out
    issues = {key: v for key, v in state(gh).items() if "INC-2026-0042:department" in key[1]}
    required = ("platform", "customer-support", "management")  # SEV1's departments
    assert all(issues[(DEPARTMENTS[d], f"{M42}:department:{d}")][2] == "open" for d in required)
    # (not closed before the merge; the executives tier lapses: resolved until then)
    body = issues[("acme/management", f"{M42}:department:executives")][1]
    assert "waived" not in body


def test_write_back_for_default_branch_incidents_is_one_bot_pull_request(
    gh: FakeGitHub, tmp_path: Path
) -> None:
    origin = make_origin(tmp_path, gh, {"INC-2026-0042-billing.md": OPEN_SEV1})
    main = origin.head("main")
    args = ("--write-back", "pull-request")
    first = sweep(origin.checkout, gh, *args, **LIVE)
    assert first.code == 0, first.out + first.err
    assert origin.head("main") == main  # nothing pushed to the default branch
    assert git(origin.checkout.root, "status", "--porcelain") == ""  # nor the checkout
    pulls = [i for i in gh.issues(INCIDENTS) if i.pull is not None]
    assert len(pulls) == 1 and pulls[0].title == BOT_TITLE
    assert pulls[0].pull.head_ref == BOT_BRANCH and pulls[0].pull.base_ref == "main"
    text = origin.show(BOT_BRANCH, PATH)
    # 3 references + the escalation to executives the bot made, with its issue
    assert text.count("issue: acme/") == 4 and f"#{pulls[0].number} (opened)" in first.out

    gh.reset_log()
    second = sweep(origin.checkout, gh, *args, **LIVE)
    assert second.code == 0 and gh.write_calls() == [], second.out

    # main moves on (a new update recorded and merged): the bot branch is rebuilt on it
    edited = (
        (origin.checkout.root / PATH)
        .read_text()
        .replace("summary: Down}", "summary: Still down}", 1)
    )
    (origin.checkout.root / PATH).write_text(edited)
    git(origin.checkout.root, "commit", "-qam", "update")
    git(origin.checkout.root, "push", "-q", "origin", "main")
    third = sweep(origin.checkout, gh, *args, **LIVE)
    assert third.code == 0, third.out
    rebuilt = origin.show(BOT_BRANCH, PATH)
    assert "Still down" in rebuilt and rebuilt.count("issue: acme/") == 4
    # reset onto the new main, then one commit for the one file
    assert git(tmp_path, "--git-dir", str(origin.bare), "rev-parse", f"{BOT_BRANCH}~1") == (
        origin.head("main")
    )
    assert len([i for i in gh.issues(INCIDENTS) if i.pull is not None]) == 1


def test_a_write_to_a_pr_branch_that_changed_meanwhile_fails_cleanly(
    gh: FakeGitHub, tmp_path: Path
) -> None:
    origin = make_origin(tmp_path, gh, {"INC-2026-0040-slow.md": CLOSED_SEV2})
    number = open_pr(gh, origin, {PATH: OPEN_SEV1}, "incident/INC-2026-0042")
    repo = open_repo(str(origin.checkout.root))
    client = Client(Settings(token=gh.token, api_url=gh.url, base_delay=0.001))
    live = read_open_pulls(client, INCIDENTS, repo)
    assert [(f.pull.number, f.path) for f in live.files] == [(number, PATH)]
    # someone pushes to the incident branch after the sweep read it
    pushed = OPEN_SEV1.replace("summary: Down}", "summary: Pushed meanwhile}", 1)
    origin.push_branch("incident/INC-2026-0042", {PATH: pushed})
    edits = {PATH: [escalation_issue("platform", "acme/platform#9")]}
    sources: dict[str, LiveFile] = {PATH: live.files[0]}
    done = write_back(repo, edits, sources, client=client, repository=INCIDENTS)
    assert done.references == 0 and len(done.failures) == 1
    assert "HTTP 409" in done.failures[0] and "the next sweep records them" in done.failures[0]
    assert origin.show("incident/INC-2026-0042", PATH) == pushed.rstrip("\n")


def test_dry_run_says_where_references_would_go_and_writes_nothing(
    gh: FakeGitHub, tmp_path: Path
) -> None:
    origin = make_origin(tmp_path, gh, {"INC-2026-0040-slow.md": CLOSED_SEV2})
    open_pr(gh, origin, {PATH: OPEN_SEV1}, "incident/INC-2026-0042")
    head = origin.head("incident/INC-2026-0042")
    result = sweep(origin.checkout, gh, "--dry-run", **LIVE)
    assert result.code == 0, result.out
    assert gh.write_calls() == []
    assert origin.head("incident/INC-2026-0042") == head
    assert "would create acme/platform: [INC-2026-0042][SEV1]" in result.out


def test_write_back_through_a_pull_request_needs_the_repository(
    gh: FakeGitHub, tmp_path: Path
) -> None:
    origin = make_origin(tmp_path, gh, {"INC-2026-0042-billing.md": OPEN_SEV1})
    result = sweep(origin.checkout, gh, "--write-back", "pull-request")
    assert result.code == 2 and "pass --repository OWNER/NAME" in result.err
    assert gh.calls == []  # refused before anything was done
    both = sweep(origin.checkout, gh, "--write-back", "pull-request", "--commit", **LIVE)
    assert both.code == 2 and "--commit commits the checked-out files" in both.err
