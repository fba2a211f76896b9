"""What a pull request changes, read from Git: changed files and their content at a revision.

GitPython is imported inside the functions so `validate` never pays for it. Paths handed
out are relative to the incident repository's root (which may sit below the Git top level).
"""

from __future__ import annotations

import os
import posixpath
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from incident_ops.errors import ConfigError

if TYPE_CHECKING:
    from git import Commit
    from git import Repo as GitRepo

ChangeKind = Literal["added", "modified", "renamed", "deleted"]
_KINDS: dict[str, ChangeKind] = {
    "A": "added",
    "C": "added",  # a copy is a new file as far as incidents go
    "M": "modified",
    "T": "modified",
    "R": "renamed",
    "D": "deleted",
}


@dataclass(frozen=True)
class Change:
    """One changed file: `old` is its path at the base (None if added), `new` at head."""

    kind: ChangeKind
    old: str | None
    new: str | None

    @property
    def path(self) -> str:
        """The path findings point at: the head path, or the base path of a deleted file."""
        return self.new or self.old or ""


@dataclass
class Revisions:
    """The Git repository and the two commits a PR compares: merge base and head."""

    git: GitRepo
    prefix: str  # the incident repo root relative to the Git top level ('' or 'sub/dir/')
    base: Commit
    head: Commit

    def read(self, commit: Commit, path: str) -> bytes | None:
        """A file's bytes at a commit (path relative to the incident repo), None if absent."""
        try:
            blob = commit.tree / (self.prefix + path)
        except KeyError:
            return None
        if blob.type != "blob":
            return None
        data: bytes = blob.data_stream.read()
        return data

    def blob_id(self, commit: Commit, path: str) -> str | None:
        """The blob id of a file at a commit (its content, by hash), None if absent."""
        try:
            blob = commit.tree / (self.prefix + path)
        except KeyError:
            return None
        return str(blob.hexsha) if blob.type == "blob" else None

    def resolve(self, sha: str) -> Commit | None:
        """The commit `sha` names, None when this clone does not have it."""
        import git
        from gitdb.exc import ODBError

        try:
            commit: Commit = self.git.commit(sha)
            _ = commit.tree  # a missing object fails here, not later
        except (ODBError, ValueError, git.GitCommandError):
            return None
        return commit

    def files_under(self, commit: Commit, directory: str) -> dict[str, str]:
        """{path: blob id} of every regular file below a directory at a commit (one
        `git ls-tree`; symbolic links and submodules are not files and are left out)."""
        from incident_ops.workspace.git import run

        top = str(self.git.working_tree_dir or ".")
        folder = (self.prefix + _inner(directory)).rstrip("/") or "."
        out = run(top, "ls-tree", "-r", "-z", "--full-tree", commit.hexsha, "--", folder)
        found: dict[str, str] = {}
        skip = len(self.prefix)
        for record in out.split("\0"):
            meta, _, path = record.partition("\t")
            parts = meta.split()
            if len(parts) == 3 and parts[1] == "blob" and parts[0] in ("100644", "100755"):
                found[path[skip:]] = parts[2]
        return found

    def _subtree(self, commit: Commit, directory: str) -> Any:
        """The tree of a directory at a commit, or None when absent or not a directory."""
        path = (self.prefix + _inner(directory)).rstrip("/")
        try:
            tree = commit.tree / path if path else commit.tree
        except KeyError:
            return None
        return tree if tree.type == "tree" else None

    def list_dir(self, commit: Commit, directory: str) -> list[str]:
        """Paths of the files directly in a directory at a commit (empty when absent)."""
        tree = self._subtree(commit, directory)
        folder = _inner(directory)
        return sorted(posixpath.join(folder, blob.name) for blob in tree.blobs) if tree else []

    def walk(self, commit: Commit, directory: str) -> list[str]:
        """Paths of every file below a directory at a commit, sorted (empty when absent)."""
        tree = self._subtree(commit, directory)
        if tree is None:
            return []
        skip = len(self.prefix)
        return sorted(item.path[skip:] for item in tree.traverse() if item.type == "blob")


def _inner(directory: str) -> str:
    """A configured folder as a tree path: '' for the repository root."""
    folder = posixpath.normpath(directory.strip("/") or ".")
    return "" if folder == "." else folder


def open_revisions(root: str, base: str, head: str) -> Revisions:
    """Resolve `base` and `head` in the Git repo holding `root`; compare from their merge base."""
    import git

    from incident_ops.workspace.git import open_repo

    repo = open_repo(root)
    top = repo.working_tree_dir or root
    rel = os.path.relpath(os.path.realpath(root), os.path.realpath(top)).replace(os.sep, "/")
    prefix = "" if rel == "." else rel + "/"
    commits = []
    for option, ref in (("--base", base), ("--head", head)):
        try:
            commits.append(repo.commit(ref))
        except (git.BadName, ValueError, git.GitCommandError):
            raise ConfigError(
                f"{option} {ref}: no such revision (fetch it first, e.g. fetch-depth: 0)"
            ) from None
    bases = repo.merge_base(commits[0], commits[1])
    if not bases:
        raise ConfigError(f"{base} and {head} have no common ancestor (shallow clone?)")
    return Revisions(repo, prefix, bases[0], commits[1])


def changed_files(revs: Revisions) -> list[Change]:
    """Files changed from the merge base to head, renames detected (`git diff -M`)."""
    changes: list[Change] = []
    for diff in revs.base.diff(revs.head, M=True):
        kind = _KINDS.get((diff.change_type or "M")[0], "modified")
        old = None if kind == "added" else _strip(revs.prefix, diff.a_path)
        new = None if kind == "deleted" else _strip(revs.prefix, diff.b_path)
        if old is None and new is None:
            continue  # outside the incident repository
        if kind == "renamed" and (old is None or new is None):
            kind = "added" if old is None else "deleted"  # moved into / out of the repo
        changes.append(Change(kind, old, new))
    return sorted(changes, key=lambda c: c.path)


def _strip(prefix: str, path: str | None) -> str | None:
    if path is None or not path.startswith(prefix):
        return None
    return path[len(prefix) :]


def under(path: str | None, folder: str) -> bool:
    """Whether a repo-relative path lies in `folder` (config value, e.g. `incidents`)."""
    folder = folder.strip("/").replace(os.sep, "/")
    return path is not None and (folder in ("", ".") or path.startswith(folder + "/"))


def materialize(revs: Revisions, commit: Commit, paths: list[str], dest: str) -> list[str]:
    """Write files as they are at `commit` under `dest` (same relative paths); the ones found.

    The parsers read files from disk with their size and encoding checks; giving them a copy
    of the revision keeps one reading path for working trees and commits alike.
    """
    written: list[str] = []
    for path in paths:
        data = revs.read(commit, path)
        if data is None:
            continue
        target = os.path.join(dest, *path.split("/"))
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "wb") as handle:
            handle.write(data)
        written.append(path)
    return written
