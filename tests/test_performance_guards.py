"""Guards for what keeps incident-ops fast: lazy imports, one parse per file, cached index."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.generate import generate
from incident_ops.domain.instants import parse_instant
from incident_ops.lint import validate as lint
from incident_ops.policy.load import load_policy
from incident_ops.workspace import parallel
from incident_ops.workspace.config import open_repo
from incident_ops.workspace.load import Record
from incident_ops.workspace.workspace import Workspace
from tests.helpers import NOW

HEAVY = ("github", "git", "ruamel", "jinja2", "rich")
PROBE = f"""
import sys
from incident_ops.cli import main
code = main(sys.argv[1:])
heavy = sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r}))
print("HEAVY", heavy, "CODE", code)
"""


def probe(cwd: Path, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args], cwd=cwd, capture_output=True, text=True, timeout=300
    )
    return done.stdout.strip().splitlines()[-1]


def test_validate_imports_no_heavy_library(tmp_path):
    paths = generate(tmp_path, 5, seed=1, commits=1)
    assert probe(tmp_path, "validate", "--now", NOW) == "HEAVY [] CODE 0"
    assert probe(tmp_path, "validate", "--now", NOW, paths[0]) == "HEAVY [] CODE 0"


def count_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The relative paths `Workspace.read` parses from now on, in order."""
    parsed: list[str] = []
    original = Workspace.read

    def counting(abspath: str, relpath: str) -> Record:
        parsed.append(relpath)
        return original(abspath, relpath)

    monkeypatch.setattr(Workspace, "read", staticmethod(counting))
    return parsed


def test_one_changed_file_is_the_only_one_parsed(tmp_path, monkeypatch):
    paths = generate(tmp_path, 40, seed=2, commits=1)
    repo = open_repo(str(tmp_path))
    Workspace(repo).index({})  # warms the cache
    changed = tmp_path / paths[7]
    changed.write_text(changed.read_text().replace("\ntitle: ", "\ntitle: Edited ", 1))
    parsed = count_reads(monkeypatch)
    policy = load_policy(repo.policies_dir, repo.root)
    report = lint.validate(
        repo, policy, parse_instant(NOW, policy.calendar().tz), [str(tmp_path / paths[3])]
    )
    assert report.findings == []
    # the file validated; the edited one the cache cannot vouch for is read only if a
    # rule asks about it (it shares a value with the validated file), never the others
    assert parsed[0] == paths[3] and set(parsed) <= {paths[3], paths[7]}


def test_a_fresh_clone_reads_only_the_files_a_rule_asks_about(tmp_path, monkeypatch):
    """No cache at all: ids come from the file listing, recurrence candidates from a
    text search, so checking one file reads it and the few that share its values."""
    paths = generate(tmp_path, 60, seed=4, commits=1)
    repo = open_repo(str(tmp_path))
    policy = load_policy(repo.policies_dir, repo.root)
    now = parse_instant(NOW, policy.calendar().tz)
    target = str(tmp_path / paths[30])
    parsed = count_reads(monkeypatch)
    lazy = lint.validate(repo, policy, now, [target]).findings
    assert parsed[0] == paths[30] and len(parsed) < 10, parsed
    monkeypatch.undo()
    lint.validate(repo, policy, now)  # a whole run: every file read, the cache filled
    assert lint.validate(repo, policy, now, [target]).findings == lazy


def test_parallel_validate_matches_serial(tmp_path, monkeypatch):
    generate(tmp_path, 260, seed=3, commits=1)
    extra = tmp_path / "incidents" / "2021" / "INC-2021-0001-copy.md"  # a duplicate id
    first = sorted((tmp_path / "incidents" / "2021").glob("INC-2021-0001-*.md"))[0]
    extra.write_text(first.read_text().replace("status: closed", "status: closd"))
    repo = open_repo(str(tmp_path))
    policy = load_policy(repo.policies_dir, repo.root)
    now = parse_instant(NOW, policy.calendar().tz)
    monkeypatch.setenv(parallel.JOBS_VARIABLE, "2")
    assert parallel.worker_count(261) == 2
    both = lint.validate(repo, policy, now)
    monkeypatch.setenv(parallel.JOBS_VARIABLE, "1")
    assert parallel.worker_count(261) == 1
    one = lint.validate(repo, policy, now)
    assert (both.files, both.incidents) == (one.files, one.incidents) == (261, 260)
    assert both.findings == one.findings
    assert {f.rule for f in both.findings} >= {"duplicate-id", "schema"}


def test_worker_errors_reach_the_caller():
    def first(part: list[int]) -> tuple[list[int], int]:
        if 3 in part:
            raise ValueError("bad item 3")
        return part, len(part)

    try:
        parallel.two_phase([[1, 2], [3, 4]], first, sum, lambda state, total: total)
    except ValueError as error:
        assert "bad item 3" in str(error)
    else:  # pragma: no cover - the assertion above must run
        raise AssertionError("the worker's error was lost")
    combined, seconds = parallel.two_phase(
        [[1, 2], [3]], lambda p: (p, len(p)), sum, lambda s, t: [x * t for x in s]
    )
    assert (combined, seconds) == (3, [[3, 6], [9]])


def test_warm_single_file_run_builds_few_entries(tmp_path, monkeypatch):
    from incident_ops.workspace import cache
    from incident_ops.workspace import index as index_module

    paths = generate(tmp_path, 150, seed=6, commits=1)
    repo = open_repo(str(tmp_path))
    policy = load_policy(repo.policies_dir, repo.root)
    now = parse_instant(NOW, policy.calendar().tz)
    target = [str(tmp_path / paths[75])]
    cold = lint.validate(repo, policy, now, target)  # no cache: reads lazily, caches nothing
    lint.validate(repo, policy, now)  # a whole run fills the cache
    assert len(cache.load(cache.cache_file(repo.cache_dir))) == 150
    built: list[str] = []
    real = index_module.Entry

    def counting(*args: object, **kwargs: object) -> index_module.Entry:
        entry = real(*args, **kwargs)  # type: ignore[arg-type]
        built.append(entry.path)
        return entry

    monkeypatch.setattr(index_module, "Entry", counting)
    warm = lint.validate(repo, policy, now, target)
    assert warm.findings == cold.findings
    assert paths[75] in built  # the file itself
    assert len(built) < 150 // 3  # not every cached entry
