"""The sweep as one library call: incidents → plan → GitHub → issue references recorded.

`commands/sweep.py` only parses options and renders what this returns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from incident_ops.github import records
from incident_ops.github.client import Client
from incident_ops.github.plan import Plan, build_plan
from incident_ops.github.summary import Totals
from incident_ops.github.sweep import Outcome, apply
from incident_ops.policy.load import Policy
from incident_ops.workspace.config import Repo
from incident_ops.workspace.workspace import Workspace


@dataclass
class SweepResult:
    """What one sweep did (or would do), for the log and the step summary."""

    plan: Plan
    outcome: Outcome
    totals: Totals
    skipped: list[str] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return bool(self.outcome.failures)


def sweep(
    repo: Repo,
    policy: Policy,
    now: datetime,
    client: Client,
    dry_run: bool = False,
    commit: bool = False,
    bot_login: str | None = None,
) -> SweepResult:
    """Make GitHub match the incidents of `repo` as of `now`; record issue references in
    the files (and commit them with `commit`) unless `dry_run`. `bot_login` names the bot
    when the token cannot say who it is (a GitHub App's; see `sweep.identify`)."""
    loaded = Workspace(repo).load()
    skipped = [f"{r.path}: not a valid incident (run validate)" for r in loaded.skipped]
    incidents = [(r.path, r.incident) for r in loaded.records if r.incident is not None]
    plan = build_plan(incidents, policy, now)
    outcome = apply(plan, client, dry_run=dry_run, bot_login=bot_login)
    written, changed = 0, list[str]()
    if not dry_run:
        written, changed = records.record(repo.root, outcome.refs, outcome.edits)
        if commit and changed:
            records.commit(repo.root, changed)
    totals = Totals(
        calls=client.calls,
        writes=outcome.writes if dry_run else client.writes,
        recorded=written,
        files=len(changed),
        committed=commit and bool(changed),
        dry_run=dry_run,
        bot=outcome.bot,
    )
    return SweepResult(plan, outcome, totals, plan.skipped + skipped)
