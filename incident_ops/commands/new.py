"""`incident-ops new`: open an incident from the template with the next free id."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from incident_ops.commands.common import load, now_in, root_option
from incident_ops.domain.instants import parse_instant
from incident_ops.edit.new import SOURCES, Draft, draft, open_incident
from incident_ops.errors import ConfigError
from incident_ops.policy.load import Policy
from incident_ops.workspace.config import Repo

if TYPE_CHECKING:
    from incident_ops.github.client import Client


def _names(text: str | None) -> list[str]:
    """`a,b` → [a, b] (blank items dropped)."""
    return [part for part in (text or "").split(",") if part.strip()]


@click.command("new")
@click.option("--title", help="One line saying what is broken, for whom (required).")
@click.option("--severity", help="A severity key of the policies, e.g. SEV2 (required).")
@click.option("--category", help="A category key of the policies (required).")
@click.option("--detected-at", metavar="ISO", help="When it was detected (default: now).")
@click.option("--source", type=click.Choice(SOURCES), help="How it was detected.")
@click.option("--reporter", help="Who reported it, e.g. @alice.")
@click.option("--commander", metavar="@LOGIN", help="The incident commander, e.g. @bob.")
@click.option("--services", metavar="A,B", help="Affected services, comma-separated.")
@click.option("--customers", metavar="A,B", help="Affected customers, comma-separated.")
@click.option("--commit", "do_commit", is_flag=True,
              help="Commit the new file (incident(ID): opened).")  # fmt: skip
@click.option(
    "--pr", "as_pr", is_flag=True,
    help="Declare it as its own pull request: the next id free on origin's default branch, "
    "its incident branches and open incident PRs; push incident/<ID>, open the PR (labels "
    "incident and the severity), print its URL. The work tree is left as it is. Needs "
    "GITHUB_TOKEN.",
)  # fmt: skip
@click.option(
    "--from-issue", "from_issue", metavar="EVENT_FILE", type=click.Path(dir_okay=False),
    help="With --pr: declare what an incident issue form says (the `issues` event file, "
    "GITHUB_EVENT_PATH) instead of --title, --severity, … ; its author needs the triage "
    "role; the PR is linked on the issue.",
)  # fmt: skip
@click.option(
    "--repository", envvar="GITHUB_REPOSITORY", metavar="OWNER/NAME",
    help="With --pr: the repository on GitHub (default: GITHUB_REPOSITORY, else origin's).",
)  # fmt: skip
@root_option
def new(
    title: str | None,
    severity: str | None,
    category: str | None,
    detected_at: str | None,
    source: str | None,
    reporter: str | None,
    commander: str | None,
    services: str | None,
    customers: str | None,
    do_commit: bool,
    as_pr: bool,
    from_issue: str | None,
    repository: str | None,
    root: str | None,
) -> int:
    """Create a new incident file and print its path.

    The id is the next free one for the year of --detected-at; the file has every
    front-matter key and every body section, with hints where text is still missing.
    What is not known yet is null — the impact flags too, so a report says "unknown"
    rather than "no"; record it with `incident-ops impact` once known.

    With --pr the incident is declared as its own pull request instead (see --pr); the
    bot acts on it from the moment the PR opens, and responders answer in it with comment
    commands (`incident-ops command`).

    \b
    Examples:
      incident-ops new --title "Billing database unavailable" --severity SEV1 \\
          --category service-failure --source monitoring --services billing-db \\
          --customers acme-bank --commander @bob --commit
      incident-ops new --title "Billing database unavailable" --severity SEV1 \\
          --category service-failure --pr
    """
    if from_issue and not as_pr:
        raise click.UsageError("--from-issue declares a pull request: add --pr")
    if as_pr and do_commit:
        raise click.UsageError("--pr commits the new file on its own branch: drop --commit")
    repo, policy = load(root)
    if from_issue:
        return _declare_from_issue(repo, policy, from_issue, repository)
    title, severity, category = _required(title, severity, category)
    detected = parse_instant(detected_at, policy.calendar().tz, "--detected-at")
    new = draft(
        policy, title, severity, category, detected, source, reporter,
        commander=commander, services=_names(services), customers=_names(customers),
    )  # fmt: skip
    if as_pr:
        return _declare(repo, new, repository)
    opened = open_incident(repo, new, commit=do_commit)
    click.echo(repo.relpath(opened.path))
    if opened.commit:
        click.echo(f"committed {opened.commit[:7]} incident({opened.incident}): opened", err=True)
    return 0


def _required(*values: str | None) -> tuple[str, str, str]:
    for name, value in zip(("--title", "--severity", "--category"), values, strict=True):
        if value is None:
            raise click.UsageError(f"Missing option '{name}'.")
    title, severity, category = (value or "" for value in values)
    return title, severity, category


def _github(repo: Repo, repository: str | None) -> tuple[Client, str]:
    """The API client and the repository `new --pr` declares in (clear errors if none)."""
    import os

    from incident_ops.github import pulls, secrets
    from incident_ops.github.client import Client, Settings

    if not secrets.token(os.environ):
        raise ConfigError("--pr opens a pull request on GitHub: set GITHUB_TOKEN")
    name = pulls.repository(repository, repo.root, os.environ, from_origin=True)
    if name is None:
        raise ConfigError("--pr: set GITHUB_REPOSITORY=owner/name (origin is not on GitHub)")
    return Client(Settings.from_env(os.environ)), name


def _declare_from_issue(repo: Repo, policy: Policy, event: str, repository: str | None) -> int:
    """`new --pr --from-issue EVENT`: declare what an incident issue form says."""
    from incident_ops.github.declare import declare_from_issue

    client, name = _github(repo, repository)
    done = declare_from_issue(repo, policy, client, name, event, now_in(policy, None))
    if done.declared is None:
        click.echo(f"#{done.issue} was declared already: {done.url}", err=True)
    click.echo(done.url)
    return 0


def _declare(repo: Repo, new: Draft, repository: str | None) -> int:
    """`new --pr`: one library call (`github.declare`), then say what was done."""
    from incident_ops.github.declare import declare

    client, name = _github(repo, repository)
    declared = declare(repo, new, client, name)
    click.echo(declared.path)
    click.echo(declared.pull.url)
    click.echo(
        f"pushed {declared.branch} ({declared.commit[:7]}) and opened #{declared.pull.number}; "
        f"to edit it here: git switch {declared.branch}",
        err=True,
    )
    return 0


COMMANDS = {"new": new}
