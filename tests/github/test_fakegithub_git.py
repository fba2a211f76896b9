"""The fake's Git-backed repositories: PR heads and diffs from real branches, commits and refs
through the contents and Git refs APIs (with GitHub's compare-and-swap), via PyGithub."""

from __future__ import annotations

from pathlib import Path

import pytest
from github import GithubException, InputGitAuthor

from tests.fakegithub import FakeGitHub
from tests.fakegithub.render import blob_sha
from tests.github.test_fakegithub import REPO, client
from tests.origin import git


@pytest.fixture
def origin(tmp_path: Path, fake_github: FakeGitHub) -> tuple[Path, Path]:
    """A bare origin with `main` (README.md, inc.md) and a clone of it; the fake reads it."""
    bare, work = tmp_path / "origin.git", tmp_path / "work"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(bare))
    git(tmp_path, "clone", "-q", str(bare), str(work))
    (work / "README.md").write_text("hello\n")
    (work / "inc.md").write_text("one\ntwo\n")
    git(work, "add", ".")
    git(work, "commit", "-q", "-m", "first")
    git(work, "push", "-q", "origin", "HEAD:main")
    fake_github.add_repo(REPO)
    fake_github.attach_git(REPO, bare)
    return bare, work


def test_a_pushed_branch_becomes_a_pr_whose_head_and_files_follow_git(
    fake_github: FakeGitHub, origin: tuple[Path, Path]
) -> None:
    _, work = origin
    git(work, "switch", "-q", "-c", "incident/INC-1")
    (work / "inc.md").write_text("one\ntwo\nthree\n")
    (work / "new.md").write_text("new\n")
    git(work, "add", ".")
    git(work, "commit", "-q", "-m", "change")
    git(work, "push", "-q", "origin", "HEAD:refs/heads/incident/INC-1")
    repo = client(fake_github).get_repo(REPO)
    with pytest.raises(GithubException) as missing:
        repo.create_pull(title="x", head="nowhere", base="main")
    assert missing.value.status == 422
    pull = repo.create_pull(title="INC-1", head="incident/INC-1", base="main")
    assert pull.head.sha == git(work, "rev-parse", "HEAD")
    files = {f.filename: (f.status, f.additions) for f in pull.get_files()}
    assert files == {"inc.md": ("modified", 1), "new.md": ("added", 1)}
    content = repo.get_contents("inc.md", ref=pull.head.sha)
    assert not isinstance(content, list) and content.decoded_content == b"one\ntwo\nthree\n"
    # a later push moves the PR's head, as on GitHub
    (work / "new.md").unlink()
    git(work, "commit", "-q", "-am", "drop")
    git(work, "push", "-q", "origin", "HEAD:refs/heads/incident/INC-1")
    again = repo.get_pull(pull.number)
    assert again.head.sha == git(work, "rev-parse", "HEAD")
    assert [f.filename for f in again.get_files()] == ["inc.md"]
    listed = [p for p in repo.get_pulls(state="open") if p.number == pull.number]
    assert listed[0].head.sha == again.head.sha


def test_put_contents_commits_with_the_blob_sha_as_compare_and_swap(
    fake_github: FakeGitHub, origin: tuple[Path, Path]
) -> None:
    _, work = origin
    repo = client(fake_github).get_repo(REPO)
    old = repo.get_contents("inc.md", ref="main")
    assert not isinstance(old, list) and old.sha == blob_sha(b"one\ntwo\n")
    with pytest.raises(GithubException) as stale:
        repo.update_file("inc.md", "edit", "x\n", sha=blob_sha(b"other"), branch="main")
    assert stale.value.status == 409
    with pytest.raises(GithubException) as unsent:  # an existing file needs its sha
        repo.create_file("inc.md", "edit", "x\n", branch="main")
    assert unsent.value.status == 422
    with pytest.raises(GithubException) as nobranch:
        repo.update_file("inc.md", "edit", "x\n", sha=old.sha, branch="nowhere")
    assert nobranch.value.status == 404
    who = InputGitAuthor("incident-ops", "bot@example.com")
    done = repo.update_file("inc.md", "record", "one\nTWO\n", sha=old.sha, branch="main",
                            author=who)  # fmt: skip
    git(work, "pull", "-q", "origin", "main")
    assert (work / "inc.md").read_text() == "one\nTWO\n"
    assert git(work, "log", "-1", "--format=%s %an") == "record incident-ops"
    assert done["commit"].sha == git(work, "rev-parse", "HEAD")
    created = repo.create_file("dir/added.md", "add", "a\n", branch="main")
    assert created["content"].path == "dir/added.md"
    # the old blob sha no longer matches: a concurrent edit fails, it is not overwritten
    with pytest.raises(GithubException) as lost:
        repo.update_file("inc.md", "again", "z\n", sha=old.sha, branch="main")
    assert lost.value.status == 409


def test_git_refs_create_read_and_move_only_by_fast_forward_unless_forced(
    fake_github: FakeGitHub, origin: tuple[Path, Path]
) -> None:
    bare, work = origin
    repo = client(fake_github).get_repo(REPO)
    main = repo.get_git_ref("heads/main")
    first = main.object.sha
    with pytest.raises(GithubException) as absent:
        repo.get_git_ref("heads/bot")
    assert absent.value.status == 404
    bot = repo.create_git_ref("refs/heads/bot", first)
    assert bot.ref == "refs/heads/bot" and bot.object.sha == first
    with pytest.raises(GithubException) as twice:
        repo.create_git_ref("refs/heads/bot", first)
    assert twice.value.status == 422
    with pytest.raises(GithubException) as unknown:
        repo.create_git_ref("refs/heads/other", "f" * 40)
    assert unknown.value.status == 422
    repo.update_file("inc.md", "on bot", "bot\n", sha=blob_sha(b"one\ntwo\n"), branch="bot")
    ahead = repo.get_git_ref("heads/bot").object.sha
    assert ahead != first
    ref = repo.get_git_ref("heads/bot")
    with pytest.raises(GithubException) as behind:
        ref.edit(first)  # not a fast forward
    assert behind.value.status == 422
    ref.edit(first, force=True)
    assert git(work, "ls-remote", str(bare), "refs/heads/bot").split()[0] == first
