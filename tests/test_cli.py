"""The command line as a whole: help texts, README in step with them, module entry point."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from incident_ops.cli import COMMANDS
from tests.helpers import NOW, run_cli, run_process

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_exists_and_documents_an_example(name, tmp_path):
    result = run_cli(tmp_path, name, "--help")
    assert result.code == 0, result.err
    assert "Usage: incident-ops " + name in result.out
    assert "Example" in result.out or name in ("rules",), result.out


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_readme_lists_every_command(name):
    assert re.search(rf"incident-ops [^`]*\b{re.escape(name)}\b", README), name


def test_readme_test_command_is_what_ci_runs():
    ci = (ROOT / ".ci" / "run").read_text()
    command = re.search(r"pip install -e '\.\[test\]' && (.+)", README).group(1).strip()
    assert command in ci


def test_top_level_help_lists_commands(tmp_path):
    result = run_cli(tmp_path, "--help")
    assert result.code == 0
    for name in ("validate", "deadlines", "new", "schema"):
        assert name in result.out


def test_unknown_command_and_option_are_usage_errors(tmp_path):
    assert run_cli(tmp_path, "frobnicate").code == 2
    assert run_cli(tmp_path, "validate", "--bogus").code == 2


def test_outside_a_repository_is_a_clear_usage_error(tmp_path):
    result = run_cli(tmp_path, "validate")
    assert result.code == 2
    assert "no incident repository found" in result.err


def test_bad_now_is_a_usage_error(make_repo):
    repo = make_repo({})
    result = repo.run("validate", "--now", "yesterday")
    assert result.code == 2
    assert "ISO 8601" in result.err


def test_python_dash_m_runs_the_cli_on_the_bundled_example():
    result = run_process(ROOT, "validate", "--now", NOW)
    assert result.code == 0, result.out + result.err
    assert "0 error(s)" in result.out


def test_version(tmp_path):
    result = run_cli(tmp_path, "--version")
    assert result.code == 0 and "0.1.0" in result.out


def test_ctrl_c_exits_130_with_aborted_and_changes_nothing(make_repo):
    """An edit waiting for the repository lock, interrupted: 130 like any shell command
    stopped by SIGINT, "Aborted.", no traceback, the file as it was."""
    import fcntl
    import signal
    import subprocess
    import sys
    import time

    from tests.helpers import MINIMAL, incident

    repo = make_repo({"INC-2026-0001-x.md": incident(MINIMAL)})
    path = repo.root / "incidents/2026/INC-2026-0001-x.md"
    before = path.read_text()
    lock_dir = repo.root / ".git" / "incident-ops"
    lock_dir.mkdir(parents=True, exist_ok=True)
    with open(lock_dir / "edit.lock", "a+b") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)  # another editor holds the lock
        proc = subprocess.Popen(
            [sys.executable, "-m", "incident_ops", "ack", "INC-2026-0001"],
            cwd=repo.root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        fds = Path(f"/proc/{proc.pid}/fd")
        while time.monotonic() < deadline and proc.poll() is None:
            if any(_target(fd).endswith("edit.lock") for fd in fds.iterdir()):
                break  # waiting for the lock
            time.sleep(0.05)
        time.sleep(0.2)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, (out, err)
    assert err.strip() == "Aborted." and "Traceback" not in err
    assert path.read_text() == before


def _target(link: Path) -> str:
    """Where a /proc fd link points ("" once it is gone)."""
    import os

    try:
        return os.readlink(link)
    except OSError:
        return ""
