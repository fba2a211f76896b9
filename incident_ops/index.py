"""Cross-file facts (ids, services, root causes, related links) that some rules need.

Kept small and picklable so it can be cached and shipped to worker processes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from incident_ops.incidents import raw_id
from incident_ops.models.incident import Incident
from incident_ops.parse.document import Document


@dataclass(frozen=True, slots=True)
class Entry:
    """What other files need to know about one incident file."""

    path: str
    id: str | None
    title: str = ""
    status: str | None = None
    detected_at: datetime | None = None
    services: tuple[str, ...] = ()
    root_cause: str | None = None
    related: tuple[str, ...] = ()
    open_actions: tuple[str, ...] = ()
    last_action_done: datetime | None = None
    category: str | None = None
    severity: str | None = None
    customers: tuple[str, ...] = ()


def entry_for(doc: Document, incident: Incident | None) -> Entry:
    """The index entry of a parsed file (just its id when it did not validate)."""
    if incident is None:
        return Entry(doc.path, raw_id(doc))
    done = [a.done_at for a in incident.actions if a.done_at is not None]
    return Entry(
        path=doc.path,
        id=incident.id,
        title=incident.title,
        status=incident.status,
        detected_at=incident.detected_at,
        services=tuple(incident.services),
        root_cause=incident.root_cause.category if incident.root_cause else None,
        related=tuple(incident.related),
        open_actions=tuple(a.id for a in incident.actions if a.status == "open"),
        last_action_done=max(done) if done else None,
        category=incident.category,
        severity=incident.severity,
        customers=tuple(incident.customers),
    )


@dataclass
class RepoIndex:
    """Every incident file of the repository, by path and by id."""

    entries: dict[str, Entry] = field(default_factory=dict)
    by_id: dict[str, list[str]] = field(default_factory=dict)
    _by_value: dict[str, dict[str, list[Entry]]] = field(
        default_factory=dict, repr=False, compare=False
    )

    def add(self, entry: Entry) -> None:
        self._by_value.clear()
        self.entries[entry.path] = entry
        if entry.id:
            self.by_id.setdefault(entry.id, []).append(entry.path)

    def paths_for(self, incident_id: str) -> list[str]:
        return sorted(self.by_id.get(incident_id, []))

    def get(self, incident_id: str) -> Entry | None:
        paths = self.paths_for(incident_id)
        return self.entries[paths[0]] if paths else None

    def sharing(self, attribute: str, values: Iterable[str]) -> list[Entry]:
        """Entries whose `attribute` (a string or tuple of strings) holds one of `values`.

        For rules comparing an incident with every other one (recurrence): looking up
        candidates by value keeps a full run linear instead of quadratic in the files.
        """
        table = self._by_value.get(attribute)
        if table is None:
            table = {}
            for entry in self.entries.values():
                value = getattr(entry, attribute, None)
                for item in value if isinstance(value, tuple) else (value,):
                    if item is not None:
                        table.setdefault(str(item), []).append(entry)
            self._by_value[attribute] = table
        found: dict[str, Entry] = {}
        for value in values:
            for entry in table.get(str(value), ()):
                found[entry.path] = entry
        return list(found.values())
