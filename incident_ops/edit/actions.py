"""Planners for the prevention plan: add an action, mark one done or won't-do.

An action's progress is tracked after the incident is closed (the plan is carried out
later), so `done` and `wont-do` plans are allowed on a closed incident, as `history
--check` allows them (`actions[].status`, `done_at`, `reason`); adding one is not.
A `wont-do` records why in `reason` (SPEC §3): a dropped action without its reason is a
prevention plan nobody can review.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from incident_ops.domain.incident import Action, Incident
from incident_ops.edit.frontmatter import ACTION_ORDER, append_item, instant, set_key
from incident_ops.edit.plans import Plan, Planner
from incident_ops.errors import GateRefused, IncidentOpsError

_NUMBERED = re.compile(r"A(\d+)")


def next_id(incident: Incident) -> str:
    """`A<n>`, one more than the highest `A<number>` id in use."""
    used = [int(m.group(1)) for a in incident.actions if (m := _NUMBERED.fullmatch(a.id))]
    return f"A{max(used, default=0) + 1}"


def add_action(
    title: str,
    owner: Any,
    department: str,
    due: date,
    kind: str = "technical",
    action_id: str | None = None,
) -> Planner:
    """Append an open action; the same title again (or the same id and title) is no change."""

    def plan(incident: Incident) -> Plan:
        same = [a for a in incident.actions if a.title == title]
        if action_id is None and same:
            return Plan(None, f"action {same[0].id} already plans {title!r}", "")
        chosen = action_id or next_id(incident)
        taken = next((a for a in incident.actions if a.id == chosen), None)
        if taken is not None:
            if taken.title == title:
                return Plan(None, f"action {chosen} already plans {title!r}", "")
            raise IncidentOpsError(
                f"{incident.id}: action {chosen} already exists ({taken.title!r}); "
                f"leave out --id to get {next_id(incident)}"
            )
        item: dict[str, Any] = {"id": chosen, "title": title, "kind": kind, "owner": owner}
        item |= {"department": department, "due": due, "status": "open"}
        return Plan(
            lambda data: append_item(data, "actions", item),
            f"action {chosen} added: {title} ({owner}, {department}, due {due.isoformat()})",
            f"action {chosen} added",
        )

    return plan


def _find(incident: Incident, action_id: str) -> tuple[int, Action]:
    for index, action in enumerate(incident.actions):
        if action.id == action_id:
            return index, action
    known = ", ".join(a.id for a in incident.actions) or "none yet"
    raise IncidentOpsError(f"{incident.id}: no action {action_id} (actions: {known})")


def action_done(action_id: str, at: datetime) -> Planner:
    """Status done with done_at (a missing done_at of a done action is filled in); a
    won't-do action that got done after all loses its reason."""

    def plan(incident: Incident) -> Plan:
        index, action = _find(incident, action_id)
        if action.status == "done" and action.done_at is not None:
            stamp = action.done_at.isoformat()
            return Plan(None, f"action {action_id} already done at {stamp}", "", True)

        def change(data: Any) -> None:
            item = data["actions"][index]
            set_key(item, "status", "done", ACTION_ORDER)
            set_key(item, "done_at", instant(at), ACTION_ORDER)
            if "reason" in item:
                del item["reason"]

        done = f"action {action_id} done at {at.isoformat()}"
        return Plan(change, done, f"action {action_id} done", True)

    return plan


def action_wont_do(action_id: str, reason: str) -> Planner:
    """Status wont-do with the reason; a done action stays done."""

    def plan(incident: Incident) -> Plan:
        index, action = _find(incident, action_id)
        if action.status == "done":
            when = f" at {action.done_at.isoformat()}" if action.done_at else ""
            raise GateRefused(f"{incident.id}: action {action_id} is done{when}; it stays done")
        if action.status == "wont-do" and action.reason == reason:
            return Plan(None, f"action {action_id} is already won't-do: {reason}", "", True)

        def change(data: Any) -> None:
            item = data["actions"][index]
            set_key(item, "status", "wont-do", ACTION_ORDER)
            set_key(item, "reason", reason, ACTION_ORDER)

        done = f"action {action_id} won't be done: {reason}"
        return Plan(change, done, f"action {action_id} won't do", True)

    return plan
