"""Every commit and every incident-file change, from ONE `git log` pass.

One process for the whole history, whatever the number of incident files: `git log`
without path limiting (so merge commits and their subjects are seen too, for PR numbers),
`--raw --no-abbrev -M` for the status and the old/new blob ids of each change, `--relative`
to the incidents folder, `-z` so that no path is ever quoted. Blob contents come through one
`git cat-file --batch` process fed every id at once (`workspace.git.read_blobs`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from incident_ops.workspace import git

_FORMAT = "%x1e%H%x1f%P%x1f%an%x1f%aI%x1f%s"
_MERGE_PR = re.compile(r"^Merge pull request #([0-9]+) ")
_SQUASH_PR = re.compile(r"\(#([0-9]+)\)\s*$")


@dataclass(frozen=True, slots=True)
class FileChange:
    """One file of one commit: `status` is A, M, D or R (C counts as A)."""

    status: str
    old_path: str | None
    new_path: str | None
    old_blob: str | None
    new_blob: str | None


@dataclass(slots=True)
class Commit:
    sha: str
    parents: tuple[str, ...]
    author: str
    at: datetime
    subject: str
    changes: list[FileChange] = field(default_factory=list)

    @property
    def own_pr(self) -> int | None:
        """The PR number a merge or squash commit names in its subject."""
        found = _MERGE_PR.match(self.subject) if len(self.parents) > 1 else None
        found = found or _SQUASH_PR.search(self.subject)
        return int(found.group(1)) if found else None


def read_log(root: str, folder: str, rev: str = "HEAD") -> list[Commit]:
    """Every commit reachable from `rev`, newest first (parents always after children),
    with its changes to files under `folder` (paths relative to the repo root)."""
    if not git.has_commits(root):
        return []
    prefix = folder.strip("/") + "/"
    out = git.run(
        root, "-c", "core.quotePath=false", "log", "-z", "--date-order", "--raw",
        "--no-abbrev", "-M", f"--relative={prefix}", f"--format={_FORMAT}", rev,
    )  # fmt: skip
    return list(parse_log(out, prefix))


def parse_log(out: str, prefix: str = "") -> Iterator[Commit]:
    """Parse `git log -z --raw --format=_FORMAT` output."""
    for record in out.split("\x1e"):
        if not record:
            continue
        header, _, raw = record.partition("\0")
        sha, parents, author, at, subject = header.split("\x1f", 4)
        commit = Commit(sha, tuple(parents.split()), author, datetime.fromisoformat(at), subject)
        commit.changes = list(_parse_raw(raw.lstrip("\n").split("\0"), prefix))
        yield commit


def _parse_raw(tokens: list[str], prefix: str) -> Iterator[FileChange]:
    items = iter(tokens)
    for meta in items:
        if not meta.startswith(":"):
            continue
        _modes_a, _modes_b, old, new, status = meta[1:].split(" ", 4)
        kind = status[0]
        first = prefix + next(items)
        if kind in "RC":
            second = prefix + next(items)
            if kind == "C":
                yield FileChange("A", None, second, None, new)
            else:
                yield FileChange("R", first, second, old, new)
        elif kind == "A":
            yield FileChange("A", None, first, None, new)
        elif kind == "D":
            yield FileChange("D", first, None, old, None)
        else:  # M, T (type change) and anything else that keeps the path
            yield FileChange("M", first, first, old, new)


def pr_numbers(commits: Iterable[Commit]) -> dict[str, int]:
    """The PR that brought each commit in: its own `(#N)`, else the `Merge pull request #N`
    commit of the main line (first parents from the newest commit) that first reached it.

    Main-line commits are visited oldest first; everything reachable from a merge's first
    parent was covered by then, so the walk from its other parents meets only the PR's own
    commits. Linear in the number of commits.
    """
    ordered = list(commits)
    if not ordered:
        return {}
    by_sha = {c.sha: c for c in ordered}
    main: list[Commit] = []
    sha: str | None = ordered[0].sha
    while sha is not None and sha in by_sha:
        main.append(by_sha[sha])
        sha = by_sha[sha].parents[0] if by_sha[sha].parents else None
    found = {c.sha: pr for c in ordered if (pr := c.own_pr) is not None}
    covered: set[str] = set()
    for commit in reversed(main):
        covered.add(commit.sha)
        merged = _MERGE_PR.match(commit.subject)
        stack = list(commit.parents[1:])
        while stack:
            current = stack.pop()
            if current in covered or current not in by_sha:
                continue
            covered.add(current)
            if merged:
                found.setdefault(current, int(merged.group(1)))
            stack += by_sha[current].parents
    return found
