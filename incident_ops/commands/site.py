"""`incident-ops site`: a static HTML site of the incident repository."""

from __future__ import annotations

import os

import click

from incident_ops.commands.common import (
    load,
    now_in,
    now_option,
    open_prs,
    open_prs_option,
    policy_option,
    root_option,
)


@click.command("site")
@click.argument("outdir", type=click.Path(file_okay=False))
@policy_option
@open_prs_option
@now_option
@root_option
def site(
    outdir: str, policy_mode: str, include_open_prs: bool, now: str | None, root: str | None
) -> int:
    """Build a static HTML site into OUTDIR (created): an index with charts, open
    incidents and their next deadline, one page per incident (summary, deadlines,
    prevention actions, Git history, the rendered file) and the management report.

    No JavaScript; links are relative, so it works from the file system and on
    GitHub Pages.

    \b
    Examples:
      incident-ops site _site
      incident-ops site public --now 2026-11-20T12:00:00+01:00
      incident-ops site _site --include-open-prs
    """
    from incident_ops.reporting.load import load_entries
    from incident_ops.reporting.site import build_site, load_histories
    from incident_ops.reporting.timeline import Timeline, mode

    repo, policy = load(root)
    instant = now_in(policy, now)
    timeline = Timeline.of(repo, policy, mode(policy_mode))
    with open_prs(repo, include_open_prs) as live:  # the site reads their files: build inside
        loaded = load_entries(repo, policy, instant, timeline, live.overlay if live else None)
        for path in loaded.skipped:
            click.echo(f"incident-ops: skipped {path}: it does not validate", err=True)
        histories = load_histories(repo, [e.path for e in loaded.entries])
        written = build_site(os.path.abspath(outdir), loaded, policy, instant, histories)
    click.echo(f"Wrote {len(written)} files to {outdir}", err=True)
    return 0


COMMANDS = {"site": site}
