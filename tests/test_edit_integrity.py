"""Edits that lose nothing: locks, compare-before-write, commit or restore, no symlinks.

Each test here reproduces a failure seen on the first release (the race tests start 20
real processes at once).
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import NOW, GitRepo, front_matter, git, incident, incident_text, run_process

ID = "INC-2026-0001"
NAME = "INC-2026-0001-billing.md"


def _no_identity(tmp_path: Path) -> dict[str, str]:
    """An environment in which git knows no author (a bare CI runner)."""
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "EMAIL"))}
    env.update(HOME=str(home), XDG_CONFIG_HOME=str(home), GIT_CONFIG_NOSYSTEM="1")
    return env


def _spawn(root: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "incident_ops", *args],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


@pytest.fixture
def repo(make_repo):
    made = make_repo({NAME: incident_text()})
    GitRepo(made.root).commit("init")
    return made


def test_ack_commit_without_a_git_identity_uses_the_bot_identity(repo, tmp_path):
    env = _no_identity(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "incident_ops", "ack", ID, "--at", "2026-11-20T09:20:00+01:00",
         "--commit"],
        cwd=repo.root, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "committed" in result.stdout
    author = git(repo.root, "log", "-1", "--format=%an <%ae>|%s")
    assert author == "incident-ops <incident-ops@users.noreply.github.com>|" + (
        f"incident({ID}): acknowledged\n"
    )


def test_unknown_rule_id_is_exit_2_at_its_line_with_a_suggestion(make_repo):
    repo = make_repo(
        {NAME: incident_text()}, config="incidents: incidents\nrules:\n  recurence: 'off'\n"
    )
    for command in (["validate"], ["deadlines"], ["history", "--check"]):
        result = repo.run(*command)
        assert result.code == 2, (command, result.out, result.err)
        assert "incident-ops.yaml:3: unknown rule 'recurence' (did you mean 'recurrence'?)" in (
            result.err
        )


def test_known_rule_ids_of_every_command_are_accepted(make_repo):
    config = "rules:\n  closure-approval: warning\n  history: 'off'\n  recurrence: warning\n"
    repo = make_repo({NAME: incident_text()}, config=config)
    assert repo.run("validate", "--now", NOW).code == 0


def test_a_byte_order_mark_is_refused_alike_in_policies_incidents_and_edits(make_repo):
    from tests.helpers import SPEC_POLICY

    repo = make_repo({NAME: "\ufeff" + incident_text()})
    result = repo.run("validate", "--format", "json", "--now", NOW)
    assert result.code == 1
    assert [(f["line"], f["rule"]) for f in result.json()["findings"]] == [(1, "syntax")]
    assert "byte-order mark" in result.json()["findings"][0]["message"]
    edit = repo.run("ack", ID, "--at", "2026-11-20T09:20:00+01:00")
    assert edit.code != 0 and "byte-order mark" in edit.err
    (repo.root / "incidents/2026" / NAME).write_text(incident_text(), encoding="utf-8")
    (repo.root / "policies/policy.yaml").write_text("\ufeff" + SPEC_POLICY, encoding="utf-8")
    policy = repo.run("validate", "--now", NOW)
    assert policy.code == 2
    assert "policies/policy.yaml:1: file starts with a byte-order mark; remove it" in policy.err


def test_twenty_racing_updates_keep_all_twenty(repo):
    runs = [
        _spawn(repo.root, "update", ID, "--audience", "internal", "--channel", "chat",
               "--summary", f"race {i}", "--at", "2026-11-20T10:00:00+01:00")
        for i in range(20)
    ]  # fmt: skip
    for proc in runs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    text = (repo.root / "incidents/2026" / NAME).read_text()
    assert sorted(int(line.split("race ")[1]) for line in text.splitlines() if "race " in line) == (
        list(range(20))
    )
    assert repo.run("validate", "--now", NOW).code == 0


def test_racing_resolve_and_escalate_keep_both_changes(repo):
    acknowledged = incident_text(status="acknowledged", acknowledged_at="2026-11-20T09:20:00+01:00")
    (repo.root / "incidents/2026" / NAME).write_text(acknowledged, encoding="utf-8")
    for _ in range(4):
        runs = [
            _spawn(repo.root, "resolve", ID, "--at", "2026-11-20T11:00:00+01:00"),
            _spawn(repo.root, "escalate", ID, "--department", "platform",
                   "--at", "2026-11-20T10:00:00+01:00"),
        ]  # fmt: skip
        for proc in runs:
            assert proc.wait(timeout=120) == 0
        text = (repo.root / "incidents/2026" / NAME).read_text()
        assert "status: resolved" in text and "department: platform" in text
        (repo.root / "incidents/2026" / NAME).write_text(acknowledged, encoding="utf-8")


def test_twenty_racing_new_commands_get_twenty_ids(make_repo):
    repo = make_repo({})
    runs = [
        _spawn(repo.root, "new", "--title", "Same title", "--severity", "SEV3",
               "--category", "service-failure", "--detected-at", "2026-11-20T09:00:00+01:00")
        for _ in range(20)
    ]  # fmt: skip
    paths = []
    for proc in runs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        paths.append(out.strip())
    ids = sorted(Path(p).name[:13] for p in paths)
    assert ids == [f"INC-2026-{n:04d}" for n in range(1, 21)]


def test_a_symlinked_incident_is_a_finding_and_never_edited(repo, tmp_path):
    outside = tmp_path / "outside.md"
    outside.write_text(incident_text(id="INC-2026-0002"), encoding="utf-8")
    link = repo.root / "incidents/2026/INC-2026-0002-link.md"
    link.symlink_to(outside)
    result = repo.run("validate", "--format", "json", "--now", NOW)
    found = [f for f in result.json()["findings"] if f["path"].endswith("0002-link.md")]
    assert [(f["line"], f["rule"]) for f in found] == [(1, "syntax")]
    assert "symbolic link" in found[0]["message"]
    before = outside.read_text()
    edit = repo.run("escalate", "INC-2026-0002", "--department", "platform")
    assert edit.code != 0
    assert outside.read_text() == before


def test_a_fifo_is_a_finding_not_a_hang(repo):
    fifo = repo.root / "incidents/2026/INC-2026-0003-pipe.md"
    os.mkfifo(fifo)
    result = run_process(repo.root, "validate", "--format", "json", "--now", NOW)
    found = [f for f in result.json()["findings"] if f["path"].endswith("0003-pipe.md")]
    assert [(f["line"], f["rule"]) for f in found] == [(1, "syntax")]
    assert "not a regular file" in found[0]["message"]


def test_a_read_only_incident_is_refused_not_replaced(repo):
    path = repo.root / "incidents/2026" / NAME
    before = path.read_text()
    path.chmod(0o444)
    try:
        result = repo.run("escalate", ID, "--department", "platform")
        assert result.code == 2 and "read-only" in result.err
        assert path.read_text() == before
        assert stat.S_IMODE(path.stat().st_mode) == 0o444
    finally:
        path.chmod(0o644)


def test_commit_outside_git_changes_nothing_and_a_retry_adds_once(make_repo):
    repo = make_repo({NAME: incident_text()}, git=False)
    (repo.root / "incident-ops.yaml").write_text("incidents: incidents\n")
    path = repo.root / "incidents/2026" / NAME
    before = path.read_text()
    args = ("update", ID, "--audience", "internal", "--channel", "chat", "--summary", "x",
            "--at", "2026-11-20T10:00:00+01:00")  # fmt: skip
    failed = repo.run(*args, "--commit")
    assert failed.code == 2 and "not in a Git repository" in failed.err
    assert path.read_text() == before
    assert repo.run(*args).code == 0
    assert repo.run(*args).code == 0  # the same update again: nothing changes
    assert path.read_text().count("summary: x") == 1


def test_a_commit_that_fails_after_the_write_restores_the_file(repo):
    hook = repo.root / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\necho 'hook says no' >&2\nexit 1\n")
    hook.chmod(0o755)
    path = repo.root / "incidents/2026" / NAME
    before = path.read_text()
    result = repo.run("ack", ID, "--at", "2026-11-20T09:20:00+01:00", "--commit")
    assert result.code == 2 and "--commit failed" in result.err
    assert path.read_text() == before
    assert git(repo.root, "status", "--porcelain", "--untracked-files=no") == ""


@pytest.mark.parametrize(
    "args",
    [
        ("ack", ID, "--at", "2099-01-01T00:00:00+00:00"),
        ("escalate", ID, "--department", "platform", "--at", "2098-01-01T00:00:00+00:00"),
        (
            "new",
            "--title",
            "x",
            "--severity",
            "SEV3",
            "--category",
            "service-failure",
            "--detected-at",
            "2099-01-01T00:00:00+00:00",
        ),
    ],
    ids=["ack", "escalate", "new"],
)
def test_times_in_the_future_are_refused(repo, args):
    before = sorted((repo.root / "incidents").rglob("*.md"))
    texts = [p.read_text() for p in before]
    result = repo.run(*args)
    assert result.code == 2 and "is in the future" in result.err
    assert sorted((repo.root / "incidents").rglob("*.md")) == before
    assert [p.read_text() for p in before] == texts


def test_a_closed_incident_is_not_edited(make_repo):
    closed = front_matter(
        status="closed",
        acknowledged_at="2026-11-20T09:20:00+01:00",
        resolved_at="2026-11-20T10:00:00+01:00",
        closed_at="2026-11-20T11:00:00+01:00",
    )
    repo = make_repo({NAME: incident(closed)})
    path = repo.root / "incidents/2026" / NAME
    before = path.read_text()
    for args in (
        ("escalate", ID, "--department", "platform", "--at", "2026-11-20T11:30:00+01:00"),
        ("update", ID, "--audience", "customers", "--channel", "email", "--summary", "late",
         "--at", "2026-11-20T11:30:00+01:00"),
    ):  # fmt: skip
        result = repo.run(*args)
        assert result.code == 1 and "is closed" in result.err, result.err
    assert path.read_text() == before
    again = repo.run("close", ID)
    assert again.code == 0 and "already closed" in again.out


def test_escalate_and_update_twice_change_nothing_the_second_time(repo):
    path = repo.root / "incidents/2026" / NAME
    escalate = ("escalate", ID, "--department", "platform", "--by", "erin")
    assert repo.run(*escalate, "--at", "2026-11-20T10:00:00+01:00").code == 0
    text = path.read_text()
    assert 'by: "@erin"' in text  # a bare login is written as a handle
    second = repo.run(*escalate, "--at", "2026-11-20T10:05:00+01:00")
    assert second.code == 0 and "nothing changed" in second.out
    assert path.read_text() == text


def test_caches_never_appear_in_the_work_tree(repo):
    assert repo.run("validate", "--now", NOW).code == 0
    assert repo.run("similar", "--text", "billing").code == 0
    assert git(repo.root, "status", "--porcelain", "--ignored") == ""
    assert (repo.root / ".git" / "incident-ops" / "index-cache.pickle").exists()
    assert (repo.root / ".git" / "incident-ops" / "holidays.json").exists()


def test_outside_git_the_cache_folder_ignores_itself(make_repo):
    repo = make_repo({NAME: incident_text()}, git=False)
    (repo.root / "incident-ops.yaml").write_text("incidents: incidents\n")
    assert repo.run("validate", "--now", NOW).code == 0
    ignore = repo.root / ".incident-ops" / ".gitignore"
    assert ignore.read_text().splitlines()[-1] == "*"
