"""`incident-ops sweep`: open, update and close GitHub issues so they match the incidents."""

from __future__ import annotations

import os

import click

from incident_ops.commands.common import load, now_in, now_option, root_option


@click.command("sweep")
@click.option("--dry-run", is_flag=True, help="Print what would change; write nothing.")
@click.option("--commit", is_flag=True, help="Commit the issue references recorded in files.")
@click.option(
    "--max-wait",
    type=click.FloatRange(min=0),
    default=300.0,
    show_default=True,
    help="Seconds the run may spend waiting on retries and rate limits in total.",
)
@now_option
@root_option
def sweep(dry_run: bool, commit: bool, max_wait: float, now: str | None, root: str | None) -> int:
    """Make GitHub match the incidents: an issue per required department and per
    prevention action, a comment per breached deadline, issues closed when done.

    Issues are found again by hidden markers, so running it twice changes nothing the
    second time. Reads GITHUB_TOKEN (required) and GITHUB_API_URL. Exit 1 if any repo or
    write failed, 2 on a usage or configuration error.

    \b
    Examples:
      incident-ops sweep --dry-run
      incident-ops sweep --commit
      incident-ops sweep --now 2026-11-20T12:00:00+01:00
    """
    from incident_ops.github import summary
    from incident_ops.github.client import Client, Settings
    from incident_ops.github.run import sweep as run_sweep
    from incident_ops.output.step_summary import write_step_summary

    settings = Settings.from_env(os.environ, max_wait=max_wait)
    repo, policy = load(root)
    result = run_sweep(repo, policy, now_in(policy, now), Client(settings), dry_run, commit)
    click.echo(summary.text(result.outcome, result.skipped, result.totals), nl=False)
    write_step_summary(summary.markdown(result.outcome, result.skipped, result.totals))
    return 1 if result.failed else 0


COMMANDS = {"sweep": sweep}
