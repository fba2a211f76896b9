"""`duplicate-id`: two files share one incident id; each names the other."""

from __future__ import annotations

from collections.abc import Iterator

from incident_ops.finding import Finding
from incident_ops.rules._context import Context
from incident_ops.workspace.load import raw_id

ID = "duplicate-id"
DESCRIPTION = "two files share an incident id"


def check(ctx: Context) -> Iterator[Finding]:
    incident_id = raw_id(ctx.doc)
    if not incident_id:
        return
    others = [p for p in ctx.index.paths_for(incident_id) if p != ctx.doc.path]
    if others:
        yield ctx.finding(
            ID, ctx.line("id"), f"id {incident_id} is also used by {', '.join(others)}"
        )
