"""`new --pr` and `new --pr --from-issue`: declaring an incident as its pull request.

Real clones of a bare origin that the fake GitHub serves as acme/incidents.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from tests.fakegithub import FakeGitHub
from tests.helpers import Result, incident, run_cli, run_process
from tests.origin import INCIDENTS, Origin, git, make_origin

DETECTED = "2026-11-20T09:12:00+01:00"
ARGS = ("--severity", "SEV2", "--category", "service-failure", "--detected-at", DETECTED)
DESK = "ghp_desk00000000000000000000000000000000"
READER = "ghp_reader000000000000000000000000000000"


def env(server: FakeGitHub, **more: str | None) -> dict[str, str | None]:
    return {"GITHUB_TOKEN": server.token, "GITHUB_API_URL": server.url,
            "GITHUB_REPOSITORY": INCIDENTS, "INCIDENT_OPS_RETRY_BASE": "0.001", **more}  # fmt: skip


@pytest.fixture
def origin(fake_github: FakeGitHub, tmp_path: Path) -> Origin:
    first = incident("""
        id: INC-2026-0001
        title: Old one
        status: reported
        severity: SEV3
        category: service-failure
        detected_at: 2026-11-02T10:00:00+01:00
    """)
    return make_origin(tmp_path, fake_github, {"INC-2026-0001-old.md": first})


def pulls(server: FakeGitHub) -> dict[str, object]:
    """Open PRs by head branch."""
    return {i.pull.head_ref: i for i in server.issues(INCIDENTS) if i.pull and i.state == "open"}


def test_new_pr_pushes_the_branch_opens_the_labelled_pr_and_prints_its_url(
    fake_github: FakeGitHub, origin: Origin
) -> None:
    root = origin.checkout.root
    (root / "notes.txt").write_text("work in progress\n")  # the work tree is not touched
    result = run_cli(root, "new", "--title", "Billing database unavailable", *ARGS, "--pr",
                     "--services", "billing-db", env=env(fake_github))  # fmt: skip
    assert result.code == 0, result.err
    path = "incidents/2026/INC-2026-0002-billing-database-unavailable.md"
    assert result.out.splitlines()[0] == path
    found = pulls(fake_github)["incident/INC-2026-0002"]
    assert found.title == "[INC-2026-0002][SEV2] Billing database unavailable"
    assert sorted(label.name for label in found.labels) == ["SEV2", "incident"]
    assert found.pull.base_ref == "main"
    assert [f.filename for f in found.pull.files] == [path]
    url = result.out.splitlines()[1]
    assert url.endswith(f"/{INCIDENTS}/pull/{found.number}")
    text = origin.show("incident/INC-2026-0002", path)
    assert "id: INC-2026-0002" in text and "services: [billing-db]" in text
    assert git(origin.base, "--git-dir", str(origin.bare), "log", "-1", "--format=%s",
               "incident/INC-2026-0002") == "incident(INC-2026-0002): opened"  # fmt: skip
    # the checkout: still on main, the file not there, the note untouched; a local branch
    assert git(root, "branch", "--show-current") == "main"
    assert not (root / path).exists() and (root / "notes.txt").exists()
    assert git(root, "rev-parse", "incident/INC-2026-0002") == origin.head("incident/INC-2026-0002")
    assert git(root, "status", "--porcelain") == "?? notes.txt"
    assert "git switch incident/INC-2026-0002" in result.err


def test_two_declarations_at_once_get_two_ids(fake_github: FakeGitHub, origin: Origin) -> None:
    clones = [origin.clone("alice"), origin.clone("bob")]
    results: dict[int, Result] = {}

    def declare(n: int) -> None:
        title = ("Billing down", "Mail down")[n]
        environ = {k: v for k, v in env(fake_github).items() if v is not None}
        results[n] = run_process(clones[n], "new", "--title", title, *ARGS, "--pr", env=environ)

    threads = [threading.Thread(target=declare, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(r.code == 0 for r in results.values()), [r.err for r in results.values()]
    ids = sorted(r.out.splitlines()[0].split("/")[-1][:13] for r in results.values())
    assert ids == ["INC-2026-0002", "INC-2026-0003"]
    assert set(pulls(fake_github)) == {"incident/INC-2026-0002", "incident/INC-2026-0003"}


def test_the_id_skips_those_of_incident_branches_and_open_incident_prs(
    fake_github: FakeGitHub, origin: Origin
) -> None:
    origin.push_branch("incident/INC-2026-0005", {"README.md": "branch only\n"})
    other = "incidents/2026/INC-2026-0007-x.md"
    sha = origin.push_branch("hotfix", {other: "draft\n"})
    fake_github.add_pull(INCIDENTS, head_sha=sha, head_ref="hotfix", labels=["incident"])
    result = run_cli(origin.checkout.root, "new", "--title", "Next", *ARGS, "--pr",
                     env=env(fake_github))  # fmt: skip
    assert result.code == 0, result.err
    assert result.out.startswith("incidents/2026/INC-2026-0008-next.md")


def test_new_pr_without_a_token_says_so_and_changes_nothing(
    fake_github: FakeGitHub, origin: Origin
) -> None:
    root = origin.checkout.root
    result = run_cli(root, "new", "--title", "X", *ARGS, "--pr", env=env(fake_github,
                     GITHUB_TOKEN=None))  # fmt: skip
    assert result.code == 2 and "set GITHUB_TOKEN" in result.err
    assert git(root, "ls-remote", "origin", "refs/heads/incident/*") == ""
    both = run_cli(root, "new", "--title", "X", *ARGS, "--pr", "--commit", env=env(fake_github))
    assert both.code == 2 and "drop --commit" in both.err


# ---- from an issue form (the support desk) ------------------------------------------------
FORM = """### Severity

SEV2

### Category

service-failure

### Affected services

billing-db, invoices

### Affected customers

_No response_

### Detected at

2026-11-20T09:12:00+01:00

### What is happening?

Customers cannot pay their invoices. `$(rm -rf /)` and ${{ secrets.X }}
"""


def issue_event(tmp_path: Path, server: FakeGitHub, number: int, repo: str = INCIDENTS) -> str:
    path = tmp_path / f"event-{number}.json"
    issue = {"number": number, "title": "forged", "body": "forged", "user": {"login": "admin"}}
    path.write_text(json.dumps({"action": "opened", "issue": issue,
                                "repository": {"full_name": repo}}))  # fmt: skip
    return str(path)


def test_an_issue_form_is_declared_as_a_pr_and_linked_once(
    fake_github: FakeGitHub, origin: Origin, tmp_path: Path
) -> None:
    fake_github.add_token(DESK, "desk")
    fake_github.set_permission(INCIDENTS, "desk", "triage")
    issue = fake_github.add_issue(INCIDENTS, "Invoices cannot be paid", FORM, user="desk")
    event = issue_event(tmp_path, fake_github, issue.number)
    args = ("new", "--pr", "--from-issue", event)
    result = run_cli(origin.checkout.root, *args, env=env(fake_github))
    assert result.code == 0, result.err
    found = pulls(fake_github)["incident/INC-2026-0002"]
    assert found.title == "[INC-2026-0002][SEV2] Invoices cannot be paid"  # not the forged one
    assert result.out.strip().endswith(f"/pull/{found.number}")
    text = origin.show("incident/INC-2026-0002", found.pull.files[0].filename)
    assert "services: [billing-db, invoices]" in text and 'reporter: "@desk"' in text
    assert "source: customer" in text and "rm -rf" not in text
    link = fake_github.issue(INCIDENTS, issue.number).comments[-1].body
    assert "Declared as **INC-2026-0002** (SEV2)" in link and f"/pull/{found.number}" in link

    again = run_cli(origin.checkout.root, *args, env=env(fake_github))
    assert again.code == 0 and "was declared already" in again.err
    assert len(pulls(fake_github)) == 1
    assert len(fake_github.issue(INCIDENTS, issue.number).comments) == 1


def test_an_issue_form_from_someone_without_triage_declares_nothing(
    fake_github: FakeGitHub, origin: Origin, tmp_path: Path
) -> None:
    fake_github.add_token(READER, "outsider")
    issue = fake_github.add_issue(INCIDENTS, "Everything is down", FORM, user="outsider")
    event = issue_event(tmp_path, fake_github, issue.number)
    result = run_cli(origin.checkout.root, "new", "--pr", "--from-issue", event,
                     env=env(fake_github))  # fmt: skip
    assert result.code == 1
    assert pulls(fake_github) == {}
    reply = fake_github.issue(INCIDENTS, issue.number).comments[-1].body
    assert "needs the triage role" in reply and "(you have: read)" in reply


def test_a_bad_answer_is_said_on_the_issue(
    fake_github: FakeGitHub, origin: Origin, tmp_path: Path
) -> None:
    fake_github.set_permission(INCIDENTS, "desk", "write")
    issue = fake_github.add_issue(INCIDENTS, "Down", FORM.replace("SEV2", "SEV9"), user="desk")
    event = issue_event(tmp_path, fake_github, issue.number)
    result = run_cli(origin.checkout.root, "new", "--pr", "--from-issue", event,
                     env=env(fake_github))  # fmt: skip
    assert result.code == 2 and "unknown severity 'SEV9'" in result.err
    reply = fake_github.issue(INCIDENTS, issue.number).comments[-1].body
    assert "could not be declared: unknown severity 'SEV9'" in reply
    assert pulls(fake_github) == {}


def test_an_event_about_another_repository_is_refused(
    fake_github: FakeGitHub, origin: Origin, tmp_path: Path
) -> None:
    issue = fake_github.add_issue(INCIDENTS, "Down", FORM, user="desk")
    event = issue_event(tmp_path, fake_github, issue.number, repo="mallory/elsewhere")
    result = run_cli(origin.checkout.root, "new", "--pr", "--from-issue", event,
                     env=env(fake_github))  # fmt: skip
    assert result.code == 2 and "not acme/incidents" in result.err


RACE_HOOK = """#!/bin/sh
# Someone else pushes incident/INC-2026-0002 just before this push arrives.
while read old new ref; do
  if [ "$ref" = refs/heads/incident/INC-2026-0002 ] && [ ! -e raced ]; then
    touch raced
    env -u GIT_QUARANTINE_PATH git update-ref refs/heads/incident/INC-2026-0002 refs/heads/main
    exit 1
  fi
done
"""


def test_a_lost_race_for_an_id_takes_the_next_one(fake_github: FakeGitHub, origin: Origin) -> None:
    hook = origin.bare / "hooks" / "pre-receive"
    hook.write_text(RACE_HOOK)
    hook.chmod(0o755)
    result = run_cli(origin.checkout.root, "new", "--title", "Raced", *ARGS, "--pr",
                     env=env(fake_github))  # fmt: skip
    assert result.code == 0, result.err
    assert (origin.bare / "raced").exists()
    assert result.out.startswith("incidents/2026/INC-2026-0003-raced.md")
    assert origin.head("incident/INC-2026-0002") == origin.head("main")  # theirs, untouched


def test_a_push_refused_for_another_reason_is_an_error(
    fake_github: FakeGitHub, origin: Origin
) -> None:
    hook = origin.bare / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'branch protection says no' >&2\nexit 1\n")
    hook.chmod(0o755)
    result = run_cli(origin.checkout.root, "new", "--title", "Refused", *ARGS, "--pr",
                     env=env(fake_github))  # fmt: skip
    assert result.code == 2 and "git push origin refs/heads/incident/INC-2026-0002" in result.err
    assert pulls(fake_github) == {}


def test_new_pr_in_an_incident_repository_below_the_git_top_level(
    fake_github: FakeGitHub, tmp_path: Path
) -> None:
    from tests.helpers import SPEC_POLICY

    top, bare = tmp_path / "top", tmp_path / "origin.git"
    (top / "ops" / "policies").mkdir(parents=True)
    (top / "ops" / "policies" / "policy.yaml").write_text(SPEC_POLICY)
    (top / "ops" / "incident-ops.yaml").write_text("incidents: records\n")
    (top / "ops" / "records" / "2026").mkdir(parents=True)
    (top / "ops" / "records" / "2026" / "INC-2026-0004-old.md").write_text("x\n")
    (top / "README.md").write_text("top\n")
    git(tmp_path, "init", "-q", "-b", "main", str(top))
    git(top, "add", "-A")
    git(top, "commit", "-q", "-m", "initial")
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(bare))
    git(top, "remote", "add", "origin", str(bare))
    git(top, "push", "-q", "origin", "main")
    fake_github.add_repo(INCIDENTS)
    fake_github.attach_git(INCIDENTS, bare)
    result = run_cli(top / "ops", "new", "--title", "Deep", *ARGS, "--pr", env=env(fake_github))
    assert result.code == 0, result.err
    assert result.out.startswith("records/2026/INC-2026-0005-deep.md")
    found = pulls(fake_github)["incident/INC-2026-0005"]
    assert [f.filename for f in found.pull.files] == ["ops/records/2026/INC-2026-0005-deep.md"]
