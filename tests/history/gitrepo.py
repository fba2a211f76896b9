"""A real Git repository of incidents built commit by commit, with fixed authors and dates."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from tests.helpers import SPEC_POLICY


class GitRepo:
    """`write` files, then `commit` them with a given author and ISO date."""

    def __init__(self, root: Path) -> None:
        self.root = root
        (root / "policies").mkdir(parents=True)
        (root / "incidents" / "2026").mkdir(parents=True)
        (root / "policies" / "policy.yaml").write_text(SPEC_POLICY, encoding="utf-8")
        self.git("init", "-q", "-b", "main")
        self.git("add", "policies")
        self.commit("Policies", "2026-11-01T09:00:00+01:00")

    def git(
        self, *args: str, date: str = "2026-11-01T09:00:00+01:00", author: str = "alice"
    ) -> str:
        env = {
            **os.environ,
            "GIT_AUTHOR_NAME": author, "GIT_AUTHOR_EMAIL": f"{author}@example.com",
            "GIT_COMMITTER_NAME": author, "GIT_COMMITTER_EMAIL": f"{author}@example.com",
            "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date,
            "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
        }  # fmt: skip
        proc = subprocess.run(
            ["git", "-C", str(self.root), *args],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        return proc.stdout.strip()

    def write(self, path: str, text: str) -> None:
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        self.git("add", path)

    def commit(self, message: str, date: str, author: str = "alice") -> str:
        self.git("commit", "-q", "--allow-empty", "-m", message, date=date, author=author)
        return self.git("rev-parse", "HEAD")
