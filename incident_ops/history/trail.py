"""The audit trail of incident files: every commit that changed each one, following renames.

Built for all requested files at once from one `git log` pass (`gitlog.read_log`) and one
`git cat-file --batch` process, so checking a thousand incidents costs the same three git
processes as showing one. A commit's change is measured against the file in the commit's
first parent (the raw diff's old blob), so branches and merges never mix versions.

A version whose front matter does not parse is a change marked `unparseable`, with no
fields: it says nothing about the values, so the next version that parses is compared
with the last one that did (a broken commit and its fix are not 44 fields going to null
and back, nor a backdating or a closed-incident edit for `history --check`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from incident_ops.errors import IncidentOpsError
from incident_ops.history.changes import diff, diff_plain, to_json
from incident_ops.history.fronts import Fronts
from incident_ops.history.gitlog import Commit, pr_numbers, read_log
from incident_ops.workspace import git
from incident_ops.workspace.config import Repo
from incident_ops.workspace.git import read_blobs


@dataclass
class Change:
    """One commit's change to one incident file."""

    commit: str
    author: str
    at: datetime
    pr: int | None
    path: str  # the file's path in that commit
    fields: dict[str, tuple[Any, Any]]
    old: dict[str, Any] | None  # front matter before (None: new file or unparseable)
    new: dict[str, Any] | None  # front matter after
    plain: bool = False  # both sides `changes.plain`: structured shortcuts are exact
    unparseable: bool = False  # this version's front matter does not parse: no fields

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "commit": self.commit,
            "author": self.author,
            "at": self.at.isoformat(),
            "pr": self.pr,
            "fields": {name: to_json(list(pair)) for name, pair in self.fields.items()},
        }
        if self.unparseable:
            data["unparseable"] = True
        return data


@dataclass
class History:
    """Every change of one incident file, oldest first."""

    id: str | None
    path: str  # current path, relative to the repo root
    changes: list[Change] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "path": self.path, "changes": [c.to_dict() for c in self.changes]}


def _incident_id(path: str) -> str | None:
    name = os.path.basename(path)
    parts = name.split("-")
    return "-".join(parts[:3]).removesuffix(".md") if len(parts) >= 3 else None


def find_file(repo: Repo, reference: str) -> str:
    """The current file (relative path) of an incident id, or a path given directly."""
    from incident_ops.workspace.files import incident_files

    if os.path.isfile(reference):
        return repo.relpath(reference)
    if not os.path.isdir(repo.incidents_dir):
        raise IncidentOpsError(f"no incidents folder {repo.config.incidents!r} in {repo.root}")
    found = [
        repo.relpath(p)
        for p in incident_files(repo.incidents_dir)
        if os.path.basename(p) in (f"{reference}.md",)
        or os.path.basename(p).startswith(f"{reference}-")
    ]
    if not found:
        raise IncidentOpsError(f"no incident file for {reference} under {repo.config.incidents}/")
    if len(found) > 1:
        raise IncidentOpsError(f"{reference} names several files: {', '.join(found)}")
    return found[0]


def histories(repo: Repo, paths: list[str], rev: str = "HEAD") -> dict[str, History]:
    """The history of each current file (relative paths), from one pass over the log."""
    commits = read_log(repo.root, repo.config.incidents, rev)
    if not commits and git.toplevel(repo.root) is None:
        raise IncidentOpsError(
            f"{repo.root} is not in a Git repository: history is read from Git commits"
        )
    prs = pr_numbers(commits)
    raw: dict[str, list[tuple[Commit, Any]]] = {p: [] for p in paths}
    tracked = {p: p for p in paths}  # name at this point of history → current path
    for commit in commits:  # newest first
        for change in commit.changes:
            name = change.new_path
            if name is None or name not in tracked:
                continue
            current = tracked[name]
            raw[current].append((commit, change))
            if change.status == "A":
                del tracked[name]
            elif change.status == "R" and change.old_path is not None:
                tracked[change.old_path] = tracked.pop(name)
    wanted = dict.fromkeys(
        blob for path in paths for _, change in raw[path]
        for blob in (change.old_blob, change.new_blob) if blob is not None
    )  # fmt: skip
    parser = Fronts()  # each distinct blob is parsed once, each distinct piece of YAML too
    fronts = {blob: parser.front(data) for blob, data in read_blobs(repo.root, wanted)}
    result: dict[str, History] = {}
    for path in paths:
        history = History(_incident_id(path), path)
        standin: dict[str, dict[str, Any] | None] = {}  # unparseable blob → last parsed
        for commit, change in reversed(raw[path]):
            old = fronts[change.old_blob] if change.old_blob is not None else None
            if old is None and change.old_blob is not None:  # compare with the last that parsed
                old = standin.get(change.old_blob)
            new = fronts[change.new_blob] if change.new_blob is not None else None
            pr, where = prs.get(commit.sha), change.new_path or path
            if new is None and change.new_blob is not None:
                standin[change.new_blob] = old
                history.changes.append(
                    Change(commit.sha, commit.author, commit.at, pr, where, {}, old, None,
                           unparseable=True)
                )  # fmt: skip
                continue
            simple = (old is None or parser.plain(old)) and (new is None or parser.plain(new))
            history.changes.append(
                Change(commit.sha, commit.author, commit.at, pr, where,
                       (diff_plain if simple else diff)(old, new), old, new, simple)
            )  # fmt: skip
        if history.changes and isinstance((history.changes[-1].new or {}).get("id"), str):
            history.id = history.changes[-1].new["id"]  # type: ignore[index]
        result[path] = history
    return result


def history_of(repo: Repo, reference: str, rev: str = "HEAD") -> History:
    """The audit trail of one incident, by id or path."""
    path = find_file(repo, reference)
    return histories(repo, [path], rev)[path]
