"""`ack`, `escalate`, `update`, `resolve`, `close`: thin wrappers over `edit.operations`.

Each parses its options, makes one library call and prints what it did (the library
plans on the file under the repository's lock, gates and writes; see its docstring).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from incident_ops.commands.common import load, root_option
from incident_ops.domain.instants import parse_instant
from incident_ops.edit.operations import Editor, EditResult


def _editor(root: str | None) -> Editor:
    repo, policy = load(root)
    return Editor(repo, policy)


def _at(editor: Editor, text: str | None) -> Any:
    """`--at` as an aware instant (naive: the default calendar's zone), None for now."""
    if text is None:
        return None
    return parse_instant(text, editor.policy.calendar().tz, "--at")


def report(result: EditResult) -> int:
    """Print what an operation did; exit 0 (a refusal raises before this)."""
    if not result.changed:
        click.echo(f"{result.incident}: {result.message}; nothing changed")
        return 0
    click.echo(f"{result.incident}: {result.message}")
    if result.commit:
        click.echo(f"committed {result.commit[:7]} {result.subject}")
    return 0


def _common(func: Callable[..., int]) -> Callable[..., int]:
    func = click.option("--commit", "do_commit", is_flag=True, help="Commit the file.")(func)
    func = root_option(func)
    func = click.option(
        "--at",
        "at_text",
        metavar="ISO",
        default=None,
        help="When it happened (default: now; not in the future); naive times are in the "
        "policy's default zone.",
    )(func)
    return click.argument("incident_id", metavar="ID")(func)


@click.command("ack")
@_common
def ack(incident_id: str, at_text: str | None, root: str | None, do_commit: bool) -> int:
    """Acknowledge an incident: set acknowledged_at and status acknowledged.

    An incident already past `acknowledged` only gets a missing acknowledged_at.

    \b
    Example:
      incident-ops ack INC-2026-0042 --at 2026-11-20T09:20 --commit
    """
    editor = _editor(root)
    return report(editor.acknowledge(incident_id, _at(editor, at_text), do_commit))


@click.command("resolve")
@_common
def resolve(incident_id: str, at_text: str | None, root: str | None, do_commit: bool) -> int:
    """Resolve an incident: set resolved_at and status resolved.

    \b
    Example:
      incident-ops resolve INC-2026-0042 --at 2026-11-20T12:30:00+01:00
    """
    editor = _editor(root)
    return report(editor.resolve(incident_id, _at(editor, at_text), do_commit))


@click.command("close")
@_common
def close(incident_id: str, at_text: str | None, root: str | None, do_commit: bool) -> int:
    """Close an incident after the closure rules pass (RCA, prevention plan, follow-up,
    departments, lifecycle); otherwise list the findings, change nothing and exit 1.

    \b
    Example:
      incident-ops close INC-2026-0042 --commit
    """
    editor = _editor(root)
    return report(editor.close(incident_id, _at(editor, at_text), do_commit))


@click.command("escalate")
@_common
@click.option("--department", required=True, help="A department key of the policies.")
@click.option("--by", default=None, metavar="@USER", help="Who escalated (escalations[].by).")
def escalate(
    incident_id: str,
    at_text: str | None,
    root: str | None,
    do_commit: bool,
    department: str,
    by: str | None,
) -> int:
    """Record an escalation: append {department, at, by} to escalations.

    A department already escalated to is not added again.

    \b
    Example:
      incident-ops escalate INC-2026-0042 --department management --by @bob
    """
    editor = _editor(root)
    result = editor.escalate(incident_id, department, _at(editor, at_text), by, do_commit)
    return report(result)


@click.command("update")
@_common
@click.option(
    "--audience", required=True, type=click.Choice(["customers", "management", "internal"])
)
@click.option(
    "--channel", required=True, type=click.Choice(["email", "phone", "status-page", "chat"])
)
@click.option("--summary", required=True, help="What was communicated, in one line.")
@click.option("--final", is_flag=True, help="The last update (the customer follow-up).")
def update(
    incident_id: str,
    at_text: str | None,
    root: str | None,
    do_commit: bool,
    audience: str,
    channel: str,
    summary: str,
    final: bool,
) -> int:
    """Record a communication: append {at, audience, channel, summary, final} to updates.

    The same update (audience, channel, summary) recorded twice is kept once.

    \b
    Example:
      incident-ops update INC-2026-0042 --audience customers --channel status-page \\
        --summary "Billing restored" --final
    """
    if not summary.strip():
        raise click.BadParameter("must not be empty", param_hint="--summary")
    editor = _editor(root)
    at = _at(editor, at_text)
    return report(editor.add_update(incident_id, audience, channel, summary, at, final, do_commit))


COMMANDS = {"ack": ack, "escalate": escalate, "update": update, "resolve": resolve, "close": close}
