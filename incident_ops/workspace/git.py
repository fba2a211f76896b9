"""The one way incident-ops reaches Git.

Hot paths run `git` directly (`run`, `start`, `read_blobs`): one process per question,
no GitPython import on the `validate` path. Revisions for pr-check come from GitPython
(`open_repo`), imported only there. Every commit incident-ops makes goes through `commit`:
only the given files, a bot identity when the machine has none (a bare CI runner), and
`Co-authored-by:` trailers for the people it acts for. A missing git, a failing command
or a path outside any repository is an `IncidentOpsError` (exit 2), never a traceback.
"""

from __future__ import annotations

import os
import subprocess
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from incident_ops.errors import IncidentOpsError

if TYPE_CHECKING:
    from git import Repo as GitRepo

BOT_IDENTITY = {  # used only when git has no identity configured (a bare CI runner)
    "GIT_AUTHOR_NAME": "incident-ops",
    "GIT_AUTHOR_EMAIL": "incident-ops@users.noreply.github.com",
    "GIT_COMMITTER_NAME": "incident-ops",
    "GIT_COMMITTER_EMAIL": "incident-ops@users.noreply.github.com",
}
_QUIET_ENV = {"GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}


def _env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    return {**os.environ, **_QUIET_ENV, **(extra or {})}


def _process(
    root: str, args: Sequence[str], env: Mapping[str, str] | None = None, data: bytes | None = None
) -> subprocess.CompletedProcess[Any]:
    """git in `root` run to its end (text output, or bytes when `data` is fed to it); a
    missing git is a usage error."""
    argv = ["git", "-C", root, *args]
    try:
        if data is None:
            return subprocess.run(
                argv, capture_output=True, check=False, env=_env(env), text=True,
                encoding="utf-8", errors="surrogateescape",
            )  # fmt: skip
        return subprocess.run(argv, input=data, capture_output=True, check=False, env=_env(env))
    except FileNotFoundError:
        raise IncidentOpsError("git is not installed or not on PATH") from None


def run(root: str, *args: str, env: Mapping[str, str] | None = None) -> str:
    """Run git in `root` and return its output; failure is a usage error (exit 2)."""
    proc = _process(root, args, env)
    if proc.returncode != 0:
        message = proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else "failed"
        raise IncidentOpsError(f"git {args[0]}: {message}")
    out: str = proc.stdout
    return out


def succeeds(root: str, *args: str) -> bool:
    """Whether a git command exits 0 (a question, not an action)."""
    try:
        run(root, *args)
    except IncidentOpsError:
        return False
    return True


def start(root: str, *commands: Sequence[str]) -> list[subprocess.Popen[bytes]] | None:
    """Start several git commands at once (their output read later with `output`)."""
    try:
        return [
            subprocess.Popen(
                ["git", "-C", root, *args], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
            )
            for args in commands
        ]
    except OSError:
        return None


def output(process: subprocess.Popen[bytes], timeout: float = 60) -> str | None:
    """A started git command's output; None if it failed or hung."""
    try:
        out, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        return None
    return out.decode("utf-8", "surrogateescape") if process.returncode == 0 else None


def has_commits(root: str) -> bool:
    return succeeds(root, "rev-parse", "--verify", "--quiet", "HEAD^{commit}")


def toplevel(root: str) -> str | None:
    """The work tree top of the repository holding `root`, None outside Git."""
    try:
        return run(root, "rev-parse", "--show-toplevel").strip() or None
    except IncidentOpsError:
        return None


def read_blobs(root: str, blobs: Iterable[str]) -> Iterator[tuple[str, bytes | None]]:
    """(id, bytes or None when missing) of each blob, in order, from ONE `git cat-file --batch`.

    All ids are written up front by a thread while the answers are read, with large
    buffers: no round trip per blob, and neither pipe can fill up and stall the other side.
    """
    wanted = list(blobs)
    if not wanted:
        return
    proc = subprocess.Popen(
        ["git", "-C", root, "cat-file", "--batch"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=1 << 20,
    )  # fmt: skip
    assert proc.stdin is not None and proc.stdout is not None
    stdin, stdout = proc.stdin, proc.stdout

    def feed() -> None:
        try:
            stdin.write("".join(f"{blob}\n" for blob in wanted).encode())
            stdin.close()
        except BrokenPipeError:  # pragma: no cover - git died; the reader reports it
            pass

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    try:
        for blob in wanted:
            header = stdout.readline().split()
            if not header:
                raise IncidentOpsError("git cat-file: stopped before answering")
            data = None
            if len(header) == 3 and header[1] != b"missing":
                data = stdout.read(int(header[2]) + 1)[:-1]
            yield blob, data
    finally:
        writer.join()
        stdout.close()
        proc.wait()


def open_repo(root: str) -> GitRepo:
    """The GitPython repository holding `root` (for revisions and trees)."""
    import git

    try:
        return git.Repo(root, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise IncidentOpsError(f"{root} is not inside a Git repository") from None


def identity_env(root: str) -> dict[str, str]:
    """The bot identity, when neither git config nor the environment names an author."""
    if "GIT_AUTHOR_NAME" in os.environ and "GIT_COMMITTER_NAME" in os.environ:
        return {}
    named = succeeds(root, "config", "user.name") and succeeds(root, "config", "user.email")
    return {} if named else dict(BOT_IDENTITY)


def commit_problem(root: str) -> str | None:
    """Why a commit in `root` cannot be made (checked before anything is written)."""
    if not succeeds(root, "rev-parse", "--git-dir"):
        return f"{root} is not in a Git repository"
    if succeeds(root, "rev-parse", "-q", "--verify", "MERGE_HEAD") or os.path.exists(
        os.path.join(run(root, "rev-parse", "--absolute-git-dir").strip(), "rebase-merge")
    ):
        return "a merge or rebase is in progress"
    return None


def commit(root: str, paths: Sequence[str], message: str, coauthors: Sequence[str] = ()) -> str:
    """Commit exactly `paths` (absolute; other staged changes stay staged); the commit id.

    `coauthors` ("Name <email>") become `Co-authored-by:` trailers.
    """
    problem = commit_problem(root)
    if problem:
        raise IncidentOpsError(f"--commit: {problem}")
    text = message
    if coauthors:
        text += "\n\n" + "\n".join(f"Co-authored-by: {who}" for who in coauthors)
    env = identity_env(root)
    # Only files Git does not know yet are added to the index; tracked ones go straight
    # from the work tree into the commit (`--only`), so a failed commit (a hook saying
    # no) leaves the index as it was once the new files are taken out again.
    new = [path for path in paths if not succeeds(root, "ls-files", "--error-unmatch", path)]
    try:
        if new:
            run(root, "add", "--", *new)
        run(root, "commit", "--only", "--quiet", "-m", text, "--", *paths, env=env)
    except IncidentOpsError as error:
        if new:
            succeeds(root, "rm", "--cached", "--quiet", "--", *new)
        raise IncidentOpsError(f"--commit failed: {error}") from None
    return run(root, "rev-parse", "HEAD").strip()


# ---- branches on a remote (`new --pr`, the comment command) -------------------------------
def remote_default_branch(root: str, remote: str = "origin") -> str:
    """The branch the remote's HEAD names (its default branch)."""
    out = run(root, "ls-remote", "--symref", remote, "HEAD")
    for line in out.splitlines():
        if line.startswith("ref: refs/heads/") and line.endswith("\tHEAD"):
            return line[len("ref: refs/heads/") : -len("\tHEAD")]
    raise IncidentOpsError(f"git ls-remote: {remote} names no default branch")


def remote_branches(root: str, remote: str, pattern: str) -> dict[str, str]:
    """{branch: commit} of the remote's branches matching `pattern` (e.g. incident/*)."""
    out = run(root, "ls-remote", "--heads", remote, f"refs/heads/{pattern}")
    found = {}
    for line in out.splitlines():
        sha, _, ref = line.partition("\t")
        found[ref.removeprefix("refs/heads/")] = sha
    return found


def fetch_branch(root: str, remote: str, branch: str) -> str:
    """Fetch one branch of the remote (into its remote-tracking ref); its commit."""
    tracking = f"refs/remotes/{remote}/{branch}"
    run(root, "fetch", "--quiet", "--no-tags", remote, f"+refs/heads/{branch}:{tracking}")
    return run(root, "rev-parse", "--verify", f"{tracking}^{{commit}}").strip()


def commit_onto(root: str, parent: str, path: str, data: bytes, message: str) -> str:
    """A new commit: `parent`'s tree with the file `path` (relative to the Git top level)
    holding `data`. The work tree, the index and every branch stay as they are."""
    import tempfile

    env = identity_env(root)
    root = toplevel(root) or root  # `path` is relative to the top, as the index's paths are
    blob = _run_bytes(root, ["hash-object", "-w", "--stdin"], data).strip()
    with tempfile.TemporaryDirectory(prefix="incident-ops-index-") as tmp:
        index = {"GIT_INDEX_FILE": os.path.join(tmp, "index")}
        run(root, "read-tree", parent, env=index)
        run(root, "update-index", "--add", "--cacheinfo", f"100644,{blob},{path}", env=index)
        tree = run(root, "write-tree", env=index).strip()
    return run(root, "commit-tree", tree, "-p", parent, "-m", message, env=env).strip()


def push_new_branch(root: str, remote: str, commit: str, branch: str) -> bool:
    """Create `branch` on the remote at `commit`; False when the remote has that branch
    already (someone else's: it is never overwritten, not even by a fast forward)."""
    ref = f"refs/heads/{branch}"
    push = ["push", "--porcelain", f"--force-with-lease={ref}:", remote, f"{commit}:{ref}"]
    proc = _process(root, push)
    if proc.returncode == 0:
        return True
    if remote_branches(root, remote, branch):  # taken by someone else meanwhile
        return False
    raise _push_failed(proc, remote, ref)


def _push_failed(proc: subprocess.CompletedProcess[str], remote: str, ref: str) -> IncidentOpsError:
    """The error of a push git refused: the first `!` line of `--porcelain`, else stderr."""
    lines = [line for line in proc.stdout.splitlines() if line.startswith("!")]
    message = lines[0].split("\t")[-1] if lines else proc.stderr.strip().splitlines()[-1:]
    return IncidentOpsError(f"git push {remote} {ref}: {message or 'failed'}")


def _run_bytes(root: str, args: list[str], data: bytes) -> str:
    proc = _process(root, args, data=data)
    if proc.returncode != 0:
        raise IncidentOpsError(f"git {args[0]}: {proc.stderr.decode(errors='replace').strip()}")
    out: bytes = proc.stdout
    return out.decode()


def push_branch(root: str, remote: str, commit: str, branch: str) -> bool:
    """Push `commit` to the remote's `branch` as a fast forward; False when the branch
    moved meanwhile (the push is rejected: fetch, redo, push again)."""
    proc = _process(root, ["push", "--porcelain", remote, f"{commit}:refs/heads/{branch}"])
    if proc.returncode == 0:
        return True
    if "[rejected]" in proc.stdout:
        return False
    raise _push_failed(proc, remote, branch)
