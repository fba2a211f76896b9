"""`incident-ops command`: act on the commands of a comment on an incident pull request."""

from __future__ import annotations

import os

import click

from incident_ops.commands.common import load, now_option, root_option


@click.command("command")
@click.option(
    "--event",
    "event_path",
    required=True,
    metavar="FILE",
    type=click.Path(dir_okay=False),
    help='The `issue_comment` event (in Actions: "$GITHUB_EVENT_PATH").',
)
@click.option(
    "--resolve",
    is_flag=True,
    help="Only check the comment (and reply when it is refused); print the incident "
    "branch to check out when its commands may run, nothing otherwise.",
)
@click.option(
    "--push",
    "do_push",
    is_flag=True,
    help="Push the commit to the pull request's branch on origin (redone on the new head if "
    "someone pushed meanwhile).",
)
@click.option(
    "--repository",
    envvar="GITHUB_REPOSITORY",
    show_envvar=True,
    metavar="OWNER/NAME",
    help="The repository the event must be about.",
)
@now_option
@root_option
def command(
    event_path: str,
    resolve: bool,
    do_push: bool,
    repository: str | None,
    now: str | None,
    root: str | None,
) -> int:
    """Run the commands of a new comment on an incident pull request, one a line:

    \b
      /ack [TIME]
      /status investigating|mitigated|resolved|cancelled [TIME]
      /escalate DEPARTMENT [NOTE]
      /update customers|management|internal email|phone|status-page|chat TEXT [--final]
      /commander @LOGIN
      /action add "TITLE" --owner @LOGIN --department DEPT --due YYYY-MM-DD [--kind K]
      /action done A1 [TIME]
      /action wont-do A1 REASON
      /waive KIND[:DEPARTMENT|:ACTION] REASON
      /help

    The comment, the pull request and the commenter's permission are read from GitHub
    (not from the event); only someone with write access may run commands. They edit
    the incident file in the checkout of the pull request's branch (--root) with the
    library calls of `ack`, `update`, … — all in one commit, with the commenter as
    co-author, or none if one fails — and the bot replies and reacts to the comment.
    TIME is 09:20 or an ISO time; by default, when the comment was written. Reads
    GITHUB_TOKEN and GITHUB_API_URL. Exit 0 done or nothing to do, 1 refused or failed,
    2 usage or configuration error.

    \b
    Examples:
      incident-ops command --event "$GITHUB_EVENT_PATH" --resolve
      incident-ops command --event "$GITHUB_EVENT_PATH" --root incident --push
    """
    from incident_ops.chatops.handler import Handled, handle, inspect, respond
    from incident_ops.domain.instants import parse_instant
    from incident_ops.errors import ConfigError
    from incident_ops.github import pulls, secrets
    from incident_ops.github.client import Client, Settings
    from incident_ops.output.safe import printable

    if not secrets.token(os.environ):
        raise ConfigError("command replies on GitHub: set GITHUB_TOKEN")
    name = pulls.repository(repository, os.getcwd(), {})
    if name is None:
        raise ConfigError("command: set GITHUB_REPOSITORY=owner/name (or --repository)")
    client = Client(Settings.from_env(os.environ))
    found = inspect(event_path, name, client)
    if isinstance(found, Handled):
        handled = found
    elif resolve:
        click.echo(found.pull.head_ref)
        return 0
    else:
        repo, policy = load(root)
        if now is None:
            clock = None
        else:
            fixed = parse_instant(now, policy.calendar().tz, "--now")
            clock = lambda: fixed  # noqa: E731
        handled = handle(found, repo, policy, clock, do_push)
    for problem in respond(client, name, handled):
        click.echo(printable(f"incident-ops: {problem}"), err=True)
    click.echo(printable(handled.note), err=True)
    for result in handled.results:
        click.echo(printable(f"{result.incident}: {result.message}"))
    return handled.code


COMMANDS = {"command": command}
