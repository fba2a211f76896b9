"""The policies as they were when each incident was detected.

Reports grade a past incident by the rules it was handled under: changing an escalation
from 30m to 20m today must not turn last month's on-time escalations into breaches. The
policy of an incident is the one committed in the last commit (by commit time) at or
before its `detected_at` that has policy files; the working tree's when there is none
(no Git, or the incident predates the policies' first commit). `current` grades every
incident by the working tree's policies instead — on purpose, to see how past incidents
fare under today's rules.

One `git log` lists the commits that changed the policies; each version that is needed
is read once (`git ls-tree` + one `git cat-file --batch`) into a temporary folder and
loaded by the same loader as the working tree's, so a version that does not load is a
policy error naming that commit.
"""

from __future__ import annotations

import bisect
import os
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from incident_ops.errors import IncidentOpsError, PolicyError
from incident_ops.policy.load import Policy, load_policy
from incident_ops.workspace import git
from incident_ops.workspace.config import CONFIG_FILE, Repo

Mode = Literal["as-detected", "current"]
MODES: tuple[Mode, ...] = ("as-detected", "current")


def mode(text: str) -> Mode:
    """A `--policy` value as a Mode (click has already checked it is one)."""
    if text not in MODES:
        raise IncidentOpsError(f"--policy {text!r}: use one of {', '.join(MODES)}")
    return "current" if text == "current" else "as-detected"


@dataclass
class Timeline:
    """Which policy grades an incident detected at a given time."""

    repo: Repo
    current: Policy
    mode: Mode = "as-detected"
    changes: list[tuple[datetime, str]] = field(default_factory=list)  # (commit time, sha)
    _loaded: dict[str, Policy] = field(default_factory=dict)

    @classmethod
    def of(cls, repo: Repo, current: Policy, mode: Mode = "as-detected") -> Timeline:
        timeline = cls(repo, current, mode)
        if mode == "as-detected":
            timeline.changes = _policy_commits(repo)
        return timeline

    def commit_for(self, detected: datetime) -> str | None:
        """The commit whose policies grade an incident detected at `detected` (None: the
        working tree's)."""
        if not self.changes:
            return None
        index = bisect.bisect_right(self.changes, (detected, "\uffff")) - 1
        return self.changes[index][1] if index >= 0 else None

    def policy_for(self, detected: datetime) -> tuple[Policy, str | None]:
        """The policy of an incident detected at `detected`, and the commit it came from."""
        sha = self.commit_for(detected)
        if sha is None:
            return self.current, None
        if sha not in self._loaded:
            self._loaded[sha] = _policy_at(self.repo, sha)
        return self._loaded[sha], sha

    def describe(self, used: dict[str | None, int]) -> str:
        """One sentence saying which policies graded how many incidents."""
        if self.mode == "current":
            return "Graded by the current policies (--policy current)."
        earlier = {sha: n for sha, n in used.items() if sha is not None}
        if not earlier:
            return "Graded by the policies in effect at detection: the current ones."
        parts = ", ".join(f"{n} by commit {sha[:7]}" for sha, n in sorted(earlier.items()))
        now = used.get(None, 0)
        return (
            f"Graded by the policies in effect at detection ({parts}"
            + (f", {now} by the current ones" if now else "")
            + "); --policy current re-grades them by today's."
        )


def _policy_commits(repo: Repo) -> list[tuple[datetime, str]]:
    """(commit time, sha) of every commit that changed the policies, oldest first."""
    if not git.has_commits(repo.root):
        return []
    folder = repo.config.policies.strip("/") or "."
    try:
        out = git.run(repo.root, "log", "--format=%H %cI", "HEAD", "--", folder, CONFIG_FILE)
    except IncidentOpsError:
        return []
    found = []
    for line in out.splitlines():
        sha, _, when = line.partition(" ")
        if sha and when:
            found.append((datetime.fromisoformat(when), sha))
    return sorted(found)


def _policy_at(repo: Repo, sha: str) -> Policy:
    """The policies committed at `sha`, loaded like the working tree's."""
    folder = repo.config.policies.strip("/")
    prefix = git.run(repo.root, "rev-parse", "--show-prefix").strip()
    listing = git.run(repo.root, "ls-tree", "-z", f"{sha}:{prefix}{folder}")
    blobs = {}
    for entry in listing.split("\0"):
        meta, _, name = entry.partition("\t")
        parts = meta.split()
        if len(parts) == 3 and parts[1] == "blob" and name.endswith((".yaml", ".yml")):
            blobs[parts[2]] = name
    with tempfile.TemporaryDirectory(prefix="incident-ops-policy-") as tmp:
        target = os.path.join(tmp, folder)
        os.makedirs(target, exist_ok=True)
        for blob, data in git.read_blobs(repo.root, blobs):
            with open(os.path.join(target, blobs[blob]), "wb") as handle:
                handle.write(data or b"")
        try:
            return load_policy(target, tmp, repo.cache_dir)
        except PolicyError as error:
            raise PolicyError(
                [(f"{path} (at commit {sha[:7]})", line, msg) for path, line, msg in error.problems]
            ) from None
