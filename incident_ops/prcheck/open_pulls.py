"""`duplicate-id` against other open incident pull requests.

The live incident is its pull request: two responders opening incidents at the same
time both take the next free id, and neither branch sees the other's file. Ids are in
file names (the `id-filename` rule makes sure), so the file names of the other open
incident PRs — on an `incident/*` branch or labelled `incident` — are enough to find a
clash before the second PR merges.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Protocol

from incident_ops.finding import Finding
from incident_ops.lint.levels import Levels
from incident_ops.workspace.load import Record, raw_id

RULE = "duplicate-id"
BRANCH_PREFIX = "incident/"
LABEL = "incident"


@dataclass(frozen=True)
class OpenPull:
    """Another open pull request and the files it adds or changes (Git top-level paths)."""

    number: int
    files: tuple[str, ...]


class OpenPullSource(Protocol):
    def open_incident_pulls(self) -> list[OpenPull]: ...


def is_incident_pull(head_ref: str, labels: Iterable[str]) -> bool:
    """An incident PR: its branch is `incident/…` or it carries the `incident` label."""
    return head_ref.startswith(BRANCH_PREFIX) or any(name.lower() == LABEL for name in labels)


def uses_id(path: str, incident_id: str) -> bool:
    """Whether a file's name carries the id, as `id-filename` reads names."""
    name = posixpath.basename(path)
    return name.startswith(incident_id) and not name[len(incident_id) :][:1].isalnum()


def open_pull_findings(
    new: Iterable[Record],
    pulls: Iterable[OpenPull],
    incident_path: Callable[[str], str | None],
    levels: Levels,
) -> list[Finding]:
    """A `duplicate-id` on the `id:` line of each new record whose id an open PR uses.

    `incident_path` maps another PR's file name to a path in the incident repository when
    it is an incident file there, else None.
    """
    pulls = list(pulls)
    found = []
    for record in new:
        incident_id = raw_id(record.doc)
        if not incident_id:
            continue
        for pull in pulls:
            hits = [
                path
                for name in pull.files
                if (path := incident_path(name)) is not None and uses_id(path, incident_id)
            ]
            if hits:
                message = (
                    f"id {incident_id} is also used by open pull request #{pull.number} "
                    f"({', '.join(hits)})"
                )
                line = record.doc.line_of("id")
                found.append(levels.finding(record.doc.path, line, RULE, message, incident_id))
    return found
