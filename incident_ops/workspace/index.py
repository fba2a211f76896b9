"""Cross-file facts (ids, services, root causes, related links) that some rules need.

Kept small and picklable so it can be cached and shipped to worker processes. Entries
read from the cache stay column values until a rule asks for one: a one-file run would
otherwise build 10,000 objects to look at a handful.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from incident_ops.domain.incident import Incident
from incident_ops.parse.document import Document
from incident_ops.workspace.load import raw_id


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


FIELDS = tuple(f.name for f in fields(Entry))
_POSITION = {name: index for index, name in enumerate(FIELDS)}


def entry_for(doc: Document, incident: Incident | None) -> Entry:
    """The index entry of a parsed file (just its id when it did not validate)."""
    if incident is None:
        return Entry(doc.path, raw_id(doc))
    return entry_of(doc.path, incident)


def entry_of(path: str, incident: Incident) -> Entry:
    """The index entry of a valid incident at `path` (relative to the repo root)."""
    done = [a.done_at for a in incident.actions if a.done_at is not None]
    return Entry(
        path=path,
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


Columns = tuple[tuple[Any, ...], ...]
Parse = Callable[[list[tuple[str, str]]], Mapping[str, Entry]]  # [(abspath, rel)] → entries


def to_columns(entries: Sequence[Entry]) -> Columns:
    """Entries as one tuple per field (in `FIELDS` order): what crosses processes. 10,000
    entries pickle several times faster as 13 tuples than as 10,000 objects."""
    return tuple(tuple(getattr(entry, name) for entry in entries) for name in FIELDS)


def from_columns(columns: Columns) -> list[Entry]:
    return [Entry(*row) for row in zip(*columns, strict=True)]


class Entries(Mapping[str, Entry]):
    """Entries by path: ones given as objects, and rows of columns (in `FIELDS` order,
    values already checked and decoded by the cache) built into objects when asked for."""

    def __init__(
        self,
        columns: Sequence[Sequence[Any]] = (),
        rows: Mapping[str, int] | None = None,
        pending: Mapping[str, str] | None = None,
        parse: Parse | None = None,
    ) -> None:
        self._made: dict[str, Entry] = {}
        self._columns = columns
        self._rows: dict[str, int] = dict(rows or {})
        self._built: dict[str, Entry] = {}
        # Files not read yet ({relpath: abspath}) and how to read them: a one-file run in a
        # fresh clone reads only the few other files a rule asks about.
        self._pending: dict[str, str] = dict(pending or {})
        self._parse = parse

    def add(self, entry: Entry) -> None:
        self._rows.pop(entry.path, None)
        self._built.pop(entry.path, None)
        self._pending.pop(entry.path, None)
        self._made[entry.path] = entry

    def __getitem__(self, path: str) -> Entry:
        entry = self._made.get(path) or self._built.get(path)
        if entry is None:
            if path in self._pending:
                self.read_pending([path])
                return self._made[path]
            row = self._rows[path]
            entry = self._built[path] = Entry(*[column[row] for column in self._columns])
        return entry

    def __iter__(self) -> Iterator[str]:
        self.read_pending(list(self._pending))  # every entry: read what is left, at once
        yield from self._made
        yield from self._rows

    def __len__(self) -> int:
        return len(self._made) + len(self._rows) + len(self._pending)

    def __contains__(self, path: object) -> bool:
        return path in self._made or path in self._rows or path in self._pending

    # ---- files not read yet ------------------------------------------------------------
    @property
    def pending(self) -> Mapping[str, str]:
        return self._pending

    def read_pending(self, paths: Iterable[str]) -> list[str]:
        """Read these pending files (all at once, over the cores when many); the paths read."""
        todo = [(self._pending[path], path) for path in paths if path in self._pending]
        if not todo or self._parse is None:
            return []
        for entry in self._parse(todo).values():
            self.add(entry)
        for _, path in todo:  # a file that vanished meanwhile is no entry at all
            self._pending.pop(path, None)
        return [path for _, path in todo]

    def pending_named(self, incident_id: str) -> list[str]:
        """Pending files whose name carries `incident_id` (the `id-filename` rule has each
        file's name start with its id)."""
        return [
            path
            for path in self._pending
            if (name := path.rsplit("/", 1)[-1]).startswith(incident_id)
            and name[len(incident_id) : len(incident_id) + 1] in ("-", ".")
        ]

    def pending_containing(self, values: Iterable[str]) -> list[str]:
        """Pending files whose text holds one of `values` — the only ones that can hold
        them as front-matter values (a superset: confirmed by reading them)."""
        wanted = [value.encode("utf-8") for value in values if value]
        if not wanted:
            return []
        found = []
        for path, abspath in self._pending.items():
            try:
                with open(abspath, "rb") as handle:
                    data = handle.read()
            except OSError:
                found.append(path)  # let the reader report it
                continue
            if any(value in data for value in wanted):
                found.append(path)
        return found

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled as columns (see `to_columns`), with no entry object built."""
        self.read_pending(list(self._pending))
        made, rows = self._made.values(), self._rows.values()
        columns = tuple(
            (*(getattr(entry, name) for entry in made), *map(column.__getitem__, rows))
            if self._columns
            else tuple(getattr(entry, name) for entry in made)
            for name, column in zip(FIELDS, self._columns or [()] * len(FIELDS), strict=True)
        )
        return Entries, (columns, {path: row for row, path in enumerate(self)})

    def values_of(self, name: str) -> Iterator[tuple[str, Any]]:
        """(path, value of field `name`) of every entry read so far, without building any
        (files still pending are not; `RepoIndex` asks for those it needs)."""
        if name not in _POSITION:
            return
        for path, entry in self._made.items():
            yield path, getattr(entry, name)
        if self._rows:
            column = self._columns[_POSITION[name]]
            yield from zip(self._rows, map(column.__getitem__, self._rows.values()), strict=True)


class RepoIndex:
    """Every incident file of the repository, by path and by id."""

    def __init__(self, entries: Entries | None = None) -> None:
        self.entries = entries if entries is not None else Entries()
        self._by_id: dict[str, list[str]] | None = None
        self._by_value: dict[str, dict[str, list[str]]] = {}

    def __reduce__(self) -> tuple[Any, ...]:
        """Only the entries cross processes; the look-up tables are rebuilt on demand."""
        return RepoIndex, (self.entries,)

    def add(self, entry: Entry) -> None:
        self.entries.add(entry)
        self._forget()

    def _forget(self) -> None:
        self._by_id = None
        self._by_value.clear()

    def _read(self, paths: list[str]) -> None:
        if self.entries.read_pending(paths):
            self._forget()

    @property
    def by_id(self) -> dict[str, list[str]]:
        if self._by_id is None:
            self._by_id = {}
            for path, value in self.entries.values_of("id"):
                if value:
                    self._by_id.setdefault(value, []).append(path)
        return self._by_id

    def paths_for(self, incident_id: str) -> list[str]:
        """Files holding this id: those read, and pending ones named after it."""
        self._read(self.entries.pending_named(incident_id))
        return sorted(self.by_id.get(incident_id, []))

    def get(self, incident_id: str) -> Entry | None:
        paths = self.paths_for(incident_id)
        return self.entries[paths[0]] if paths else None

    def sharing(self, attribute: str, values: Iterable[str]) -> list[Entry]:
        """Entries whose `attribute` (a string or tuple of strings) holds one of `values`.

        For rules comparing an incident with every other one (recurrence): looking up
        candidates by value keeps a full run linear instead of quadratic in the files.
        """
        values = [str(value) for value in values]
        self._read(self.entries.pending_containing(values))
        table = self._by_value.get(attribute)
        if table is None:
            table = self._by_value[attribute] = {}
            for path, value in self.entries.values_of(attribute):
                for item in value if isinstance(value, tuple) else (value,):
                    if item is not None:
                        table.setdefault(str(item), []).append(path)
        found: dict[str, None] = {}
        for value in values:
            found.update(dict.fromkeys(table.get(str(value), ())))
        return [self.entries[path] for path in found]
