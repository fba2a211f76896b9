"""`incident-ops stats`: counts, MTTA/MTTR and deadline compliance over a period."""

from __future__ import annotations

import json
from datetime import datetime

import click

from incident_ops.commands.common import (
    is_tty,
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


@click.command("stats")
@period_options
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@policy_option
@open_prs_option
@now_option
@root_option
def stats(
    since: datetime | None,
    until: datetime | None,
    fmt: str,
    policy_mode: str,
    include_open_prs: bool,
    now: str | None,
    root: str | None,
) -> int:
    """Incident statistics over the incidents detected in a period.

    Counts by severity, category, service and department; median and p90 of
    time to acknowledge (MTTA), mitigate (MTTM) and resolve (MTTR); deadline states;
    open and overdue prevention actions by department; the recurrence rate. Deadlines
    are graded by the policies committed when each incident was detected (--policy
    current: by today's).

    \b
    Examples:
      incident-ops stats --since 2026-10-01 --until 2026-12-31
      incident-ops stats --format json --now 2026-11-20T12:00:00+01:00
      incident-ops stats --include-open-prs
    """
    from incident_ops.reporting.load import load_entries
    from incident_ops.reporting.metrics import stats as compute
    from incident_ops.reporting.timeline import Timeline, mode

    repo, policy = load(root)
    instant = now_in(policy, now)
    first, last = period(since, until, instant.astimezone(policy.calendar().tz))
    timeline = Timeline.of(repo, policy, mode(policy_mode))
    with open_prs(repo, include_open_prs) as live:
        loaded = load_entries(repo, policy, instant, timeline, live.overlay if live else None)
    from incident_ops.output.safe import printable

    for path in loaded.skipped:
        click.echo(printable(f"incident-ops: skipped {path}: it does not validate"), err=True)
    figures = compute(loaded.incidents, loaded.obligations, policy, first, last)
    figures |= {"policy": policy_mode, "graded": loaded.graded}
    if fmt == "json":
        click.echo(json.dumps(figures, indent=2, ensure_ascii=False))
    else:
        from incident_ops.reporting.stats_text import render_text

        click.echo(render_text(figures, is_tty()), nl=False)
    return 0


COMMANDS = {"stats": stats}
