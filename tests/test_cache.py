"""The index cache is an optimisation only: whatever state it is in, answers stay right.

Each test builds a real repository (Git or plain folder), runs the real code, damages or
outdates the cache in one way, and checks the index matches a fresh parse of the files.
"""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pytest

from benchmarks.generate import generate
from incident_ops.lint import validate as lint
from incident_ops.workspace import cache
from incident_ops.workspace.config import open_repo
from incident_ops.workspace.files import incident_files, relpaths
from incident_ops.workspace.index import FIELDS, RepoIndex, entry_for
from incident_ops.workspace.workspace import Workspace
from tests.helpers import NOW, git


def build_index(repo, fresh_entries) -> RepoIndex:
    return Workspace(repo).index(fresh_entries)


def _file(repo) -> str:
    """The index cache file of a repository (a `Repo`, or a test repo by its root)."""
    directory = getattr(repo, "cache_dir", None) or open_repo(str(repo.root)).cache_dir
    return cache.cache_file(directory)


def fresh(repo) -> dict:
    """The index entries a full parse gives, for comparison."""
    files = incident_files(repo.incidents_dir)
    out = {}
    for abspath, rel in zip(files, relpaths(repo, files), strict=True):
        record = Workspace.read(abspath, rel)
        out[rel] = entry_for(record.doc, record.incident)
    return out


def built(repo) -> dict:
    return dict(build_index(repo, {}).entries)


@pytest.fixture(params=["git", "plain"])
def repo(request, tmp_path):
    """A 12-incident repository, with Git history or as a plain folder."""
    generate(tmp_path, 12, seed=5, commits=1 if request.param == "git" else 0)
    return open_repo(str(tmp_path))


def retitle(repo, index: int, title: str) -> str:
    path = incident_files(repo.incidents_dir)[index]
    text = Path(path).read_text()
    head, rest = text.split("\ntitle: ", 1)
    Path(path).write_text(head + f"\ntitle: {title}\n" + rest.split("\n", 1)[1])
    return path


def test_cold_cache_is_written_and_then_used(repo):
    target = Path(_file(repo))
    assert not target.exists()
    first = built(repo)
    assert first == fresh(repo)
    assert target.exists()
    stored = cache.load(_file(repo))
    assert set(stored) == set(first)
    assert built(repo) == first


def test_cached_entries_are_used_not_reparsed(repo, monkeypatch):
    built(repo)
    calls: list[str] = []
    original = Workspace.read

    def spy(abspath, relpath):
        calls.append(relpath)
        return original(abspath, relpath)

    monkeypatch.setattr(Workspace, "read", staticmethod(spy))
    index = build_index(repo, {})
    assert len(index.entries) == 12
    assert calls == []  # every entry came from the cache
    assert dict(index.entries) == fresh(repo)


@pytest.mark.parametrize(
    "damage",
    [
        b"",  # truncated to nothing
        b"garbage that is not a pickle",
        pickle.dumps(("incident-ops-index", (999,), {})),  # another version
        pickle.dumps(["not", "a", "tuple"]),
        pickle.dumps(("incident-ops-index", cache.VERSION, {"x": ("key", ("x",))})),
    ],
    ids=["empty", "garbage", "version", "shape", "foreign-entry"],
)
def test_corrupt_cache_is_rebuilt(repo, damage):
    built(repo)
    target = Path(_file(repo))
    if damage:
        target.write_bytes(damage)
    else:
        target.write_bytes(target.read_bytes()[:100])  # truncated
    assert built(repo) == fresh(repo)
    assert cache.load(_file(repo))  # rewritten, readable again


def test_entry_with_wrong_types_is_not_trusted(repo):
    built(repo)
    stored = cache.load(_file(repo))
    path = sorted(stored)[0]
    key, fields = stored[path]
    stored[path] = (key, (fields[0], 42, *fields[2:]))  # id of the wrong type
    cache.save(_file(repo), stored)
    assert built(repo) == fresh(repo)


def test_cache_with_code_is_refused(repo, tmp_path):
    built(repo)
    marker = tmp_path / "pwned"

    class Evil:
        def __reduce__(self):
            return (os.system, (f"touch {marker}",))

    Path(_file(repo)).write_bytes(pickle.dumps(Evil()))
    assert built(repo) == fresh(repo)
    assert not marker.exists()


def test_stale_entry_after_an_edit_is_reparsed(repo):
    built(repo)
    path = retitle(repo, 3, "A new title")  # Git: modified; plain folder: new size
    entries = built(repo)
    assert entries[repo.relpath(path)].title == "A new title"
    assert entries == fresh(repo)


def test_committed_edit_changes_blob_key(tmp_path):
    generate(tmp_path, 6, seed=1, commits=1)
    repo = open_repo(str(tmp_path))
    built(repo)
    path = retitle(repo, 2, "Committed title")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "edit")
    assert built(repo)[repo.relpath(path)].title == "Committed title"
    key = cache.load(_file(repo))[repo.relpath(path)][0]
    assert key == git(tmp_path, "rev-parse", f"HEAD:{repo.relpath(path)}").strip()


def test_tracked_symlink_is_never_followed_nor_cached(tmp_path):
    paths = generate(tmp_path, 6, seed=1, commits=1)
    target = tmp_path / "elsewhere.txt"
    text = (tmp_path / paths[0]).read_text().replace(Path(paths[0]).name[:13], "INC-2030-0001")
    target.write_text(text)
    link = (tmp_path / paths[0]).with_name("INC-2030-0001-link.md")
    os.symlink(os.path.relpath(target, link.parent), link)
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "link")
    repo = open_repo(str(tmp_path))
    rel = repo.relpath(str(link))
    assert built(repo)[rel].id is None  # the target outside the folder is never read
    assert rel not in cache.load(_file(repo))
    record = Workspace.read(str(link), rel)
    assert [(p.rule, p.line) for p in record.doc.problems] == [("syntax", 1)]
    assert "symbolic link" in record.doc.problems[0].message


def test_new_and_deleted_files(repo):
    built(repo)
    files = incident_files(repo.incidents_dir)
    os.unlink(files[0])
    extra = Path(files[1]).with_name("INC-2030-0001-new.md")
    extra.write_text(Path(files[1]).read_text().replace(Path(files[1]).name[:13], "INC-2030-0001"))
    entries = built(repo)
    assert repo.relpath(files[0]) not in entries
    assert entries[repo.relpath(str(extra))].id == "INC-2030-0001"
    assert entries == fresh(repo)
    assert repo.relpath(files[0]) not in cache.load(_file(repo))


def test_unwritable_cache_folder_still_answers(repo):
    folder = Path(repo.cache_dir)
    folder.write_text("a file where the folder should be")
    assert built(repo) == fresh(repo)


def test_worktree_flag_controls_what_fresh_entries_store(repo):
    built(repo)
    rel = sorted(fresh(repo))[0]
    other = fresh(repo)[rel]
    from dataclasses import replace

    fake = replace(other, title="from another revision")
    index = build_index(repo, {rel: fake})
    assert index.entries[rel].title == "from another revision"
    assert cache.load(_file(repo))[rel][1][2] == other.title  # not stored
    assert built(repo)[rel].title == other.title


def test_validate_cli_same_findings_with_and_without_cache(make_repo):
    from tests.helpers import MINIMAL, incident

    repo = make_repo(
        {
            "INC-2026-0001-a.md": incident(MINIMAL),
            "INC-2026-0002-b.md": incident(MINIMAL.replace("INC-2026-0001", "INC-2026-0002")),
        }
    )
    first = repo.run("validate", "--format", "json", "--now", NOW).json()
    untracked = cache.load(_file(repo))  # files Git does not know: keyed by mtime and size
    assert sorted(key for key, _ in untracked.values()) == sorted(
        (p.stat().st_mtime_ns, p.stat().st_size) for p in (repo.root / "incidents").rglob("*.md")
    )
    git(repo.root, "add", "-A")
    staged = repo.run("validate", "--format", "json", "--now", NOW).json()
    assert {len(key) for key, _ in cache.load(_file(repo)).values()} == {40}  # blob ids now
    again = repo.run("validate", "--format", "json", "--now", NOW).json()
    assert first == staged == again


def test_cold_cache_of_many_files_is_filled_on_all_cores(tmp_path, monkeypatch):
    from incident_ops.workspace import parallel

    generate(tmp_path, 230, seed=4, commits=1)
    repo = open_repo(str(tmp_path))
    monkeypatch.setenv(parallel.JOBS_VARIABLE, "2")
    assert parallel.worker_count(230) == 2
    assert built(repo) == fresh(repo)
    assert len(cache.load(_file(repo))) == 230


def test_warm_index_builds_entries_only_when_asked(repo):
    built(repo)
    index = build_index(repo, {})
    eager = RepoIndex()
    for entry in fresh(repo).values():
        eager.add(entry)
    entries = index.entries
    assert entries._built == {}  # nothing built by loading the cache
    for entry in eager.entries.values():
        assert index.paths_for(entry.id) == eager.paths_for(entry.id)
        assert index.get(entry.id) == eager.get(entry.id)
    assert len(entries._built) == len({e.id for e in eager.entries.values()})
    for name in ("services", "root_cause", "category", "customers", "severity", "nothing"):
        for entry in eager.entries.values():
            wanted = getattr(entry, name, None)
            values = wanted if isinstance(wanted, tuple) else (wanted,)
            found = index.sharing(name, values)
            assert sorted(found, key=repr) == sorted(eager.sharing(name, values), key=repr)


def test_index_shipped_to_a_worker_is_the_same(repo):
    built(repo)
    index = build_index(repo, {})
    copy = pickle.loads(pickle.dumps(index))
    assert dict(copy.entries) == dict(index.entries) == fresh(repo)
    assert copy.by_id == index.by_id


@pytest.mark.parametrize(
    ("field", "bad"),
    [
        ("id", 42),
        ("title", None),
        ("services", ("api", 3)),
        ("services", ["api"]),
        ("detected_at", "not a time"),
        ("last_action_done", 1700000000),
    ],
)
def test_one_bad_value_makes_the_whole_cache_rebuilt(repo, field, bad):
    built(repo)
    stored = cache.load(_file(repo))
    path = sorted(stored)[4]
    key, row = stored[path]
    position = FIELDS.index(field)
    stored[path] = (key, (*row[:position], bad, *row[position + 1 :]))
    cache.save(_file(repo), stored)
    assert cache.read(_file(repo)) is None  # refused as a whole, on reading
    assert built(repo) == fresh(repo)
    rows = {rel: row for rel, (_, row) in cache.load(_file(repo)).items()}
    assert rows == {rel: cache._encode(entry) for rel, entry in fresh(repo).items()}


@pytest.mark.parametrize(
    "columns",
    [
        lambda paths, rest: (paths + paths[:1], *rest),  # a column longer than the keys
        lambda paths, rest: ((paths[0],) * len(paths), *rest),  # one path many times
        lambda paths, rest: (paths, *rest[:-1]),  # a field missing
        lambda paths, rest: (list(paths), *rest),  # not a tuple
    ],
    ids=["long", "repeated", "missing", "list"],
)
def test_misshapen_columns_are_refused(repo, columns):
    built(repo)
    with open(_file(repo), "rb") as handle:
        magic, version, keys, stored = pickle.load(handle)
    damaged = (magic, version, keys, columns(stored[0], stored[1:]))
    Path(_file(repo)).write_bytes(pickle.dumps(damaged))
    assert cache.read(_file(repo)) is None
    assert built(repo) == fresh(repo)
    assert cache.read(_file(repo)) is not None


def test_corrupt_cache_gives_the_same_findings_for_one_file(tmp_path):
    from incident_ops.domain.instants import parse_instant
    from incident_ops.policy.load import load_policy

    paths = generate(tmp_path, 12, seed=5, commits=1)
    original = tmp_path / paths[2]
    copy = original.with_name(original.name.replace(".md", "-copy.md"))
    copy.write_text(original.read_text())  # same id: duplicate-id needs the cached entry
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "copy")
    repo = open_repo(str(tmp_path))
    policy = load_policy(repo.policies_dir, repo.root)
    now = parse_instant(NOW, policy.calendar().tz)

    def findings() -> list:
        return lint.validate(repo, policy, now, [str(copy)]).findings

    expected = findings()
    assert "duplicate-id" in {f.rule for f in expected}
    lint.validate(repo, policy, now)  # a whole run fills the cache (a one-file run reads lazily)
    assert findings() == expected  # the same with the cache as without
    stored = cache.load(_file(repo))
    assert len(stored) == 13
    for bad in (("id", 7), ("detected_at", "garbage")):
        key, row = stored[paths[2]]
        position = FIELDS.index(bad[0])
        damaged = {**stored, paths[2]: (key, (*row[:position], bad[1], *row[position + 1 :]))}
        cache.save(_file(repo), damaged)
        assert findings() == expected  # a damaged cache is refused, never believed
        lint.validate(repo, policy, now)
        assert cache.load(_file(repo)) == stored  # rebuilt by the next whole run


def test_listing_walks_like_os_walk(tmp_path):
    for name in [
        "a/x.md", "a/b/y.md", "a-b/z.md", "a/.hidden/h.md", "a/.dot.md", "a/notes.txt",
        "c.md", "b/deep/er/w.md",
    ]:  # fmt: skip
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    os.symlink(tmp_path / "b", tmp_path / "a" / "linked")
    os.symlink(tmp_path / "c.md", tmp_path / "a" / "alias.md")
    expected: list[str] = []
    for base, dirs, files in os.walk(tmp_path):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        expected += [os.path.join(base, f) for f in sorted(files) if f.endswith(".md")]
    assert incident_files(str(tmp_path)) == expected
    assert len(expected) == 7
