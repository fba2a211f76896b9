"""Finding the incident files of a repository: one walk, one order, for every command."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from operator import attrgetter

from incident_ops.errors import ConfigError
from incident_ops.workspace.config import Repo

_NAME = attrgetter("name")


def walk(directory: str, prefix: str) -> Iterator[tuple[str, str]]:
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
        yield from walk(folder.path, f"{prefix}{folder.name}/")


def incident_files(directory: str) -> list[str]:
    """Every `*.md` under a directory, sorted, skipping hidden folders."""
    return [path for _, path in walk(directory, "")]


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


def require_incidents(repo: Repo) -> None:
    """A usage error (exit 2) when the repository has no incidents folder."""
    if not os.path.isdir(repo.incidents_dir):
        raise ConfigError(f"no incidents folder {repo.config.incidents!r} in {repo.root}")


def discover(repo: Repo, paths: Iterable[str] = ()) -> list[str]:
    """Absolute paths of the files to check: given files, files under given dirs, or all."""
    targets = list(paths)
    if not targets:
        require_incidents(repo)
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
