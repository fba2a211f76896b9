"""`incident-ops pr-check`: validate what a pull request changes and gate closures."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import click

from incident_ops.commands.common import is_tty, now_option, root_option
from incident_ops.finding import count_levels
from incident_ops.output import RENDERERS, Summary
from incident_ops.output.step_summary import write_step_summary
from incident_ops.workspace.config import open_repo

if TYPE_CHECKING:
    from incident_ops.prcheck.check import PullSource


@click.command("pr-check")
@click.option("--base", required=True, metavar="REF", help="The PR's base, e.g. origin/main.")
@click.option("--head", default="HEAD", show_default=True, metavar="REF", help="The PR's head.")
@click.option(
    "--pr", type=click.IntRange(min=1), default=None, help="PR number (default: from the event)."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(RENDERERS)),
    default=None,
    help="Output format (default: github under GitHub Actions, else text).",
)
@now_option
@root_option
def pr_check(
    base: str, head: str, pr: int | None, fmt: str | None, now: str | None, root: str | None
) -> int:
    """Check the incidents a pull request changes, from the merge base of BASE and HEAD.

    Validates the changed incident files (every incident when a policy changes), rejects
    illegal status transitions, refuses a PR that changes the policies and an incident's
    status together, and needs approving reviews to close an incident, remove one's
    record (delete it or move it where incident-ops does not read it) or add a waiver:
    one from a member of each `rca_approvers` team of its severity. What decides all
    this — incident-ops.yaml (folders, rule levels) and the policies — is read at BASE,
    so a PR cannot weaken its own gate. An approval counts when the incident file, the
    policies and incident-ops.yaml at the approved commit are byte-identical to HEAD's.
    New incident ids are also checked against other open incident PRs. GitHub is read
    with GITHUB_TOKEN, GITHUB_API_URL, GITHUB_REPOSITORY and the PR from --pr or
    GITHUB_EVENT_PATH.

    Exit 0 when there is no error, 1 when there are errors, 2 on a usage, policy or
    GitHub API error. Writes a Markdown summary to $GITHUB_STEP_SUMMARY when set.

    \b
    Examples:
      incident-ops pr-check --base origin/main
      incident-ops pr-check --base origin/main --head HEAD --pr 42 --format json
    """
    from incident_ops.prcheck.check import check, scan
    from incident_ops.prcheck.summary import markdown

    if fmt is None:
        fmt = "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    repo = open_repo(root)
    scope, report = scan(repo, base, head)
    if not report.changes and not report.policy_changed:
        if fmt in ("text", "github"):
            click.echo("incident-ops: no incident changes")
        else:
            click.echo(RENDERERS[fmt]([], Summary(0, 0, 0, 0), False), nl=False)
            click.echo("incident-ops: no incident changes", err=True)
        write_step_summary("## incident-ops pr-check: passed\n\nNo incident changes.\n")
        return 0

    def source() -> PullSource | str:
        from incident_ops.prcheck.github_source import connect

        return connect(pr, os.environ)

    check(scope, report, now, source)
    errors, warnings = count_levels(report.findings)
    summary = Summary(len(report.validated), report.incidents, errors, warnings)
    colour = fmt == "text" and is_tty()
    click.echo(RENDERERS[fmt](report.findings, summary, colour, root=repo.root), nl=False)
    for note in report.notes:
        click.echo(f"incident-ops: note: {note}", err=True)
    write_step_summary(markdown(report))
    return 1 if errors else 0


COMMANDS = {"pr-check": pr_check}
