"""Where incident-ops keeps its caches: never in the work tree, never from a commit.

Inside Git the caches live under the Git directory (`.git/incident-ops/`, per worktree),
where no commit, pull request or `git add -A` can reach them, so nothing a PR ships is
ever read as a cache and a pre-commit run leaves no untracked file behind. Outside Git
they live in `.incident-ops/` under the repository root, a folder that writes its own
`.gitignore` (`*`), as pytest's and ruff's caches do. Found without running git: a walk
up the folders for `.git` (a folder, or a file `gitdir: …` in a linked worktree).
"""

from __future__ import annotations

import os
from urllib.parse import quote

FOLDER = "incident-ops"
LOCAL = ".incident-ops"  # outside Git: under the repository root
IGNORE_ALL = "# Created by incident-ops: a cache, never to be committed.\n*\n"


def git_dir(start: str) -> tuple[str, str] | None:
    """(Git directory, work tree top) of the repository holding `start`, else None."""
    current = os.path.abspath(start)
    while True:
        dot_git = os.path.join(current, ".git")
        if os.path.isdir(dot_git):
            return dot_git, current
        if os.path.isfile(dot_git):
            linked = _linked(dot_git)
            if linked is not None:
                return linked, current
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent


def _linked(path: str) -> str | None:
    """The Git directory a `.git` file points at (`gitdir: PATH`), if it exists."""
    try:
        with open(path, encoding="utf-8") as handle:
            line = handle.readline(4096).strip()
    except (OSError, UnicodeDecodeError):
        return None
    if not line.startswith("gitdir:"):
        return None
    target = os.path.join(os.path.dirname(path), line.removeprefix("gitdir:").strip())
    return target if os.path.isdir(target) else None


def cache_dir(root: str) -> str:
    """The cache folder of the incident repository at `root` (not created here)."""
    found = git_dir(root)
    if found is None:
        return os.path.join(os.path.abspath(root), LOCAL)
    directory, top = found
    rel = os.path.relpath(os.path.realpath(root), os.path.realpath(top)).replace(os.sep, "/")
    base = os.path.join(directory, FOLDER)
    # An incident repository below the Git top level gets a folder of its own.
    return base if rel == "." else os.path.join(base, quote(rel, safe=""))


def prepare(directory: str) -> str:
    """Create the cache folder; outside a Git directory it ignores itself. Returns it."""
    os.makedirs(directory, exist_ok=True)
    if os.path.basename(directory) == LOCAL:
        ignore = os.path.join(directory, ".gitignore")
        if not os.path.exists(ignore):
            with open(ignore, "w", encoding="utf-8") as handle:
                handle.write(IGNORE_ALL)
    return directory
