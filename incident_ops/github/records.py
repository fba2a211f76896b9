"""Write issue references back into incident files, and optionally commit them."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from incident_ops.github.plan import AddEscalation, Edit, Record, SetAction
from incident_ops.workspace import git

if TYPE_CHECKING:
    from ruamel.yaml.comments import CommentedMap

COMMIT_MESSAGE = "incident-ops sweep: record issue references"


def record(
    root: str, refs: list[tuple[Record, str]], edits: list[Edit] | None = None
) -> tuple[int, list[str]]:
    """Apply the sweep's `edits` (escalations it made, action states synced from GitHub),
    then set `escalations[].issue` / `actions[].issue`; (changes written, files changed)."""
    from incident_ops.edit.frontmatter import set_action_issue, set_escalation_issue

    written = 0
    changed: list[str] = []
    for path, done in [(e.path, _apply(os.path.join(root, e.path), e)) for e in edits or ()]:
        written += done
        if done and path not in changed:
            changed.append(path)
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


def _apply(abspath: str, edit: Edit) -> bool:
    """One front-matter edit; idempotent (an escalation is added only while the file has
    none for its department)."""
    from incident_ops.edit.frontmatter import append_item, edit_front_matter, instant, set_key

    def escalate(data: CommentedMap) -> None:
        assert isinstance(edit, AddEscalation)
        entries = data.get("escalations") or ()
        if any(isinstance(e, dict) and e.get("department") == edit.department for e in entries):
            return
        entry = {"department": edit.department, "at": instant(edit.at), "by": edit.by}
        append_item(data, "escalations", entry)

    def status(data: CommentedMap) -> None:
        assert isinstance(edit, SetAction)
        for item in data.get("actions") or ():
            if isinstance(item, dict) and str(item.get("id")) == edit.action:
                _put(item, "status", edit.status)
                if edit.done_at is not None:
                    _put(item, "done_at", instant(edit.done_at))
                elif "done_at" in item:
                    del item["done_at"]
                return

    def _put(item: Any, key: str, value: object) -> None:
        """Set `key`; a new one goes before `issue` (SPEC order), else last."""
        if key in item or "issue" not in item:
            set_key(item, key, value)
        else:
            item.insert(list(item).index("issue"), key, value)

    return edit_front_matter(abspath, escalate if isinstance(edit, AddEscalation) else status)


def commit(root: str, paths: list[str]) -> str:
    """Commit exactly these files (the incident repo may sit below the Git top level)."""
    return git.commit(root, [os.path.join(root, path) for path in paths], COMMIT_MESSAGE)
