"""`closure-departments`: a closed incident must have engaged (in `escalations`) every
required department: the severity's, the category's and each matching classification
rule's."""

from __future__ import annotations

from collections.abc import Iterator

from incident_ops.finding import Finding
from incident_ops.policy.classify import required_departments
from incident_ops.rules._closure import closing_requirements
from incident_ops.rules._context import Context

ID = "closure-departments"
DESCRIPTION = "closed without engaging every required department"


def check(ctx: Context) -> Iterator[Finding]:
    if closing_requirements(ctx) is None:
        return
    incident = ctx.incident
    assert incident is not None
    engaged = {e.department for e in incident.escalations}
    missing = [d for d in required_departments(incident, ctx.policy) if d not in engaged]
    if missing:
        line = ctx.line("escalations") if incident.escalations else ctx.line("status")
        message = f"closed without engaging required department(s): {', '.join(missing)}"
        yield ctx.finding(ID, line, message)
