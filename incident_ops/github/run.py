"""The sweep as one library call: incidents → plan → GitHub → issue references recorded.

The incidents are the default branch's (the checkout) overlaid by the live records of the
open incident pull requests of the incident repository (`github.pulls`), so an incident
declared as a PR is acted on from the moment the PR opens. The issue references go back
where each record lives (`github.writeback`). `commands/sweep.py` only parses options and
renders what this returns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from incident_ops.github import records
from incident_ops.github.client import ApiError, Client
from incident_ops.github.plan import Plan, build_plan
from incident_ops.github.pulls import Live, overlay, read_open_pulls, records_of
from incident_ops.github.summary import Totals
from incident_ops.github.sweep import Outcome, apply
from incident_ops.github.writeback import Mode, Written, write_back
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
    *,
    repository: str | None = None,
    write_back_to: Mode = "files",
) -> SweepResult:
    """Make GitHub match the incidents of `repo` as of `now`; record issue references where
    each incident's record lives unless `dry_run` (`commit`: commit the checked-out files
    written). `bot_login` names the bot when the token cannot say who it is (a GitHub App's;
    see `sweep.identify`). `repository` (owner/name) is the incident repository whose open
    incident PRs hold live records; None reads none."""
    loaded = Workspace(repo).load()
    skipped = [f"{r.path}: not a valid incident (run validate)" for r in loaded.skipped]
    failures: list[str] = []
    live = Live(repository or "")
    if repository:
        try:
            live = read_open_pulls(client, repository, repo)
        except ApiError as error:  # the default branch's incidents are still swept
            failures.append(f"{repository}: cannot read the open incident pull requests: {error}")
        failures += [f"{repository}{problem}" for problem in live.problems]
    with records_of(live) as pairs:
        overlaid = overlay(loaded.records, pairs)
        incidents = [(r.path, r.incident) for r in overlaid.records if r.incident is not None]
        plan = build_plan(incidents, policy, now)
        outcome = apply(plan, client, dry_run=dry_run, bot_login=bot_login)
    outcome.failures[:0] = failures
    written = Written()
    edits = records.edits(outcome)
    if edits:
        try:
            written = write_back(
                repo, edits, overlaid.sources, mode=write_back_to, client=client,
                repository=repository, pulls=live.pulls, commit=commit, dry_run=dry_run,
            )  # fmt: skip
        except ApiError as error:  # out of time, most likely: the next run goes on
            outcome.failures.append(f"recording issue references: {error}")
        outcome.failures += written.failures
    totals = Totals(
        calls=client.calls,
        writes=outcome.writes if dry_run else client.writes,
        recorded=written.references,
        files=len(written.files),
        committed=written.committed,
        dry_run=dry_run,
        bot=outcome.bot,
        recorded_where=tuple(written.lines),
        live=len(overlaid.sources),
    )
    notes = [f"{repository}{note}" for note in overlaid.notes]
    return SweepResult(plan, outcome, totals, plan.skipped + skipped + notes)
