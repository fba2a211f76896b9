"""`validate` as a library call: files → Documents → Incidents → rules → Findings."""

from __future__ import annotations

import os
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from operator import attrgetter

from incident_ops.domain.incident import Incident
from incident_ops.errors import ConfigError
from incident_ops.finding import Finding
from incident_ops.parse.document import Document, read_document
from incident_ops.policy.load import Policy
from incident_ops.rules import run_rules
from incident_ops.rules._context import Context
from incident_ops.workspace import cache, parallel
from incident_ops.workspace.config import Repo
from incident_ops.workspace.index import Entries, Entry, RepoIndex, entry_for
from incident_ops.workspace.load import load_incident


@dataclass
class Parsed:
    """One file after parsing: the document and, when it validated, its incident."""

    doc: Document
    incident: Incident | None


@dataclass
class Report:
    """What `validate` found: sorted findings and how much it looked at."""

    findings: list[Finding] = field(default_factory=list)
    files: int = 0
    incidents: int = 0


_NAME = attrgetter("name")


def _walk(directory: str, prefix: str) -> Iterator[tuple[str, str]]:
    """(prefix + relative path, path) of every `*.md` under a directory, as `os.walk`
    orders them: a folder's files sorted, then its subfolders sorted, skipping hidden
    ones and not following links; unreadable folders are skipped."""
    try:
        with os.scandir(directory) as found:
            items = sorted(found, key=_NAME)
    except OSError:
        return
    folders = []
    for item in items:
        name = item.name
        try:
            is_folder = item.is_dir()
        except OSError:
            is_folder = False
        if is_folder:
            if not name.startswith(".") and not item.is_symlink():
                folders.append(item)
        elif name.endswith(".md"):
            yield prefix + name, item.path
    for folder in folders:
        yield from _walk(folder.path, f"{prefix}{folder.name}/")


def incident_files(directory: str) -> list[str]:
    """Every `*.md` under a directory, sorted, skipping hidden folders."""
    return [path for _, path in _walk(directory, "")]


def relpaths(repo: Repo, abspaths: Iterable[str]) -> list[str]:
    """`repo.relpath` of many files, computed once per folder (10,000 calls add up)."""
    folders: dict[str, str] = {}
    found: list[str] = []
    for path in abspaths:
        folder, name = os.path.split(path)
        rel = folders.get(folder)
        if rel is None:
            rel = folders[folder] = repo.relpath(folder)
        found.append(name if rel == "." else f"{rel}/{name}")
    return found


def discover(repo: Repo, paths: Iterable[str] = ()) -> list[str]:
    """Absolute paths of the files to check: given files, files under given dirs, or all."""
    targets = list(paths)
    if not targets:
        if not os.path.isdir(repo.incidents_dir):
            raise ConfigError(f"no incidents folder {repo.config.incidents!r} in {repo.root}")
        return incident_files(repo.incidents_dir)
    found: list[str] = []
    for target in targets:
        if os.path.isdir(target):
            found += incident_files(target)
        elif os.path.exists(target):
            found.append(os.path.abspath(target))
        else:
            raise ConfigError(f"{target}: no such file or directory")
    return list(dict.fromkeys(found))


def parse_file(abspath: str, relpath: str) -> Parsed:
    """Read, parse and model one file; problems stay on the document."""
    doc = read_document(abspath, relpath)
    return Parsed(doc, load_incident(doc))


def _entry(item: Parsed | Entry) -> Entry:
    return item if isinstance(item, Entry) else entry_for(item.doc, item.incident)


def _parse_entries(files: list[tuple[str, str]]) -> dict[str, Entry]:
    """Index entries of files ({relpath: entry}), on all cores when there are many."""

    def part(items: list[tuple[str, str]]) -> tuple[None, list[Entry]]:
        return None, [_entry(parse_file(abspath, relpath)) for abspath, relpath in items]

    workers = parallel.worker_count(len(files))
    if workers > 1:
        found, _ = parallel.two_phase(
            parallel.chunks(files, workers), part, lambda r: r, lambda _s, _c: None
        )
    else:
        found = [part(files)[1]]
    return {entry.path: entry for entries in found for entry in entries}


def _listing(repo: Repo, early: bool = True) -> cache.Snapshot:
    """Every incident file, its cache key and (`early`) the stored cache, taken before
    any file is read (see `cache.snapshot`)."""
    folder = repo.relpath(repo.incidents_dir)

    def walk() -> Iterator[tuple[str, str]]:
        if os.path.isdir(repo.incidents_dir):
            yield from _walk(repo.incidents_dir, "" if folder == "." else folder + "/")

    return cache.snapshot(repo.root, folder, walk, early)


def build_index(repo: Repo, parsed: Mapping[str, Parsed | Entry]) -> RepoIndex:
    """Index every incident of the repo: files parsed by this run, the rest from the cache.

    `parsed` maps relative paths to files (or their index entries) this run read, from
    any revision; files neither parsed nor cached are parsed (and cached).
    """
    return _index(repo, parsed, _listing(repo), ())


def _index(
    repo: Repo,
    parsed: Mapping[str, Parsed | Entry],
    snap: cache.Snapshot,
    trusted: Collection[str],
) -> RepoIndex:
    fresh = {path: _entry(item) for path, item in parsed.items()}
    entries = Entries()
    if snap.files:
        entries = cache.entries(repo.root, snap, fresh, _parse_entries, trusted)
    for entry in fresh.values():  # also those of files outside the incidents folder
        entries.add(entry)
    return RepoIndex(entries)


def check_parsed(
    items: Iterable[Parsed], policy: Policy, index: RepoIndex, now: datetime, levels: dict[str, str]
) -> list[Finding]:
    """Run every enabled rule on already-parsed files."""
    findings: list[Finding] = []
    for item in items:
        findings += run_rules(Context(item.doc, item.incident, policy, index, now, levels))
    return findings


def validate(repo: Repo, policy: Policy, now: datetime, paths: Iterable[str] = ()) -> Report:
    """Validate files (default: every incident of the repo) against the policy.

    Many files are spread over the cores (`parallel`); each file is parsed once and its
    index entry comes from that parse.
    """
    found = discover(repo, paths)
    files = list(zip(found, relpaths(repo, found), strict=True))
    levels = dict(repo.config.rules)
    workers = parallel.worker_count(len(files))
    snap = _listing(repo, early=workers == 1)  # before any file is read: see cache.snapshot

    def first(part: list[tuple[str, str]]) -> tuple[list[Parsed], tuple[list[Entry], int]]:
        items = [parse_file(abspath, relpath) for abspath, relpath in part]
        valid = sum(1 for item in items if item.incident is not None)
        return items, ([entry_for(item.doc, item.incident) for item in items], valid)

    def combine(results: list[tuple[list[Entry], int]]) -> tuple[RepoIndex, int]:
        entries = {entry.path: entry for part, _ in results for entry in part}
        index = _index(repo, entries, snap, entries)
        return index, sum(n for _, n in results)

    def second(items: list[Parsed], shared: tuple[RepoIndex, int]) -> list[Finding]:
        return check_parsed(items, policy, shared[0], now, levels)

    if workers > 1:
        parts = parallel.chunks(files, workers)
        (_, incidents), found = parallel.two_phase(parts, first, combine, second)
        findings = [finding for part in found for finding in part]
    else:
        items, result = first(files)
        shared = combine([result])
        findings, incidents = second(items, shared), shared[1]
    return Report(sorted(findings), len(files), incidents)
