"""`incident-ops deadlines`: every obligation of every incident, as of `--now`.

A report, not a gate: it exits 0 even when deadlines are overdue (`validate` is the gate
that fails on them). Files that do not parse are named on stderr and make it exit 1.
"""

from __future__ import annotations

from collections import Counter

import click

from incident_ops.commands.common import (
    is_tty,
    load,
    now_in,
    now_option,
    open_prs,
    open_prs_option,
    policy_option,
    root_option,
)
from incident_ops.output.jsontext import dumps
from incident_ops.output.safe import printable
from incident_ops.reporting.deadlines import (
    collect,
    collect_records,
    render_text,
    select,
    targets,
)
from incident_ops.reporting.timeline import Timeline, mode
from incident_ops.workspace.workspace import Workspace


@click.command("deadlines")
@click.argument("references", nargs=-1, metavar="[ID|PATH]...")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@policy_option
@open_prs_option
@now_option
@root_option
def deadlines(
    references: tuple[str, ...],
    fmt: str,
    policy_mode: str,
    include_open_prs: bool,
    now: str | None,
    root: str | None,
) -> int:
    """Show every deadline (acknowledge, mitigate, escalate, updates, rca, actions) and its state,
    of every incident or of the incidents named by id, file or folder.

    States: met, met-late, pending, overdue, missed, waived. Each incident is graded by
    the policies committed when it was detected (--policy current: by today's). The
    table shows how long each overdue deadline has been overdue and the incident's
    title. This is a report and exits 0 even with overdue deadlines (`validate` fails on
    them); it exits 1 when a file does not parse and 2 on a usage or policy error.

    \b
    Examples:
      incident-ops deadlines
      incident-ops deadlines INC-2026-0042 --now 2026-11-20T12:00:00+01:00
      incident-ops deadlines --format json --now 2026-11-20T12:00:00+01:00
      incident-ops deadlines --include-open-prs
    """
    repo, policy = load(root)
    instant = now_in(policy, now)
    timeline = Timeline.of(repo, policy, mode(policy_mode))
    workspace = Workspace(repo)
    with open_prs(repo, include_open_prs) as live:
        if live is None:
            report, problems = collect(workspace, timeline, instant, targets(workspace, references))
        else:
            loaded = workspace.load()
            records = select(live.overlay(loaded.records + loaded.skipped), references, repo.root)
            report, problems = collect_records(records, timeline, instant)
    for problem in problems:
        click.echo(printable(problem), err=True)
    graded = timeline.describe(Counter(item.policy_commit for item in report))
    if fmt == "json":
        document = {
            "now": instant.isoformat(),
            "policy": policy_mode,
            "graded": graded,
            "incidents": [i.to_dict() for i in report],
        }
        click.echo(dumps(document))
    else:
        click.echo(render_text(report, instant, is_tty()), nl=False)
        if report:
            click.echo(graded)
    return 1 if problems else 0


COMMANDS = {"deadlines": deadlines}
