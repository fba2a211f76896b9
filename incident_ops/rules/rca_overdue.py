"""`rca-overdue`: a resolved incident not closed (with its RCA) within the `rca` target.

The target counts from `resolved_at` (`5bd`: five working days of the `default`
calendar); `closed_at` meets it. Both the error and the late-close warning point at the
`resolved_at` line.
"""

from __future__ import annotations

from collections.abc import Iterator

from incident_ops.domain.obligations import Obligation
from incident_ops.finding import Finding
from incident_ops.rules._context import Context
from incident_ops.rules._overdue import findings, key_line

ID = "rca-overdue"
DESCRIPTION = "resolved but not closed with an RCA within the severity's rca target"


def _line(ctx: Context, item: Obligation) -> int:
    return key_line(ctx, "resolved_at")


def check(ctx: Context) -> Iterator[Finding]:
    yield from findings(ctx, ID, ("rca",), _line, lambda item: "the RCA (closing the incident)")
