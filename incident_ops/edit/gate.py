"""The gate every edit passes before it is written: the would-be file, validated in memory.

`close` refuses on any error the file would have — every rule at the level `validate`
and the pull-request check give it — and says how to fix each (`edit.guidance`); every
other edit refuses only the syntax, schema and lifecycle errors its own change
introduces, so an old problem elsewhere in the file does not block recording an
escalation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from incident_ops.edit.guidance import refusal
from incident_ops.errors import GateRefused
from incident_ops.finding import Finding
from incident_ops.lint.levels import Levels
from incident_ops.parse.document import Document, parse_text
from incident_ops.policy.load import Policy
from incident_ops.rules import run_rules
from incident_ops.rules._context import Context
from incident_ops.workspace.index import RepoIndex
from incident_ops.workspace.load import Record, load_incident

EDIT_GATE = ("syntax", "schema", "lifecycle")


@dataclass(frozen=True)
class GateContext:
    """What the rules need besides the text: the file, the repository, policy, clock."""

    record: Record
    index: RepoIndex
    policy: Policy
    now: datetime
    levels: Levels


def errors(ctx: GateContext, text: str, rules: tuple[str, ...] | None) -> list[Finding]:
    """Errors of `rules` (None: every rule) on `text` as if it were the record's file
    (nothing is written)."""
    doc = Document(ctx.record.path)
    parse_text(doc, text)
    context = Context(doc, load_incident(doc), ctx.policy, ctx.index, ctx.now, ctx.levels)
    found = run_rules(context)
    return [f for f in found if f.level == "error" and (rules is None or f.rule in rules)]


def gate(ctx: GateContext, old: str, new: str, close: bool) -> None:
    """Raise GateRefused (exit 1) listing what the new text would break."""
    after = errors(ctx, new, None if close else EDIT_GATE)
    if not close:  # refuse only what this change introduces
        before = {(f.rule, f.message) for f in errors(ctx, old, EDIT_GATE)}
        after = [f for f in after if (f.rule, f.message) not in before]
    if not after:
        return
    listed = "".join(f"\n  {f.path}:{f.line}: [{f.rule}] {f.message}" for f in after)
    if not close:
        raise GateRefused(f"{ctx.record.id}: not changed:{listed}")
    incident = load_incident(_document(ctx.record.path, new))
    hints = refusal(incident, after, ctx.policy) if incident is not None else ""
    raise GateRefused(f"{ctx.record.id}: not closed:{listed}{hints}")


def _document(path: str, text: str) -> Document:
    doc = Document(path)
    parse_text(doc, text)
    return doc
