"""A long synthetic history built with `git fast-import` (thousands of commits in a second).

Run as a script to time `history` and `history --check` on 5,000 commits:
`python -m tests.history.longrepo [COMMITS] [INCIDENTS]`.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from tests.helpers import SPEC_POLICY, front_matter, git, incident, run_cli

START = 1_795_000_000  # 2026-11-18, seconds since the epoch


def version(number: int, step: int) -> str:
    """The front matter of incident `number` after `step` edits (one more update each)."""
    updates = "".join(
        f"  - {{at: 2026-11-20T{9 + i // 60 % 10:02d}:{i % 60:02d}:00+01:00, audience: internal,"
        f" channel: chat, summary: step {i}}}\n"
        for i in range(step)
    )
    front = front_matter(
        id=f"INC-2026-{number:04d}",
        title=f"Incident {number} edit {step}",
        detected_at="2026-11-20T09:00:00+01:00",
        services=[f"svc-{number % 7}"],
    )
    return incident(front + "updates:\n" + (updates or "  []\n"), "\n## Summary\nText.\n")


def _data(text: str) -> bytes:
    raw = text.encode()
    return b"data %d\n" % len(raw) + raw + b"\n"


def build(root: Path, commits: int, incidents: int) -> Path:
    """A repo whose `commits` commits each edit one of `incidents` files (round robin)."""
    (root / "policies").mkdir(parents=True)
    (root / "policies" / "policy.yaml").write_text(SPEC_POLICY, encoding="utf-8")
    git(root, "init", "-q", "-b", "main")
    stream = bytearray()
    for n in range(commits):
        number, step = n % incidents + 1, n // incidents
        who = b"alice <alice@example.com> %d +0100" % (START + 60 * n)
        stream += b"commit refs/heads/main\nauthor " + who + b"\ncommitter " + who + b"\n"
        stream += _data(f"Edit {number} ({step})")
        path = f"incidents/2026/INC-2026-{number:04d}-x.md"
        stream += f"M 100644 inline {path}\n".encode() + _data(version(number, step))
    git(root, "fast-import", "--quiet", stdin=bytes(stream))
    git(root, "checkout", "-q", "-f", "main")
    return root


def main() -> None:  # pragma: no cover - a measurement, not a test
    commits = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    incidents = int(sys.argv[2]) if len(sys.argv) > 2 else 50
    with tempfile.TemporaryDirectory() as tmp:
        root = build(Path(tmp) / "repo", commits, incidents)
        for args in (("history", "INC-2026-0001", "--format", "json"), ("history", "--check")):
            began = time.perf_counter()
            result = run_cli(root, *args)
            print(f"{' '.join(args)}: {time.perf_counter() - began:.2f}s (exit {result.code})")


if __name__ == "__main__":  # pragma: no cover
    main()
