"""Shared facts of the closure rules: they apply only to `status: closed` incidents."""

from __future__ import annotations

from incident_ops.models.policy import Severity
from incident_ops.rules.base import Context


def closing_requirements(ctx: Context) -> tuple[str, ...] | None:
    """The severity's `requires` when the incident is closed, else None (rule not applicable)."""
    incident = ctx.incident
    if incident is None or incident.status != "closed":
        return None
    severity: Severity | None = ctx.policy.severity(incident.severity)
    return tuple(severity.requires) if severity else ()
