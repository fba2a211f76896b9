"""Write issue references back into incident files, and optionally commit them."""

from __future__ import annotations

import os

from incident_ops.errors import IncidentOpsError
from incident_ops.github.plan import Record

COMMIT_MESSAGE = "incident-ops sweep: record issue references"
BOT_IDENTITY = {  # used only when git has no identity configured (a bare CI runner)
    "GIT_AUTHOR_NAME": "incident-ops",
    "GIT_AUTHOR_EMAIL": "incident-ops@users.noreply.github.com",
    "GIT_COMMITTER_NAME": "incident-ops",
    "GIT_COMMITTER_EMAIL": "incident-ops@users.noreply.github.com",
}


def record(root: str, refs: list[tuple[Record, str]]) -> tuple[int, list[str]]:
    """Set `escalations[].issue` / `actions[].issue`; (references written, files changed)."""
    from incident_ops.edit.frontmatter import set_action_issue, set_escalation_issue

    written = 0
    changed: list[str] = []
    for rec, ref in refs:
        abspath = os.path.join(root, rec.path)
        if rec.kind == "department":
            done = set_escalation_issue(abspath, rec.key, ref)
        else:
            done = set_action_issue(abspath, rec.key, ref)
        written += done
        if done and rec.path not in changed:
            changed.append(rec.path)
    return written, changed


def commit(root: str, paths: list[str]) -> None:
    """Commit exactly these files (GitPython), nothing else that may be staged.

    The incident repo may sit below the Git top level, and git runs at the top level,
    so paths are passed absolute; Git failures become a clear error (exit 2).
    """
    import git

    files = [os.path.join(root, path) for path in paths]
    try:
        repo = git.Repo(root, search_parent_directories=True)
        repo.git.add("--", *files)
        with repo.config_reader() as config:
            named = config.has_option("user", "name") and config.has_option("user", "email")
        env = {} if named or "GIT_AUTHOR_NAME" in os.environ else BOT_IDENTITY
        repo.git.commit("-m", COMMIT_MESSAGE, "--", *files, env=env)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise IncidentOpsError(f"--commit: {root} is not in a Git repository") from None
    except git.GitCommandError as error:
        detail = (error.stderr or "").strip().splitlines()
        raise IncidentOpsError(f"--commit failed: {detail[-1] if detail else error}") from None
