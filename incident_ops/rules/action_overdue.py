"""`action-overdue`: a prevention action not done by the end of its `due` day.

The day ends at 23:59:59 in the action's department calendar timezone (`default`
without a department). An open action past that is an error, one done late
(`done_at` after it) a warning, both on the action's item line. `wont-do` is never
overdue.
"""

from __future__ import annotations

from collections.abc import Iterator

from incident_ops.domain.obligations import Obligation
from incident_ops.finding import Finding
from incident_ops.rules._context import Context
from incident_ops.rules._overdue import findings

ID = "action-overdue"
DESCRIPTION = "a prevention action is not done by its due date"


def _line(ctx: Context, item: Obligation) -> int:
    assert ctx.incident is not None
    for i, action in enumerate(ctx.incident.actions):
        if action.id == item.action:
            return ctx.line("actions", i)
    return ctx.line("actions")


def check(ctx: Context) -> Iterator[Finding]:
    yield from findings(ctx, ID, ("action",), _line, lambda item: f"action {item.action}")
