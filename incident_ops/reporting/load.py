"""Every valid incident of the repository with its obligations, computed once per run."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from incident_ops.domain.incident import Incident
from incident_ops.domain.obligations import Obligation, obligations
from incident_ops.lint.validate import discover, parse_file, relpaths
from incident_ops.parse.document import Document
from incident_ops.parse.sections import find_section
from incident_ops.policy.load import Policy
from incident_ops.workspace.config import Repo


@dataclass(frozen=True)
class Entry:
    """One incident file that validated into an Incident."""

    path: str  # relative to the repo root
    abspath: str
    doc: Document
    incident: Incident
    obligations: tuple[Obligation, ...]

    def written(self, section: str) -> bool:
        """Whether the body section (e.g. "Root cause analysis") holds real text."""
        found = find_section(self.doc.sections, section)
        return bool(found and found.written)

    @property
    def next_deadline(self) -> Obligation | None:
        """The earliest pending or overdue obligation, the one to act on next."""
        waiting = [o for o in self.obligations if o.state in ("pending", "overdue") and o.due]
        return min(waiting, key=lambda o: (o.due, o.kind), default=None)


@dataclass(frozen=True)
class Loaded:
    """The entries, sorted by detection time, and the files that could not be read."""

    entries: list[Entry]
    skipped: list[str]

    @property
    def obligations(self) -> list[tuple[Obligation, ...]]:
        """Each entry's obligations, in the order of `incidents` (ids may repeat)."""
        return [e.obligations for e in self.entries]

    @property
    def incidents(self) -> list[Incident]:
        return [e.incident for e in self.entries]


def load_entries(repo: Repo, policy: Policy, now: datetime) -> Loaded:
    """Parse every incident file; files with schema or syntax problems are skipped."""
    entries: list[Entry] = []
    skipped: list[str] = []
    abspaths = discover(repo)
    for abspath, relpath in zip(abspaths, relpaths(repo, abspaths), strict=True):
        parsed = parse_file(abspath, relpath)
        if parsed.incident is None:
            skipped.append(relpath)
            continue
        found = tuple(obligations(parsed.incident, policy, now))
        entries.append(Entry(relpath, abspath, parsed.doc, parsed.incident, found))
    entries.sort(key=lambda e: (e.incident.detected_at, e.incident.id))
    return Loaded(entries, skipped)
