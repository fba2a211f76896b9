"""`incident-ops new`: open an incident from the template with the next free id."""

from __future__ import annotations

import click

from incident_ops.commands.common import load, root_option
from incident_ops.domain.instants import parse_instant
from incident_ops.edit.new import SOURCES, open_incident


def _names(text: str | None) -> list[str]:
    """`a,b` → [a, b] (blank items dropped)."""
    return [part for part in (text or "").split(",") if part.strip()]


@click.command("new")
@click.option("--title", required=True, help="One line saying what is broken, for whom.")
@click.option("--severity", required=True, help="A severity key of the policies, e.g. SEV2.")
@click.option("--category", required=True, help="A category key of the policies.")
@click.option("--detected-at", metavar="ISO", help="When it was detected (default: now).")
@click.option("--source", type=click.Choice(SOURCES), help="How it was detected.")
@click.option("--reporter", help="Who reported it, e.g. @alice.")
@click.option("--commander", metavar="@LOGIN", help="The incident commander, e.g. @bob.")
@click.option("--services", metavar="A,B", help="Affected services, comma-separated.")
@click.option("--customers", metavar="A,B", help="Affected customers, comma-separated.")
@click.option("--commit", "do_commit", is_flag=True,
              help="Commit the new file (incident(ID): opened).")  # fmt: skip
@root_option
def new(
    title: str,
    severity: str,
    category: str,
    detected_at: str | None,
    source: str | None,
    reporter: str | None,
    commander: str | None,
    services: str | None,
    customers: str | None,
    do_commit: bool,
    root: str | None,
) -> int:
    """Create a new incident file and print its path.

    The id is the next free one for the year of --detected-at; the file has every
    front-matter key and every body section, with hints where text is still missing.
    What is not known yet is null — the impact flags too, so a report says "unknown"
    rather than "no"; record it with `incident-ops impact` once known.

    \b
    Example:
      incident-ops new --title "Billing database unavailable" --severity SEV1 \\
          --category service-failure --source monitoring --services billing-db \\
          --customers acme-bank --commander @bob --commit
    """
    repo, policy = load(root)
    detected = parse_instant(detected_at, policy.calendar().tz, "--detected-at")
    opened = open_incident(
        repo, policy, title, severity, category, detected, source, reporter,
        commander=commander, services=_names(services), customers=_names(customers),
        commit=do_commit,
    )  # fmt: skip
    click.echo(repo.relpath(opened.path))
    if opened.commit:
        click.echo(f"committed {opened.commit[:7]} incident({opened.incident}): opened", err=True)
    return 0


COMMANDS = {"new": new}
