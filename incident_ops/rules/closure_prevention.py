"""`closure-prevention`: a closed incident whose severity requires `prevention_plan` needs a
written `## Prevention plan` section and at least one action, each with owner and due."""

from __future__ import annotations

from collections.abc import Iterator

from incident_ops.finding import Finding
from incident_ops.rules._closure import closed_requiring, unwritten_section
from incident_ops.rules._context import Context

ID = "closure-prevention"
DESCRIPTION = "closed without a prevention plan of owned, dated actions"


def check(ctx: Context) -> Iterator[Finding]:
    incident = closed_requiring(ctx, "prevention_plan")
    if incident is None:
        return
    unwritten = unwritten_section(ctx, ID, "Prevention plan")
    if unwritten:
        yield unwritten
    if not incident.actions:
        yield ctx.finding(ID, ctx.line("status"), "closed without prevention actions")
    for i, action in enumerate(incident.actions):
        missing = [key for key in ("owner", "due") if getattr(action, key) is None]
        if missing:
            message = f"action {action.id} has no {' and no '.join(missing)}"
            yield ctx.finding(ID, ctx.line("actions", i), message)
