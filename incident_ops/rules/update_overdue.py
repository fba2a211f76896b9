"""`update-overdue`: customers or management not updated at the severity's cadence.

`customer_update_every` repeats while the incident is not resolved,
`management_update_every` while it is not mitigated; the first update is due that long
after `detected_at`, each update of the audience starts the next interval. A missed
update is an error on the `updates` line (else `status`); a late one is a warning on
that update's line.
"""

from __future__ import annotations

from collections.abc import Iterator

from incident_ops.domain.obligations import Obligation
from incident_ops.finding import Finding
from incident_ops.rules._context import Context
from incident_ops.rules._overdue import entry_line, findings

ID = "update-overdue"
DESCRIPTION = "customer or management update missed at the severity's cadence"
_AUDIENCE = {"customer-update": "customers", "management-update": "management"}


def _line(ctx: Context, item: Obligation) -> int:
    assert ctx.incident is not None
    updates, audience = ctx.incident.updates, _AUDIENCE[item.kind]
    return entry_line(ctx, "updates", item.satisfied_at, lambda i: updates[i].audience == audience)


def _describe(item: Obligation) -> str:
    return f"{item.kind.replace('-', ' ')}"


def check(ctx: Context) -> Iterator[Finding]:
    yield from findings(ctx, ID, tuple(_AUDIENCE), _line, _describe)
