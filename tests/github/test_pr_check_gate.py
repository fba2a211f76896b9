"""The gate nobody can talk their way past, against the fake GitHub on real Git repos.

Base-decided gates with approvals present, removal approvals, approvals that survive an
up-to-date branch (byte-identical content), malformed events, and duplicate ids against
other open incident pull requests.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.fakegithub import FakeGitHub
from tests.github.test_pr_check import CLOSED, PR, REPO, RESOLVED, Pr
from tests.helpers import SPEC_POLICY, incident_text
from tests.test_pr_check_base import NO_RCA, WEAK_POLICY
from tests.test_pr_check_git import NAME, PATH, PrRepo, pr_repo


def rules(result) -> list[tuple[str, str]]:
    return sorted({(f["path"], f["rule"]) for f in result.json()["findings"]})


def push(pr: Pr, message: str) -> str:
    """Commit the work tree on the PR branch and make it the PR's head on GitHub."""
    sha = pr.repo.commit(message)
    with pr.gh.state.lock:
        pull = pr.gh.state.get_issue(REPO, PR).pull
        assert pull is not None
        pull.head_sha = sha
    pr.event.write_text(json.dumps({"pull_request": {"number": PR, "head": {"sha": sha}}}))
    pr.sha = sha
    return sha


@pytest.fixture
def pr(make_repo, fake_github: FakeGitHub, tmp_path: Path) -> Pr:
    return Pr(pr_repo(make_repo, {NAME: RESOLVED}), fake_github, tmp_path)


# ---- the PR cannot switch its own gate off, even with both approvals -------------------


def _weak_folder(root: Path) -> None:
    (root / "weak").mkdir()
    (root / "weak" / "policy.yaml").write_text(WEAK_POLICY)
    (root / "incident-ops.yaml").write_text("policies: weak\n")


@pytest.mark.parametrize(
    "switch",
    [
        _weak_folder,
        lambda root: (root / "incident-ops.yaml").write_text("incidents: archive\n"),
        lambda root: (root / "incident-ops.yaml").write_text('rules: {closure-rca: "off"}\n'),
    ],
    ids=["policies-weak", "incidents-archive", "closure-rca-off"],
)
def test_config_in_the_pr_cannot_switch_the_gate_off(pr: Pr, switch) -> None:
    switch(pr.repo.root)
    pr.repo.write(NAME, NO_RCA)
    push(pr, "close without an RCA, gate switched off")
    pr.approve("alice")
    pr.approve("sam")
    result = pr.check()
    assert result.code == 1, result.out
    assert rules(result) == [(PATH, "closure-rca"), (PATH, "policy-and-status")]


# ---- removing a record needs the same approvals as closing it ----------------------------


@pytest.fixture
def removal(make_repo, fake_github: FakeGitHub, tmp_path: Path) -> Pr:
    """A PR whose commits delete the closed SEV1 record (by `git rm`)."""
    pr = Pr(pr_repo(make_repo, {NAME: CLOSED}), fake_github, tmp_path)
    pr.repo.git("rm", "-q", PATH)
    push(pr, "drop the record")
    return pr


def test_removal_with_both_teams_approving_passes(removal: Pr) -> None:
    removal.approve("alice")
    removal.approve("sam")
    result = removal.check()
    assert result.code == 0, result.out
    assert result.json()["findings"] == []


def test_removal_with_one_team_missing_fails(removal: Pr) -> None:
    removal.approve("bob")
    result = removal.check()
    assert result.code == 1
    (finding,) = result.json()["findings"]
    assert (finding["path"], finding["line"], finding["rule"]) == (PATH, 1, "record-removed")
    assert finding["message"].startswith("removing INC-2026-0001 (")
    assert finding["message"].endswith("missing: acme/support-leads")


def test_move_out_of_the_folder_approved_on_the_moved_content_passes(pr: Pr) -> None:
    (pr.repo.root / "archive").mkdir()
    pr.repo.git("mv", PATH, "archive/" + NAME)
    push(pr, "archive it")
    pr.approve("alice")
    pr.approve("sam")
    assert pr.check().code == 0


def test_removal_of_a_severity_without_approvers_needs_any_approval(
    make_repo, fake_github: FakeGitHub, tmp_path: Path
) -> None:
    pr = Pr(pr_repo(make_repo, {NAME: incident_text()}), fake_github, tmp_path)
    pr.repo.git("rm", "-q", PATH)
    push(pr, "drop a SEV3")
    result = pr.check()
    assert result.code == 1
    (finding,) = result.json()["findings"]
    assert finding["rule"] == "record-removed"
    assert "needs an approving review from someone" in finding["message"]
    pr.approve("mallory")
    assert pr.check().code == 0


# ---- approvals count while the approved content is byte-identical ------------------------


def test_approval_survives_an_unrelated_push(pr: Pr) -> None:
    pr.approve("alice")
    pr.approve("sam")
    (pr.repo.root / "README.md").write_text("unrelated\n")
    push(pr, "unrelated change after the approvals")
    assert pr.gate() == (0, [])


def test_approval_survives_updating_the_branch_with_main(pr: Pr) -> None:
    pr.approve("alice")
    pr.approve("sam")
    pr.repo.git("checkout", "-q", "main")
    (pr.repo.root / "README.md").write_text("meanwhile on main\n")
    pr.repo.commit("unrelated change on main")
    pr.repo.git("checkout", "-q", "feature")
    pr.repo.git("-c", "core.editor=true", "merge", "-q", "--no-ff", "main", "-m", "Update branch")
    push(pr, "nothing more")
    assert pr.gate() == (0, [])


def test_approval_of_different_incident_content_says_why_it_does_not_count(pr: Pr) -> None:
    pr.approve("alice")
    pr.approve("sam", commit=pr.old_sha)
    code, messages = pr.gate()
    assert code == 1
    assert messages[0].endswith(
        f"missing: acme/support-leads (@sam approved {pr.old_sha[:7]}, but {PATH} differs there)"
    )


def test_policy_change_on_main_since_the_approval_voids_it(pr: Pr) -> None:
    approved = pr.sha
    pr.approve("alice")
    pr.approve("sam")
    pr.repo.git("checkout", "-q", "main")
    (pr.repo.root / "policies" / "policy.yaml").write_text(SPEC_POLICY + "# amended\n")
    pr.repo.commit("policy amended on main")
    pr.repo.git("checkout", "-q", "feature")
    pr.repo.git("-c", "core.editor=true", "merge", "-q", "--no-ff", "main", "-m", "Update branch")
    push(pr, "up to date")
    code, messages = pr.gate()
    assert code == 1
    assert f"@alice approved {approved[:7]}, but policies/policy.yaml differs there" in messages[0]
    assert f"@sam approved {approved[:7]}" in messages[0]


def test_approved_commit_missing_locally_is_named(pr: Pr) -> None:
    pr.approve("alice")
    pr.approve("sam", commit="f" * 40)
    code, messages = pr.gate()
    assert code == 1
    assert (
        f"(@sam approved {'f' * 7}, but that commit is not in the local clone: "
        "fetch the full history, fetch-depth: 0)"
    ) in messages[0]


def test_summary_lists_the_approvals_that_do_not_count(pr: Pr) -> None:
    pr.approve("alice")
    pr.approve("sam", commit=pr.old_sha)
    pr.check()
    summary = pr.summary.read_text()
    assert "- `acme/sre-leads`: approved by @alice" in summary
    assert (
        f"- `acme/support-leads`: **missing** (@sam approved {pr.old_sha[:7]}, "
        f"but `{PATH}` differs there)"
    ) in summary


# ---- malformed events ---------------------------------------------------------------------


def test_deeply_nested_event_is_a_clear_error(pr: Pr) -> None:
    pr.event.write_text("[" * 100_000 + "]" * 100_000)
    result = pr.check()
    assert result.code == 2
    assert "GITHUB_EVENT_PATH" in result.err and "nested too deeply" in result.err
    assert "Traceback" not in result.err and "internal error" not in result.err


def test_oversized_event_is_refused(pr: Pr) -> None:
    with pr.event.open("w") as handle:
        handle.write('{"pull_request": {"number": 7}, "pad": "')
        handle.write("x" * (32 << 20))
        handle.write('"}')
    result = pr.check()
    assert result.code == 2
    assert "GITHUB_EVENT_PATH" in result.err and "larger than 32 MiB" in result.err


@pytest.mark.parametrize("number", [True, -3, 0, 7.0, "7"])
def test_event_number_must_be_a_positive_integer(pr: Pr, number) -> None:
    pr.approve("alice")
    pr.approve("sam")
    pr.event.write_text(json.dumps({"pull_request": {"number": number}}))
    code, messages = pr.gate()
    assert code == 1
    assert "approvals could not be verified: pull_request.number" in messages[0]
    assert f"is not a positive integer: {json.dumps(number)}" in messages[0]
    assert pr.gh.calls == []


# ---- duplicate ids against other open incident pull requests -----------------------------

NEW = "INC-2026-0002-dns-outage.md"
NEW_PATH = f"incidents/2026/{NEW}"


class NewIncidentPr:
    """A PR that adds INC-2026-0002 while other PRs are open on the fake GitHub."""

    def __init__(self, repo: PrRepo, gh: FakeGitHub, tmp: Path) -> None:
        self.repo, self.gh = repo, gh
        repo.write(NEW, incident_text(id="INC-2026-0002"))
        sha = repo.commit("open INC-2026-0002")
        gh.add_repo(REPO)
        gh.add_pull(REPO, PR, sha, files=[NEW_PATH], head_ref="incident/INC-2026-0002")
        self.event = tmp / "event.json"
        self.event.write_text(json.dumps({"pull_request": {"number": PR, "head": {"sha": sha}}}))
        self.summary = tmp / "summary.md"
        self.env = {
            "GITHUB_TOKEN": gh.token,
            "GITHUB_API_URL": gh.url,
            "GITHUB_REPOSITORY": REPO,
            "GITHUB_EVENT_PATH": str(self.event),
            "GITHUB_STEP_SUMMARY": str(self.summary),
        }

    def other(self, number: int, filename: str, **kw) -> None:
        files = [{"filename": filename, "status": "added"}]
        self.gh.add_pull(REPO, number, "b" * 40, files=files, **kw)

    def check(self, **env: str | None):
        result = self.repo.check(env={**self.env, **env})
        assert self.gh.token not in result.out + result.err
        return result


@pytest.fixture
def new_pr(make_repo, fake_github: FakeGitHub, tmp_path: Path) -> NewIncidentPr:
    return NewIncidentPr(pr_repo(make_repo), fake_github, tmp_path)


@pytest.mark.parametrize(
    "kw",
    [{"head_ref": "incident/dns"}, {"head_ref": "fix-dns", "labels": ["incident"]}],
    ids=["incident-branch", "incident-label"],
)
def test_id_used_by_another_open_incident_pr_is_a_duplicate(new_pr: NewIncidentPr, kw) -> None:
    new_pr.other(9, "incidents/2026/INC-2026-0002-mail-delays.md", **kw)
    result = new_pr.check()
    assert result.code == 1
    (finding,) = result.json()["findings"]
    assert (finding["path"], finding["line"], finding["rule"]) == (NEW_PATH, 2, "duplicate-id")
    assert finding["message"] == (
        "id INC-2026-0002 is also used by open pull request #9 "
        "(incidents/2026/INC-2026-0002-mail-delays.md)"
    )
    paths = [c.path for c in new_pr.gh.calls]
    assert f"/repos/{REPO}/pulls" in paths and f"/repos/{REPO}/pulls/9/files" in paths
    assert f"/repos/{REPO}/pulls/{PR}/files" not in paths  # not this PR itself
    assert all(c.method == "GET" for c in new_pr.gh.calls)


def test_other_prs_that_are_not_incident_prs_or_closed_are_ignored(new_pr: NewIncidentPr) -> None:
    new_pr.other(9, "incidents/2026/INC-2026-0002-mail-delays.md", head_ref="feature/x")
    new_pr.other(10, "incidents/2026/INC-2026-0002-old.md", head_ref="incident/old", state="closed")
    new_pr.other(11, "incidents/2026/INC-2026-0003-other.md", head_ref="incident/other")
    result = new_pr.check()
    assert result.code == 0, result.out
    paths = [c.path for c in new_pr.gh.calls]
    assert f"/repos/{REPO}/pulls/9/files" not in paths
    assert f"/repos/{REPO}/pulls/11/files" in paths


def test_without_a_token_open_prs_are_skipped_with_a_note(new_pr: NewIncidentPr) -> None:
    new_pr.other(9, "incidents/2026/INC-2026-0002-mail-delays.md", head_ref="incident/dns")
    result = new_pr.check(GITHUB_TOKEN=None)
    assert result.code == 0, result.out
    note = "open incident pull requests were not checked for duplicate ids: GITHUB_TOKEN is not set"
    assert note in new_pr.summary.read_text()
    assert note in result.err
    assert new_pr.gh.calls == []


# ---- adding a waiver needs the same approval as closing ----------------------------------

WAIVER = """\
waivers:
  - obligation: rca
    reason: The vendor's root cause; no access to their systems
    by: "@bob"
    at: 2026-11-20T10:00:00+01:00
"""


def _with_waiver(text: str, waiver: str = WAIVER) -> str:
    return text.replace("related: []\n", waiver + "related: []\n")


@pytest.fixture
def waiver_pr(make_repo, fake_github: FakeGitHub, tmp_path: Path) -> Pr:
    """The resolved SEV1 stays resolved; the PR adds a waiver to it."""
    pr = Pr(pr_repo(make_repo, {NAME: RESOLVED}), fake_github, tmp_path)
    pr.repo.write(NAME, _with_waiver(RESOLVED))
    push(pr, "waive the RCA")
    return pr


def test_adding_a_waiver_needs_each_approver_team(waiver_pr: Pr) -> None:
    waiver_pr.approve("alice")
    result = waiver_pr.check()
    assert result.code == 1
    (finding,) = result.json()["findings"]
    line = _with_waiver(RESOLVED).splitlines().index("  - obligation: rca") + 1
    assert (finding["path"], finding["line"], finding["rule"]) == (PATH, line, "waiver-approval")
    assert finding["message"] == (
        "adding a waiver to INC-2026-0001 needs an approving review from a member of each of "
        "acme/sre-leads, acme/support-leads; missing: acme/support-leads"
    )
    waiver_pr.approve("sam")
    assert waiver_pr.check().code == 0


def test_changing_a_waiver_is_adding_one_and_keeping_one_is_not(
    make_repo, fake_github: FakeGitHub, tmp_path: Path
) -> None:
    base = _with_waiver(RESOLVED)
    pr = Pr(pr_repo(make_repo, {NAME: base}), fake_github, tmp_path)
    pr.repo.write(NAME, base.replace("Billing database unavailable", "Billing DB unavailable"))
    push(pr, "retitle, waiver untouched")
    assert pr.check().code == 0
    pr.repo.write(NAME, base.replace("no access to their systems", "they will not say"))
    push(pr, "reword the waiver")
    result = pr.check()
    assert result.code == 1
    assert [f["rule"] for f in result.json()["findings"]] == ["waiver-approval"]


def test_waiver_gate_reads_the_raw_front_matter_of_a_file_that_does_not_validate(
    waiver_pr: Pr,
) -> None:
    waiver_pr.repo.write(NAME, _with_waiver(RESOLVED).replace("obligation: rca", "obligation: x"))
    push(waiver_pr, "a waiver of nothing")
    result = waiver_pr.check()
    assert result.code == 1
    assert rules(result) == [(PATH, "schema"), (PATH, "waiver-approval")]
