"""What each edit changes, planned on the incident as it is now: pure functions, no I/O.

A planner takes the current `Incident` and returns a `Plan`: the change to make to the
front matter (None: the file already says so, nothing to do) and how to describe it.
`Editor` (edit.operations) runs planners under the repository's lock, gates the result
and writes it; what the arguments may be (a known department, a category of the model)
is checked there, before planning.

Idempotence lives here: a stage already reached keeps its time, a value already set is
not set again, an action with the same title is not added twice.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from incident_ops.domain import stages
from incident_ops.domain.incident import Incident
from incident_ops.edit.frontmatter import (
    IMPACT_ORDER,
    ROOT_CAUSE_ORDER,
    Change,
    append_item,
    instant,
    set_key,
)
from incident_ops.errors import GateRefused, IncidentOpsError

AUDIENCE_NAMES = {"customers": "customer", "management": "management", "internal": "internal"}
IMPACT_FLAGS = IMPACT_ORDER[1:]  # the booleans; `customers_affected` is a count


@dataclass(frozen=True)
class Plan:
    """A change to make (None: nothing to do) and how to describe it."""

    change: Change | None
    done: str
    summary: str
    after_closure: bool = False  # allowed on a closed incident (a prevention action's progress)
    notes: tuple[str, ...] = ()  # what comes next, for the result (e.g. approvals a PR needs)


Planner = Callable[[Incident], Plan]


def block_map(items: dict[str, Any]) -> Any:
    """A new block-style mapping (`key:` lines, SPEC style) for the front matter."""
    from ruamel.yaml.comments import CommentedMap

    made = CommentedMap(items)
    made.fa.set_block_style()
    return made


def stage_change(incident: Incident, status: str, field: str, at: datetime) -> Change | None:
    """Move to `status` with its timestamp; None when already there with the timestamp."""
    current = incident.status
    if stages.reached(current, status) and getattr(incident, field) is not None:
        return None
    move = not stages.reached(current, status)
    if move and not stages.can_transition(current, status):
        raise GateRefused(f"{incident.id}: cannot go from {current} to {status}")

    def change(data: Any) -> None:
        if move:
            set_key(data, "status", status)
        set_key(data, field, instant(at))

    return change


def stage(status: str, field: str, word: str, at: datetime) -> Planner:
    """Reach a lifecycle stage at `at` (ack, mitigate, resolve, close, cancel)."""

    def plan(incident: Incident) -> Plan:
        change = stage_change(incident, status, field, at)
        if change is None:
            stamp = getattr(incident, field).isoformat()
            return Plan(None, f"already {word} at {stamp}", word)
        return Plan(change, f"{word} at {at.isoformat()}", word)

    return plan


def investigate(at: datetime) -> Planner:
    """Status investigating: forward from reported or acknowledged (a missing
    acknowledged_at is set to `at`: investigating means it was acknowledged by then), or
    the one reopen `resolved → investigating`. A reopen keeps mitigated_at and resolved_at
    (the lifecycle rule warns that they are stale; `mitigate` and `resolve` set them anew)."""

    def plan(incident: Incident) -> Plan:
        status = incident.status
        if status == "investigating":
            return Plan(None, "already investigating", "investigating")
        if not stages.can_transition(status, "investigating"):
            hint = " (only a resolved incident can be reopened)" if status != "cancelled" else ""
            raise GateRefused(f"{incident.id}: cannot go from {status} to investigating{hint}")
        reopen = status == "resolved"
        acknowledge = incident.acknowledged_at is None

        def change(data: Any) -> None:
            set_key(data, "status", "investigating")
            if acknowledge:
                set_key(data, "acknowledged_at", instant(at))

        if reopen:
            return Plan(change, "reopened: investigating again", "reopened")
        extra = f" (acknowledged at {at.isoformat()})" if acknowledge else ""
        return Plan(change, f"investigating{extra}", "investigating")

    return plan


def escalate(department: str, at: datetime, by: Any = None) -> Planner:
    """Append {department, at, by}; a department already engaged keeps its first entry."""

    def plan(incident: Incident) -> Plan:
        earlier = [e for e in incident.escalations if e.department == department]
        if earlier:
            stamp = earlier[0].at.isoformat()
            return Plan(None, f"already escalated to {department} at {stamp}", "")
        item: dict[str, Any] = {"department": department, "at": instant(at)}
        if by is not None:
            item["by"] = by
        return Plan(
            lambda data: append_item(data, "escalations", item),
            f"escalated to {department} at {at.isoformat()}",
            f"escalated to {department}",
        )

    return plan


def waive(
    obligation: str,
    department: str | None,
    action: str | None,
    reason: str,
    by: Any,
    at: datetime,
) -> Planner:
    """Append a waiver; one for the same obligation (department, action) is kept."""

    def plan(incident: Incident) -> Plan:
        if action is not None and all(a.id != action for a in incident.actions):
            raise IncidentOpsError(f"{incident.id} has no action {action}")
        what = obligation + "".join(f" of {q}" for q in (department, action) if q)
        for w in incident.waivers:
            if (w.obligation, w.department, w.action) == (obligation, department, action):
                return Plan(None, f"{what} already waived by {w.by} at {w.at.isoformat()}", "")
        item: dict[str, Any] = {"obligation": obligation}
        item |= {"department": department} if department else {}
        item |= {"action": action} if action else {}
        item |= {"reason": reason, "by": by, "at": instant(at)}
        return Plan(
            lambda data: append_item(data, "waivers", item),
            f"{what} waived at {at.isoformat()}: {reason}",
            f"{what} waived",
        )

    return plan


def add_update(audience: str, channel: str, summary: str, at: datetime, final: bool) -> Planner:
    """Append an update; the same one (audience, channel, summary, final) is kept once."""
    name = AUDIENCE_NAMES[audience]

    def plan(incident: Incident) -> Plan:
        for u in incident.updates:
            if (u.audience, u.channel, u.summary, u.final) == (audience, channel, summary, final):
                return Plan(None, f"{name} update already recorded at {u.at.isoformat()}", "")
        item: dict[str, Any] = {"at": instant(at), "audience": audience, "channel": channel}
        item |= {"summary": summary, "final": final}
        label = ("final " if final else "") + f"{name} update"
        return Plan(
            lambda data: append_item(data, "updates", item),
            f"{label} ({channel}) at {at.isoformat()}",
            f"{name} update",
        )

    return plan


def assign(commander: str) -> Planner:
    """Set the incident commander (a `@login` handle)."""

    def plan(incident: Incident) -> Plan:
        if incident.commander == str(commander):
            return Plan(None, f"commander is already {commander}", "")
        return Plan(
            lambda data: set_key(data, "commander", commander),
            f"commander {commander}",
            f"commander {commander}",
        )

    return plan


def _word(value: Any) -> str:
    """How a value reads in a message: `true`, `340`, `unknown` for null."""
    if value is None:
        return "unknown"
    return str(value).lower() if isinstance(value, bool) else str(value)


def check_impact(values: dict[str, Any]) -> dict[str, Any]:
    """`values` when each is a field of `impact` with a value it may hold (None: unknown)."""
    for key, value in values.items():
        if key == "customers_affected":
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, int) or value < 0
            ):
                raise IncidentOpsError("customers_affected must be a whole number >= 0")
        elif key not in IMPACT_FLAGS:
            raise IncidentOpsError(
                f"unknown impact field {key!r} (known: {', '.join(IMPACT_ORDER)})"
            )
        elif value is not None and not isinstance(value, bool):
            raise IncidentOpsError(f"impact.{key} must be true, false or null (unknown)")
    return dict(values)


def impact(
    values: dict[str, Any],
    customers: Sequence[str] | None = None,
    add_customers: Sequence[str] = (),
) -> Planner:
    """Set impact fields (None writes `null`: unknown) and the affected customers:
    `customers` replaces the list, `add_customers` adds to it (each name kept once)."""

    def plan(incident: Incident) -> Plan:
        current = incident.impact
        changed = {
            k: values[k] for k in IMPACT_ORDER if k in values and getattr(current, k) != values[k]
        }
        wanted = list(incident.customers if customers is None else customers)
        wanted += [c for c in add_customers if c not in wanted]
        new_customers = wanted if wanted != incident.customers else None
        if not changed and new_customers is None:
            return Plan(None, "impact already recorded so", "")

        def change(data: Any) -> None:
            if changed:
                node: Any = data.get("impact")
                if not _is_map(node):
                    node = block_map({})
                    set_key(data, "impact", node)
                for key in IMPACT_ORDER:
                    if key in changed:
                        set_key(node, key, changed[key], IMPACT_ORDER)
            if new_customers is not None:
                _set_list(data, "customers", new_customers)

        parts = [f"{k} {_word(v)}" for k, v in changed.items()]
        if new_customers is not None:
            parts.append("customers " + (", ".join(new_customers) or "none"))
        return Plan(change, "impact: " + "; ".join(parts), "impact")

    return plan


def _is_map(value: Any) -> bool:
    return isinstance(value, dict)


def _set_list(data: Any, key: str, values: list[str]) -> None:
    """Replace a list of names, in place where one exists (its style and comments stay)."""
    from ruamel.yaml.comments import CommentedSeq

    current = data.get(key)
    if isinstance(current, CommentedSeq):
        del current[:]
        current.extend(values)
        return
    seq = CommentedSeq(values)
    seq.fa.set_flow_style()  # `customers: [acme-bank]`, as SPEC writes lists of names
    set_key(data, key, seq)


def root_cause(category: str, summary: str | None) -> Planner:
    """Set root_cause.category (and .summary when given; a given summary replaces it)."""

    def plan(incident: Incident) -> Plan:
        cause = incident.root_cause
        new_summary = summary if summary is not None else (cause.summary if cause else None)
        if cause is not None and (cause.category, cause.summary) == (category, new_summary):
            return Plan(None, f"root cause already {category}", "")

        def change(data: Any) -> None:
            node: Any = data.get("root_cause")
            if not _is_map(node):
                items = {"category": category}
                items |= {"summary": new_summary} if new_summary is not None else {}
                set_key(data, "root_cause", block_map(items))
                return
            set_key(node, "category", category, ROOT_CAUSE_ORDER)
            if summary is not None:
                set_key(node, "summary", summary, ROOT_CAUSE_ORDER)

        return Plan(change, f"root cause {category}", f"root cause {category}")

    return plan
