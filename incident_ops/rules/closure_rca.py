"""`closure-rca`: a closed incident whose severity requires `rca` needs a written
`## Root cause analysis` section and a `root_cause` whose category is not `unknown`."""

from __future__ import annotations

from collections.abc import Iterator

from incident_ops.finding import Finding
from incident_ops.rules._closure import closed_requiring, unwritten_section
from incident_ops.rules._context import Context

ID = "closure-rca"
DESCRIPTION = "closed without a written root-cause analysis"


def check(ctx: Context) -> Iterator[Finding]:
    incident = closed_requiring(ctx, "rca")
    if incident is None:
        return
    missing = unwritten_section(ctx, ID, "Root cause analysis")
    if missing:
        yield missing
    if incident.root_cause is None:
        yield ctx.finding(ID, ctx.line("status"), "closed without a root_cause")
    elif incident.root_cause.category == "unknown":
        line = ctx.line("root_cause", "category")
        yield ctx.finding(ID, line, "closed with root_cause.category unknown")
