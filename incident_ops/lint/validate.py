"""`validate` as a library call: workspace records → rules → Findings.

Files come from the `Workspace` (found, read and parsed the one way every command
uses); this module only runs the rules, over both cores for large runs: each worker
parses its share (phase 1, whose index entries are merged here with the cache), then
checks it against the merged index (phase 2), so only entries and findings cross
processes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from incident_ops.finding import Finding
from incident_ops.lint.levels import Levels
from incident_ops.policy.load import Policy
from incident_ops.rules import run_rules
from incident_ops.rules._context import Context
from incident_ops.workspace import parallel
from incident_ops.workspace.config import Repo
from incident_ops.workspace.files import require_incidents
from incident_ops.workspace.index import Columns, RepoIndex, from_columns, to_columns
from incident_ops.workspace.load import Record
from incident_ops.workspace.workspace import Files, Workspace


@dataclass
class Report:
    """What `validate` found: sorted findings and how much it looked at."""

    findings: list[Finding] = field(default_factory=list)
    files: int = 0
    incidents: int = 0


def check_records(
    records: Iterable[Record], policy: Policy, index: RepoIndex, now: datetime, levels: Levels
) -> list[Finding]:
    """Run every enabled rule on already-parsed files."""
    findings: list[Finding] = []
    for record in records:
        findings += run_rules(Context(record.doc, record.incident, policy, index, now, levels))
    return findings


def validate(
    repo: Repo,
    policy: Policy,
    now: datetime,
    paths: Iterable[str] = (),
    levels: Levels | None = None,
) -> Report:
    """Validate files (default: every incident of the repo) against the policy.

    Many files are spread over the cores (`parallel`); each file is parsed once and its
    index entry comes from that parse.
    """
    levels = Levels.of(repo) if levels is None else levels
    workspace = Workspace(repo)
    # The listing is taken before any file is read (see cache.snapshot); for a whole run
    # it is also the list of files to check, so the folder is walked once.
    if paths:
        files = workspace.files(paths)
        workers = parallel.worker_count(len(files))
        snap = workspace.listing(early=workers == 1)
    else:
        require_incidents(repo)
        snap = workspace.listing(early=False)
        files = [(abspath, relpath) for relpath, abspath in snap.files.items()]
        workers = parallel.worker_count(len(files))

    def first(part: Files) -> tuple[list[Record], tuple[Columns, int]]:
        records = [workspace.read(abspath, relpath) for abspath, relpath in part]
        valid = sum(1 for record in records if record.incident is not None)
        return records, (to_columns([record.entry for record in records]), valid)

    def combine(results: list[tuple[Columns, int]]) -> tuple[RepoIndex, int]:
        entries = {e.path: e for part, _ in results for e in from_columns(part)}
        # Checking a few files: read the others only when a rule asks (see Workspace.index).
        index = workspace.index(entries, snap, trusted=entries, lazy=bool(paths))
        return index, sum(n for _, n in results)

    def second(records: list[Record], shared: tuple[RepoIndex, int]) -> list[Finding]:
        return check_records(records, policy, shared[0], now, levels)

    if workers > 1:
        parts = parallel.chunks(files, workers)
        (_, incidents), found = parallel.two_phase(parts, first, combine, second)
        findings = [finding for part in found for finding in part]
    else:
        records, result = first(files)
        shared = combine([result])
        findings, incidents = second(records, shared), shared[1]
    return Report(sorted(findings), len(files), incidents)
