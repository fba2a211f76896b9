"""The index cache: each incident file's `index.Entry`, kept between runs.

Cross-file rules need a few facts of every incident; re-parsing 10,000 files to check
one would make a single-file run cost as much as a full one. Entries are stored in
`index-cache.pickle` in the repository's cache folder (`workspace.cachedir`: under the Git
directory, never in the work tree), each keyed by what identifies the file's content:
its Git blob id when the file is tracked and unmodified, else — outside Git, and for
untracked or modified files of a Git work tree (a new repository, a pre-commit run on
new files) — its modification time (in nanoseconds) and size, as ruff and mypy key theirs.

The cache is an optimisation only: an unreadable, corrupt, foreign-version or stale
cache is ignored and rewritten, never trusted. It is unpickled with no globals allowed
(plain tuples, strings, numbers only), so a crafted file cannot run code.

It is stored column by column (one tuple per `Entry` field, equal values shared): a
one-file run loads and checks 10,000 entries, and whole columns load and type-check
several times faster than 10,000 row tuples. Every value is checked when the file is
read, so an entry built later from the columns is as sound as a fresh parse.
"""

from __future__ import annotations

import contextlib
import gc
import io
import os
import pickle
import re
import stat
import subprocess
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import fields
from datetime import datetime
from itertools import chain
from typing import Any, NamedTuple

from incident_ops.workspace import git
from incident_ops.workspace.index import FIELDS, Entries, Entry

_KINDS = tuple(str(f.type) for f in fields(Entry))  # annotations are strings (PEP 563)
# A new Entry field changes the version, so an old cache is rebuilt, not misread.
VERSION = (4, *FIELDS)  # 4: values read by the strict YAML 1.2 models
MAGIC = "incident-ops-index"
NAME = "index-cache.pickle"
Key = str | tuple[int, int]  # a Git blob id, or (mtime in ns, size)
Row = tuple[Any, ...]  # an entry's field values, datetimes as ISO strings
ParseMany = Callable[[list[tuple[str, str]]], dict[str, Entry]]  # [(abspath, rel)] → entries
Listing = Callable[[], Mapping[str, str]]  # → {relpath: abspath}


def cache_file(directory: str) -> str:
    """The cache file in a repository's cache folder (`Repo.cache_dir`)."""
    return os.path.join(directory, NAME)


class _NoGlobals(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        raise pickle.UnpicklingError(f"global {module}.{name} is not allowed")


def _start_git_keys(root: str, folder: str) -> list[subprocess.Popen[bytes]] | None:
    return git.start(
        root, ["ls-files", "-s", "-z", "--", folder], ["ls-files", "-m", "-z", "--", folder]
    )


# `ls-files -s -z` records: mode, blob id, stage, tab, path, NUL. Only regular files
# (100644/100755; a symlink's blob is its target's name, not the content read) and
# stage 0 (not in conflict) get a key.
_STAGED = re.compile(r"(?:^|(?<=\0))100[0-7]{3} ([0-9a-f]+) 0\t([^\0]*)\0")


def _git_keys(running: list[subprocess.Popen[bytes]] | None) -> dict[str, Key] | None:
    """Blob id of every tracked, unmodified file (None: not a Git work tree).

    The listing of blobs is read while git still looks for modified files."""
    if running is None:
        return None
    staged_text = git.output(running[0])
    keys = {path: blob for blob, path in _STAGED.findall(staged_text or "")}
    modified_text = git.output(running[1])
    if staged_text is None or modified_text is None:
        return None
    for path in modified_text.split("\0"):
        keys.pop(path, None)
    return keys


def stat_key(abspath: str) -> Key | None:
    """(mtime in ns, size) of a regular file; None for anything else (a symlink is never
    followed, so never cached either)."""
    try:
        info = os.lstat(abspath)
    except OSError:
        return None
    return (info.st_mtime_ns, info.st_size) if stat.S_ISREG(info.st_mode) else None


def _encode(entry: Entry) -> Row:
    values = (getattr(entry, name) for name in FIELDS)
    return tuple(v.isoformat() if isinstance(v, datetime) else v for v in values)


def _checks() -> list[tuple[set[type], bool, bool]]:
    """Per field: the types its values may have; whether it holds strings; a datetime."""
    found = []
    for kind in _KINDS:
        base: type = tuple if kind.startswith("tuple") else str
        types = {base, type(None)} if "None" in kind else {base}
        found.append((types, base is tuple, "datetime" in kind))
    return found


_CHECKS = _checks()


def _column(values: Any, count: int, check: tuple[set[type], bool, bool]) -> tuple | None:
    """One stored column, checked (and datetimes decoded); None when not one we wrote.

    Whole-column checks (`set(map(type, ...))`) run at C speed: a per-value Python
    check of 10,000 entries costs more than the rest of a one-file run's cache work.
    """
    types, strings, time = check
    if type(values) is not tuple or len(values) != count or not set(map(type, values)) <= types:
        return None
    items = chain.from_iterable(v for v in values if v) if type(None) in types else values
    if strings and not set(map(type, chain.from_iterable(items))) <= {str}:
        return None
    if time:
        parse = datetime.fromisoformat
        try:
            return tuple([v if v is None else parse(v) for v in values])
        except ValueError:
            return None
    return values


class Table(NamedTuple):
    """The stored cache: paths, their keys, and the columns as written and as decoded.

    (Named tuples, not dataclasses, here: building a dataclass costs ~1 ms at import.)"""

    paths: tuple[str, ...]
    keys: tuple[Any, ...]
    stored: tuple[tuple[Any, ...], ...]  # columns as written (datetimes as strings)
    columns: tuple[tuple[Any, ...], ...]  # checked, datetimes decoded; path column first

    def row(self, index: int) -> Row:
        return tuple(column[index] for column in self.stored)


@contextlib.contextmanager
def _no_collection() -> Iterator[None]:
    """Pause the cyclic collector: unpickling ~100,000 tuples and strings (which cannot
    form cycles) would otherwise trigger full collections of everything loaded so far."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def read(path: str) -> Table | None:
    """The stored table, every value checked; None when missing, corrupt or not ours."""
    try:
        with open(path, "rb") as handle, _no_collection():
            data = _NoGlobals(io.BytesIO(handle.read())).load()
    except Exception:
        return None
    if not (type(data) is tuple and len(data) == 4 and data[:2] == (MAGIC, VERSION)):
        return None
    keys, stored = data[2:]
    if type(stored) is not tuple or len(stored) != len(FIELDS) or type(keys) is not tuple:
        return None
    count = len(keys)
    columns = [_column(values, count, check) for values, check in zip(stored, _CHECKS, strict=True)]
    if any(column is None for column in columns) or len(set(stored[0])) != count:
        return None
    return Table(stored[0], keys, stored, tuple(columns))  # type: ignore[arg-type]


def load(path: str) -> dict[str, tuple[Key, Row]]:
    """The stored {relpath: (key, encoded entry)}; empty when missing or not ours."""
    table = read(path)
    if table is None:
        return {}
    return {path: (table.keys[i], table.row(i)) for i, path in enumerate(table.paths)}


EMPTY = Table((), (), (), ())


class Snapshot(NamedTuple):
    """What `entries` starts from: the incident files ({relpath: abspath}), the content
    key of each (None: always re-parse it), and the stored cache if read already."""

    files: dict[str, str]
    keys: dict[str, Key | None]
    table: Table | None = None


def snapshot(root: str, folder: str, listing: Listing, path: str, early: bool = True) -> Snapshot:
    """The files `listing()` finds, their keys now, and (`early`) the cache file `path`.

    Git runs while `listing` walks the folder and the cache file is read. Take it
    *before* reading the files: a file changed after its key was taken then gets a key
    that no longer matches, so the cache errs towards re-parsing. A run forking workers
    to parse many files reads the cache later (`early=False`), so that the workers do
    not inherit it.
    """
    running = _start_git_keys(root, folder)
    try:
        files = dict(listing())
        table = (read(path) or EMPTY) if early else None
    except BaseException:
        for process in running or ():
            process.kill()
            process.communicate()
        raise
    keys = _git_keys(running)
    if keys is not None:  # untracked or modified files are keyed by mtime and size too
        found = {rel: keys.get(rel) or stat_key(path) for rel, path in files.items()}
        return Snapshot(files, found, table)
    return Snapshot(files, {rel: stat_key(path) for rel, path in files.items()}, table)


def save(path: str, stored: Mapping[str, tuple[Key, Row]]) -> None:
    """Write atomically (temp file + rename); a read-only checkout just skips caching.

    Equal values are made one object, which pickle then writes once.
    """
    # Only when writing: tempfile costs ~5 ms at import.
    from incident_ops.workspace.atomic import write_atomic
    from incident_ops.workspace.cachedir import prepare

    shared: dict[Any, Any] = {}

    def one(value: Any) -> Any:
        try:
            return shared.setdefault(value, value)
        except TypeError:  # unhashable: not one of ours, `read` will refuse it
            return value

    keys = tuple(key for key, _ in stored.values())
    rows = [row for _, row in stored.values()]
    columns = tuple(zip(*rows, strict=True)) if rows else ((),) * len(FIELDS)
    columns = tuple(tuple(map(one, column)) for column in columns)
    data = (MAGIC, VERSION, keys, columns)
    with contextlib.suppress(OSError):
        prepare(os.path.dirname(path))
        write_atomic(path, pickle.dumps(data, protocol=5))


def entries(
    path: str,
    snap: Snapshot,
    fresh: Mapping[str, Entry],
    parse_many: ParseMany,
    trusted: Collection[str] = (),
    lazy: bool = False,
) -> Entries:
    """An entry for every file of a `snapshot`: fresh ones, cached ones, parsed ones.

    The snapshot was taken before any of the files was read; `fresh` are entries this
    run parsed already, and `trusted` those of them read from the work tree after the
    snapshot (pr-check parses another revision: not trusted). The cache file is
    rewritten when anything in it changed. With `lazy`, files neither fresh nor cached
    are left pending: the index reads the few a rule asks about (a one-file run in a
    fresh clone must not read 10,000 files), and they are not cached.
    """
    files, keys = snap.files, snap.keys
    table = snap.table or read(path) or EMPTY
    stored = table.keys
    # Stored rows whose file is still there with the same key: still right, kept.
    kept = {
        rel: row
        for row, rel in enumerate(table.paths)
        if rel in files and (key := keys.get(rel)) is not None and key == stored[row]
    }
    used = {rel: row for rel, row in kept.items() if rel not in fresh}
    todo = [(path, rel) for rel, path in files.items() if rel not in kept and rel not in fresh]
    made = list(fresh.values())
    new: dict[str, tuple[Key, Row]] = {
        rel: (key, _encode(entry))
        for rel, entry in fresh.items()
        if rel in files and rel not in kept and rel in trusted and (key := keys.get(rel))
    }
    for rel, entry in (parse_many(todo) if not lazy else {}).items():
        made.append(entry)
        if (key := keys.get(rel)) is not None:
            new[rel] = (key, _encode(entry))
    if new or len(kept) != len(table.paths):
        save(path, {**{rel: (stored[i], table.row(i)) for rel, i in kept.items()}, **new})
    pending = {rel: abspath for abspath, rel in todo} if lazy else {}
    result = Entries(table.columns if used else (), used, pending, parse_many)
    for entry in made:
        result.add(entry)
    return result
