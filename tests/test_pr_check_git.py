"""`pr-check` on real Git repositories: a main branch, a feature branch, the real CLI."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import (
    MINIMAL,
    NOW,
    SPEC_POLICY,
    GitRepo,
    Result,
    findings,
    front_matter,
    incident,
    incident_text,
    run_cli,
)

NAME = "INC-2026-0001-billing-db-outage.md"
PATH = f"incidents/2026/{NAME}"
# Environment of a local run: nothing from GitHub Actions leaks in from the test runner.
NO_GITHUB: dict[str, str | None] = {
    key: None
    for key in (
        "GITHUB_ACTIONS",
        "GITHUB_TOKEN",
        "GITHUB_API_URL",
        "GITHUB_REPOSITORY",
        "GITHUB_EVENT_PATH",
        "GITHUB_STEP_SUMMARY",
    )
}
ACKED_AT = "2026-11-20T09:20:00+01:00"
RESOLVED = front_matter(
    status="resolved", acknowledged_at=ACKED_AT, resolved_at="2026-11-20T11:00:00+01:00"
)
ACKNOWLEDGED = front_matter(status="acknowledged", acknowledged_at=ACKED_AT)
INVESTIGATING = front_matter(status="investigating", acknowledged_at=ACKED_AT)


class PrRepo(GitRepo):
    """An incident repo with history: `main` holds the base, `feature` the PR's commits."""

    def run(self, *args: str, env: dict[str, str | None] | None = None) -> Result:
        return run_cli(self.root, "pr-check", *args, env={**NO_GITHUB, **(env or {})})

    def check(self, *args: str, env: dict[str, str | None] | None = None) -> Result:
        """pr-check of the feature branch against main, as JSON, at the fixed `now`."""
        return self.run("--base", "main", "--format", "json", "--now", NOW, *args, env=env)


def pr_repo(make_repo, incidents: dict[str, str] | None = None, **kw) -> PrRepo:
    """A repo whose `main` holds `incidents`, checked out on a new `feature` branch."""
    repo = PrRepo(make_repo(incidents or {NAME: incident_text()}, **kw).root)
    repo.commit("base")
    repo.branch()
    return repo


def test_no_incident_change_passes_without_loading_github(make_repo) -> None:
    repo = pr_repo(make_repo)
    (repo.root / "README.md").write_text("docs\n")
    repo.commit("docs only")
    # A token and an unreachable API: any GitHub call would fail the run with exit 2.
    script = (
        "import sys; from incident_ops.cli import main; "
        "code = main(['pr-check', '--base', 'main']); "
        "print('github loaded' if 'github' in sys.modules else 'github not loaded'); "
        "sys.exit(code)"
    )
    env = {"GITHUB_TOKEN": "x", "GITHUB_API_URL": "http://127.0.0.1:9", "GITHUB_ACTIONS": ""}
    proc = subprocess.run(
        [sys.executable, "-c", script],
        cwd=repo.root,
        capture_output=True,
        text=True,
        env={**_clean_environ(), **env},
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == ["incident-ops: no incident changes", "github not loaded"]


def _clean_environ() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}


def test_json_format_stays_one_document_without_changes(make_repo) -> None:
    repo = pr_repo(make_repo)
    repo.commit("empty")
    result = repo.check()
    assert result.code == 0
    assert result.json()["findings"] == [] and "no incident changes" in result.err


def test_changed_incident_with_an_error_fails_on_its_line(make_repo) -> None:
    repo = pr_repo(make_repo)
    repo.write(NAME, incident_text(severity="SEV9"))
    repo.commit("bad severity")
    result = repo.check()
    assert result.code == 1
    assert findings(result) == [(5, "unknown-reference")]
    assert result.json()["findings"][0]["path"] == PATH
    assert result.json()["summary"]["files"] == 1


def test_only_changed_files_are_validated(make_repo) -> None:
    broken = incident_text(id="INC-2026-0002", severity="SEV9")
    repo = pr_repo(make_repo, {NAME: incident_text(), "INC-2026-0002-old.md": broken})
    repo.write(NAME, incident_text(title="Billing DB unavailable"))
    repo.commit("retitle")
    result = repo.check()
    assert result.code == 0, result.out
    assert result.json()["summary"]["files"] == 1


def test_policy_change_validates_every_incident(make_repo) -> None:
    broken = incident_text(id="INC-2026-0002", severity="SEV9")
    repo = pr_repo(make_repo, {NAME: incident_text(), "INC-2026-0002-old.md": broken})
    (repo.root / "policies" / "policy.yaml").write_text(SPEC_POLICY + "# reviewed\n")
    repo.commit("touch policy")
    result = repo.check()
    assert result.code == 1
    assert [f["path"] for f in result.json()["findings"]] == ["incidents/2026/INC-2026-0002-old.md"]
    assert result.json()["summary"]["files"] == 2


def test_cross_file_rules_see_unchanged_files(make_repo) -> None:
    repo = pr_repo(make_repo)
    repo.write("INC-2026-0001-copy.md", incident_text())
    repo.commit("same id again")
    result = repo.check()
    assert result.code == 1
    assert ("incidents/2026/INC-2026-0001-copy.md", "duplicate-id") in [
        (f["path"], f["rule"]) for f in result.json()["findings"]
    ]


@pytest.mark.parametrize(
    ("before", "after", "legal"),
    [
        (RESOLVED, ACKNOWLEDGED, False),
        (RESOLVED, INVESTIGATING, True),  # the one allowed reopen
        (ACKNOWLEDGED, RESOLVED, True),
        (MINIMAL, front_matter(status="cancelled"), True),
    ],
)
def test_status_transition_base_to_head(make_repo, before: str, after: str, legal: bool) -> None:
    repo = pr_repo(make_repo, {NAME: incident(before)})
    repo.write(NAME, incident(after))
    repo.commit("move status")
    result = repo.check()
    lifecycle = [f for f in result.json()["findings"] if f["rule"] == "lifecycle"]
    if legal:
        assert lifecycle == [] and result.code == 0, result.out
    else:
        assert result.code == 1
        assert [(f["line"], f["level"]) for f in lifecycle] == [(4, "error")]
        assert "resolved → acknowledged" in lifecycle[0]["message"]


def test_illegal_transition_can_be_set_to_warning(make_repo) -> None:
    config = "rules: {lifecycle: warning}\n"
    repo = pr_repo(make_repo, {NAME: incident(RESOLVED)}, config=config)
    repo.write(NAME, incident(ACKNOWLEDGED))
    repo.commit("move back")
    result = repo.check()
    assert result.code == 0
    assert [(f["line"], f["level"]) for f in result.json()["findings"]] == [(4, "warning")]


def test_added_file_may_start_at_any_status(make_repo) -> None:
    repo = pr_repo(make_repo)
    repo.write("INC-2026-0002-backfill.md", incident(RESOLVED.replace("0001", "0002")))
    repo.commit("backfill")
    result = repo.check("--format", "text")
    assert result.code == 0, result.out
    assert result.out.endswith("1 file, 1 valid incidents: 0 error(s), 0 warning(s)\n")


def test_renamed_file_keeps_its_base_status(make_repo) -> None:
    repo = pr_repo(make_repo, {NAME: incident(RESOLVED)})
    repo.git("mv", PATH, "incidents/2026/INC-2026-0001-billing.md")
    repo.write("INC-2026-0001-billing.md", incident(ACKNOWLEDGED))
    repo.commit("rename and move back")
    result = repo.check()
    assert result.code == 1
    assert [(f["path"], f["line"], f["rule"]) for f in result.json()["findings"]] == [
        ("incidents/2026/INC-2026-0001-billing.md", 4, "lifecycle")
    ]


def test_deleted_file_is_not_validated(make_repo) -> None:
    # Deleting a record needs approval (`record-removed`, no token here), but the deleted
    # file itself is not validated: its bad severity is not reported.
    broken = incident_text(id="INC-2026-0002", severity="SEV9")
    repo = pr_repo(make_repo, {NAME: incident_text(), "INC-2026-0002-old.md": broken})
    repo.git("rm", "-q", "incidents/2026/INC-2026-0002-old.md")
    repo.commit("drop")
    result = repo.check()
    assert result.code == 1, result.out
    assert [f["rule"] for f in result.json()["findings"]] == ["record-removed"]
    assert result.json()["summary"]["files"] == 0


def test_head_is_read_from_git_not_the_working_tree(make_repo) -> None:
    repo = pr_repo(make_repo)
    repo.write(NAME, incident_text(severity="SEV9"))
    repo.commit("bad")
    repo.write(NAME, incident_text())  # fixed on disk, not committed
    assert repo.check().code == 1


def test_incident_repo_below_the_git_top_level(make_repo, tmp_path: Path) -> None:
    repo = pr_repo(make_repo)
    # Put the whole incident repo in a sub-folder of a bigger Git repository.
    outer = GitRepo(tmp_path / "outer")
    for folder in ("policies", "incidents"):
        shutil.copytree(repo.root / folder, outer.root / "ops" / folder)
    outer.write("ops/incident-ops.yaml", "id_prefix: INC\n")
    outer.commit("base")
    outer.branch()
    outer.write(f"ops/{PATH}", incident_text(severity="SEV9"))
    outer.commit("bad")
    result = run_cli(
        outer.root / "ops", "pr-check", "--base", "main", "--format", "json", "--now", NOW,
        env=NO_GITHUB,
    )  # fmt: skip
    assert result.code == 1
    assert [(f["path"], f["line"]) for f in result.json()["findings"]] == [(PATH, 5)]


def test_closing_without_token_cannot_pass(make_repo) -> None:
    closed = (Path(__file__).parents[1] / "incidents" / "2026" / NAME).read_text()
    resolved = closed.replace("status: closed", "status: resolved").replace(
        "closed_at: 2026-10-12T16:00:00+02:00", "closed_at: null"
    )
    repo = pr_repo(make_repo, {NAME: resolved})
    repo.write(NAME, closed)
    repo.commit("close")
    result = repo.check()
    assert result.code == 1
    (finding,) = result.json()["findings"]
    assert (finding["line"], finding["rule"]) == (4, "closure-approval")
    assert "could not be verified: GITHUB_TOKEN is not set" in finding["message"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--base", "nope"), "--base nope: no such revision"),
        (("--base", "main", "--head", "nope"), "--head nope: no such revision"),
    ],
)
def test_unknown_revision_is_a_usage_error(make_repo, args, message) -> None:
    repo = pr_repo(make_repo)
    result = repo.run(*args)
    assert result.code == 2
    assert message in result.err and "Traceback" not in result.err
