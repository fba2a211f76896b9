"""A real Git repository behind a fake repo: branches, files, pull-request diffs and commits.

`State.attach_git(repo, git_dir)` makes a fake repository read its branches and files from a
bare repository (the `origin` tests push to with real `git push`), compute a pull request's
head and changed files from it as GitHub does (the diff from the merge base), and write the
commits of `PUT .../contents/{path}` and the refs of `POST/PATCH .../git/refs` into it. So a
test can push a branch with Git, open its PR through the API, let the code under test commit
through the API, and fetch the result with Git again.

Writes are compare-and-swap on the ref (`git update-ref NEW OLD`), like GitHub's: a push that
lands between reading a branch and writing it makes the write fail, not lose the push.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

SHA = re.compile(r"[0-9a-f]{40}")


class GitStoreError(Exception):
    """What GitHub answers with a 4xx: `status` and its message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Changed:
    """A file of a pull request's diff (merge base → head)."""

    filename: str
    status: str  # added | modified | removed | renamed
    additions: int
    deletions: int
    previous_filename: str | None = None


@dataclass(frozen=True)
class Written:
    """A commit made through the API: its id, tree, parent, the file's new blob."""

    commit: str
    tree: str
    parent: str
    blob: str
    created: bool


class GitStore:
    def __init__(self, git_dir: str | Path) -> None:
        self.git_dir = str(git_dir)

    def _git(self, *args: str, data: bytes | None = None, env: dict[str, str] | None = None,
             check: bool = True) -> str:  # fmt: skip
        proc = subprocess.run(
            ["git", "--git-dir", self.git_dir, *args],
            input=data,
            capture_output=True,
            env={**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C", **(env or {})},
            check=False,
        )
        if check and proc.returncode != 0:
            raise GitStoreError(500, proc.stderr.decode(errors="replace").strip())
        return proc.stdout.decode("utf-8", "surrogateescape") if proc.returncode == 0 else ""

    # ---- reading ---------------------------------------------------------------------------
    def branches(self) -> dict[str, str]:
        out = self._git("for-each-ref", "--format=%(refname:lstrip=2) %(objectname)", "refs/heads")
        return dict(line.split(" ", 1) for line in out.splitlines() if line)

    def ref(self, name: str) -> str | None:
        """The commit of `refs/<name>` (e.g. heads/main), None when it does not exist."""
        out = self._git("rev-parse", "--verify", "--quiet", f"refs/{name}^{{commit}}", check=False)
        return out.strip() or None

    def resolve(self, ref: str) -> str | None:
        """The commit a branch name, `refs/heads/…` or (abbreviated) SHA names."""
        ref = ref.removeprefix("refs/heads/")
        found = self.ref(f"heads/{ref}")
        if found is None and re.fullmatch(r"[0-9a-f]{7,40}", ref):
            out = self._git("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", check=False)
            found = out.strip() or None
        return found

    def exists(self, sha: str) -> bool:
        return bool(SHA.fullmatch(sha)) and bool(
            self._git("cat-file", "-t", sha, check=False).strip() == "commit"
        )

    def files(self, ref: str) -> dict[str, bytes] | None:
        """Every regular file at `ref`, None if `ref` names no commit."""
        sha = self.resolve(ref)
        if sha is None:
            return None
        names = self._git("ls-tree", "-r", "-z", "--name-only", sha).split("\0")
        out: dict[str, bytes] = {}
        for name in filter(None, names):
            proc = subprocess.run(
                ["git", "--git-dir", self.git_dir, "cat-file", "blob", f"{sha}:{name}"],
                capture_output=True,
                check=False,
            )
            if proc.returncode == 0:
                out[name] = proc.stdout
        return out

    def blob(self, commit: str, path: str) -> str | None:
        out = self._git("rev-parse", "--verify", "--quiet", f"{commit}:{path}", check=False)
        return out.strip() or None

    def changed(self, base: str, head: str) -> list[Changed]:
        """The files a PR from `head` into `base` changes, from their merge base."""
        merge_base = self._git("merge-base", base, head, check=False).strip()
        if not merge_base:
            return []
        status = self._git("diff", "--name-status", "-M", "-z", merge_base, head).split("\0")
        counts = self._git("diff", "--numstat", "-M", "-z", merge_base, head)
        numbers = _numstat(counts)
        found: list[Changed] = []
        items = iter(filter(None, status))
        for code in items:
            kind = code[0]
            if kind == "R":
                old, new = next(items), next(items)
                adds, dels = numbers.get(new, (0, 0))
                found.append(Changed(new, "renamed", adds, dels, old))
                continue
            name = next(items)
            adds, dels = numbers.get(name, (0, 0))
            what = {"A": "added", "D": "removed"}.get(kind, "modified")
            found.append(Changed(name, what, adds, dels))
        return found

    # ---- writing ---------------------------------------------------------------------------
    def put_file(
        self,
        branch: str,
        path: str,
        data: bytes,
        message: str,
        author: tuple[str, str],
        expected_blob: str | None,
        when: datetime,
    ) -> Written:
        """Commit `data` at `path` on `branch`; `expected_blob` must be the file's current
        blob (None: the file must not exist), as GitHub's `sha` parameter demands."""
        parent = self.ref(f"heads/{branch}")
        if parent is None:
            raise GitStoreError(404, f"Branch {branch} not found")
        current = self.blob(parent, path)
        if current is not None and expected_blob is None:
            raise GitStoreError(422, 'Invalid request.\n\n"sha" wasn\'t supplied.')
        if expected_blob is not None and current != expected_blob:
            raise GitStoreError(409, f"{path} does not match {expected_blob}")
        blob = self._git("hash-object", "-w", "--stdin", data=data).strip()
        with tempfile.TemporaryDirectory() as tmp:
            index = {"GIT_INDEX_FILE": os.path.join(tmp, "index")}
            self._git("read-tree", parent, env=index)
            self._git("update-index", "--add", "--cacheinfo", f"100644,{blob},{path}", env=index)
            tree = self._git("write-tree", env=index).strip()
        name, email = author
        stamp = f"{int(when.timestamp())} +0000"
        who = {
            "GIT_AUTHOR_NAME": name,
            "GIT_AUTHOR_EMAIL": email,
            "GIT_AUTHOR_DATE": stamp,
            "GIT_COMMITTER_NAME": "GitHub",
            "GIT_COMMITTER_EMAIL": "noreply@github.com",
            "GIT_COMMITTER_DATE": stamp,
        }
        commit = self._git("commit-tree", tree, "-p", parent, "-m", message, env=who).strip()
        self._swap(f"refs/heads/{branch}", commit, parent, 409, f"{path} does not match {parent}")
        return Written(commit, tree, parent, blob, current is None)

    def create_ref(self, ref: str, sha: str) -> None:
        if not self.exists(sha):
            raise GitStoreError(422, "Object does not exist")
        if self.ref(ref.removeprefix("refs/")) is not None:
            raise GitStoreError(422, "Reference already exists")
        self._swap(ref, sha, "0" * 40, 422, "Reference already exists")

    def update_ref(self, ref: str, sha: str, force: bool) -> None:
        current = self.ref(ref.removeprefix("refs/"))
        if current is None:
            raise GitStoreError(422, "Reference does not exist")
        if not self.exists(sha):
            raise GitStoreError(422, "Object does not exist")
        if not force and current != sha:
            ancestor = subprocess.run(
                ["git", "--git-dir", self.git_dir, "merge-base", "--is-ancestor", current, sha],
                capture_output=True,
                check=False,
            )
            if ancestor.returncode != 0:
                raise GitStoreError(422, "Update is not a fast forward")
        self._swap(ref, sha, current, 422, "Reference cannot be updated")

    def _swap(self, ref: str, new: str, old: str, status: int, message: str) -> None:
        """Move `ref` from `old` to `new` atomically; a ref moved meanwhile is `status`."""
        proc = subprocess.run(
            ["git", "--git-dir", self.git_dir, "update-ref", ref, new, old],
            capture_output=True,
            check=False,
        )
        if proc.returncode != 0:
            raise GitStoreError(status, message)


def _numstat(text: str) -> dict[str, tuple[int, int]]:
    """`git diff --numstat -z -M` → {new path: (additions, deletions)}."""
    out: dict[str, tuple[int, int]] = {}
    parts = text.split("\0")
    i = 0
    while i < len(parts):
        entry = parts[i]
        if not entry:
            i += 1
            continue
        adds, dels, name = entry.split("\t", 2)
        if name == "":  # a rename: the old and the new path follow
            name = parts[i + 2]
            i += 3
        else:
            i += 1
        out[name] = (int(adds) if adds.isdigit() else 0, int(dels) if dels.isdigit() else 0)
    return out
