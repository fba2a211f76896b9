"""The benchmark script runs end to end on a tiny repository (no timing assertions)."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC
from pathlib import Path

import yaml

from benchmarks.generate import generate
from incident_ops.domain.instants import parse_instant
from incident_ops.lint.validate import validate
from incident_ops.policy.load import load_policy
from incident_ops.workspace.config import open_repo
from tests.helpers import NOW, git

PROJECT = Path(__file__).parent.parent


def test_generated_repo_is_valid_and_deterministic(tmp_path):
    paths = generate(tmp_path / "a", 30, seed=3, commits=2)
    again = generate(tmp_path / "b", 30, seed=3)
    assert len(paths) == 30
    assert all((tmp_path / "a" / p).read_text() == (tmp_path / "b" / p).read_text() for p in paths)
    text = (tmp_path / "a" / paths[0]).read_text()
    front = yaml.safe_load(text.split("---\n")[1])
    assert {"escalations", "updates", "actions", "impact", "root_cause", "related"} <= set(front)
    assert text.count("\n## ") == 6
    assert len(git(tmp_path / "a", "log", "--oneline").splitlines()) == 2
    repo = open_repo(str(tmp_path / "a"))
    policy = load_policy(repo.policies_dir, repo.root)
    report = validate(repo, policy, parse_instant(NOW, UTC))
    assert (report.files, report.incidents, report.findings) == (30, 30, [])
    assert again == paths


# Every row of the performance issue's table (name prefix, target), at the tiny size 20.
ROWS = {
    "validate, N=20": "≤ 0.7×",
    "single-file validate, committed, warm cache, N=20": "≤ 6.0×",
    "single-file validate, fresh clone (no cache), N=20": "≤ 6.0×",
    "single-file validate, untracked files, warm cache, N=20": "≤ 6.0×",
    "pr-check, one changed file, fresh clone, N=20": "≤ 3.0×",
    "deadlines, N=20": "≤ 1.0×",
    "sweep second run (write-free), N=20": "list pages only (+ GET /user)",
}
NOTES = "<!-- notes: kept by run.py -->\n## Notes\n\nWhat bounds each figure.\n"


def run_bench(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, "benchmarks/run.py", "--sizes", "20", *args],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def table_rows(text: str) -> dict[str, list[str]]:
    """measure → the other cells, for every row of the markdown tables in `text`."""
    cells = [line.strip("|").split(" | ") for line in text.splitlines() if line.startswith("| ")]
    return {row[0].strip(): [c.strip() for c in row[1:]] for row in cells}


def check_rows(rows: dict[str, list[str]]) -> None:
    """Every row of the issue is there, its target beside a verdict; a timing row has a
    median, a min–max spread, its reference's median and spread and a ratio."""
    for prefix, target in ROWS.items():
        (name,) = [name for name in rows if name.startswith(prefix)]
        value, spread, reference, ratio, row_target, verdict = rows[name]
        assert (row_target, verdict in ("met", "MISSED")) == (target, True), (name, rows[name])
        if not name.startswith("sweep"):
            assert value.endswith(("ms", " s")) and "–" in spread, (name, rows[name])
            assert "(" in reference and "–" in reference and ratio.endswith("×"), rows[name]


def test_run_script_end_to_end(tmp_path):
    out = tmp_path / "RESULTS.md"
    out.write_text("# old results\n\n" + NOTES)
    printed = run_bench("--runs", "2", "--out", str(out))
    text = out.read_text()
    check_rows(table_rows(printed))
    check_rows(table_rows(text))
    for extra in ("validate per file, N=20", "validate peak RSS, N=20", "sweep first run"):
        assert any(name.startswith(extra) for name in table_rows(text))
    assert "median" in text and "2 timed run(s)" in text
    assert text.endswith(NOTES)
    assert "failed" not in text


def test_only_merges_its_rows_into_out(tmp_path):
    out = tmp_path / "RESULTS.md"
    run_bench("--quick", "--out", str(out))
    out.write_text(out.read_text() + "\n" + NOTES)
    before = table_rows(out.read_text())
    printed = run_bench("--quick", "--only", "deadlines", "--only", "sweep", "--out", str(out))
    text = out.read_text()
    after = table_rows(text)
    assert list(after) == list(before)  # same rows, same order
    rerun = [name for name in after if name.startswith(("deadlines", "sweep"))]
    assert len(rerun) == 3 and all(after[name] == table_rows(printed)[name] for name in rerun)
    kept = [name for name in after if name not in rerun]
    assert all(after[name] == before[name] for name in kept)
    assert "Rerun of the `deadlines` rows:" in text and "Rerun of the `sweep` rows:" in text
    assert text.endswith(NOTES)
    check_rows(after)
