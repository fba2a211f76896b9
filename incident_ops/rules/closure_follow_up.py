"""`closure-follow-up`: a closed incident whose severity requires `customer_follow_up` needs a
final customer update (`audience: customers`, `final: true`) at or after `resolved_at`."""

from __future__ import annotations

from collections.abc import Iterator

from incident_ops.finding import Finding
from incident_ops.rules._closure import closed_requiring
from incident_ops.rules._context import Context

ID = "closure-follow-up"
DESCRIPTION = "closed without a final customer update after resolution"


def check(ctx: Context) -> Iterator[Finding]:
    incident = closed_requiring(ctx, "customer_follow_up")
    if incident is None:
        return
    resolved = incident.resolved_at
    if not any(
        u.audience == "customers" and u.final and (resolved is None or u.at >= resolved)
        for u in incident.updates
    ):
        line = ctx.line("updates") if incident.updates else ctx.line("status")
        yield ctx.finding(ID, line, "closed without a final customer update after resolved_at")
