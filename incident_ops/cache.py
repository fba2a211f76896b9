"""The index cache: each incident file's `index.Entry`, kept between runs.

Cross-file rules need a few facts of every incident; re-parsing 10,000 files to check
one would make a single-file run cost as much as a full one. Entries are stored under
`.incident-ops/index-cache.pickle`, each keyed by what identifies the file's content:
its Git blob id when the file is tracked and unmodified, else (outside Git) its mtime
and size. Modified and untracked files of a Git work tree are always re-parsed.

The cache is an optimisation only: an unreadable, corrupt, foreign-version or stale
cache is ignored and rewritten, never trusted. It is unpickled with no globals allowed
(plain tuples, strings, numbers only), so a crafted file cannot run code.
"""

from __future__ import annotations

import contextlib
import io
import os
import pickle
import subprocess
from collections.abc import Callable, Collection, Mapping
from dataclasses import fields
from datetime import datetime
from typing import Any

from incident_ops.index import Entry

_NAMES = tuple(f.name for f in fields(Entry))
_KINDS = tuple(str(f.type) for f in fields(Entry))  # annotations are strings (PEP 563)
# A new Entry field changes the version, so an old cache is rebuilt, not misread.
VERSION = (1, *_NAMES)
MAGIC = "incident-ops-index"
FOLDER = ".incident-ops"
NAME = "index-cache.pickle"
Key = tuple[str | int, ...]
ParseMany = Callable[[list[tuple[str, str]]], dict[str, Entry]]  # [(abspath, rel)] → entries


def cache_file(root: str) -> str:
    return os.path.join(root, FOLDER, NAME)


class _NoGlobals(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        raise pickle.UnpicklingError(f"global {module}.{name} is not allowed")


def _git_outputs(root: str, *commands: list[str]) -> list[list[str]] | None:
    """NUL-separated outputs of git commands run side by side; None if any fails."""
    try:
        running = [
            subprocess.Popen(
                ["git", "-C", root, *args], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
            )
            for args in commands
        ]
    except OSError:
        return None
    outputs = []
    for process in running:
        try:
            out, _ = process.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
            return None
        if process.returncode != 0:
            return None
        text = out.decode("utf-8", "surrogateescape")
        outputs.append([line for line in text.split("\0") if line])
    return outputs


def git_keys(root: str, folder: str) -> dict[str, Key] | None:
    """Blob id of every tracked, unmodified file under `folder` (None: not a Git work tree)."""
    found = _git_outputs(
        root, ["ls-files", "-s", "-z", "--", folder], ["ls-files", "-m", "-z", "--", folder]
    )
    if found is None:
        return None
    staged, modified = found
    dirty = set(modified)
    keys: dict[str, Key] = {}
    for line in staged:
        meta, _, path = line.partition("\t")
        parts = meta.split()
        if len(parts) == 3 and parts[2] == "0" and path not in dirty:
            keys[path] = ("git", parts[1])
    return keys


def stat_key(abspath: str) -> Key | None:
    try:
        info = os.stat(abspath)
    except OSError:
        return None
    return ("stat", info.st_mtime_ns, info.st_size)


def _encode(entry: Entry) -> tuple[Any, ...]:
    values = (getattr(entry, name) for name in _NAMES)
    return tuple(v.isoformat() if isinstance(v, datetime) else v for v in values)


def _checks() -> tuple[tuple[type | tuple[type, ...], ...], tuple[int, ...], tuple[int, ...]]:
    """Per stored field: the types allowed; which fields are datetimes and string tuples."""
    types: list[type | tuple[type, ...]] = []
    times, tuples = [], []
    for index, kind in enumerate(_KINDS):
        base: type = tuple if kind.startswith("tuple") else str
        types.append((base, type(None)) if "None" in kind else base)
        if "datetime" in kind:
            times.append(index)
        elif base is tuple:
            tuples.append(index)
    return tuple(types), tuple(times), tuple(tuples)


_TYPES, _TIMES, _TUPLES = _checks()


def _decode(path: str, stored: Any) -> Entry | None:
    """The entry stored for `path`, or None when the stored tuple is not one we wrote.

    Runs for every file of the repo on every cached run, hence the flat checks.
    """
    if type(stored) is not tuple or len(stored) != len(_TYPES) or stored[0] != path:
        return None
    if not all(map(isinstance, stored, _TYPES)):
        return None
    for index in _TUPLES:
        if not all(type(item) is str for item in stored[index]):
            return None
    values = list(stored)
    try:
        for index in _TIMES:
            if values[index] is not None:
                values[index] = datetime.fromisoformat(values[index])
    except ValueError:
        return None
    return Entry(*values)


def load(root: str) -> dict[str, tuple[Key, Any]]:
    """The stored {relpath: (key, encoded entry)}; empty when missing or not ours."""
    try:
        with open(cache_file(root), "rb") as handle:
            data = _NoGlobals(io.BytesIO(handle.read())).load()
    except Exception:
        return {}
    if not (isinstance(data, tuple) and len(data) == 3 and data[:2] == (MAGIC, VERSION)):
        return {}
    stored = data[2]
    if not isinstance(stored, dict):
        return {}
    return {
        path: item
        for path, item in stored.items()
        if isinstance(path, str) and isinstance(item, tuple) and len(item) == 2
    }


def save(root: str, stored: Mapping[str, tuple[Key, Any]]) -> None:
    """Write atomically (temp file + rename); a read-only checkout just skips caching."""
    from incident_ops.atomic import write_atomic  # only when writing: tempfile costs ~5 ms

    with contextlib.suppress(OSError):
        write_atomic(cache_file(root), pickle.dumps((MAGIC, VERSION, dict(stored)), protocol=5))


def snapshot(root: str, folder: str, files: Mapping[str, str]) -> dict[str, Key | None]:
    """The content key of each file ({relpath: abspath}) now; None: always re-parse it.

    Take it *before* reading the files: a file changed after its key was taken then
    gets a key that no longer matches, so the cache errs towards re-parsing.
    """
    keys = git_keys(root, folder)
    if keys is not None:
        return {rel: keys.get(rel) for rel in files}
    return {rel: stat_key(abspath) for rel, abspath in files.items()}


def entries(
    root: str,
    files: Mapping[str, str],
    keys: Mapping[str, Key | None],
    fresh: Mapping[str, Entry],
    parse_many: ParseMany,
    trusted: Collection[str] = (),
) -> dict[str, Entry]:
    """An entry for every file ({relpath: abspath}): fresh ones, cached ones, parsed ones.

    `keys` is a `snapshot` taken before any of the files was read; `fresh` are entries
    this run parsed already, and `trusted` those of them read from the work tree after
    the snapshot (pr-check parses another revision: not trusted). The cache file is
    rewritten when anything in it changed.
    """
    stored = load(root)
    result: dict[str, Entry | None] = {}
    updated: dict[str, tuple[Key, Any]] = {}
    todo: list[tuple[str, str]] = []
    for rel, abspath in files.items():
        key = keys.get(rel)
        item = stored.get(rel)
        hit = key is not None and item is not None and item[0] == key
        entry = fresh.get(rel)
        if entry is not None:
            if hit:
                updated[rel] = item  # type: ignore[assignment]
            elif key is not None and rel in trusted:
                updated[rel] = (key, _encode(entry))
        else:
            entry = _decode(rel, item[1]) if hit else None  # type: ignore[index]
            if entry is not None:
                updated[rel] = item  # type: ignore[assignment]
            else:
                todo.append((abspath, rel))
        result[rel] = entry
    for rel, entry in parse_many(todo).items():
        result[rel] = entry
        key = keys.get(rel)
        if key is not None:
            updated[rel] = (key, _encode(entry))
    if updated != stored:
        save(root, updated)
    return result  # type: ignore[return-value]
