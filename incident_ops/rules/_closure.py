"""Shared facts of the closure rules: they apply only to `status: closed` incidents."""

from __future__ import annotations

from incident_ops.domain.incident import Incident
from incident_ops.finding import Finding
from incident_ops.parse.sections import find_section
from incident_ops.policy.model import Severity
from incident_ops.rules._context import Context


def closed_requiring(ctx: Context, requirement: str) -> Incident | None:
    """The incident when it is closed and its severity requires `requirement`, else None."""
    requires = closing_requirements(ctx)
    return ctx.incident if requires and requirement in requires else None


def closing_requirements(ctx: Context) -> tuple[str, ...] | None:
    """The severity's `requires` when the incident is closed, else None (rule not applicable)."""
    incident = ctx.incident
    if incident is None or incident.status != "closed":
        return None
    severity: Severity | None = ctx.policy.severity(incident.severity)
    return tuple(severity.requires) if severity else ()


def unwritten_section(ctx: Context, rule: str, name: str) -> Finding | None:
    """A finding when section `name` is absent or holds only placeholders."""
    section = find_section(ctx.doc.sections, name)
    if section is not None and section.written:
        return None
    line = section.line if section else ctx.line("status")
    return ctx.finding(rule, line, f"closed without a written '## {name}' section")
