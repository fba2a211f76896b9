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

import io
import os
import pickle
import subprocess
import tempfile
from collections.abc import Callable, Mapping
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
Parse = Callable[[str, str], Entry]  # (abspath, relpath) → entry


def cache_file(root: str) -> str:
    return os.path.join(root, FOLDER, NAME)


class _NoGlobals(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        raise pickle.UnpicklingError(f"global {module}.{name} is not allowed")


def _git_lines(root: str, *args: str) -> list[str] | None:
    try:
        done = subprocess.run(
            ["git", "-C", root, *args], capture_output=True, check=False, timeout=60
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode != 0:
        return None
    return [line for line in done.stdout.decode("utf-8", "surrogateescape").split("\0") if line]


def git_keys(root: str, folder: str) -> dict[str, Key] | None:
    """Blob id of every tracked, unmodified file under `folder` (None: not a Git work tree)."""
    staged = _git_lines(root, "ls-files", "-s", "-z", "--", folder)
    if staged is None:
        return None
    modified = _git_lines(root, "ls-files", "-m", "-z", "--", folder)
    if modified is None:
        return None
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


def _field(kind: str, value: Any) -> Any:
    """A stored field checked against its annotation; raises ValueError when foreign."""
    if value is None and "None" in kind:
        return None
    if "datetime" in kind and isinstance(value, str):
        return datetime.fromisoformat(value)
    if kind.startswith("tuple") and isinstance(value, tuple):
        if all(isinstance(v, str) for v in value):
            return value
    elif kind.startswith("str") and isinstance(value, str):
        return value
    raise ValueError(kind)


def _decode(path: str, stored: Any) -> Entry | None:
    """The entry stored for `path`, or None when the stored tuple is not one we wrote."""
    if not isinstance(stored, tuple) or len(stored) != len(_KINDS) or stored[0] != path:
        return None
    try:
        return Entry(*(_field(kind, value) for kind, value in zip(_KINDS, stored, strict=True)))
    except ValueError:
        return None


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
    folder = os.path.join(root, FOLDER)
    try:
        os.makedirs(folder, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=".index-cache-", dir=folder)
        try:
            with os.fdopen(fd, "wb") as handle:
                pickle.dump((MAGIC, VERSION, dict(stored)), handle, protocol=5)
            os.replace(temp, cache_file(root))
        except BaseException:
            os.unlink(temp)
            raise
    except OSError:
        pass


def entries(
    root: str,
    folder: str,
    files: Mapping[str, str],
    fresh: Mapping[str, Entry],
    parse: Parse,
    fresh_from_worktree: bool = False,
) -> dict[str, Entry]:
    """An entry for every file ({relpath: abspath}): fresh ones, cached ones, parsed ones.

    `folder` is the incidents folder relative to `root`; `fresh` are entries of files
    this run parsed already — stored in the cache only when they were read from the work
    tree (pr-check parses the head revision, which may differ). The cache is rewritten
    when anything in it changed.
    """
    keys = git_keys(root, folder)
    stored = load(root)
    result: dict[str, Entry] = {}
    updated: dict[str, tuple[Key, Any]] = {}
    for rel, abspath in files.items():
        key = keys.get(rel) if keys is not None else stat_key(abspath)
        item = stored.get(rel)
        hit = key is not None and item is not None and item[0] == key
        entry = fresh.get(rel)
        if entry is not None:
            if hit:
                updated[rel] = item  # type: ignore[assignment]
            elif key is not None and fresh_from_worktree:
                updated[rel] = (key, _encode(entry))
        else:
            entry = _decode(rel, item[1]) if hit else None  # type: ignore[index]
            if entry is not None:
                updated[rel] = item  # type: ignore[assignment]
            else:
                entry = parse(abspath, rel)
                if key is not None:
                    updated[rel] = (key, _encode(entry))
        result[rel] = entry
    if updated != stored:
        save(root, updated)
    return result
