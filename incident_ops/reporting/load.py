"""Every valid incident of the repository with its obligations, computed once per run."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from incident_ops.domain.incident import Incident
from incident_ops.domain.obligations import Obligation
from incident_ops.policy.load import Policy
from incident_ops.reporting.timeline import Timeline
from incident_ops.workspace.config import Repo
from incident_ops.workspace.load import Record
from incident_ops.workspace.workspace import Workspace


@dataclass(frozen=True)
class Loaded:
    """The records that validated, sorted by detection time, with their obligations; the
    paths of the files that could not be read; which policies graded them."""

    entries: list[Record]
    skipped: list[str]
    graded: str = ""

    @property
    def obligations(self) -> list[tuple[Obligation, ...]]:
        """Each entry's obligations, in the order of `incidents` (ids may repeat)."""
        return [e.obligations for e in self.entries]

    @property
    def incidents(self) -> list[Incident]:
        return [e.incident for e in self.entries if e.incident is not None]


def load_entries(
    repo: Repo,
    policy: Policy,
    now: datetime,
    timeline: Timeline | None = None,
    overlay: Callable[[list[Record]], list[Record]] | None = None,
) -> Loaded:
    """Parse every incident file (files with schema or syntax problems are skipped) and
    compute each one's deadlines under the policy `timeline` gives it (default: the
    policies in effect when it was detected). `overlay` may replace and add records before
    that (`--include-open-prs`: the open incident pull requests' versions)."""
    timeline = timeline or Timeline.of(repo, policy)
    loaded = Workspace(repo).load()
    if overlay is not None:
        loaded.records = [r for r in overlay(loaded.records) if r.incident is not None]
    used: Counter[str | None] = Counter()
    for record in loaded.records:
        graded_by, sha = timeline.policy_for(record.model.detected_at)
        record.deadlines(graded_by, now)
        used[sha] += 1
    entries = sorted(loaded.records, key=lambda r: (r.model.detected_at, r.model.id))
    return Loaded(entries, [r.path for r in loaded.skipped], timeline.describe(used))
