"""`incident-ops sweep`: open, update and close GitHub issues so they match the incidents."""

from __future__ import annotations

import os
import re

import click

from incident_ops.commands.common import load, now_in, now_option, root_option

# A GitHub login (letters, digits, inner hyphens), or an app's bot login `<slug>[bot]`.
LOGIN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\[bot\])?")


def _login(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    value = value.strip()
    if not LOGIN.fullmatch(value):
        raise click.BadParameter(f"{value!r} is not a GitHub login such as my-app[bot]")
    return value


@click.command("sweep")
@click.option("--dry-run", is_flag=True, help="Print what would change; write nothing.")
@click.option(
    "--commit",
    is_flag=True,
    help="Commit what the sweep records in the incident files: issue references, the "
    "escalations it made, action states closed or reopened on GitHub.",
)
@click.option(
    "--max-wait",
    type=click.FloatRange(min=0),
    default=300.0,
    show_default=True,
    help="Seconds the run may spend waiting on GitHub in total: answers, timed-out "
    "requests, retries and rate limits. Then it stops (exit 1); the next run goes on.",
)
@click.option(
    "--bot-login",
    envvar="INCIDENT_OPS_BOT_LOGIN",
    show_envvar=True,
    callback=_login,
    metavar="LOGIN",
    help="The bot's login when the token is a GitHub App's, which cannot ask GitHub who it "
    "is: `<app-slug>[bot]` (default for such tokens: github-actions[bot], the Actions "
    "GITHUB_TOKEN). Only issues and comments by the bot count.",
)
@click.option(
    "--write-back",
    type=click.Choice(["files", "pull-request"]),
    default="files",
    show_default=True,
    help="Where what the sweep records (issue references, its escalations, action states) "
    "goes for incidents of the default branch: the checked-out files (--commit commits "
    "them), or one bot pull request kept up to date. For an incident whose record is an "
    "open PR's it always goes onto that PR's branch.",
)
@click.option(
    "--repository",
    envvar="GITHUB_REPOSITORY",
    show_envvar=True,
    metavar="OWNER/NAME",
    help="The incident repository: its open incident PRs (incident/* branches or label "
    "incident) hold live records, acted on before they merge. Without it none are read.",
)
@now_option
@root_option
def sweep(
    dry_run: bool,
    commit: bool,
    max_wait: float,
    bot_login: str | None,
    write_back: str,
    repository: str | None,
    now: str | None,
    root: str | None,
) -> int:
    """Make GitHub match the incidents: an issue per required department and per
    prevention action, a comment per breached deadline (on the issue that owns it), issues
    closed when done. An escalation tier's issue is opened when it falls due unmet (the
    bot escalates and records it); action issues closed or reopened on GitHub are
    recorded in the file.

    The incidents are the checked-out ones, overlaid by the live records of the open
    incident pull requests of --repository. Issues are found again by the reference in the
    incident file or by hidden markers, counted only in issues and comments the bot itself
    wrote, so running it twice changes nothing the second time. Reads GITHUB_TOKEN
    (required) and GITHUB_API_URL. Exit 1 if any repo or write failed or --max-wait ran
    out, 2 on a usage or configuration error.

    \b
    Examples:
      incident-ops sweep --dry-run
      incident-ops sweep --commit
      incident-ops sweep --repository acme/incidents --write-back pull-request
      incident-ops sweep --bot-login incident-ops-app[bot]
      incident-ops sweep --now 2026-11-20T12:00:00+01:00
    """
    from incident_ops.github import pulls, secrets, summary
    from incident_ops.github.client import Client, Settings
    from incident_ops.github.run import sweep as run_sweep
    from incident_ops.output.step_summary import write_step_summary

    if commit and write_back != "files":
        raise click.UsageError("--commit commits the checked-out files: use --write-back files")
    settings = Settings.from_env(os.environ, max_wait=max_wait)
    repo, policy = load(root)
    name = pulls.repository(repository, repo.root, {})
    if write_back == "pull-request" and name is None:
        raise click.UsageError(
            "--write-back pull-request opens a pull request in the incident repository: "
            "pass --repository OWNER/NAME (in Actions GITHUB_REPOSITORY names it)"
        )
    client = Client(settings)
    result = run_sweep(
        repo, policy, now_in(policy, now), client, dry_run, commit, bot_login,
        repository=name, write_back_to="files" if write_back == "files" else "pull-request",
    )  # fmt: skip
    text = summary.text(result.outcome, result.skipped, result.totals)
    click.echo(secrets.scrub(text), nl=False)
    markdown = summary.markdown(result.outcome, result.skipped, result.totals)
    write_step_summary(secrets.scrub(markdown))
    return 1 if result.failed else 0


COMMANDS = {"sweep": sweep}
