"""`incident-ops report`: the periodic management report as Markdown."""

from __future__ import annotations

import os
from datetime import datetime

import click

from incident_ops.commands.common import (
    load,
    now_in,
    now_option,
    open_prs,
    open_prs_option,
    period,
    period_options,
    policy_option,
    root_option,
)


@click.command("report")
@period_options
@click.option("--format", "fmt", type=click.Choice(["md"]), default="md", show_default=True)
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False), default=None,
    help="Write the report to FILE (atomically) instead of stdout.",
)  # fmt: skip
@policy_option
@open_prs_option
@now_option
@root_option
def report(
    since: datetime | None,
    until: datetime | None,
    fmt: str,
    output: str | None,
    policy_mode: str,
    include_open_prs: bool,
    now: str | None,
    root: str | None,
) -> int:
    """The management report of a period: failures by severity and category, each
    significant incident with its impact, root cause and prevention plan, complaints,
    SLA compliance per deadline kind and the items that need management attention.

    \b
    Examples:
      incident-ops report --since 2026-11-01 --until 2026-11-30 --output november.md
      incident-ops report --now 2026-11-20T12:00:00+01:00
      incident-ops report --include-open-prs
    """
    from incident_ops.reporting.load import load_entries
    from incident_ops.reporting.management import render_report
    from incident_ops.reporting.timeline import Timeline, mode
    from incident_ops.workspace.atomic import write_atomic

    repo, policy = load(root)
    instant = now_in(policy, now)
    first, last = period(since, until, instant.astimezone(policy.calendar().tz))
    timeline = Timeline.of(repo, policy, mode(policy_mode))
    with open_prs(repo, include_open_prs) as live:
        loaded = load_entries(repo, policy, instant, timeline, live.overlay if live else None)
    from incident_ops.output.safe import printable

    text = printable(render_report(loaded, policy, instant, first, last))
    if output is None:
        click.echo(text, nl=False)
    else:
        write_atomic(os.path.abspath(output), text)
    return 0


COMMANDS = {"report": report}
