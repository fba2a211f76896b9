"""The one loader: find, read and parse the incident files of a repository.

Every command goes through a `Workspace`: `files` lists them (one walk, one order),
`read` parses one into a `Record`, `load` parses many (over all cores when there are
many), `map` runs a computation on each record in the worker that parsed it (only the
results cross processes), `index` gives the cross-file facts of every file from the
cache, and `find` looks an incident up by id. The cache sits below it and never calls
back up: `index` hands it this module's parser.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

from incident_ops.errors import GateRefused, IncidentOpsError
from incident_ops.workspace import cache, parallel
from incident_ops.workspace.config import Repo
from incident_ops.workspace.files import discover, relpaths, walk
from incident_ops.workspace.index import Entries, Entry, RepoIndex
from incident_ops.workspace.load import Record, read_record

T = TypeVar("T")
Files = list[tuple[str, str]]  # (abspath, relpath)


@dataclass
class Loaded:
    """The records that validated, and those that did not (to be reported, not used)."""

    records: list[Record] = field(default_factory=list)
    skipped: list[Record] = field(default_factory=list)


def _parse_all(files: Files) -> list[Record]:
    read = Workspace.read  # looked up on each call: the one place a file is parsed
    return [read(abspath, relpath) for abspath, relpath in files]


class Workspace:
    """The incident files of one repository."""

    def __init__(self, repo: Repo) -> None:
        self.repo = repo

    @property
    def cache_file(self) -> str:
        return cache.cache_file(self.repo.cache_dir)

    def files(self, paths: Iterable[str] = ()) -> Files:
        """(abspath, relpath) of the given files, the files under given folders, or all."""
        found = discover(self.repo, paths)
        return list(zip(found, relpaths(self.repo, found), strict=True))

    @staticmethod
    def read(abspath: str, relpath: str) -> Record:
        """Read, parse and model one file (`load.read_record`)."""
        return read_record(abspath, relpath)

    def load(self, paths: Iterable[str] = ()) -> Loaded:
        """Every file parsed (in file order), split into valid and invalid records."""
        loaded = Loaded()
        for record in self.map(lambda record: record, paths):
            (loaded.records if record.incident is not None else loaded.skipped).append(record)
        return loaded

    def map(self, compute: Callable[[Record], T], paths: Iterable[str] = ()) -> list[T]:
        """`compute(record)` for every file, in file order, over all cores for many files.

        Workers are forked, so `compute` may be a closure (over a policy, say); only its
        results are sent back, so return what is needed rather than whole records where
        the files are many.
        """
        files = self.files(paths)
        workers = parallel.worker_count(len(files))
        if workers == 1:
            return [compute(record) for record in _parse_all(files)]
        _, results = parallel.two_phase(
            parallel.chunks(files, workers),
            lambda part: ([compute(record) for record in _parse_all(part)], None),
            lambda _results: None,
            lambda state, _shared: state,
        )
        return [item for part in results for item in part]

    # ---- the cross-file index ----------------------------------------------------------
    def listing(self, early: bool = True) -> cache.Snapshot:
        """Every incident file, its cache key and (`early`) the stored cache, taken before
        any file is read (see `cache.snapshot`)."""
        repo = self.repo
        folder = repo.relpath(repo.incidents_dir)

        def files() -> Iterator[tuple[str, str]]:
            if os.path.isdir(repo.incidents_dir):
                yield from walk(repo.incidents_dir, "" if folder == "." else folder + "/")

        return cache.snapshot(repo.root, folder, lambda: dict(files()), self.cache_file, early)

    def index(
        self,
        fresh: Mapping[str, Record | Entry],
        snap: cache.Snapshot | None = None,
        trusted: Collection[str] = (),
        lazy: bool = False,
    ) -> RepoIndex:
        """Every incident of the repository indexed: `fresh` (records or entries this run
        read, from any revision) as given, the rest from the cache, parsing what is
        neither — at once, or with `lazy` only when a rule asks (a check of a few files:
        ids are looked up by file name first, shared values by a text search). `trusted`
        are the fresh ones read from the work tree after `snap` was taken: only those may
        be written to the cache."""
        entries_now = {path: _entry(item) for path, item in fresh.items()}
        snap = snap if snap is not None else self.listing()
        entries = Entries()
        if snap.files:
            entries = cache.entries(
                self.cache_file, snap, entries_now, _parse_entries, trusted, lazy
            )
        for entry in entries_now.values():  # also those of files outside the incidents folder
            entries.add(entry)
        return RepoIndex(entries)

    def find(self, incident_id: str) -> tuple[Record, RepoIndex]:
        """The one file whose front matter has this id, and the index that found it.

        Exit 2 when there is none or several; exit 1 when the file does not validate.
        """
        index = self.index({})
        paths = index.paths_for(incident_id)
        if not paths:
            raise IncidentOpsError(f"no incident {incident_id} in {self.repo.config.incidents}/")
        if len(paths) > 1:
            raise IncidentOpsError(f"{incident_id} is ambiguous: " + ", ".join(paths))
        record = Workspace.read(os.path.join(self.repo.root, paths[0]), paths[0])
        if record.incident is None:
            problems = "".join(f"\n  {line}" for line in record.problem_lines())
            raise GateRefused(f"{incident_id}: fix the file first:{problems}")
        return record, index


def _entry(item: Record | Entry) -> Entry:
    return item if isinstance(item, Entry) else item.entry


def _parse_entries(files: Files) -> dict[str, Entry]:
    """Index entries of files ({relpath: entry}), on all cores when there are many."""

    def part(items: Files) -> tuple[None, list[Entry]]:
        return None, [record.entry for record in _parse_all(items)]

    workers = parallel.worker_count(len(files))
    if workers > 1:
        found, _ = parallel.two_phase(
            parallel.chunks(files, workers), part, lambda r: r, lambda _s, _c: None
        )
    else:
        found = [part(files)[1]]
    return {entry.path: entry for entries in found for entry in entries}
