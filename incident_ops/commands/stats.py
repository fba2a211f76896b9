"""`incident-ops stats`: counts, MTTA/MTTR and deadline compliance over a period."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime
from typing import Any, TypeVar

import click

from incident_ops.commands.common import is_tty, load, now_in, now_option, root_option

F = TypeVar("F", bound=Callable[..., Any])
DATE = click.DateTime(formats=["%Y-%m-%d"])


def period_options(func: F) -> F:
    """`--since` / `--until`: inclusive dates in the default calendar's timezone."""
    func = click.option(
        "--until", type=DATE, default=None, metavar="DATE",
        help="Last day of the period, inclusive (default: the day of --now).",
    )(func)  # fmt: skip
    return click.option(
        "--since", type=DATE, default=None, metavar="DATE",
        help="First day of the period, inclusive (default: unbounded).",
    )(func)  # fmt: skip


def period(
    since: datetime | None, until: datetime | None, now: datetime
) -> tuple[date | None, date]:
    """The period's dates; `until` defaults to the day of `now`."""
    first = since.date() if since else None
    last = until.date() if until else now.date()
    if first and first > last:
        raise click.BadParameter(
            f"--since {first} is after --until {last}", param_hint="--since/--until"
        )
    return first, last


@click.command("stats")
@period_options
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@now_option
@root_option
def stats(
    since: datetime | None, until: datetime | None, fmt: str, now: str | None, root: str | None
) -> int:
    """Incident statistics over the incidents detected in a period.

    Counts by severity, category, service and department; median and p90 of
    time to acknowledge (MTTA), mitigate (MTTM) and resolve (MTTR); deadline states;
    open and overdue prevention actions by department; the recurrence rate.

    \b
    Examples:
      incident-ops stats --since 2026-10-01 --until 2026-12-31
      incident-ops stats --format json --now 2026-11-20T12:00:00+01:00
    """
    from incident_ops.reporting.load import load_entries
    from incident_ops.reporting.metrics import stats as compute

    repo, policy = load(root)
    instant = now_in(policy, now)
    first, last = period(since, until, instant.astimezone(policy.calendar().tz))
    loaded = load_entries(repo, policy, instant)
    for path in loaded.skipped:
        click.echo(f"incident-ops: skipped {path}: it does not validate", err=True)
    figures = compute(loaded.incidents, loaded.obligations, policy, first, last)
    if fmt == "json":
        click.echo(json.dumps(figures, indent=2, ensure_ascii=False))
    else:
        from incident_ops.reporting.stats_text import render_text

        click.echo(render_text(figures, is_tty()), nl=False)
    return 0


COMMANDS = {"stats": stats}
