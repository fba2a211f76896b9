"""`incident-ops new`: open an incident from the template with the next free id."""

from __future__ import annotations

import click

from incident_ops.commands.common import load, root_option
from incident_ops.domain.instants import parse_instant
from incident_ops.edit.new import SOURCES, create


@click.command("new")
@click.option("--title", required=True, help="One line saying what is broken, for whom.")
@click.option("--severity", required=True, help="A severity key of the policies, e.g. SEV2.")
@click.option("--category", required=True, help="A category key of the policies.")
@click.option("--detected-at", metavar="ISO", help="When it was detected (default: now).")
@click.option("--source", type=click.Choice(SOURCES), help="How it was detected.")
@click.option("--reporter", help="Who reported it, e.g. @alice.")
@root_option
def new(
    title: str,
    severity: str,
    category: str,
    detected_at: str | None,
    source: str | None,
    reporter: str | None,
    root: str | None,
) -> int:
    """Create a new incident file and print its path.

    The id is the next free one for the year of --detected-at; the file has every
    front-matter key and every body section, with hints where text is still missing.

    \b
    Example:
      incident-ops new --title "Billing database unavailable" --severity SEV1 \\
          --category service-failure --source monitoring
    """
    repo, policy = load(root)
    detected = parse_instant(detected_at, policy.calendar().tz, "--detected-at")
    path = create(repo, policy, title, severity, category, detected, source, reporter)
    click.echo(repo.relpath(path))
    return 0


COMMANDS = {"new": new}
