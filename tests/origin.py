"""An incident repository with a real bare `origin`, which the fake GitHub serves as
`acme/incidents`: pushes with Git show up as branches and pull-request heads there, and what
the code under test commits through the API can be fetched with Git again."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tests import helpers
from tests.fakegithub import FakeGitHub
from tests.helpers import SPEC_POLICY, RepoFactory

INCIDENTS = "acme/incidents"


def git(cwd: Path, *args: str, author: str = "Test") -> str:
    """`tests.helpers.git`, its output without the trailing newline."""
    return helpers.git(cwd, *args, author=author).strip()


@dataclass
class Origin:
    """`checkout` is the default branch's clone (the sweep's checkout); `bare` the remote."""

    base: Path
    bare: Path
    checkout: RepoFactory

    def clone(self, name: str) -> Path:
        """Another person's clone of origin."""
        path = self.base / name
        git(self.base, "clone", "-q", str(self.bare), str(path))
        return path

    def push_branch(self, branch: str, files: dict[str, str], message: str = "edit") -> str:
        """A branch from origin/main with `files` (paths relative to the repo) pushed."""
        work = self.base / "pusher"
        if not work.exists():
            git(self.base, "clone", "-q", str(self.bare), str(work))
        git(work, "fetch", "-q", "origin")
        exists = git(work, "ls-remote", "origin", f"refs/heads/{branch}")
        start = f"origin/{branch}" if exists else "origin/main"
        git(work, "switch", "-q", "-C", branch, start)
        for path, text in files.items():
            target = work / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        git(work, "add", "-A")
        git(work, "commit", "-q", "-m", message)
        git(work, "push", "-q", "origin", f"HEAD:refs/heads/{branch}")
        return git(work, "rev-parse", "HEAD")

    def show(self, ref: str, path: str) -> str:
        """A file as origin has it at `ref`."""
        return git(self.base, "--git-dir", str(self.bare), "show", f"{ref}:{path}")

    def head(self, branch: str) -> str:
        return git(self.base, "--git-dir", str(self.bare), "rev-parse", f"refs/heads/{branch}")

    def pull_checkout(self) -> None:
        git(self.checkout.root, "pull", "-q", "--ff-only", "origin", "main")


def make_origin(
    base: Path,
    server: FakeGitHub | None,
    incidents: dict[str, str] | None = None,
    policy: str = SPEC_POLICY,
    config: str | None = None,
) -> Origin:
    """Write the repository, commit it on `main`, push it to a new bare origin, and (with a
    server) serve that origin as `acme/incidents`."""
    checkout = RepoFactory(base)(incidents or {}, policy=policy, config=config)
    root = checkout.root
    (root / ".gitignore").write_text(".incident-ops/\n")
    git(root, "checkout", "-q", "-B", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "initial")
    bare = base / "origin.git"
    git(base, "init", "-q", "--bare", "-b", "main", str(bare))
    git(root, "remote", "add", "origin", str(bare))
    git(root, "push", "-q", "-u", "origin", "main")
    if server is not None:
        server.add_repo(INCIDENTS)
        server.attach_git(INCIDENTS, bare)
    return Origin(base, bare, checkout)
