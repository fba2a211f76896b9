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


def test_run_script_end_to_end(tmp_path):
    out = tmp_path / "RESULTS.md"
    done = subprocess.run(
        [sys.executable, "benchmarks/run.py", "--sizes", "20", "--quick", "--out", str(out)],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    text = out.read_text()
    for measure in (
        "floor, N=20",
        "validate, N=20",
        "peak RSS",
        "import yaml",
        "pr-check",
        "deadlines",
        "sweep second run",
    ):
        assert measure in text
    assert "failed" not in text
