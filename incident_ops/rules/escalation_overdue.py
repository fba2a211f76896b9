"""`escalation-overdue`: a department was not engaged within an escalation rule's `within`.

A rule applies by `severities`, `when:` and `during:`; it counts from its `from`
timestamp (default `detected_at`) and is met by an `escalations` entry for its
department. It lapses if the incident reaches `until` (default resolved) before it is
due; a deadline already missed then stays an error. Missing is an error on the
`escalations` line (else `status`); engaged late is a warning on the entry's line.
"""

from __future__ import annotations

from collections.abc import Iterator

from incident_ops.domain.obligations import Obligation
from incident_ops.finding import Finding
from incident_ops.rules._context import Context
from incident_ops.rules._overdue import entry_line, findings

ID = "escalation-overdue"
DESCRIPTION = "a department was not engaged within its escalation rule's deadline"


def _line(ctx: Context, item: Obligation) -> int:
    assert ctx.incident is not None
    escalations = ctx.incident.escalations
    return entry_line(
        ctx,
        "escalations",
        item.satisfied_at,
        lambda i: escalations[i].department == item.department,
    )


def _describe(item: Obligation) -> str:
    return f"escalation to {item.department} (rule {item.rule!r})"


def check(ctx: Context) -> Iterator[Finding]:
    yield from findings(ctx, ID, ("escalate",), _line, _describe)
