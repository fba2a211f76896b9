"""`--max-wait` bounds all the time a sweep spends waiting on GitHub, hung requests included.

The fake's `hang` accepts a request and never answers it; the sweep runs as a real process
and must end within its budget plus a margin for Python's start and the local work.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.fakegithub import FakeGitHub
from tests.github.test_sweep import build, seed, state
from tests.helpers import NOW, Result

MARGIN = 8.0  # interpreter start, imports, loading the incidents; far below one 30 s timeout


def timed_sweep(root: Path, server: FakeGitHub, *args: str) -> tuple[Result, float]:
    env = {
        **os.environ,
        "GITHUB_TOKEN": server.token,
        "GITHUB_API_URL": server.url,
        "INCIDENT_OPS_RETRY_BASE": "0.001",
        "GITHUB_STEP_SUMMARY": "",
    }
    command = [sys.executable, "-m", "incident_ops", "sweep", "--now", NOW, *args]
    started = time.monotonic()
    try:
        done = subprocess.run(
            command, cwd=root, env=env, capture_output=True, text=True, timeout=90
        )
    except subprocess.TimeoutExpired:
        pytest.fail("the sweep outlived its --max-wait by more than a minute")
    return Result(done.returncode, done.stdout, done.stderr), time.monotonic() - started


def test_a_server_that_never_answers_is_given_up_on_within_max_wait(
    fake_github: FakeGitHub, tmp_path: Path
) -> None:
    seed(fake_github)
    repo = build(tmp_path)
    fake_github.hang()
    result, elapsed = timed_sweep(repo.root, fake_github, "--max-wait", "3")
    assert elapsed < 3 + MARGIN, elapsed
    assert result.code == 1, result.out + result.err
    assert "gave up: 3 s of waiting on GitHub (--max-wait) used up" in result.out
    assert "Traceback" not in result.err


def test_hung_writes_end_the_run_and_what_was_done_is_reported(
    fake_github: FakeGitHub, tmp_path: Path
) -> None:
    seed(fake_github)
    repo = build(tmp_path)
    # acme/platform is swept first, then acme/management, whose breach comment hangs
    fake_github.hang(method="POST", path=r"^/repos/acme/management/issues/\d+/comments$")
    result, elapsed = timed_sweep(repo.root, fake_github, "--max-wait", "3")
    assert elapsed < 3 + MARGIN, elapsed
    assert result.code == 1, result.out
    lines = result.out.splitlines()
    assert "create acme/platform#2: [INC-2026-0042][SEV1] Billing database unavailable" in lines
    assert "create acme/management#2: [INC-2026-0042][SEV1] Billing database unavailable" in lines
    assert not [line for line in lines if line.startswith("create acme/support")]
    [failed] = [line for line in lines if line.startswith("FAILED")]
    assert failed.startswith(
        "FAILED acme/management: incident-ops:INC-2026-0042:breach:escalate:executives: "
        "gave up: 3 s of waiting on GitHub (--max-wait) used up; the rest is left for the next "
        "run (last error: network error: ReadTimeout: "
    )
    text = (repo.root / "incidents/2026/INC-2026-0042-billing.md").read_text()
    assert "issue: acme/platform#" in text  # the references of what was done are recorded
    state(fake_github)  # and nothing is duplicated


def test_a_rate_limit_longer_than_the_budget_is_not_waited_for(
    fake_github: FakeGitHub, tmp_path: Path
) -> None:
    seed(fake_github)
    repo = build(tmp_path)
    fake_github.fail("rate_limit", path=r"/issues$", status=429, retry_after=60)
    result, elapsed = timed_sweep(repo.root, fake_github, "--max-wait", "5")
    assert elapsed < MARGIN, elapsed
    assert result.code == 1
    assert "gave up: waiting 60 s more would exceed --max-wait 5 s" in result.out
