"""What the sweep writes back into incident files, as front-matter changes per file.

`edits` turns a sweep's `Outcome` into changes per incident file — first the edits the
sweep made (`Outcome.edits`: the escalations it recorded, action states closed or reopened
on GitHub), then the issue references (`Outcome.refs`); `apply` makes them on a text with
`edit.frontmatter` (only the changed lines differ). Where the texts are written — the
checked-out files, an open incident PR's branch, the bot's pull request — is `writeback`'s
business.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from incident_ops.github.plan import AddEscalation, Edit, Record, SetAction
from incident_ops.github.sweep import Outcome

if TYPE_CHECKING:
    from incident_ops.edit.frontmatter import Change

COMMIT_MESSAGE = "incident-ops sweep: record issue references"


def edits(outcome: Outcome) -> dict[str, list[Change]]:
    """The front-matter changes a sweep asks for, by file, in the order they apply."""
    found: dict[str, list[Change]] = {}
    for edit in outcome.edits:
        found.setdefault(edit.path, []).append(_sweep_edit(edit))
    for rec, ref in outcome.refs:
        found.setdefault(rec.path, []).append(_issue_reference(rec, ref))
    return found


def apply(text: str, changes: list[Change], path: str) -> tuple[str, int]:
    """`text` with each change made; how many of them changed something."""
    from incident_ops.edit.frontmatter import edit_text

    made = 0
    for change in changes:
        new = edit_text(text, change, path)
        made += new != text
        text = new
    return text, made


def _issue_reference(rec: Record, ref: str) -> Change:
    """`escalations[].issue` (of the first escalation to the department) or
    `actions[].issue`; nothing when the entry is absent."""
    from incident_ops.edit.frontmatter import action_issue, escalation_issue

    if rec.kind == "department":
        return escalation_issue(rec.key, ref)
    return action_issue(rec.key, ref)


def _sweep_edit(edit: Edit) -> Change:
    """One edit the sweep made; idempotent (an escalation is added only while the file has
    none for its department)."""
    from incident_ops.edit.frontmatter import append_item, instant, set_key

    def escalate(data: Any) -> None:
        assert isinstance(edit, AddEscalation)
        entries = data.get("escalations") or ()
        if any(isinstance(e, dict) and e.get("department") == edit.department for e in entries):
            return
        entry = {"department": edit.department, "at": instant(edit.at), "by": edit.by}
        append_item(data, "escalations", entry)

    def status(data: Any) -> None:
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

    return escalate if isinstance(edit, AddEscalation) else status
