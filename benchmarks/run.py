"""Benchmarks: incident-ops against the floor of merely reading the files.

`python benchmarks/run.py [--sizes 1000,10000] [--runs 5 | --quick] [--out benchmarks/RESULTS.md]
[--keep DIR] [--only validate|single|prcheck|deadlines|sweep|cold ...]`

Every timing row runs its command and the row's reference in turns (A B A B …), `--runs`
timed runs of each after one untimed run (fills the OS and index caches; never for a fresh
clone), as subprocesses like a user runs them. It reports the median and the spread
(min–max) of each and the ratio of the two medians, with the target and the verdict. The
repositories come from `generate.py` (Git history of 5 commits); targets apply to the
largest size (10,000 by default). Row groups (`--only` reruns some and merges them into
`--out`):

- validate (each size): `incident-ops validate` of every file vs the floor — one Python
  process reading each file and loading its front matter with `yaml.load(...,
  Loader=yaml.CSafeLoader)` (≤ 0.7×); per-file cost; peak RSS (≤ 300 MB); when the target
  is missed, the same without the recurrence rule (a diagnostic).
- single: a single-file `validate` vs `python -c "import yaml"` (≤ 6×) in the committed
  repository with a warm cache; in a fresh `git clone` of it, a new one for each timed
  run (no cache); in a copy whose configuration and policies are committed but whose
  incident files are untracked (created after the last commit, never added; warm); and,
  without a target, in a copy without Git (warm).
- prcheck: `pr-check --base origin/main` in a fresh clone of a branch that retitles one
  incident vs the warm single-file `validate` of the committed repository (≤ 3×).
- deadlines: `incident-ops deadlines` vs the floor (≤ 1.0×).
- sweep: the GitHub calls of two sweeps against the fake GitHub (`tests/fakegithub`) on
  the first size or 1,000 incidents, whichever is smaller, 1 in 20 left open; the second
  must make no write and read list pages only (plus the one `GET /user` that says whose
  markers count, counted apart).
Every timed command must exit 0 (the generated incidents are valid): a finding or an
error gives a `failed` row, not a timing of the wrong path.
Ratios, not absolute times, are the claims; RESULTS.md records them with the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parent
sys.path[:0] = [str(HERE), str(PROJECT)]

from generate import GIT_ENV, generate  # noqa: E402

from incident_ops.workspace.cachedir import cache_dir  # noqa: E402

NOW = "2026-11-20T12:00:00+01:00"
NOTES_MARKER = "<!-- notes: kept by run.py -->"
FLOOR = """
import os, sys, yaml
for base, dirs, files in os.walk(sys.argv[1]):
    for name in files:
        if name.endswith(".md"):
            with open(os.path.join(base, name), encoding="utf-8") as handle:
                text = handle.read()
            yaml.load(text[4 : text.index("\\n---", 3)], Loader=yaml.CSafeLoader)
"""
RSS = """
import resource, subprocess, sys
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""
IMPORT_YAML = (sys.executable, "-c", "import yaml")
# The row groups, in table order, and how each group's row names start (a rerun of a
# group replaces the rows it finds by these prefixes and the size in the name).
GROUPS = {
    "validate": "validate",
    "single": "single-file validate",
    "prcheck": "pr-check",
    "deadlines": "deadlines",
    "sweep": "sweep",
}
ALIASES = {"cold": ("single", "prcheck")}  # the group name of earlier versions
HEAD = (
    "measure",
    "median",
    "spread (min–max)",
    "reference: median (min–max)",
    "ratio of medians",
    "target",
    "verdict",
)
METHOD = (
    "Each timing row runs its command and the row's reference in turns (A B A B …): {runs} "
    "timed run(s) of each after one untimed run (warm caches; none for a fresh clone); "
    "median and spread (min–max) of each, ratio = median / median of that same series. "
    "Targets apply to the largest size. Single-file rows time `validate` of one file "
    '(the middle one by path) of the largest repository; "untracked" is a copy whose '
    "configuration and policies are committed and whose incident files are not (created "
    "after the last commit, never added); a fresh clone is a new `git clone --no-local` "
    "for each run (not timed)."
)


class Failed(RuntimeError):
    """A benchmarked command did not succeed (exit code other than 0)."""


@dataclass(frozen=True)
class Row:
    """One line of the results table."""

    name: str
    value: str
    spread: str = ""
    reference: str = ""
    ratio: str = ""
    target: str = ""
    verdict: str = ""

    def line(self) -> str:
        cells = (self.name, self.value, self.spread, self.reference, self.ratio)
        return "| " + " | ".join((*cells, self.target, self.verdict)) + " |"


@dataclass(frozen=True)
class Command:
    """A command as a user runs it; `place` yields its working directory for one run."""

    argv: tuple[str, ...]
    place: Callable[[], AbstractContextManager[Path]]
    env: Mapping[str, str] | None = None
    warm_up: bool = True  # one untimed run before the timed ones


@dataclass(frozen=True)
class Series:
    """The wall-clock seconds of one command's timed runs in an interleaved series."""

    times: tuple[float, ...]
    stopped: bool = False  # a run reached the time limit; no more were made

    @property
    def median(self) -> float:
        if self.stopped or not self.times:
            return float("inf")
        return statistics.median(self.times)

    def figure(self, unit: str) -> str:
        return "stopped (too slow)" if self.median == float("inf") else duration(self.median, unit)

    def spread(self, unit: str) -> str:
        if not self.times:
            return ""
        low, high = duration(min(self.times), unit), duration(max(self.times), unit)
        return f"{low.split()[0]}–{high}"


@dataclass
class Bench:
    """The generated repositories of one benchmark run, made when first needed."""

    root: Path
    runs: int
    made: dict[str, Path] = field(default_factory=dict)

    def repo(self, n: int) -> Path:
        """The repository of `n` incidents, Git history of 5 commits."""
        return self._once(f"repo-{n}", lambda path: generate(path, n, seed=1, commits=5))

    def plain(self, n: int) -> Path:
        """A copy of `repo(n)` without Git."""
        source = self.repo(n)
        return self._once(f"repo-{n}-plain", partial(copy_work_tree, source))

    def untracked(self, n: int) -> Path:
        """A copy of `repo(n)` whose configuration and policies are committed (one commit)
        and whose incident files are untracked."""
        source = self.repo(n)
        return self._once(f"repo-{n}-untracked", partial(commit_all_but_incidents, source))

    def _once(self, name: str, make: Callable[[Path], object]) -> Path:
        if name not in self.made:
            make(self.root / name)
            self.made[name] = self.root / name
        return self.made[name]


def cli() -> tuple[str, ...]:
    script = Path(sys.executable).with_name("incident-ops")
    return (str(script),) if script.exists() else (sys.executable, "-m", "incident_ops")


def quiet_env() -> dict[str, str]:
    """The environment without GitHub's (no token, no Actions output, no event file) and
    with Python's bytecode cache on, as a user runs it: an installed package has its
    `.pyc` files, and a shell that sets PYTHONDONTWRITEBYTECODE would time compiling
    every module of an editable install at every start instead."""
    return {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("GITHUB_") and k != "PYTHONDONTWRITEBYTECODE"
    }


def duration(seconds: float, unit: str) -> str:
    return f"{seconds * 1000:.0f} ms" if unit == "ms" else f"{seconds:.2f} s"


def verdict(value: float, limit: float) -> str:
    return "met" if value <= limit else "MISSED"


def git(cwd: Path, *args: str) -> None:
    env = {**os.environ, **GIT_ENV}
    subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True)


def copy_work_tree(source: Path, dest: Path) -> None:
    shutil.copytree(source, dest, ignore=shutil.ignore_patterns(".git"))


def commit_all_but_incidents(source: Path, dest: Path) -> None:
    copy_work_tree(source, dest)
    git(dest, "init", "-q", "-b", "main")
    git(dest, "add", "incident-ops.yaml", "policies")
    git(dest, "commit", "-q", "-m", "configuration and policies")


def at(path: Path) -> Callable[[], AbstractContextManager[Path]]:
    return lambda: nullcontext(path)


@contextmanager
def fresh_clone(source: Path, branch: str = "main") -> Iterator[Path]:
    """A new full clone of `source` at `branch` (what an Actions run checks out), removed
    afterwards; it must hold no incident-ops cache."""
    parent = Path(tempfile.mkdtemp(prefix="clone-", dir=source.parent))
    try:
        clone = parent / source.name
        git(parent, "clone", "-q", "--no-local", "--branch", branch, str(source), clone.name)
        if os.path.exists(cache_dir(str(clone))):
            raise Failed(f"a fresh clone of {source} holds a cache")
        yield clone
    finally:
        shutil.rmtree(parent, ignore_errors=True)


def timed(command: Command, limit: float | None) -> float:
    """Wall-clock seconds of one run (`inf` past `limit`); an exit code other than 0
    raises `Failed`: every generated incident is valid, so a finding is a broken setup."""
    with command.place() as cwd:
        start = time.perf_counter()
        try:
            done = subprocess.run(
                command.argv,
                cwd=cwd,
                env=command.env or quiet_env(),
                capture_output=True,
                text=True,
                timeout=limit,
            )
        except subprocess.TimeoutExpired:
            return float("inf")
        spent = time.perf_counter() - start
    if done.returncode != 0:  # a finding or an error: not the path this row measures
        shown = " ".join(command.argv[-4:])
        said = (done.stderr.strip() or done.stdout.strip())[-300:]
        raise Failed(f"… {shown} exited {done.returncode}: {said}")
    return spent


def interleaved(reference: Command, measured: Command, runs: int) -> tuple[Series, Series]:
    """Both commands' timed runs in turns (reference, measured, reference, …): a busy
    spell of the shared machine then slows both alike instead of one of them. A run longer
    than 30× the reference's untimed run + 60 s is stopped and ends that command's series."""
    limit = 30 * timed(reference, None) + 60
    commands = (reference, measured)
    times: tuple[list[float], list[float]] = ([], [])
    stopped = [False, measured.warm_up and timed(measured, limit) == float("inf")]
    for _ in range(runs):
        for k, command in enumerate(commands):
            if stopped[k]:
                continue
            spent = timed(command, limit)
            stopped[k] = spent == float("inf")
            if not stopped[k]:
                times[k].append(spent)
    return Series(tuple(times[0]), stopped[0]), Series(tuple(times[1]), stopped[1])


def compared(
    name: str, reference: str, series: tuple[Series, Series], unit: str, limit: float | None
) -> Row:
    """A row of the measured series against its reference, with the ratio of the medians."""
    base, got = series
    ratio = got.median / base.median
    return Row(
        name,
        got.figure(unit),
        got.spread(unit),
        f"{reference} {base.figure(unit)} ({base.spread(unit)})",
        f"{ratio:.2f}×",
        f"≤ {limit:.1f}×" if limit is not None else "(no target)",
        verdict(ratio, limit) if limit is not None else "",
    )


def peak_rss_mb(command: Command) -> float:
    """Peak resident set of the command's largest process (parent or worker), in MB."""
    with command.place() as cwd:
        argv = (sys.executable, "-c", RSS, *command.argv)
        out = subprocess.run(argv, cwd=cwd, env=quiet_env(), capture_output=True, check=True)
    return int(out.stdout.decode().split()[-1]) / 1024


def floor_command(repo: Path) -> Command:
    return Command((sys.executable, "-c", FLOOR, "incidents"), at(repo))


def validate_command(repo: Path) -> Command:
    return Command((*cli(), "validate", "--format", "json", "--now", NOW), at(repo))


def single_file(repo: Path) -> str:
    """The incident single-file runs validate: the middle one by path."""
    found = sorted(p.relative_to(repo).as_posix() for p in (repo / "incidents").rglob("*.md"))
    return found[len(found) // 2]


def single_command(repo: Path, fresh: bool = False) -> Command:
    """validate of `single_file(repo)`, in `repo` or (`fresh`) in a new clone of it for
    each run, with no untimed first run."""
    argv = (*cli(), "validate", "--now", NOW, single_file(repo))
    if fresh:
        return Command(argv, partial(fresh_clone, repo), warm_up=False)
    return Command(argv, at(repo))


def validate_rows(bench: Bench, n: int, target: bool) -> list[Row]:
    """validate of every file vs the floor; per-file cost; peak RSS. When the target is
    missed, the same without the cross-file recurrence rule shows what that rule costs."""
    repo = bench.repo(n)
    floor, validate = floor_command(repo), validate_command(repo)
    base, got = interleaved(floor, validate, bench.runs)
    limit = 0.7 if target else None
    rows = [compared(f"validate, N={n}", "floor", (base, got), "s", limit)]
    if limit is not None and got.median / base.median > limit:
        rows.append(recurrence_off_row(bench, n, repo))
    if got.median != float("inf"):
        per_file, floor_per_file = (f"{s.median / n * 1000:.2f} ms" for s in (got, base))
        rows.append(Row(f"validate per file, N={n}", per_file, reference=f"floor {floor_per_file}"))
        rss = peak_rss_mb(validate)
        rows.append(
            Row(
                f"validate peak RSS, N={n}",
                f"{rss:.0f} MB",
                target="≤ 300 MB",
                verdict=verdict(rss, 300),
            )
        )
    return rows


def recurrence_off_row(bench: Bench, n: int, repo: Path) -> Row:
    config = repo / "incident-ops.yaml"
    original = config.read_text()
    config.write_text(original + "rules: {recurrence: 'off'}\n")
    try:
        series = interleaved(floor_command(repo), validate_command(repo), bench.runs)
    finally:
        config.write_text(original)
    row = compared(f"validate, recurrence off, N={n}", "floor", series, "s", None)
    return replace(row, target="(diagnostic)")


def single_rows(bench: Bench, n: int) -> list[Row]:
    """A single-file validate against `python -c "import yaml"`, in each kind of repository."""
    repo, untracked, plain = bench.repo(n), bench.untracked(n), bench.plain(n)
    scenarios = [  # (label, repository, its command, target)
        ("committed, warm cache", repo, single_command(repo), 6.0),
        ("fresh clone (no cache)", repo, single_command(repo, fresh=True), 6.0),
        ("untracked files, warm cache", untracked, single_command(untracked), 6.0),
        ("no Git, warm cache", plain, single_command(plain), None),
    ]
    rows = []
    for label, where, measured, limit in scenarios:
        if "fresh" not in label:
            # Warm: the repository was validated once as a whole (a new repository's
            # first `validate`), so the index cache holds every file; a one-file run
            # alone reads the others lazily and caches only what it read.
            timed(validate_command(where), None)
        reference = Command(IMPORT_YAML, at(where))
        series = interleaved(reference, measured, bench.runs)
        name = f"single-file validate, {label}, N={n}"
        rows.append(compared(name, "`import yaml`", series, "ms", limit))
    return rows


def make_pr_branch(repo: Path) -> None:
    """Branch `pr` of `repo`: one commit retitling the single-file incident (still valid,
    not closing it), made in a clone and pushed, so `repo`'s work tree stays untouched."""
    with fresh_clone(repo) as clone:
        one = clone / single_file(clone)
        one.write_text(one.read_text().replace("\ntitle: ", "\ntitle: Retitled ", 1))
        git(clone, "checkout", "-q", "-b", "pr")
        git(clone, "commit", "-q", "-am", "retitle one incident")
        git(clone, "push", "-q", "origin", "pr")


def prcheck_rows(bench: Bench, n: int) -> list[Row]:
    """pr-check of a one-file branch in a fresh clone vs the warm single-file validate."""
    repo = bench.repo(n)
    has_branch = ["git", "rev-parse", "-q", "--verify", "pr"]
    if subprocess.run(has_branch, cwd=repo, capture_output=True).returncode:
        make_pr_branch(repo)
    argv = (*cli(), "pr-check", "--base", "origin/main", "--head", "HEAD", "--now", NOW)
    pr = Command((*argv, "--format", "json"), partial(fresh_clone, repo, "pr"), warm_up=False)
    series = interleaved(single_command(repo), pr, bench.runs)
    name = f"pr-check, one changed file, fresh clone, N={n}"
    return [compared(name, "single-file validate, warm", series, "ms", 3)]


def deadlines_rows(bench: Bench, n: int) -> list[Row]:
    """deadlines of every incident (both cores) vs the floor."""
    repo = bench.repo(n)
    deadlines = Command((*cli(), "deadlines", "--format", "json", "--now", NOW), at(repo))
    series = interleaved(floor_command(repo), deadlines, bench.runs)
    return [compared(f"deadlines, N={n}", "floor", series, "s", 1.0)]


def sweep_rows(bench: Bench, n: int) -> list[Row]:
    """GitHub calls of two sweeps with the fake GitHub: the first may write, the second
    must not, and both may read only list pages besides the one `GET /user`."""
    from tests.fakegithub.app import WRITE_METHODS
    from tests.fakegithub.server import FakeGitHub

    still_open = max(1, n // 20)
    repo = bench.root / "repo-sweep"
    generate(repo, n, seed=2, commits=1, still_open=still_open)
    seed = json.loads((PROJECT / "tests/fakegithub/example-seed.json").read_text())
    rows = []
    with FakeGitHub(token="bench-token") as server:
        server.load_seed(seed)
        env = {**quiet_env(), "GITHUB_TOKEN": "bench-token", "GITHUB_API_URL": server.url}
        for run in ("first", "second"):
            server.reset_log()
            done = subprocess.run(
                [*cli(), "sweep", "--now", NOW], cwd=repo, env=env, capture_output=True
            )
            calls = server.calls
            writes = sum(c.method in WRITE_METHODS for c in calls)
            lists = sum(c.method == "GET" and _is_list(c.operation, c.path) for c in calls)
            who = sum(c.operation == "users/get-authenticated" for c in calls)  # the bot
            other = len(calls) - writes - lists - who
            kinds = Counter(c.operation or f"{c.method} {c.path}" for c in calls)
            print(f"sweep {run} run calls: {dict(kinds)}", flush=True)
            if run == "first":
                name, target, ok = "sweep first run", "GET /user, list pages, writes", other == 0
            else:
                name, target = "sweep second run (write-free)", "list pages only (+ GET /user)"
                ok = other == 0 and writes == 0
            text = "met" if ok else f"MISSED: {other} other reads, {writes} writes"
            if done.returncode >= 2:
                text = f"failed: exit {done.returncode}"
            rows.append(
                Row(
                    f"{name}, N={n}, {still_open} open",
                    f"{len(calls)} calls",
                    ratio=f"{who} GET /user + {lists} list pages + {writes} writes",
                    target=target,
                    verdict=text,
                )
            )
    return rows


def _is_list(operation: str | None, path: str) -> bool:
    if operation:
        return "list" in operation or "search" in operation
    return path.rstrip("/").rsplit("/", 1)[-1] in ("issues", "comments")


def group_rows(bench: Bench, group: str, sizes: Sequence[int]) -> list[Row]:
    """The rows of one group (the validate group: of every size); a command that fails
    gives a `failed` row instead."""
    largest = max(sizes)
    jobs: list[tuple[int, Callable[[], list[Row]]]]
    if group == "validate":
        jobs = [(n, partial(validate_rows, bench, n, n == largest)) for n in sizes]
    elif group == "sweep":
        n = min(sizes[0], 1000)
        jobs = [(n, partial(sweep_rows, bench, n))]
    else:
        make = {"single": single_rows, "prcheck": prcheck_rows, "deadlines": deadlines_rows}
        jobs = [(largest, partial(make[group], bench, largest))]
    rows: list[Row] = []
    for n, job in jobs:
        try:
            found = job()
        except Failed as error:
            found = [Row(f"{GROUPS[group]}, N={n}", "failed", verdict=str(error).splitlines()[0])]
        print(table(found), flush=True)
        rows += found
    return rows


def machine() -> str:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return f"{cores} cores ({model or platform.processor()}), Python {platform.python_version()}"


def header_lines() -> list[str]:
    return ["| " + " | ".join(HEAD) + " |", "|" + " --- |" * len(HEAD)]


def table(rows: Sequence[Row]) -> str:
    return "\n".join([*header_lines(), *(row.line() for row in rows)])


def row_key(line: str) -> tuple[str, str] | None:
    """(group, size) of a table line, None for a line of no known group."""
    name = line.split("|")[1].strip() if line.startswith("| ") else ""
    group = next((g for g, prefix in GROUPS.items() if name.startswith(prefix)), None)
    size = re.search(r"\bN=(\d+)", name)
    return (group, size.group(1) if size else "") if group else None


def merge_rows(old: list[str], fresh: Sequence[Row]) -> list[str]:
    """The table lines `old` with every (group, size) that `fresh` measured replaced by
    the fresh rows, in place; a (group, size) new to the table goes after its group's
    predecessors in table order."""
    pending: dict[tuple[str, str], list[str]] = {}
    for row in fresh:
        key = row_key(row.line()) or ("", row.name)
        pending.setdefault(key, []).append(row.line())
    replaced = set(pending)
    merged: list[str] = []
    for line in old:
        known = row_key(line)
        if known in pending:
            merged += pending.pop(known)
        elif known not in replaced:
            merged.append(line)
    order = list(GROUPS)
    for (group, _size), lines in pending.items():
        keys = [row_key(line) for line in merged]
        rank = order.index(group) if group in order else len(order)
        before = [i for i, k in enumerate(keys) if k and order.index(k[0]) <= rank]
        at_index = before[-1] + 1 if before else 0
        merged[at_index:at_index] = lines
    return merged


def split_report(text: str) -> tuple[list[str], list[str], list[str], str]:
    """(lines before the table, its rows, lines after it, notes from the marker on) of a
    results file; no rows when its table has another header than this version's."""
    head, marker, notes = text.partition(NOTES_MARKER)
    lines = head.rstrip("\n").split("\n")
    heads = header_lines()
    if heads[0] not in lines:
        return lines, [], [], marker + notes
    start = lines.index(heads[0])
    end = start + 2
    while end < len(lines) and lines[end].startswith("| "):
        end += 1
    return lines[:start], lines[start + 2 : end], lines[end:], marker + notes


def command_line(args: argparse.Namespace, groups: Sequence[str]) -> str:
    runs = " --quick" if args.quick else f" --runs {args.runs}"
    only = "".join(f" --only {g}" for g in groups) if args.only else ""
    return f"python benchmarks/run.py --sizes {args.sizes}{runs}{only}"


def full_report(rows: Sequence[Row], runs: int, command: str, notes: str) -> str:
    report = (
        f"# Benchmark results\n\nMachine: {machine()}. Date: {datetime.now(UTC):%Y-%m-%d}. "
        f"Command: `{command}`.\n\n{METHOD.format(runs=runs)}\n\n{table(rows)}\n"
    )
    return report + ("\n" + notes if notes else "")


def merged_report(
    previous: str, rows: Sequence[Row], groups: Sequence[str], runs: int, command: str
) -> str:
    """`previous` with the rows of `groups` replaced and a line saying when and how (a
    new report of these rows when `previous` has no table of this version's columns)."""
    before, old, after, notes = split_report(previous)
    if not old:
        return full_report(rows, runs, command, notes)
    stamps = []
    for group in groups:
        prefix = f"Rerun of the `{group}` rows:"
        after = [line for line in after if not line.startswith(prefix)]
        stamps.append(f"{prefix} {datetime.now(UTC):%Y-%m-%d}, `{command}`.")
    body = [*before, *header_lines(), *merge_rows(old, rows)]
    tail = [line for line in after if line.strip()]
    text = "\n".join([*body, "", *tail, *stamps]).rstrip("\n") + "\n"
    return text + ("\n" + notes if notes else "")


def selected(only: Sequence[str] | None) -> list[str]:
    """The groups to run, in table order (aliases expanded)."""
    if not only:
        return list(GROUPS)
    wanted = {g for name in only for g in ALIASES.get(name, (name,))}
    return [g for g in GROUPS if g in wanted]


def positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"not a positive whole number: {text!r}")
    return int(text)


def parser() -> argparse.ArgumentParser:
    parse = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parse.add_argument("--sizes", default="1000,10000", help="comma-separated incident counts")
    runs = parse.add_mutually_exclusive_group()
    runs.add_argument("--runs", type=positive, default=5, help="timed runs of each command (5)")
    runs.add_argument("--quick", action="store_true", help="one timed run of each command")
    parse.add_argument("--out", type=Path, default=HERE / "RESULTS.md")
    parse.add_argument("--keep", type=Path, help="generate repositories here and keep them")
    parse.add_argument(
        "--only",
        action="append",
        choices=[*GROUPS, *ALIASES],
        help="run only this row group (repeatable; cold = single + prcheck) and merge its "
        "rows into --out, replacing that group's rows of the same size and keeping the rest",
    )
    return parse


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    runs = 1 if args.quick else args.runs
    groups = selected(args.only)
    if args.keep is not None:
        args.keep.mkdir(parents=True, exist_ok=True)
    bench = Bench(Path(tempfile.mkdtemp(prefix="incident-ops-bench-", dir=args.keep)), runs)
    try:
        rows = [row for group in groups for row in group_rows(bench, group, sizes)]
    finally:
        if args.keep is None:
            shutil.rmtree(bench.root, ignore_errors=True)
    previous = args.out.read_text() if args.out.exists() else ""
    command = command_line(args, groups)
    if args.only:
        if previous and not split_report(previous)[1]:
            print(f"{args.out}: no table of this version's columns; written anew", file=sys.stderr)
        report = merged_report(previous, rows, groups, runs, command)
    else:  # hand-written analysis below the marker survives a rerun
        report = full_report(rows, runs, command, split_report(previous)[3])
    print(report)
    args.out.write_text(report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
