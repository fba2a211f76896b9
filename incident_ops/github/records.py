"""Write issue references back into incident files, and optionally commit them."""

from __future__ import annotations

import os

from incident_ops.github.plan import Record
from incident_ops.workspace import git

COMMIT_MESSAGE = "incident-ops sweep: record issue references"


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


def commit(root: str, paths: list[str]) -> str:
    """Commit exactly these files (the incident repo may sit below the Git top level)."""
    return git.commit(root, [os.path.join(root, path) for path in paths], COMMIT_MESSAGE)
