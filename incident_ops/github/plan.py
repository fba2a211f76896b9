"""The desired GitHub state, as a pure function of incidents + policy + obligations + now.

Which issues where (SPEC §7):
- a department issue per department the incident needs — the required departments
  (`classify.required_departments`) plus every department an escalation rule applies to —
  while the incident is open; closed with a comment once it is closed or cancelled;
- an action issue per prevention action whose department has a GitHub repo; it lives on
  after the incident closes and is closed when the action is done or won't be done;
- a breach comment per overdue deadline: `escalate` on that department's issue, `action`
  on the action's issue, incident-wide deadlines (acknowledge, mitigate, updates, rca) on
  the issues of the severity's departments. Update cadences recur, so their marker carries
  the missed due time (`breach:customer-update:20261120T1012Z`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal

from incident_ops.domain.incident import Action, Incident
from incident_ops.domain.obligations import Obligation, obligations
from incident_ops.github import markers, texts
from incident_ops.policy.classify import required_departments
from incident_ops.policy.load import Policy

BOT_LABEL = "incident-ops"
RECURRING = ("customer-update", "management-update")
FINISHED = ("closed", "cancelled")
ObligationsOf = Callable[[Incident, Policy, datetime], list[Obligation]]


@dataclass(frozen=True)
class Record:
    """Where an issue's reference goes back into the incident's front matter."""

    path: str  # relative to the repo root
    kind: Literal["department", "action"]
    key: str  # department name or action id
    current: str | None  # the reference the file holds now


@dataclass(frozen=True)
class IssueSpec:
    repo: str
    marker: str
    title: str
    body: str
    labels: tuple[str, ...]
    assignees: tuple[str, ...]
    open: bool  # the state we want
    create: bool  # create it when missing (never for issues we only close)
    state_reason: str | None = None  # when closing: completed | not_planned
    close_comment: str | None = None  # posted (once) before closing
    record: Record | None = None


@dataclass(frozen=True)
class CommentSpec:
    repo: str
    issue_marker: str
    marker: str
    body: str


@dataclass
class Plan:
    issues: list[IssueSpec] = field(default_factory=list)
    comments: list[CommentSpec] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def repos(self) -> list[str]:
        """Every repo the plan touches, in first-use order."""
        return list(dict.fromkeys(spec.repo for spec in self.issues))


def build_plan(
    incidents: Iterable[tuple[str, Incident]],
    policy: Policy,
    now: datetime,
    obligations_of: ObligationsOf = obligations,
) -> Plan:
    """The desired issues and comments for every incident (path, incident)."""
    plan = Plan()
    for path, incident in incidents:
        _plan_incident(plan, path, incident, policy, obligations_of(incident, policy, now))
    return plan


def _plan_incident(
    plan: Plan, path: str, incident: Incident, policy: Policy, obs: list[Obligation]
) -> None:
    finished = incident.status in FINISHED
    departments = required_departments(incident, policy)
    departments += [o.department for o in obs if o.kind == "escalate" and o.department]
    if finished:
        departments += [e.department for e in incident.escalations]
    dept_markers: dict[str, str] = {}
    for dept in dict.fromkeys(departments):
        spec = _department_issue(plan, path, incident, policy, dept, obs, finished)
        if spec is not None:
            plan.issues.append(spec)
            dept_markers[dept] = spec.marker
    action_markers: dict[str, str] = {}
    for action in incident.actions:
        spec = _action_issue(plan, path, incident, policy, action)
        if spec is not None:
            plan.issues.append(spec)
            if spec.open:
                action_markers[action.id] = spec.marker
    if not finished:
        _breaches(plan, incident, policy, obs, dept_markers, action_markers)


def _department_issue(
    plan: Plan,
    path: str,
    incident: Incident,
    policy: Policy,
    dept: str,
    obs: list[Obligation],
    finished: bool,
) -> IssueSpec | None:
    department = policy.model.departments.get(dept)
    if department is None or department.github is None:
        plan.skipped.append(f"{incident.id}: department {dept} has no GitHub repo configured")
        return None
    gh = department.github
    severity = policy.severity(incident.severity)
    wide = dept in (severity.departments if severity else [])
    duties = [
        o
        for o in obs
        if o.state in ("pending", "overdue")
        and (o.department == dept if o.kind in ("escalate", "action") else wide)
    ]
    has_entry = any(e.department == dept for e in incident.escalations)
    current = next((e.issue for e in incident.escalations if e.department == dept), None)
    return IssueSpec(
        repo=gh.repo,
        marker=markers.department(incident.id, dept),
        title=texts.department_title(incident),
        body=texts.department_body(incident, path, dept, department.name, duties),
        labels=_labels(gh.labels),
        assignees=tuple(gh.assignees),
        open=not finished,
        create=not finished,
        state_reason="completed" if incident.status == "closed" else "not_planned",
        close_comment=texts.closed_comment(incident) if finished else None,
        record=Record(path, "department", dept, current) if has_entry else None,
    )


def _action_issue(
    plan: Plan, path: str, incident: Incident, policy: Policy, action: Action
) -> IssueSpec | None:
    department = policy.model.departments.get(action.department or "")
    if department is None or department.github is None:
        where = action.department or "no department"
        plan.skipped.append(f"{incident.id}: action {action.id} ({where}) has no GitHub repo")
        return None
    gh = department.github
    owner = (action.owner or "").strip()
    login = owner[1:] if owner.startswith("@") and "/" not in owner else None
    is_open = action.status == "open"
    return IssueSpec(
        repo=gh.repo,
        marker=markers.action(incident.id, action.id),
        title=texts.action_title(incident, action),
        body=texts.action_body(incident, path, action),
        labels=_labels(gh.labels),
        assignees=(login,) if login else tuple(gh.assignees),
        open=is_open,
        create=is_open and incident.status != "cancelled",
        state_reason="completed" if action.status == "done" else "not_planned",
        record=Record(path, "action", action.id, action.issue),
    )


def _breaches(
    plan: Plan,
    incident: Incident,
    policy: Policy,
    obs: list[Obligation],
    dept_markers: dict[str, str],
    action_markers: dict[str, str],
) -> None:
    severity = policy.severity(incident.severity)
    wide = [
        dept_markers[d] for d in (severity.departments if severity else []) if d in dept_markers
    ]
    for ob in obs:
        if ob.state not in ("overdue", "missed"):
            continue
        if ob.kind == "escalate":
            targets = [dept_markers[ob.department]] if ob.department in dept_markers else []
            qualifiers = [ob.department or ""]
        elif ob.kind == "action":
            targets = [action_markers[ob.action]] if ob.action in action_markers else []
            qualifiers = [ob.action or ""]
        else:
            targets = wide
            qualifiers = [_stamp(ob.due)] if ob.kind in RECURRING and ob.due else []
        marker = markers.breach(incident.id, ob.kind, *qualifiers)
        for issue_marker in targets:
            repo = next(s.repo for s in plan.issues if s.marker == issue_marker)
            body = texts.breach_comment(marker, incident, ob)
            plan.comments.append(CommentSpec(repo, issue_marker, marker, body))


def _labels(department_labels: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys([*department_labels, BOT_LABEL]))


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%MZ")
