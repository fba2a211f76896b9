"""`acknowledge-overdue`: not acknowledged within the severity's `acknowledge` target.

The target counts from `detected_at` (business units in the `default` calendar). With
`acknowledge: 15m`, an incident detected at 09:12 must have `acknowledged_at` by 09:27:
unacknowledged after 09:27 is an error on the `status` line; acknowledged at 09:30 is a
warning on the `acknowledged_at` line.
"""

from __future__ import annotations

from collections.abc import Iterator

from incident_ops.domain.obligations import Obligation
from incident_ops.finding import Finding
from incident_ops.rules._context import Context
from incident_ops.rules._overdue import findings, key_line

ID = "acknowledge-overdue"
DESCRIPTION = "not acknowledged within the severity's acknowledge target"


def _line(ctx: Context, item: Obligation) -> int:
    return key_line(ctx, "acknowledged_at")


def check(ctx: Context) -> Iterator[Finding]:
    yield from findings(ctx, ID, ("acknowledge",), _line, lambda item: "acknowledgement")
