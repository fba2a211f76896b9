"""The edits of an incident record as library calls, one `Editor` method each.

Lifecycle: acknowledge, investigate (also the reopen), mitigate, resolve, close, cancel.
The record: escalate, add_update, assign (commander), set_impact, set_root_cause,
add_action, action_done, action_wont_do. What each changes is planned in `edit.plans`
and `edit.actions` (pure); this module checks the arguments and runs the plans.

Each plans its change on the incident as it is *now* (read under the repository's edit
lock), applies it with `edit.frontmatter` (only the changed lines differ), validates the
would-be file in memory and writes it only when the gate passes (`edit.gate`): `close`
refuses on any error the file would have — the same rules at the same levels as
`validate` and the pull-request check, so a closure the CLI accepts is one the PR gate
accepts (approvals aside); the others refuse only the errors their own change would
introduce. They return an `EditResult` and never print, so the CLI, a Python caller and
a comment handler share them.

What every operation refuses (the record must stay truthful):
- a time after now (beyond a small clock-skew allowance): an event that has not happened;
- any change to a closed incident (its record is final; `history --check` would flag it),
  except a prevention action's progress (done, won't do), which goes on after closure;
- a change that would break the file (schema, lifecycle).
Running the same operation twice changes nothing the second time: a stage already
reached keeps its time, an escalation to a department already engaged and an update
already recorded (same audience, channel and text), a value already set and an action
already planned (same title) are not added again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import get_args

from incident_ops.domain.incident import ActionKind, Incident, ObligationKind
from incident_ops.domain.instants import not_in_future
from incident_ops.edit import actions, plans
from incident_ops.edit.frontmatter import edit_text, read_text
from incident_ops.edit.gate import EDIT_GATE, GateContext, gate
from incident_ops.edit.guidance import ROOT_CAUSE_CATEGORIES, approvals_note
from incident_ops.edit.people import handle, names
from incident_ops.edit.plans import Plan, Planner, stage_change
from incident_ops.edit.transaction import Transaction, transaction
from incident_ops.errors import GateRefused, IncidentOpsError
from incident_ops.lint.levels import Levels
from incident_ops.policy.load import Policy
from incident_ops.workspace.config import Repo
from incident_ops.workspace.index import RepoIndex
from incident_ops.workspace.load import Record
from incident_ops.workspace.workspace import Workspace

__all__ = ["EDIT_GATE", "EditResult", "Editor", "Plan", "Planner", "handle", "stage_change"]

ACTION_KINDS: tuple[str, ...] = get_args(ActionKind)


@dataclass(frozen=True)
class EditResult:
    """What an operation did: `changed` False means the incident already said so."""

    incident: str
    path: str  # relative to the repository root
    changed: bool
    message: str  # e.g. "acknowledged at 2026-11-20T09:20:00+01:00"
    summary: str  # the commit subject's verb phrase, e.g. "acknowledged"
    commit: str | None = None  # the commit id, when committed
    notes: tuple[str, ...] = ()  # what comes next, e.g. the approvals a close PR needs

    @property
    def subject(self) -> str:
        """The conventional commit subject of this change."""
        return f"incident({self.incident}): {self.summary}"


class Editor:
    """Edits the incidents of one repository under its policy."""

    def __init__(
        self,
        repo: Repo,
        policy: Policy,
        clock: Callable[[], datetime] | None = None,
        levels: Levels | None = None,
    ) -> None:
        self.repo, self.policy = repo, policy
        self.workspace = Workspace(repo)
        self.levels = Levels.of(repo) if levels is None else levels
        self._clock = clock
        self._open: Transaction | None = None  # the transaction of a running `batch`

    def now(self) -> datetime:
        if self._clock is not None:
            return self._clock()
        return datetime.now(self.policy.calendar().tz).replace(microsecond=0)

    def when(self, at: datetime | None, what: str = "--at") -> datetime:
        """The time of an event: now by default; a time in the future is refused."""
        now = self.now()
        return now if at is None else not_in_future(at, now, what)

    # ---- the lifecycle ------------------------------------------------------------------
    def acknowledge(
        self, incident_id: str, at: datetime | None = None, commit: bool = False
    ) -> EditResult:
        return self._stage(incident_id, "acknowledged", "acknowledged_at", at, commit)

    def investigate(
        self, incident_id: str, at: datetime | None = None, commit: bool = False
    ) -> EditResult:
        """Status investigating; `at` is the acknowledgement time when there is none yet.
        On a resolved incident this is the reopen."""
        return self.run(incident_id, plans.investigate(self.when(at)), commit=commit)

    def mitigate(
        self, incident_id: str, at: datetime | None = None, commit: bool = False
    ) -> EditResult:
        return self._stage(incident_id, "mitigated", "mitigated_at", at, commit)

    def resolve(
        self, incident_id: str, at: datetime | None = None, commit: bool = False
    ) -> EditResult:
        return self._stage(incident_id, "resolved", "resolved_at", at, commit)

    def close(
        self, incident_id: str, at: datetime | None = None, commit: bool = False
    ) -> EditResult:
        """Close after the closure rules pass; otherwise GateRefused with the findings and
        how to fix each. The result notes the approvals the closing pull request needs."""
        stage = plans.stage("closed", "closed_at", "closed", self.when(at))

        def plan(incident: Incident) -> Plan:
            note = approvals_note(incident, self.policy)
            return replace(stage(incident), notes=(note,) if note else ())

        return self.run(incident_id, plan, commit=commit, close=True)

    def cancel(
        self, incident_id: str, at: datetime | None = None, commit: bool = False
    ) -> EditResult:
        """Status cancelled with cancelled_at (not an incident after all, or a duplicate)."""
        return self._stage(incident_id, "cancelled", "cancelled_at", at, commit)

    # ---- the record ---------------------------------------------------------------------
    def escalate(
        self,
        incident_id: str,
        department: str,
        at: datetime | None = None,
        by: str | None = None,
        commit: bool = False,
    ) -> EditResult:
        self._department(department)
        who = handle(by, "--by") if by else None
        return self.run(incident_id, plans.escalate(department, self.when(at), who), commit=commit)

    def add_update(
        self,
        incident_id: str,
        audience: str,
        channel: str,
        summary: str,
        at: datetime | None = None,
        final: bool = False,
        commit: bool = False,
    ) -> EditResult:
        if not summary.strip():
            raise IncidentOpsError("an update needs a summary")
        when = self.when(at)
        planner = plans.add_update(audience, channel, summary, when, final)
        return self.run(incident_id, planner, commit=commit)

    def assign(self, incident_id: str, commander: str, commit: bool = False) -> EditResult:
        """Set the incident commander; a bare login gets its `@`."""
        return self.run(incident_id, plans.assign(handle(commander, "--commander")), commit=commit)

    def set_impact(
        self,
        incident_id: str,
        values: dict[str, bool | int | None] | None = None,
        customers: Sequence[str] | None = None,
        add_customers: Sequence[str] = (),
        commit: bool = False,
    ) -> EditResult:
        """Set impact fields (`customers_affected` and the flags of `plans.IMPACT_FLAGS`; None
        writes `null`, unknown) and the affected customers (`customers` replaces the list,
        `add_customers` adds to it)."""
        values = plans.check_impact(values or {})
        listed = names(customers, "--customers") if customers is not None else None
        added = names(add_customers, "--customer")
        if not values and listed is None and not added:
            raise IncidentOpsError("nothing to set: give an impact flag or customers")
        return self.run(incident_id, plans.impact(values, listed, added), commit=commit)

    def set_root_cause(
        self, incident_id: str, category: str, summary: str | None = None, commit: bool = False
    ) -> EditResult:
        """Set root_cause: {category, summary}; the category from the model's set."""
        if category not in ROOT_CAUSE_CATEGORIES:
            raise IncidentOpsError(
                f"unknown root-cause category {category!r} "
                f"(known: {', '.join(ROOT_CAUSE_CATEGORIES)})"
            )
        if summary is not None and not summary.strip():
            raise IncidentOpsError("--summary must not be empty")
        planner = plans.root_cause(category, summary.strip() if summary else None)
        return self.run(incident_id, planner, commit=commit)

    def add_action(
        self,
        incident_id: str,
        title: str,
        owner: str,
        department: str,
        due: date,
        kind: str = "technical",
        action_id: str | None = None,
        commit: bool = False,
    ) -> EditResult:
        """Add an open prevention action (id `A<n>`, the next free one, unless given)."""
        if not title.strip():
            raise IncidentOpsError("an action needs a title")
        if kind not in ACTION_KINDS:
            known = ", ".join(ACTION_KINDS)
            raise IncidentOpsError(f"unknown action kind {kind!r} (known: {known})")
        self._department(department)
        if action_id is not None and not action_id.strip():
            raise IncidentOpsError("--id must not be empty")
        planner = actions.add_action(
            title.strip(), handle(owner, "--owner"), department, due, kind,
            action_id.strip() if action_id else None,
        )  # fmt: skip
        return self.run(incident_id, planner, commit=commit)

    def action_done(
        self, incident_id: str, action_id: str, at: datetime | None = None, commit: bool = False
    ) -> EditResult:
        """Mark a prevention action done at `at` (also on a closed incident)."""
        return self.run(incident_id, actions.action_done(action_id, self.when(at)), commit=commit)

    def action_wont_do(
        self, incident_id: str, action_id: str, reason: str, commit: bool = False
    ) -> EditResult:
        """Mark a prevention action won't-do, with the reason (`actions[].reason`)."""
        if not reason.strip():
            raise IncidentOpsError("--reason must say why the action will not be done")
        planner = actions.action_wont_do(action_id, reason.strip())
        return self.run(incident_id, planner, commit=commit)

    def waive(
        self,
        incident_id: str,
        obligation: str,
        reason: str,
        by: str,
        department: str | None = None,
        action: str | None = None,
        at: datetime | None = None,
        commit: bool = False,
    ) -> EditResult:
        """Record that an obligation no longer applies: {obligation, department?, action?,
        reason, by, at}. It needs the approval closing needs in its pull request
        (`waiver-approval`); the same waiver twice is no change."""
        kinds = get_args(ObligationKind)
        if obligation not in kinds:
            raise IncidentOpsError(f"unknown obligation {obligation!r} (known: {', '.join(kinds)})")
        if department is not None:
            if obligation != "escalate":
                raise IncidentOpsError("only an escalate waiver names a department")
            self._department(department)
        if action is not None and obligation != "action":
            raise IncidentOpsError("only an action waiver names an action")
        if not reason.strip():
            raise IncidentOpsError("a waiver needs a reason")
        who = handle(by, "--by")
        planner = plans.waive(obligation, department, action, reason.strip(), who, self.when(at))

        def plan(incident: Incident) -> Plan:
            planned = planner(incident)
            severity = self.policy.severity(incident.severity)
            teams = list(severity.rca_approvers) if severity else []
            if planned.change is None or not teams:
                return planned
            note = (
                "the waiver counts once its pull request has an approving review from a "
                f"member of each of: {', '.join(teams)} (waiver-approval)"
            )
            return replace(planned, notes=(note,))

        return self.run(incident_id, plan, commit=commit)

    # ---- machinery ---------------------------------------------------------------------
    def _stage(
        self, incident_id: str, status: str, field: str, at: datetime | None, commit: bool
    ) -> EditResult:
        plan = plans.stage(status, field, status, self.when(at))
        return self.run(incident_id, plan, commit=commit)

    def _department(self, department: str) -> None:
        known = sorted(self.policy.model.departments)
        if department not in known:
            raise IncidentOpsError(f"unknown department {department!r}; known: {', '.join(known)}")

    def run(
        self,
        incident_id: str,
        plan: Planner,
        commit: bool = False,
        close: bool = False,
        coauthors: Sequence[str] = (),
    ) -> EditResult:
        """Plan on the current file, gate, write and (optionally) commit, under the lock.
        Inside `batch` the edit joins that transaction (its lock, its commit)."""
        if self._open is not None:
            return self.apply(self._open, incident_id, plan, close)
        with self.batch(commit, coauthors) as tx:
            result = self.apply(tx, incident_id, plan, close)
            tx.message = result.subject
        return _with_commit(result, tx)

    @contextmanager
    def batch(self, commit: bool = False, coauthors: Sequence[str] = ()) -> Iterator[Transaction]:
        """Several operations as one transaction (one lock, one commit): every operation
        called inside joins it, and if one fails every file is put back as it was."""
        if self._open is not None:
            raise IncidentOpsError("a batch of edits is already running")
        with transaction(self.repo, commit, coauthors=coauthors) as tx:
            self._open = tx
            try:
                yield tx
            finally:
                self._open = None

    def apply(self, tx: Transaction, incident_id: str, plan: Planner, close: bool = False
              ) -> EditResult:  # fmt: skip
        """One operation inside a transaction: find, plan, gate, write."""
        record, index = self.workspace.find(incident_id.strip())
        incident = record.incident
        assert incident is not None  # `find` refuses files that do not validate
        planned = plan(incident)
        if planned.change is None:
            return EditResult(incident.id, record.path, False, planned.done, planned.summary)
        if incident.status == "closed" and not planned.after_closure:
            raise GateRefused(
                f"{incident.id} is closed: its record is final (history --check reports any "
                "later edit); reopen it in a pull request if it must change"
            )
        text = read_text(record.abspath)
        new = edit_text(text, planned.change, record.path)
        if new == text:
            return EditResult(incident.id, record.path, False, planned.done, planned.summary)
        gate(self._context(record, index), text, new, close)
        tx.write(record.abspath, text, new)
        return EditResult(
            incident.id, record.path, True, planned.done, planned.summary, notes=planned.notes
        )

    def _context(self, record: Record, index: RepoIndex) -> GateContext:
        return GateContext(record, index, self.policy, self.now(), self.levels)


def _with_commit(result: EditResult, tx: Transaction) -> EditResult:
    return result if tx.commit_id is None else replace(result, commit=tx.commit_id)
