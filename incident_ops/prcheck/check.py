"""`pr-check` as a library call: a PR's incident changes → findings, transitions, gates.

Which revision decides what, and why. A pull request must not be able to weaken the
check that judges it, so everything that can fail or pass it comes from the **base**
revision (the merge base of BASE and HEAD, i.e. what is already merged and reviewed):
- `incident-ops.yaml`: which files are incidents (the `incidents` folder) and where the
  policies are, and the rule levels (`rules:`);
- the policies: the `requires` of the closure rules (checked with base's policy as well
  as head's: the stricter wins), `rca_approvers` of every approval gate (closing,
  removing a record, adding a waiver).
Head's own `incident-ops.yaml` and policies only describe head's files: they validate the
changed incidents' schema and references (so a PR may add a severity and use it), and
head's configuration must itself be valid. A PR that changes the policies or
`incident-ops.yaml` *and* moves an incident's status is refused (`policy-and-status`).

Files are read from the revisions, never from the work tree: the changed incident files
at head (every incident at head when a policy changes, plus the files relating an id the
PR removes); base versions for the status, severity and id before the PR. Cross-file
rules see every incident of head through `Workspace.index`, whose listing is head's
tree: a file whose blob at head equals the work tree's is read (or taken from the index
cache) there, any other is read from the revision and never cached; the files this run
parsed from a revision are never written to the cache (`trusted` stays empty).
"""

from __future__ import annotations

import os
import posixpath
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from incident_ops.domain.instants import parse_instant
from incident_ops.errors import PolicyError
from incident_ops.finding import Finding
from incident_ops.lint.levels import Levels
from incident_ops.lint.validate import check_records
from incident_ops.parse.document import Document
from incident_ops.policy.load import Policy, load_policy
from incident_ops.prcheck.approvals import (
    ApprovalSource,
    Gate,
    Mismatch,
    SameContent,
    evaluate,
    gate_findings,
    required_teams,
)
from incident_ops.prcheck.changes import (
    Change,
    Revisions,
    changed_files,
    materialize,
    open_revisions,
    under,
)
from incident_ops.prcheck.open_pulls import OpenPullSource, open_pull_findings
from incident_ops.prcheck.policy_change import policy_status_findings
from incident_ops.prcheck.records import RULE as REMOVED
from incident_ops.prcheck.records import Pairing, Removal, pair
from incident_ops.prcheck.transitions import Transition, transition, transition_findings
from incident_ops.prcheck.waivers import WAIVER_RULE, added_waivers
from incident_ops.rules import MODULES
from incident_ops.rules._context import Context
from incident_ops.workspace import cache
from incident_ops.workspace.config import CONFIG_FILE, Repo, repo_from_text
from incident_ops.workspace.index import RepoIndex
from incident_ops.workspace.load import Record, read_record
from incident_ops.workspace.workspace import Workspace

if TYPE_CHECKING:
    from git import Commit


class PullSource(ApprovalSource, OpenPullSource, Protocol):
    """Everything pr-check reads from GitHub about the PR."""


Source = Callable[[], PullSource | str]
CLOSURE_RULES = tuple(module for module in MODULES if module.ID.startswith("closure-"))


@dataclass(frozen=True)
class Scope:
    """The revisions a PR compares and the configuration at each side."""

    revs: Revisions
    base: Repo  # incident-ops.yaml at base: decides (work tree root, for the caches)
    head: Repo  # incident-ops.yaml at head: only locates head's policies

    def is_incident(self, path: str | None) -> bool:
        return is_incident(self.base, path)


@dataclass
class PrReport:
    """Everything pr-check found, for the renderers and the step summary."""

    changes: list[Change] = field(default_factory=list)  # incident files the PR changes
    policy_files: list[str] = field(default_factory=list)  # policy/config files it changes
    validated: dict[str, Record] = field(default_factory=dict)
    transitions: list[Transition] = field(default_factory=list)
    removals: list[Removal] = field(default_factory=list)
    gates: list[Gate] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # checks skipped, and why

    @property
    def policy_changed(self) -> bool:
        return bool(self.policy_files)

    @property
    def incidents(self) -> int:
        return sum(1 for item in self.validated.values() if item.incident is not None)


def is_incident(repo: Repo, path: str | None) -> bool:
    """A path incident-ops reads as an incident under `repo`'s configuration."""
    name = path.rsplit("/", 1)[-1] if path else ""
    hidden = any(part.startswith(".") for part in (path or "").split("/"))
    return under(path, repo.config.incidents) and name.endswith(".md") and not hidden


def _policy_folder(repo: Repo) -> str:
    folder = posixpath.normpath(repo.config.policies.strip("/"))
    return "" if folder == "." else folder


def is_policy(repo: Repo, path: str | None) -> bool:
    if path == CONFIG_FILE:
        return True
    return (
        path is not None
        and path.endswith((".yaml", ".yml"))
        and posixpath.dirname(path) == _policy_folder(repo)
    )


def config_at(revs: Revisions, root: str, commit: Commit) -> Repo:
    """The repository at `root` as `incident-ops.yaml` at `commit` configures it."""
    data = revs.read(commit, CONFIG_FILE)
    if data is None:
        return Repo(root)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise PolicyError.at(CONFIG_FILE, 1, f"cannot read at {commit.hexsha[:7]}: {error}"
                             ) from None  # fmt: skip
    return repo_from_text(root, text)


def scan(repo: Repo, base: str, head: str) -> tuple[Scope, PrReport]:
    """The revisions, each side's configuration, and which incident and policy files the
    PR changes (no incident parsed yet)."""
    revs = open_revisions(repo.root, base, head)
    base_repo, head_repo = (config_at(revs, repo.root, c) for c in (revs.base, revs.head))
    scope = Scope(revs, base_repo, head_repo)
    Levels.of(scope.head)  # head's configuration must be valid, though base's decides
    changes = changed_files(revs)
    policy_files = [
        path
        for c in changes
        for path in dict.fromkeys((c.old, c.new))
        if path is not None and (is_policy(scope.base, path) or is_policy(scope.head, path))
    ]
    report = PrReport(
        changes=[c for c in changes if scope.is_incident(c.new) or scope.is_incident(c.old)],
        policy_files=sorted(set(policy_files)),
    )
    return scope, report


def _policy_at(revs: Revisions, repo: Repo, commit: Commit, dest: str) -> Policy | None:
    folder = _policy_folder(repo)
    paths = materialize(revs, commit, revs.list_dir(commit, folder), dest)
    if not paths:
        return None
    return load_policy(os.path.join(dest, folder), dest)


def _once(source: Source) -> Source:
    """`source`, called at most once (approvals and open PRs share one connection)."""
    memo: list[PullSource | str] = []

    def call() -> PullSource | str:
        if not memo:
            memo.append(source())
        return memo[0]

    return call


def check(scope: Scope, report: PrReport, now: str | None, source: Source) -> PrReport:
    """Validate, check transitions, removals and the approval gates; fills `report`."""
    revs, base = scope.revs, scope.base
    source = _once(source)
    with tempfile.TemporaryDirectory(prefix="incident-ops-pr-") as tmp:
        head_dir, base_dir = os.path.join(tmp, "head"), os.path.join(tmp, "base")
        head_policy = _policy_at(revs, scope.head, revs.head, os.path.join(tmp, "head-policy"))
        if head_policy is None:
            raise PolicyError.at(scope.head.config.policies, 1, "no policy files (*.yaml) at head")
        # A repository whose base has no policies yet is being set up: head's rules.
        gate_policy = _policy_at(revs, base, revs.base, base_dir) or head_policy
        levels = Levels.of(base)
        clock = parse_instant(now, head_policy.calendar().tz)

        targets = [c.new for c in report.changes if c.new and scope.is_incident(c.new)]
        if report.policy_changed:
            folder = base.config.incidents.strip("/")
            targets = [p for p in revs.walk(revs.head, folder) if scope.is_incident(p)]
        report.validated = _read(revs, revs.head, targets, head_dir)
        olds = [c.old for c in report.changes if c.old and scope.is_incident(c.old)]
        base_records = _read(revs, revs.base, olds, base_dir)
        pairing = pair(
            report.changes,
            scope.is_incident,
            {path: r.doc for path, r in base_records.items()},
            {path: r.doc for path, r in report.validated.items()},
        )
        report.removals = pairing.removals
        index = _head_index(scope, report.validated, os.path.join(tmp, "index"))
        relating = _relating_removed(index, report)
        report.validated.update(_read(revs, revs.head, relating, head_dir))

        records = report.validated.values()
        findings = check_records(records, head_policy, index, clock, levels)
        findings += _closure_findings(records, gate_policy, index, clock, levels)
        report.transitions = _transitions(report, pairing, base_records)
        findings += transition_findings(report.transitions, levels)
        findings += policy_status_findings(report.transitions, report.policy_files)
        report.gates = _gates(report, pairing, base_records, gate_policy)
        evaluate(report.gates, source, _same_content(scope))
        findings += gate_findings(report.gates)
        findings += _open_pull_findings(scope, report, pairing, levels, source)
    report.findings = sorted(set(findings))
    return report


def _read(revs: Revisions, commit: Commit, paths: Iterable[str], dest: str) -> dict[str, Record]:
    """Records of files as they are at `commit` (those that exist there)."""
    return {
        path: read_record(os.path.join(dest, path), path)
        for path in materialize(revs, commit, list(paths), dest)
    }


def _head_index(scope: Scope, fresh: dict[str, Record], dest: str) -> RepoIndex:
    """Every incident of head: `fresh` as read, the rest from the work tree where its
    content is head's (the cache may serve those), else from the revision, uncached."""
    revs, workspace = scope.revs, Workspace(scope.base)
    folder = scope.base.config.incidents.strip("/")
    blobs = {
        path: blob
        for path, blob in revs.files_under(revs.head, folder).items()
        if scope.is_incident(path)
    }
    work = workspace.listing()
    files: dict[str, str] = {}
    keys: dict[str, cache.Key | None] = {}
    elsewhere = []
    for path, blob in blobs.items():
        if path in fresh:
            files[path], keys[path] = "", None
        elif work.keys.get(path) == blob and path in work.files:
            files[path], keys[path] = work.files[path], blob
        else:
            elsewhere.append(path)
            keys[path] = None
    for path in materialize(revs, revs.head, elsewhere, dest):
        files[path] = os.path.join(dest, path)
    return workspace.index(fresh, cache.Snapshot(files, keys, work.table), lazy=True)


def _relating_removed(index: RepoIndex, report: PrReport) -> list[str]:
    """Head files whose `related` names a record the PR removes (not already checked)."""
    gone = {r.incident for r in report.removals if r.incident and not index.paths_for(r.incident)}
    if not gone:
        return []
    return sorted(e.path for e in index.sharing("related", gone) if e.path not in report.validated)


def _closure_findings(
    records: Iterable[Record], policy: Policy, index: RepoIndex, now: datetime, levels: Levels
) -> list[Finding]:
    """The closure rules with the base policy's `requires` (head's ran in check_records)."""
    found: list[Finding] = []
    for record in records:
        if record.incident is None or record.incident.status != "closed":
            continue
        ctx = Context(record.doc, record.incident, policy, index, now, levels)
        for module in CLOSURE_RULES:
            if levels.enabled(module.ID):
                found.extend(module.check(ctx))
    return found


def _transitions(
    report: PrReport, pairing: Pairing, base_records: dict[str, Record]
) -> list[Transition]:
    found = []
    for change in report.changes:
        path = change.new
        if path is None or path not in report.validated or path not in pairing.base_of:
            continue
        old = pairing.base_of[path]
        base_doc: Document | None = base_records[old].doc if old in base_records else None
        found.append(transition(path, base_doc, report.validated[path].doc))
    return found


def _gates(
    report: PrReport, pairing: Pairing, base_records: dict[str, Record], policy: Policy
) -> list[Gate]:
    """Closing an incident, removing a record, adding a waiver: each needs approval."""
    gates = []
    for t in report.transitions:
        if t.closes:
            teams = required_teams((t.old_severity, t.new_severity), policy)
            gates.append(Gate("closure-approval", f"closing {t.incident or t.path}", t.path,
                              t.line, t.incident, teams, (t.path,)))  # fmt: skip
    for r in report.removals:
        teams = required_teams((r.severity,), policy)
        gates.append(Gate(REMOVED, r.action, r.path, 1, r.incident, teams, r.paths, anyone=True))
    for t in report.transitions:
        old = pairing.base_of.get(t.path)
        base_doc = base_records[old].doc if old in base_records else None
        added = added_waivers(base_doc, report.validated[t.path].doc)
        if added:
            teams = required_teams((t.old_severity, t.new_severity), policy)
            what = f"adding a waiver to {t.incident or t.path}"
            gates.append(Gate(WAIVER_RULE, what, t.path, added[0], t.incident, teams, (t.path,)))
    return gates


def _same_content(scope: Scope) -> SameContent:
    """Whether an approval on another commit is about what head holds: the gate's files,
    the policies (base's and head's folders) and incident-ops.yaml byte-identical."""
    revs = scope.revs
    head = revs.head
    folders = dict.fromkeys((_policy_folder(scope.base), _policy_folder(scope.head)))

    def policy_paths(commit: Commit) -> set[str]:
        found = {CONFIG_FILE}
        for folder in folders:
            found.update(p for p in revs.list_dir(commit, folder) if p.endswith((".yaml", ".yml")))
        return found

    head_policies = policy_paths(head)
    memo: dict[tuple[str | None, tuple[str, ...]], Mismatch | None] = {}

    def same(sha: str | None, paths: tuple[str, ...]) -> Mismatch | None:
        if (sha, paths) not in memo:
            memo[sha, paths] = _compare(sha, paths)
        return memo[sha, paths]

    def _compare(sha: str | None, paths: tuple[str, ...]) -> Mismatch | None:
        if sha is None:
            return Mismatch(None)
        if sha == head.hexsha:
            return None
        commit = revs.resolve(sha)
        if commit is None:
            return Mismatch(None)
        for path in (*paths, *sorted(head_policies | policy_paths(commit))):
            if revs.blob_id(commit, path) != revs.blob_id(head, path):
                return Mismatch(path)
        return None

    return same


def _open_pull_findings(
    scope: Scope, report: PrReport, pairing: Pairing, levels: Levels, source: Source
) -> list[Finding]:
    """`duplicate-id` of this PR's new records against the other open incident PRs."""
    new = [
        report.validated[path]
        for path, old in pairing.base_of.items()
        if old is None and path in report.validated
    ]
    if not new or not levels.enabled("duplicate-id"):
        return []
    found = source()
    if isinstance(found, str):
        report.notes.append(
            f"open incident pull requests were not checked for duplicate ids: {found}"
        )
        return []
    prefix = scope.revs.prefix

    def incident_path(name: str) -> str | None:
        path = name[len(prefix) :] if name.startswith(prefix) else None
        return path if scope.is_incident(path) else None

    return open_pull_findings(new, found.open_incident_pulls(), incident_path, levels)
