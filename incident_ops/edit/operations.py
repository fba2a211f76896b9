"""The lifecycle operations as library calls: acknowledge, escalate, add_update, resolve, close.

Each plans its change on the incident as it is *now* (read under the repository's edit
lock), applies it with `edit.frontmatter` (only the changed lines differ), validates the
would-be file in memory and writes it only when the gate passes: `close` refuses on any
error the file would have — the same rules at the same levels as `validate` and the
pull-request check, so a closure the CLI accepts is one the PR gate accepts (approvals
aside); the others refuse only the errors their own change would introduce. They
return an `EditResult` and never print, so the CLI, a Python caller and a comment handler
share them.

What every operation refuses (the record must stay truthful):
- a time after now (beyond a small clock-skew allowance): an event that has not happened;
- any change to a closed incident (its record is final; `history --check` would flag it);
- a change that would break the file (schema, lifecycle).
Running the same operation twice changes nothing the second time: a stage already
reached keeps its time, an escalation to a department already engaged and an update
already recorded (same audience, channel and text) are not added again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from incident_ops.domain import stages
from incident_ops.domain.incident import Incident
from incident_ops.domain.instants import not_in_future
from incident_ops.edit.frontmatter import (
    Change,
    append_item,
    edit_text,
    instant,
    read_text,
    set_key,
)
from incident_ops.edit.transaction import Transaction, transaction
from incident_ops.errors import GateRefused, IncidentOpsError
from incident_ops.finding import Finding
from incident_ops.lint.levels import Levels
from incident_ops.parse.document import Document, parse_text
from incident_ops.policy.load import Policy
from incident_ops.rules import run_rules
from incident_ops.rules._context import Context
from incident_ops.workspace.config import Repo
from incident_ops.workspace.index import RepoIndex
from incident_ops.workspace.load import Record, load_incident
from incident_ops.workspace.workspace import Workspace

EDIT_GATE = ("syntax", "schema", "lifecycle")
AUDIENCE_NAMES = {"customers": "customer", "management": "management", "internal": "internal"}


@dataclass(frozen=True)
class EditResult:
    """What an operation did: `changed` False means the incident already said so."""

    incident: str
    path: str  # relative to the repository root
    changed: bool
    message: str  # e.g. "acknowledged at 2026-11-20T09:20:00+01:00"
    summary: str  # the commit subject's verb phrase, e.g. "acknowledged"
    commit: str | None = None  # the commit id, when committed

    @property
    def subject(self) -> str:
        """The conventional commit subject of this change."""
        return f"incident({self.incident}): {self.summary}"


@dataclass(frozen=True)
class Plan:
    """A change to make (None: nothing to do) and how to describe it."""

    change: Change | None
    done: str
    summary: str


Planner = Callable[[Incident], Plan]


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


def handle(login: str) -> Any:
    """`@erin` as SPEC writes handles: with its `@`, double-quoted (a plain `@` cannot
    start a YAML scalar)."""
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    login = login.strip()
    return DoubleQuotedScalarString(login if login.startswith("@") else f"@{login}")


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

    def now(self) -> datetime:
        if self._clock is not None:
            return self._clock()
        return datetime.now(self.policy.calendar().tz).replace(microsecond=0)

    def when(self, at: datetime | None, what: str = "--at") -> datetime:
        """The time of an event: now by default; a time in the future is refused."""
        now = self.now()
        return now if at is None else not_in_future(at, now, what)

    # ---- the operations ----------------------------------------------------------------
    def acknowledge(
        self, incident_id: str, at: datetime | None = None, commit: bool = False
    ) -> EditResult:
        return self._stage(incident_id, "acknowledged", "acknowledged_at", at, commit)

    def resolve(
        self, incident_id: str, at: datetime | None = None, commit: bool = False
    ) -> EditResult:
        return self._stage(incident_id, "resolved", "resolved_at", at, commit)

    def close(
        self, incident_id: str, at: datetime | None = None, commit: bool = False
    ) -> EditResult:
        """Close after the closure rules pass; otherwise GateRefused with the findings."""
        when = self.when(at)
        plan = _stage_plan("closed", "closed_at", "closed", when)
        return self.run(incident_id, plan, commit=commit, close=True)

    def escalate(
        self,
        incident_id: str,
        department: str,
        at: datetime | None = None,
        by: str | None = None,
        commit: bool = False,
    ) -> EditResult:
        known = sorted(self.policy.model.departments)
        if department not in known:
            raise IncidentOpsError(f"unknown department {department!r}; known: {', '.join(known)}")
        when = self.when(at)

        def plan(incident: Incident) -> Plan:
            earlier = [e for e in incident.escalations if e.department == department]
            if earlier:
                stamp = earlier[0].at.isoformat()
                return Plan(None, f"already escalated to {department} at {stamp}", "")
            item: dict[str, Any] = {"department": department, "at": instant(when)}
            if by:
                item["by"] = handle(by)
            return Plan(
                lambda data: append_item(data, "escalations", item),
                f"escalated to {department} at {when.isoformat()}",
                f"escalated to {department}",
            )

        return self.run(incident_id, plan, commit=commit)

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
        name = AUDIENCE_NAMES[audience]

        def plan(incident: Incident) -> Plan:
            for u in incident.updates:
                if (u.audience, u.channel, u.summary, u.final) == (
                    audience, channel, summary, final
                ):  # fmt: skip
                    return Plan(None, f"{name} update already recorded at {u.at.isoformat()}", "")
            item: dict[str, Any] = {"at": instant(when), "audience": audience, "channel": channel}
            item |= {"summary": summary, "final": final}
            label = ("final " if final else "") + f"{name} update"
            return Plan(
                lambda data: append_item(data, "updates", item),
                f"{label} ({channel}) at {when.isoformat()}",
                f"{name} update",
            )

        return self.run(incident_id, plan, commit=commit)

    # ---- machinery ---------------------------------------------------------------------
    def _stage(
        self, incident_id: str, status: str, field: str, at: datetime | None, commit: bool
    ) -> EditResult:
        plan = _stage_plan(status, field, status, self.when(at))
        return self.run(incident_id, plan, commit=commit)

    def run(
        self,
        incident_id: str,
        plan: Planner,
        commit: bool = False,
        close: bool = False,
        coauthors: Sequence[str] = (),
    ) -> EditResult:
        """Plan on the current file, gate, write and (optionally) commit, under the lock."""
        with self.batch(commit, coauthors) as tx:
            result = self.apply(tx, incident_id, plan, close)
            tx.message = result.subject
        return _with_commit(result, tx)

    @contextmanager
    def batch(self, commit: bool = False, coauthors: Sequence[str] = ()) -> Iterator[Transaction]:
        """Several operations as one transaction (one lock, one commit)."""
        with transaction(self.repo, commit, coauthors=coauthors) as tx:
            yield tx

    def apply(self, tx: Transaction, incident_id: str, plan: Planner, close: bool = False
              ) -> EditResult:  # fmt: skip
        """One operation inside a transaction: find, plan, gate, write."""
        record, index = self.workspace.find(incident_id.strip())
        incident = record.incident
        assert incident is not None  # `find` refuses files that do not validate
        planned = plan(incident)
        if planned.change is None:
            return EditResult(incident.id, record.path, False, planned.done, planned.summary)
        if incident.status == "closed":
            raise GateRefused(
                f"{incident.id} is closed: its record is final (history --check reports any "
                "later edit); reopen it in a pull request if it must change"
            )
        text = read_text(record.abspath)
        new = edit_text(text, planned.change, record.path)
        if new == text:
            return EditResult(incident.id, record.path, False, planned.done, planned.summary)
        self._gate(record, index, text, new, close)
        tx.write(record.abspath, text, new)
        return EditResult(incident.id, record.path, True, planned.done, planned.summary)

    def _gate(self, record: Record, index: RepoIndex, old: str, new: str, close: bool) -> None:
        now = self.now()
        after = self._check(record, index, new, now, None if close else EDIT_GATE)
        if not close:  # refuse only what this change introduces
            before = {(f.rule, f.message) for f in self._check(record, index, old, now, EDIT_GATE)}
            after = [f for f in after if (f.rule, f.message) not in before]
        if after:
            listed = "".join(f"\n  {f.path}:{f.line}: [{f.rule}] {f.message}" for f in after)
            verb = "not closed" if close else "not changed"
            raise GateRefused(f"{record.id}: {verb}:{listed}")

    def _check(
        self,
        record: Record,
        index: RepoIndex,
        text: str,
        now: datetime,
        rules: tuple[str, ...] | None,
    ) -> list[Finding]:
        """Errors of `rules` (None: every rule) on `text` as if it were the record's file
        (nothing is written)."""
        doc = Document(record.path)
        parse_text(doc, text)
        ctx = Context(doc, load_incident(doc), self.policy, index, now, self.levels)
        found = run_rules(ctx)
        return [f for f in found if f.level == "error" and (rules is None or f.rule in rules)]


def _stage_plan(status: str, field: str, word: str, at: datetime) -> Planner:
    def plan(incident: Incident) -> Plan:
        change = stage_change(incident, status, field, at)
        if change is None:
            stamp = getattr(incident, field).isoformat()
            return Plan(None, f"already {word} at {stamp}", word)
        return Plan(change, f"{word} at {at.isoformat()}", word)

    return plan


def _with_commit(result: EditResult, tx: Transaction) -> EditResult:
    if tx.commit_id is None:
        return result
    return EditResult(
        result.incident, result.path, result.changed, result.message, result.summary,
        tx.commit_id,
    )  # fmt: skip
