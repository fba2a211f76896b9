"""`incident-ops validate`: lint incidents against the policies."""

from __future__ import annotations

import click

from incident_ops.commands.common import is_tty, load, now_in, now_option, root_option
from incident_ops.finding import count_levels
from incident_ops.lint.validate import validate as run_validate
from incident_ops.output import RENDERERS, Summary


@click.command("validate")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option(
    "--format", "fmt", type=click.Choice(list(RENDERERS)), default="text", show_default=True
)
@now_option
@root_option
def validate(paths: tuple[str, ...], fmt: str, now: str | None, root: str | None) -> int:
    """Check incident files (default: every incident of the repo) against the policies.

    Exit 0 when there is no error, 1 when there are errors, 2 on a usage or policy error.
    With --format github (GitHub shows 10 annotations of each level per step), every
    finding is also listed in $GITHUB_STEP_SUMMARY when it is set. In the github and
    sarif formats paths are relative to the Git top level, where GitHub looks for them.

    \b
    Examples:
      incident-ops validate
      incident-ops validate incidents/2026/INC-2026-0042-billing-db-outage.md
      incident-ops validate --format json --now 2026-11-20T12:00:00+01:00
    """
    repo, policy = load(root)
    report = run_validate(repo, policy, now_in(policy, now), paths)
    errors, warnings = count_levels(report.findings)
    summary = Summary(report.files, report.incidents, errors, warnings)
    colour = fmt == "text" and is_tty()
    click.echo(RENDERERS[fmt](report.findings, summary, colour, root=repo.root), nl=False)
    if fmt == "github":
        from incident_ops.output.step_summary import findings_markdown, write_step_summary

        write_step_summary(findings_markdown(report.findings, summary, repo.root))
    return 1 if errors else 0


COMMANDS = {"validate": validate}
