"""`mitigate-overdue`: service not restored within the severity's `mitigate` target.

The target counts from `detected_at`; `mitigated_at` satisfies it, or `resolved_at`
when `mitigated_at` is left out. Unmitigated past the target is an error on the `status`
line; mitigated late is a warning on the `mitigated_at` (else `resolved_at`) line.
"""

from __future__ import annotations

from collections.abc import Iterator

from incident_ops.domain.obligations import Obligation
from incident_ops.finding import Finding
from incident_ops.rules._context import Context
from incident_ops.rules._overdue import findings, key_line

ID = "mitigate-overdue"
DESCRIPTION = "not mitigated within the severity's mitigate target"


def _line(ctx: Context, item: Obligation) -> int:
    incident = ctx.incident
    assert incident is not None
    if incident.mitigated_at is not None:
        return key_line(ctx, "mitigated_at")
    return key_line(ctx, "resolved_at") if incident.resolved_at else ctx.line("status")


def check(ctx: Context) -> Iterator[Finding]:
    yield from findings(ctx, ID, ("mitigate",), _line, lambda item: "mitigation")
