"""The desired GitHub state, as a pure function of incidents + policy + obligations + now.

Which issues where (SPEC §7):
- department issues while the incident is open: at once for the required departments
  (`classify.required_departments`: severity, category, classification) and for every
  department with an `escalations[]` entry. An escalation tier — a rule's department not
  otherwise on the incident — gets its issue only when its obligation falls due unmet:
  the bot escalates, opening the issue and recording the entry
  `{department, at: now, by: incident-ops}` through the write-back (`AddEscalation`), so
  the obligation reads met-late and a rerun adds nothing. A tier not due yet is not opened
  (an issue that exists is kept current); a lapsed tier (its `until` reached, missed or
  waived) never opens one, and one that exists is closed with a comment. Every department
  issue is closed with a comment once the incident is closed or cancelled;
- an action issue per prevention action whose department has a GitHub repo; it lives on
  after the incident closes and is closed when the action is done or won't be done — or,
  the other way round, closing or reopening it on GitHub is recorded in the file
  (`ActionSync`, see `sweep`);
- one comment per breach, on the issue that owns it: `escalate` on that department's
  issue (the lead issue when it has none), `action` on the action's issue (closed
  incidents too), incident-wide deadlines (acknowledge, mitigate, updates, rca) on the
  lead issue only — the issue of the first required department with a GitHub repo, i.e.
  the severity's first department when it has one. Update cadences recur, so their marker
  carries the missed due time (`breach:customer-update:20261120T1012Z`);
- one comment on each open action issue of an earlier incident that a later one recurs
  (the policy's `recurrence` rule, matched as `rules.recurrence` matches it).

Mentions (the commander, the department's `team` and `mention`, an action's owner) are
a pure function of the file and policy, so a rerun does not rewrite a body.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal

from incident_ops.domain.incident import Action, ActionStatus, Escalation, Incident
from incident_ops.domain.obligations import Obligation, obligations, rule_applies
from incident_ops.github import markers, texts
from incident_ops.policy.classify import required_departments
from incident_ops.policy.load import Policy
from incident_ops.policy.model import EscalationRule, GitHubTarget

BOT_LABEL = "incident-ops"
BOT_BY = "incident-ops"  # `by:` of the escalations the bot records (whatever its token)
RECURRING = ("customer-update", "management-update")
FINISHED = ("closed", "cancelled")
BREACHED = ("overdue", "missed")
OPEN_DUTY = ("pending", "overdue")
ObligationsOf = Callable[[Incident, Policy, datetime], list[Obligation]]
Mode = Literal["open", "keep", "lapsed", "closed"]


@dataclass(frozen=True)
class Record:
    """Where an issue's reference goes back into the incident's front matter."""

    path: str  # relative to the repo root
    kind: Literal["department", "action"]
    key: str  # department name or action id
    current: str | None  # the reference the file holds now


@dataclass(frozen=True)
class AddEscalation:
    """The bot engaged `department`: the `escalations[]` entry to add to the file — only
    while the file has none for that department, so applying it twice adds one."""

    path: str
    department: str
    at: datetime
    by: str = BOT_BY


@dataclass(frozen=True)
class SetAction:
    """An action issue closed or reopened on GitHub: the action's `status` and `done_at`
    to record in the file (`done_at` None: removed)."""

    path: str
    action: str
    status: ActionStatus
    done_at: datetime | None = None


Edit = AddEscalation | SetAction  # front-matter edits the sweep returns (`Outcome.edits`)


@dataclass(frozen=True)
class ActionSync:
    """What the two-way sync of an action issue needs: where the action is written, and
    whether the file says it is finished (done or wont-do)."""

    path: str
    action: str
    finished: bool


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
    escalate: AddEscalation | None = None  # the bot engages the department with this issue
    sync: ActionSync | None = None  # an action issue: its state is synced both ways


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
    read = list(incidents)
    for path, incident in read:
        _IncidentPlan(plan, path, incident, policy, now, obligations_of).build()
    _recurrences(plan, read, policy, now)
    return plan


class _IncidentPlan:
    """The issues and comments of one incident."""

    def __init__(
        self,
        plan: Plan,
        path: str,
        incident: Incident,
        policy: Policy,
        now: datetime,
        obligations_of: ObligationsOf,
    ) -> None:
        self.plan, self.path, self.policy, self.now = plan, path, policy, now
        self.at = now.replace(microsecond=0)  # when the bot escalates, as the file records it
        self.finished = incident.status in FINISHED
        self.required = required_departments(incident, policy)
        obs = obligations_of(incident, policy, now)
        self.escalating = [] if self.finished else self._falling_due(obs)
        if self.escalating:
            # Plan the state after the bot's escalation, as the next run will read it.
            added = [Escalation(department=d, at=self.at, by=BOT_BY) for d in self.escalating]
            incident = incident.model_copy(update={"escalations": [*incident.escalations, *added]})
            obs = obligations_of(incident, policy, now)
        self.incident, self.obs = incident, obs
        self.lead = next((d for d in self.required if self._github(d) is not None), None)

    # ---- which departments ----------------------------------------------------------------
    def _github(self, dept: str | None) -> GitHubTarget | None:
        department = self.policy.model.departments.get(dept or "")
        return department.github if department is not None else None

    def _falling_due(self, obs: list[Obligation]) -> list[str]:
        """Escalation tiers due unmet that the bot can engage: it opens their issue now."""
        return list(
            dict.fromkeys(
                o.department
                for o in obs
                if o.kind == "escalate"
                and o.state == "overdue"
                and o.department
                and o.department not in self.required
                and self._github(o.department) is not None
            )
        )

    def _engaged(self) -> list[str]:
        return [
            e.department
            for e in self.incident.escalations
            if self.finished or e.at <= self.now  # replay: entries recorded by now
        ]

    def _tiers(self, known: set[str]) -> dict[str, str | None]:
        """Departments only escalation rules bring in: None while a tier is not due yet
        (pending), else why it is no longer needed (lapsed, missed or waived)."""
        tiers: dict[str, str | None] = {}
        for rule in self.policy.model.escalations:
            dept = rule.department
            if dept in known or not rule_applies(rule, self.incident, self.policy):
                continue
            ob = next((o for o in self.obs if o.kind == "escalate" and o.rule == rule.name), None)
            if ob is not None and ob.state in OPEN_DUTY:
                tiers[dept] = None
            elif dept not in tiers:
                tiers[dept] = _lapse(rule, ob)
        return tiers

    def build(self) -> None:
        needed = dict.fromkeys([*self.required, *self._engaged()])
        tiers = self._tiers(set(needed))
        opened: dict[str, IssueSpec] = {}  # open department issues, by department
        for dept in needed:
            self._add(opened, dept, "closed" if self.finished else "open", report=True)
        for dept, lapse in tiers.items():
            if self.finished:
                self._add(opened, dept, "closed")
            else:
                self._add(opened, dept, "keep" if lapse is None else "lapsed", lapse)
        actions: dict[str, IssueSpec] = {}
        for action in self.incident.actions:
            spec = self._action_issue(action)
            if spec is not None:
                self.plan.issues.append(spec)
                if spec.open:
                    actions[action.id] = spec
        self._breaches(opened, actions)

    def _add(
        self,
        opened: dict[str, IssueSpec],
        dept: str,
        mode: Mode,
        lapse: str | None = None,
        report: bool = False,
    ) -> None:
        spec = self._department_issue(dept, mode, lapse, report)
        if spec is not None:
            self.plan.issues.append(spec)
            if spec.open:
                opened[dept] = spec

    # ---- issues ---------------------------------------------------------------------------
    def _department_issue(
        self, dept: str, mode: Mode, lapse: str | None, report: bool
    ) -> IssueSpec | None:
        incident = self.incident
        department = self.policy.model.departments.get(dept)
        if department is None or department.github is None:
            if report:
                self.plan.skipped.append(
                    f"{incident.id}: department {dept} has no GitHub repo configured"
                )
            return None
        gh = department.github
        severity = self.policy.severity(incident.severity)
        wide = dept in (severity.departments if severity else []) or dept == self.lead
        duties = [
            o
            for o in self.obs
            if o.state in OPEN_DUTY
            and (o.department == dept if o.kind in ("escalate", "action") else wide)
        ]
        entries = [e for e in incident.escalations if e.department == dept]
        body = texts.department_body(
            incident,
            self.path,
            dept,
            self._role(dept, department.name),
            duties,
            self._notify(dept),
            lead=dept == self.lead,
        )
        finished = mode in ("lapsed", "closed")
        close_comment: str | None = None
        if mode == "lapsed":
            close_comment = texts.lapsed_comment(incident, dept, department.name, lapse or "")
        elif mode == "closed":
            close_comment = texts.closed_comment(incident)
        return IssueSpec(
            repo=gh.repo,
            marker=markers.department(incident.id, dept),
            title=texts.department_title(incident),
            body=body,
            labels=_labels(gh.labels),
            assignees=tuple(gh.assignees),
            open=not finished,
            create=mode == "open",
            state_reason="completed" if incident.status == "closed" else "not_planned",
            close_comment=close_comment,
            record=Record(self.path, "department", dept, entries[0].issue) if entries else None,
            escalate=(AddEscalation(self.path, dept, self.at) if dept in self.escalating else None),
        )

    def _role(self, dept: str, name: str) -> str:
        """Why the department is on the incident (first line of its issue)."""
        incident = self.incident
        if dept in self.required:
            return texts.role_required(incident, name)
        entry = self._first_entry(dept)
        if entry is not None:
            ob = self._escalated_by_bot(dept)
            if ob is not None:
                return texts.role_escalated(incident, name, ob)
            return texts.role_engaged(incident, name, entry)
        for ob in self.obs:
            if ob.kind == "escalate" and ob.department == dept and ob.state in OPEN_DUTY:
                return texts.role_pending(incident, name, ob, _until(self.policy, ob.rule))
        return texts.role_required(incident, name)

    def _first_entry(self, dept: str) -> Escalation | None:
        entries = [e for e in self.incident.escalations if e.department == dept]
        return min(entries, key=lambda e: e.at) if entries else None

    def _escalated_by_bot(self, dept: str | None) -> Obligation | None:
        """The escalation obligation the bot's own entry satisfied (late), if any."""
        entry = self._first_entry(dept or "")
        if entry is None or entry.by != BOT_BY:
            return None
        return next(
            (
                o
                for o in self.obs
                if o.kind == "escalate"
                and o.department == dept
                and o.state == "met-late"
                and o.satisfied_at == entry.at
            ),
            None,
        )

    def _notify(self, dept: str | None) -> tuple[str, ...]:
        return _notify(self.policy, dept)

    def _action_issue(self, action: Action) -> IssueSpec | None:
        incident = self.incident
        gh = self._github(action.department)
        if gh is None:
            where = action.department or "no department"
            self.plan.skipped.append(
                f"{incident.id}: action {action.id} ({where}) has no GitHub repo"
            )
            return None
        owner = (action.owner or "").strip()
        login = owner[1:] if owner.startswith("@") and "/" not in owner else None
        is_open = action.status == "open"
        return IssueSpec(
            repo=gh.repo,
            marker=markers.action(incident.id, action.id),
            title=texts.action_title(incident, action),
            body=texts.action_body(incident, self.path, action),
            labels=_labels(gh.labels),
            assignees=(login,) if login else tuple(gh.assignees),
            open=is_open,
            create=is_open and incident.status != "cancelled",
            state_reason="completed" if action.status == "done" else "not_planned",
            record=Record(self.path, "action", action.id, action.issue),
            sync=ActionSync(self.path, action.id, finished=not is_open),
        )

    # ---- breaches -------------------------------------------------------------------------
    def _breaches(self, opened: dict[str, IssueSpec], actions: dict[str, IssueSpec]) -> None:
        """One comment per breach, on the issue that owns it (see the module docstring)."""
        incident = self.incident
        if incident.status == "cancelled":
            return
        lead = opened.get(self.lead or "")
        commander = texts.mention(incident.commander)
        for ob in self.obs:
            if self.finished and ob.kind != "action":
                continue  # a closed incident's department issues are closed
            escalated: str | None = None
            if ob.kind == "escalate":
                by_bot = ob.state == "met-late" and self._escalated_by_bot(ob.department)
                if ob.state not in BREACHED and not by_bot:
                    continue
                target = opened.get(ob.department or "") or (None if by_bot else lead)
                qualifiers = [ob.department or ""]
                cc = texts.mentions(commander, *self._notify(ob.department))
                if by_bot:
                    department = self.policy.model.departments.get(ob.department or "")
                    escalated = department.name if department else ob.department
            elif ob.kind == "action":
                if ob.state not in BREACHED:
                    continue
                target = actions.get(ob.action or "")
                qualifiers = [ob.action or ""]
                action = next(a for a in incident.actions if a.id == ob.action)
                cc = texts.mentions(action.owner, *self._notify(action.department))
            else:
                if ob.state not in BREACHED:
                    continue
                target = lead
                qualifiers = [_stamp(ob.due)] if ob.kind in RECURRING and ob.due else []
                cc = texts.mentions(commander, *self._notify(self.lead))
            if target is None:
                continue
            marker = markers.breach(incident.id, ob.kind, *qualifiers)
            body = texts.breach_comment(marker, incident, ob, cc, escalated)
            self.plan.comments.append(CommentSpec(target.repo, target.marker, marker, body))


def _lapse(rule: EscalationRule, ob: Obligation | None) -> str:
    """Why an escalation tier is no longer needed, for the comment closing its issue."""
    if ob is not None and ob.state == "waived" and ob.waiver is not None:
        return f"rule `{rule.name}` was waived by {ob.waiver.by}: {ob.waiver.reason}"
    if ob is not None and ob.state == "missed":
        return (
            f"rule `{rule.name}` fell due on {texts.when(ob.due)} unmet and lapsed when the "
            f"incident reached `{rule.until}`"
        )
    return f"the incident reached `{rule.until}` before rule `{rule.name}` fell due"


def _notify(policy: Policy, dept: str | None) -> tuple[str, ...]:
    """Whom a department's issues and breaches mention: its `team` and `mention` list."""
    department = policy.model.departments.get(dept or "")
    gh = department.github if department is not None else None
    if gh is None:
        return ()
    return texts.mentions(f"@{gh.team}" if gh.team else None, *gh.mention)


def _until(policy: Policy, rule_name: str | None) -> str:
    rule = next((r for r in policy.model.escalations if r.name == rule_name), None)
    return rule.until if rule is not None else "resolved"


def _recurrences(
    plan: Plan, read: list[tuple[str, Incident]], policy: Policy, now: datetime
) -> None:
    """A comment on each open action issue of an earlier incident a later one recurs: the
    policy's `recurrence` rule decides (as `validate` does), not `related`, which may name
    incidents for other reasons."""
    if policy.model.recurrence is None:
        return
    from incident_ops.rules.recurrence import earlier_in
    from incident_ops.workspace.index import RepoIndex, entry_of

    index = RepoIndex()
    by_path: dict[str, Incident] = {}
    for path, incident in read:
        index.add(entry_of(path, incident))
        by_path[path] = incident
    open_actions = {s.marker: s for s in plan.issues if s.sync is not None and s.open}
    for path, later in read:
        if later.detected_at > now:
            continue  # replay: not detected yet
        for entry in earlier_in(policy, index, index.entries[path]):
            earlier = by_path[entry.path]
            for action in earlier.actions:
                spec = open_actions.get(markers.action(earlier.id, action.id))
                if spec is None:
                    continue
                key = markers.recurred(earlier.id, action.id, later.id)
                cc = texts.mentions(action.owner, *_notify(policy, action.department))
                body = texts.recurred_comment(key, earlier, action, later, cc)
                plan.comments.append(CommentSpec(spec.repo, spec.marker, key, body))


def _labels(department_labels: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys([*department_labels, BOT_LABEL]))


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%MZ")
