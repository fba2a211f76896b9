"""What the sweep writes on GitHub: titles, bodies and comments (plain Markdown, no links).

Bodies must be a pure function of the incident, policy and now, so that a second sweep
finds nothing to change. Every body starts with its hidden marker.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from incident_ops.domain.incident import Action, Incident
from incident_ops.domain.obligations import Obligation
from incident_ops.github import markers

FOOTER = "_Maintained by incident-ops: change the incident file, not this text._"
LABELS = {
    "acknowledge": "Acknowledge the incident",
    "mitigate": "Mitigate (restore the service)",
    "escalate": "Engage the department",
    "customer-update": "Next customer update",
    "management-update": "Next management update",
    "rca": "Root-cause analysis approved and incident closed",
    "action": "Prevention action",
}


def when(moment: datetime | None) -> str:
    return moment.isoformat(timespec="minutes").replace("T", " ") if moment else "—"


def what(ob: Obligation) -> str:
    """One obligation as a short phrase."""
    text = LABELS.get(ob.kind, ob.kind)
    if ob.kind == "escalate" and ob.rule:
        text += f" (rule {ob.rule})"
    if ob.kind == "action" and ob.action:
        text += f" {ob.action}"
    return text


def department_title(incident: Incident) -> str:
    return f"[{incident.id}][{incident.severity}] {incident.title}"


def department_body(
    incident: Incident, path: str, dept: str, dept_name: str, duties: Iterable[Obligation]
) -> str:
    """What the department must do and by when: its open deadlines."""
    rows = [f"| {what(ob)} | {when(ob.due)} | {ob.state} |" for ob in duties]
    table = (
        ["| What | Due | State |", "| --- | --- | --- |", *rows]
        if rows
        else ["No open deadline for this department right now."]
    )
    return "\n".join(
        [
            markers.html(markers.department(incident.id, dept)),
            f"**{dept_name}** is required on incident **{incident.id}**: {incident.title}",
            "",
            f"- Severity: {incident.severity}",
            f"- Status: {incident.status}",
            f"- Detected: {when(incident.detected_at)}",
            f"- Incident file: `{path}`",
            "",
            "### Open deadlines",
            "",
            *table,
            "",
            FOOTER,
        ]
    )


def action_title(incident: Incident, action: Action) -> str:
    return f"[{incident.id}][{action.id}] {action.title}"


def action_body(incident: Incident, path: str, action: Action) -> str:
    return "\n".join(
        [
            markers.html(markers.action(incident.id, action.id)),
            f"Prevention action **{action.id}** of incident **{incident.id}**: {incident.title}",
            "",
            f"- Action: {action.title}",
            f"- Kind: {action.kind}",
            f"- Owner: {action.owner or '—'}",
            f"- Department: {action.department or '—'}",
            f"- Due: {action.due.isoformat() if action.due else '—'}",
            f"- Incident file: `{path}`",
            "",
            "Set the action's `status` to `done` or `wont-do` in the incident file to close it.",
            "",
            FOOTER,
        ]
    )


def breach_comment(marker_key: str, incident: Incident, ob: Obligation) -> str:
    return "\n".join(
        [
            markers.html(marker_key),
            f"**Deadline breached** on {incident.id}: {what(ob)} was due {when(ob.due)}"
            + (" and was missed." if ob.state == "missed" else " and is not done yet."),
        ]
    )


def closed_comment(incident: Incident) -> str:
    at = incident.closed_at if incident.status == "closed" else incident.cancelled_at
    verb = "closed" if incident.status == "closed" else "cancelled"
    moment = f" on {when(at)}" if at else ""
    return "\n".join(
        [
            markers.html(markers.closed(incident.id)),
            f"Incident {incident.id} was {verb}{moment}; closing this issue.",
        ]
    )
