"""What the sweep writes on GitHub: titles, bodies and comments (plain Markdown, no links).

Bodies must be a pure function of the incident, policy and now, so that a second sweep
finds nothing to change. Every body starts with its hidden marker.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import datetime

from incident_ops.domain.incident import Action, Escalation, Incident
from incident_ops.domain.obligations import Obligation
from incident_ops.github import markers

_MENTION = re.compile(r"@[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:/[A-Za-z0-9_.-]+)?")
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


def mention(value: str | None) -> str | None:
    """`@login` or `@org/team` as written; None for anything else (a name, a bot login)."""
    text = (value or "").strip()
    return text if _MENTION.fullmatch(text) else None


def mentions(*values: str | None) -> tuple[str, ...]:
    """The mentionable values, in order, each once (logins are case-insensitive)."""
    found: dict[str, str] = {}
    for value in values:
        handle = mention(value)
        if handle is not None:
            found.setdefault(handle.lower(), handle)
    return tuple(found.values())


def department_title(incident: Incident) -> str:
    return f"[{incident.id}][{incident.severity}] {incident.title}"


def role_required(incident: Incident, dept_name: str) -> str:
    return f"**{dept_name}** is required on incident **{incident.id}**: {incident.title}"


def role_engaged(incident: Incident, dept_name: str, entry: Escalation) -> str:
    by = f" by {entry.by}" if entry.by else ""
    return (
        f"**{dept_name}** was engaged on incident **{incident.id}** on {when(entry.at)}{by}: "
        f"{incident.title}"
    )


def role_escalated(incident: Incident, dept_name: str, ob: Obligation) -> str:
    """The bot engaged the department: why (stable: it names the rule and its due time)."""
    return (
        f"incident-ops escalated incident **{incident.id}** ({incident.title}) to "
        f"**{dept_name}**: rule `{ob.rule}` required the department by {when(ob.due)} and "
        "no one had engaged it."
    )


def role_pending(incident: Incident, dept_name: str, ob: Obligation, until: str) -> str:
    """An escalation tier not due yet (an issue a person or an older sweep opened)."""
    due = f"by {when(ob.due)}" if ob.due else "once its start time is recorded"
    return (
        f"**{dept_name}** is not engaged on incident **{incident.id}** ({incident.title}) "
        f"yet. Rule `{ob.rule}` requires it {due} unless the incident is {until} first; if "
        "no one engages the department by then, incident-ops escalates."
    )


def department_body(
    incident: Incident,
    path: str,
    dept: str,
    role: str,
    duties: Iterable[Obligation],
    notify: Sequence[str] = (),
    lead: bool = False,
) -> str:
    """Why the department is on the incident, what it must do by when (its open
    deadlines), and whom to notify: a pure function of the file, the policy and now."""
    rows = [f"| {what(ob)} | {when(ob.due)} | {ob.state} |" for ob in duties]
    table = (
        ["| What | Due | State |", "| --- | --- | --- |", *rows]
        if rows
        else ["No open deadline for this department right now."]
    )
    lines = [
        markers.html(markers.department(incident.id, dept)),
        role,
        "",
        f"- Severity: {incident.severity}",
        f"- Status: {incident.status}",
        f"- Detected: {when(incident.detected_at)}",
        f"- Commander: {incident.commander or '—'}",
        f"- Incident file: `{path}`",
        "",
        "### Open deadlines",
        "",
        *table,
    ]
    if lead:
        lines += ["", "Breaches of the incident-wide deadlines are posted on this issue."]
    if notify:
        lines += ["", "Notify: " + " ".join(notify)]
    return "\n".join([*lines, "", FOOTER])


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
            "Close this issue as completed when the action is done, or as not planned when it "
            "will not be done: incident-ops records that in the incident file (`status`, "
            "`done_at`); reopening the issue reopens the action. Setting `status` in the file "
            "closes or reopens the issue.",
            "",
            FOOTER,
        ]
    )


def breach_comment(
    marker_key: str,
    incident: Incident,
    ob: Obligation,
    cc: Sequence[str] = (),
    escalated: str | None = None,
) -> str:
    """One breached deadline; `escalated`: the department the bot engaged for it."""
    text = f"**Deadline breached** on {incident.id}: {what(ob)} was due {when(ob.due)}"
    if escalated is not None:
        text += (
            f" and no one had engaged {escalated}, so incident-ops escalated: this issue "
            "is the escalation, and the incident file records it."
        )
    else:
        text += " and was missed." if ob.state == "missed" else " and is not done yet."
    return "\n".join([markers.html(marker_key), text, *_cc(cc)])


def lapsed_comment(incident: Incident, dept: str, dept_name: str, reason: str) -> str:
    return "\n".join(
        [
            markers.html(markers.lapsed(incident.id, dept)),
            f"The escalation of {incident.id} to {dept_name} is no longer needed: {reason}. "
            "Closing this issue.",
        ]
    )


def recurred_comment(
    marker_key: str, earlier: Incident, action: Action, later: Incident, cc: Sequence[str] = ()
) -> str:
    return "\n".join(
        [
            markers.html(marker_key),
            f"**Recurred**: incident **{later.id}** ({later.title}), detected "
            f"{when(later.detected_at)}, repeats {earlier.id} while its prevention action "
            f"{action.id} is still open.",
            *_cc(cc),
        ]
    )


def _cc(handles: Sequence[str]) -> list[str]:
    return ["", "cc " + " ".join(handles)] if handles else []


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
