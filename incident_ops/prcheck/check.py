"""`pr-check` as a library call: a PR's incident changes → findings, transitions, gates.

What is read from where, and why:
- the changed incident files, as they are at head (validated with the policy at head,
  so a PR may add a severity and use it);
- their base versions, only for the status (and severity) before the PR;
- the policy at the *base* revision for the closure-approval gate, so a PR cannot weaken
  its own gate (a repo whose base has no policies yet uses head's);
- when the PR changes a policy or incident-ops.yaml, every incident at head is validated,
  since a policy change can break files the PR does not touch.
Cross-file rules (duplicate id, related ids, recurrence) see the rest of the repo through
`Workspace.index`, which reads unchanged files from the index cache (no re-parse).
"""

from __future__ import annotations

import os
import posixpath
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from incident_ops.domain.instants import parse_instant
from incident_ops.errors import PolicyError
from incident_ops.finding import Finding
from incident_ops.lint.levels import Levels
from incident_ops.lint.validate import check_records
from incident_ops.policy.load import Policy, load_policy
from incident_ops.prcheck.approvals import ApprovalSource, Gate, evaluate, gate_findings
from incident_ops.prcheck.changes import (
    Change,
    Revisions,
    changed_files,
    materialize,
    open_revisions,
    under,
)
from incident_ops.prcheck.transitions import Transition, transition, transition_findings
from incident_ops.workspace.config import CONFIG_FILE, Repo
from incident_ops.workspace.load import Record, read_record
from incident_ops.workspace.workspace import Workspace

if TYPE_CHECKING:
    from git import Commit

Source = Callable[[], ApprovalSource | str]


@dataclass
class PrReport:
    """Everything pr-check found, for the renderers and the step summary."""

    changes: list[Change] = field(default_factory=list)  # incident files the PR changes
    policy_changed: bool = False
    validated: dict[str, Record] = field(default_factory=dict)
    transitions: list[Transition] = field(default_factory=list)
    gates: list[Gate] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def incidents(self) -> int:
        return sum(1 for item in self.validated.values() if item.incident is not None)


def is_incident(repo: Repo, path: str | None) -> bool:
    name = path.rsplit("/", 1)[-1] if path else ""
    hidden = any(part.startswith(".") for part in (path or "").split("/"))
    return under(path, repo.config.incidents) and name.endswith(".md") and not hidden


def is_policy(repo: Repo, path: str | None) -> bool:
    if path == CONFIG_FILE:
        return True
    folder = posixpath.normpath(repo.config.policies.strip("/"))
    return (
        path is not None
        and path.endswith((".yaml", ".yml"))
        and posixpath.dirname(path) == ("" if folder == "." else folder)
    )


def scan(repo: Repo, base: str, head: str) -> tuple[Revisions, PrReport]:
    """The revisions and which incident and policy files the PR changes (no parsing yet)."""
    revs = open_revisions(repo.root, base, head)
    changes = changed_files(revs)
    report = PrReport(
        changes=[c for c in changes if is_incident(repo, c.new) or is_incident(repo, c.old)],
        policy_changed=any(is_policy(repo, c.new) or is_policy(repo, c.old) for c in changes),
    )
    return revs, report


def _policy_at(revs: Revisions, repo: Repo, commit: Commit, dest: str) -> Policy | None:
    folder = repo.config.policies.strip("/")
    paths = materialize(revs, commit, revs.list_dir(commit, folder), dest)
    if not paths:
        return None
    return load_policy(os.path.join(dest, folder), dest)


def check(
    repo: Repo, revs: Revisions, report: PrReport, now: str | None, source: Source
) -> PrReport:
    """Validate, check transitions and the approval gate; fills and returns `report`."""
    with tempfile.TemporaryDirectory(prefix="incident-ops-pr-") as tmp:
        head_dir, base_dir = os.path.join(tmp, "head"), os.path.join(tmp, "base")
        head_policy = _policy_at(revs, repo, revs.head, head_dir)
        if head_policy is None:
            raise PolicyError.at(repo.config.policies, 1, "no policy files (*.yaml) at head")
        targets = [c.new for c in report.changes if c.new and is_incident(repo, c.new)]
        if report.policy_changed:
            folder = repo.config.incidents.strip("/")
            targets = [p for p in revs.walk(revs.head, folder) if is_incident(repo, p)]
        for path in materialize(revs, revs.head, targets, head_dir):
            report.validated[path] = read_record(os.path.join(head_dir, path), path)
        levels = Levels.of(repo)
        clock = parse_instant(now, head_policy.calendar().tz)
        index = Workspace(repo).index(report.validated)
        findings = check_records(report.validated.values(), head_policy, index, clock, levels)
        olds = [c.old for c in report.changes if c.old and c.new and is_incident(repo, c.new)]
        materialize(revs, revs.base, olds, base_dir)
        for change in report.changes:
            if change.new is None or change.new not in report.validated:
                continue
            old = None
            if change.old is not None and os.path.exists(os.path.join(base_dir, change.old)):
                old = read_record(os.path.join(base_dir, change.old), change.old).doc
            head_doc = report.validated[change.new].doc
            report.transitions.append(transition(change.new, old, head_doc))
        findings += transition_findings(report.transitions, levels)
        closing = [t for t in report.transitions if t.closes]
        if closing:
            gate_policy = _policy_at(revs, repo, revs.base, base_dir) or head_policy
            report.gates = evaluate(closing, gate_policy, source)
            findings += gate_findings(report.gates)
    report.findings = sorted(findings)
    return report
