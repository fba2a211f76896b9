"""`unknown-reference`: a severity, category, department or related id that does not exist."""

from __future__ import annotations

from collections.abc import Iterator

from incident_ops.finding import Finding
from incident_ops.rules._context import Context

ID = "unknown-reference"
DESCRIPTION = "severity, category, department or related id that does not exist"


def _known(names: object) -> str:
    return ", ".join(names) or "none"  # type: ignore[arg-type]


def check(ctx: Context) -> Iterator[Finding]:
    incident, model = ctx.incident, ctx.policy.model
    if incident is None:
        return
    if incident.severity not in model.severities:
        message = f"unknown severity {incident.severity!r} (known: {_known(model.severities)})"
        yield ctx.finding(ID, ctx.line("severity"), message)
    if incident.category not in model.categories:
        message = f"unknown category {incident.category!r} (known: {_known(model.categories)})"
        yield ctx.finding(ID, ctx.line("category"), message)
    named: list[tuple[str, int, str | None]] = [
        ("escalations", i, e.department) for i, e in enumerate(incident.escalations)
    ]
    named += [("actions", i, a.department) for i, a in enumerate(incident.actions)]
    named += [("waivers", i, w.department) for i, w in enumerate(incident.waivers)]
    for key, i, department in named:
        if department is not None and department not in model.departments:
            line = ctx.line(key, i, "department")
            yield ctx.finding(ID, line, f"unknown department {department!r}")
    actions = {a.id for a in incident.actions}
    for i, waiver in enumerate(incident.waivers):
        if waiver.action is not None and waiver.action not in actions:
            line = ctx.line("waivers", i, "action")
            yield ctx.finding(ID, line, f"waiver names unknown action {waiver.action!r}")
    for i, other in enumerate(incident.related):
        if other == incident.id:
            yield ctx.finding(ID, ctx.line("related", i), "an incident cannot relate to itself")
        elif ctx.index.get(other) is None:
            yield ctx.finding(ID, ctx.line("related", i), f"related incident {other} not found")
