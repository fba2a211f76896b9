"""Benchmarks: incident-ops against the floor of merely reading the files.

`python benchmarks/run.py [--sizes 1000,10000] [--quick] [--out benchmarks/RESULTS.md]
[--only cold|validate]`

For each size N it generates a synthetic repository (`generate.py`, Git history of 5
commits) and times, as subprocesses like a user runs them, best of 3:
- the floor: one Python process reading every file and loading its front matter with
  `yaml.load(..., Loader=yaml.CSafeLoader)`;
- `incident-ops validate`, and the ratio to the floor; per-file cost; peak RSS.
On the largest repository: a single-file `validate` (cold start, in the Git repository
and in a copy without Git) next to `python -c "import yaml"`; `pr-check` of a branch
changing one file; `deadlines`.
Finally `sweep` against the fake GitHub (`tests/fakegithub`), counting its calls.
Ratios, not absolute times, are the claims; RESULTS.md records them with the machine.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parent
sys.path[:0] = [str(HERE), str(PROJECT)]

from generate import GIT_ENV, generate  # noqa: E402

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


@dataclass
class Row:
    """One line of the results table."""

    name: str
    value: str
    ratio: str = ""
    target: str = ""
    verdict: str = ""


def cli() -> list[str]:
    script = Path(sys.executable).with_name("incident-ops")
    return [str(script)] if script.exists() else [sys.executable, "-m", "incident_ops"]


def best(
    cmd: list[str],
    cwd: Path,
    runs: int,
    env: dict[str, str] | None = None,
    limit: float | None = None,
    once: float | None = None,
) -> float:
    """Best wall-clock seconds of `runs` runs; a failing command (exit ≥ 2) stops the run.

    A run longer than `limit` seconds is stopped and returned as `inf`; one longer than
    `once` seconds is not repeated (a miss that large needs no best of 3).
    """
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        try:
            done = subprocess.run(
                cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=limit
            )
        except subprocess.TimeoutExpired:
            return float("inf")
        times.append(time.perf_counter() - start)
        if done.returncode >= 2:
            raise RuntimeError(f"{' '.join(cmd)} exited {done.returncode}: {done.stderr[-800:]}")
        if once is not None and times[-1] > once:
            break
    return min(times)


def best_of_each(commands: list[tuple[list[str], Path]], runs: int) -> list[float]:
    """Best wall-clock seconds of each (command, cwd), run in turns: a busy spell of a
    shared machine then slows all of them alike instead of one of them."""
    times: list[list[float]] = [[] for _ in commands]
    for _ in range(runs):
        for spent, (cmd, cwd) in zip(times, commands, strict=True):
            spent.append(best(cmd, cwd, 1))
    return [min(spent) for spent in times]


def seconds(value: float) -> str:
    return "stopped (too slow)" if value == float("inf") else f"{value:.2f} s"


def peak_rss_mb(cmd: list[str], cwd: Path) -> float:
    """Peak resident set of the command's largest process (parent or worker), in MB."""
    out = subprocess.run([sys.executable, "-c", RSS, *cmd], cwd=cwd, capture_output=True)
    return int(out.stdout.decode().split()[-1]) / 1024


def verdict(ratio: float, limit: float) -> str:
    return "met" if ratio <= limit else "MISSED"


def git(cwd: Path, *args: str) -> None:
    env = {**os.environ, **GIT_ENV}
    subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True)


def bench_size(root: Path, n: int, runs: int) -> tuple[list[Row], float]:
    repo = root / f"repo-{n}"
    generate(repo, n, seed=1, commits=5)
    floor = best([sys.executable, "-c", FLOOR, "incidents"], repo, runs)
    validate = [*cli(), "validate", "--format", "json", "--now", NOW]
    limit = 20 * floor + 30
    spent = best(validate, repo, runs, limit=limit, once=3 * floor + 5)
    ratio = spent / floor
    rows = [
        Row(f"floor, N={n}", seconds(floor)),
        Row(f"validate, N={n}", seconds(spent), f"{ratio:.2f}× floor", "≤ 1.0×", verdict(ratio, 1)),
    ]
    config = repo / "incident-ops.yaml"
    original = config.read_text()
    note = ""
    if ratio > 1:
        # What bounds it: the same run without the cross-file recurrence rule.
        config.write_text(original + "rules: {recurrence: 'off'}\n")
        spent = best(validate, repo, runs, limit=limit)
        note = ", recurrence off"
        rows.append(
            Row(
                f"validate{note}, N={n}",
                seconds(spent),
                f"{spent / floor:.2f}× floor",
                "(diagnostic)",
            )
        )
    if spent != float("inf"):
        per_file = f"{spent / n * 1000:.2f} ms"
        rows.append(
            Row(f"validate per file{note}, N={n}", per_file, f"floor {floor / n * 1000:.2f} ms")
        )
        rss = peak_rss_mb(validate, repo)
        rows.append(
            Row(
                f"validate peak RSS{note}, N={n}",
                f"{rss:.0f} MB",
                "",
                "≤ 300 MB",
                verdict(rss, 300),
            )
        )
    config.write_text(original)
    return rows, floor


def bench_large(root: Path, n: int, floor: float, runs: int, deadlines: bool = True) -> list[Row]:
    """Cold start (in the Git repository and in a plain copy), pr-check and deadlines
    on the largest repository."""
    repo = root / f"repo-{n}"
    plain = root / f"repo-{n}-plain"
    shutil.copytree(repo, plain, ignore=shutil.ignore_patterns(".git"))
    one = sorted((repo / "incidents").rglob("*.md"))[n // 2]
    rel = one.relative_to(repo).as_posix()
    base = [*cli(), "validate", "--now", NOW, rel]
    runs_cold = max(runs, 10)
    for where in (repo, plain):
        best(base, where, 1)  # fills the index cache if no earlier run did
    yaml_start, cold, cold_plain = best_of_each(
        [([sys.executable, "-c", "import yaml"], repo), (base, repo), (base, plain)], runs_cold
    )
    rows = [Row('python -c "import yaml"', f"{yaml_start * 1000:.0f} ms")]
    for name, spent in (("", cold), (", no Git", cold_plain)):
        rows.append(
            Row(
                f"validate one file{name} (warm index cache)",
                f"{spent * 1000:.0f} ms",
                f"{spent / yaml_start:.1f}× import yaml",
                "≤ 6×",
                verdict(spent / yaml_start, 6),
            )
        )
    # A PR changing one incident (not closing it): retitle it on a branch.
    git(repo, "checkout", "-q", "-b", "pr")
    text = one.read_text().replace("\ntitle: ", "\ntitle: Retitled ", 1)
    one.write_text(text)
    git(repo, "commit", "-q", "-am", "retitle one incident")
    env = {k: v for k, v in os.environ.items() if k != "GITHUB_TOKEN"}
    pr = [*cli(), "pr-check", "--base", "main", "--head", "pr", "--now", NOW, "--format", "json"]
    try:
        spent = best(pr, repo, runs, env)
        rows.append(
            Row(
                f"pr-check, one file changed, N={n}",
                f"{spent * 1000:.0f} ms",
                f"{spent / cold:.1f}× single-file",
                "≤ 3×",
                verdict(spent / cold, 3),
            )
        )
    except RuntimeError as error:
        rows.append(Row("pr-check", "failed", "", "≤ 3×", str(error).splitlines()[0][:80]))
    if not deadlines:
        return rows
    deadlines_cmd = [*cli(), "deadlines", "--format", "json", "--now", NOW]
    spent = best(deadlines_cmd, repo, runs)
    rows.append(
        Row(f"deadlines, N={n}", f"{spent:.2f} s", f"{spent / floor:.2f}× floor", "(none)", "")
    )
    return rows


def bench_sweep(root: Path, n: int) -> list[Row]:
    """GitHub calls of two sweeps (the second must write nothing) with the fake GitHub."""
    import json

    from tests.fakegithub.server import WRITE_METHODS, FakeGitHub

    still_open = max(1, n // 20)
    repo = root / "repo-sweep"
    generate(repo, n, seed=2, commits=1, still_open=still_open)
    seed = json.loads((PROJECT / "tests/fakegithub/example-seed.json").read_text())
    rows = []
    with FakeGitHub(token="bench-token") as server:
        server.load_seed(seed)
        env = {**os.environ, "GITHUB_TOKEN": "bench-token", "GITHUB_API_URL": server.url}
        cmd = [*cli(), "sweep", "--now", NOW]
        for run in ("first", "second"):
            server.reset_log()
            done = subprocess.run(cmd, cwd=repo, env=env, capture_output=True, text=True)
            calls = server.calls
            writes = [c for c in calls if c.method in WRITE_METHODS]
            lists = [c for c in calls if c.method == "GET" and _is_list(c.operation, c.path)]
            who = [c for c in calls if c.operation == "users/get-authenticated"]  # the bot
            other = len(calls) - len(writes) - len(lists) - len(who)
            kinds = Counter(c.operation or f"{c.method} {c.path}" for c in calls)
            print(f"sweep {run} run calls: {dict(kinds)}", flush=True)
            verdict_text = "met" if other == 0 else f"MISSED: {other} other reads"
            if done.returncode >= 2:
                verdict_text = f"failed: exit {done.returncode}"
            rows.append(
                Row(
                    f"sweep {run} run, N={n}, {still_open} open",
                    f"{len(calls)} calls",
                    f"{len(who)} GET /user + {len(lists)} list pages + {len(writes)} writes",
                    "≤ 1 + pages + writes",
                    verdict_text,
                )
            )
    return rows


def _is_list(operation: str | None, path: str) -> bool:
    if operation:
        return "list" in operation or "search" in operation
    return path.rstrip("/").rsplit("/", 1)[-1] in ("issues", "comments")


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


def table(rows: list[Row]) -> str:
    head = ["measure", "figure", "ratio", "target", "verdict"]
    lines = ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    for r in rows:
        lines.append(f"| {r.name} | {r.value} | {r.ratio} | {r.target} | {r.verdict} |")
    return "\n".join(lines)


def only_cold(root: Path, n: int, runs: int, args: argparse.Namespace) -> int:
    """Rerun the cold-start and pr-check rows and put them into the existing results."""
    try:
        generate(root / f"repo-{n}", n, seed=1, commits=5)
        rows = bench_large(root, n, 0.0, runs, deadlines=False)
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)
    print(table(rows), flush=True)
    previous = args.out.read_text() if args.out.exists() else ""
    head, marker, notes = previous.partition(NOTES_MARKER)
    lines = head.rstrip("\n").split("\n")
    fresh = {row.name: table([row]).split("\n")[-1] for row in rows}
    names = [line.split("|")[1].strip() if line.startswith("| ") else None for line in lines]
    for name, line in fresh.items():
        if name in names:
            lines[names.index(name)] = line
        else:  # a new row: after the last cold-start row, else at the end of the table
            after = [i for i, old in enumerate(names) if old and old.startswith("validate one")]
            at = after[-1] + 1 if after else len(lines)
            lines.insert(at, line)
            names.insert(at, name)
    prefix = "The cold-start and pr-check rows were rerun"
    stamp = (
        f"{prefix} {datetime.now(UTC):%Y-%m-%d} with "
        f"`python benchmarks/run.py --only cold --sizes {n}` (best of {max(runs, 10)}, in turns)."
    )
    lines = [line for line in lines if not line.startswith(prefix)]
    table_end = max(i for i, line in enumerate(lines) if line.startswith("|"))
    lines[table_end + 1 : table_end + 1] = ["", stamp]
    text = "\n".join(lines).rstrip("\n") + "\n"
    args.out.write_text(text + ("\n" + marker + notes if marker else ""))
    return 0


def only_validate(root: Path, sizes: list[int], runs: int, args: argparse.Namespace) -> int:
    """The floor and validate rows of each size, printed: a quick before/after check of a
    change to parsing or validation (RESULTS.md is not rewritten)."""
    try:
        for n in sizes:
            rows, _ = bench_size(root, n, runs)
            print(table(rows), flush=True)
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated incident counts")
    parser.add_argument("--quick", action="store_true", help="one run per timing")
    parser.add_argument("--out", type=Path, default=HERE / "RESULTS.md")
    parser.add_argument("--keep", type=Path, help="generate repositories here and keep them")
    parser.add_argument(
        "--only",
        choices=["cold", "validate"],
        help="cold: only the single-file cold start and pr-check rows, on the largest size; "
        "those rows of --out are replaced, the others kept. validate: only the floor and "
        "validate rows of each size, printed (--out is left alone)",
    )
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    runs = 1 if args.quick else 3
    root = Path(tempfile.mkdtemp(prefix="incident-ops-bench-", dir=args.keep))
    if args.only == "cold":
        return only_cold(root, max(sizes), runs, args)
    if args.only == "validate":
        return only_validate(root, sizes, runs, args)
    rows: list[Row] = []
    try:
        floor = 0.0
        for n in sizes:
            found, floor = bench_size(root, n, runs)
            rows += found
            print(table(found), flush=True)
        rows += bench_large(root, max(sizes), floor, runs)
        rows += bench_sweep(root, min(sizes[0], 1000))
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)
    command = f"python benchmarks/run.py --sizes {args.sizes}" + (" --quick" if args.quick else "")
    report = (
        f"# Benchmark results\n\nMachine: {machine()}. Date: {datetime.now(UTC):%Y-%m-%d}. "
        f"Command: `{command}`. Best of {runs} run(s).\n\n{table(rows)}\n"
    )
    print(report)
    # Hand-written analysis below the marker survives a rerun.
    previous = args.out.read_text() if args.out.exists() else ""
    if NOTES_MARKER in previous:
        report += "\n" + NOTES_MARKER + previous.split(NOTES_MARKER, 1)[1]
    args.out.write_text(report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
