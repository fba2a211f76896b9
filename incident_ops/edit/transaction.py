"""Writing incident files so that nothing is lost: one editor at a time, all or nothing.

Every change incident-ops makes to incident files (the lifecycle commands, `new`, the
sweep's issue references, a comment command) runs inside `transaction`:

- an exclusive lock on the repository (a `flock` on a file in its cache folder), so that
  twenty racing `update` commands each re-read the file after the one before them wrote
  it, and twenty racing `new` commands each see the ids handed out before;
- before anything is written, a commit that will be asked for must be possible (a Git
  repository, no merge in progress), so a doomed `--commit` changes nothing;
- each write checks that the file still holds the text the edit was planned on
  (compare-before-write: an editor that does not take the lock is not overwritten), that
  it is a regular file and not a symlink, and that it is writable by its mode (a 0444
  file is refused, not replaced), then replaces it atomically;
- if the commit still fails, every file written is put back as it was.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from incident_ops.errors import IncidentOpsError
from incident_ops.workspace import git
from incident_ops.workspace.atomic import write_atomic
from incident_ops.workspace.cachedir import prepare
from incident_ops.workspace.config import Repo

LOCK_NAME = "edit.lock"


class Conflict(IncidentOpsError):
    """The file changed between reading and writing it, by something that took no lock."""


@contextlib.contextmanager
def repo_lock(repo: Repo) -> Iterator[None]:
    """Hold the repository's edit lock (blocking until the holder releases it)."""
    import fcntl

    try:
        directory = prepare(repo.cache_dir)
        handle = open(os.path.join(directory, LOCK_NAME), "a+b")  # noqa: SIM115
    except OSError as error:
        raise IncidentOpsError(f"cannot take the edit lock in {repo.cache_dir}: {error}") from None
    with handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def check_writable(abspath: str) -> None:
    """Refuse a symlink, a non-regular file or a file whose mode forbids writing."""
    try:
        info = os.lstat(abspath)
    except FileNotFoundError:
        return  # a new file
    except OSError as error:
        raise IncidentOpsError(f"{abspath}: {error.strerror}") from None
    if stat.S_ISLNK(info.st_mode):
        raise IncidentOpsError(f"{abspath}: is a symbolic link; incident files are never followed")
    if not stat.S_ISREG(info.st_mode):
        raise IncidentOpsError(f"{abspath}: not a regular file")
    if not info.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
        raise IncidentOpsError(f"{abspath}: the file is read-only; make it writable to edit it")


@dataclass
class Transaction:
    """The files one change writes, and the commit that records them (if asked for)."""

    repo: Repo
    commit: bool  # commit what was written when the transaction ends
    message: str = ""  # the commit message (may be set once the change is known)
    coauthors: Sequence[str] = ()
    written: dict[str, bytes | None] = field(default_factory=dict)  # path → bytes before
    commit_id: str | None = None  # set by `finish`

    def write(self, abspath: str, before: str | None, after: str) -> None:
        """Replace `abspath` (holding `before`; None: must not exist) with `after`."""
        check_writable(abspath)
        current = _read(abspath)
        expected = None if before is None else before.encode("utf-8")
        if current != expected:
            what = "was created" if before is None else "changed"
            raise Conflict(f"{abspath}: {what} by something else while it was being edited")
        self.written.setdefault(abspath, current)
        write_atomic(abspath, after)

    def finish(self) -> str | None:
        """Commit the written files when asked; restore them all if that fails."""
        if not self.commit or not self.written:
            return None
        try:
            self.commit_id = git.commit(
                self.repo.root, list(self.written), self.message, self.coauthors
            )
        except BaseException:
            self.restore()
            raise
        return self.commit_id

    def restore(self) -> None:
        for abspath, data in self.written.items():
            with contextlib.suppress(OSError):
                if data is None:
                    os.unlink(abspath)
                else:
                    write_atomic(abspath, data)


def _read(abspath: str) -> bytes | None:
    try:
        with open(abspath, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise IncidentOpsError(f"{abspath}: cannot read: {error.strerror}") from None


@contextlib.contextmanager
def transaction(
    repo: Repo, commit: bool = False, message: str = "", coauthors: Sequence[str] = ()
) -> Iterator[Transaction]:
    """Lock the repository, check a commit is possible, and yield the Transaction; the
    caller writes through it and the commit (or, on any error, the restore) follows."""
    if commit:
        problem = git.commit_problem(repo.root)
        if problem:
            raise IncidentOpsError(f"--commit: {problem}; nothing was changed")
    with repo_lock(repo):
        tx = Transaction(repo, commit, message, coauthors)
        try:
            yield tx
        except BaseException:
            tx.restore()
            raise
        tx.finish()
