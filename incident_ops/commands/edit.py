"""The lifecycle and communication commands, thin wrappers over `edit.operations`:
`ack`, `investigate`, `mitigate`, `resolve`, `close`, `cancel`, `escalate`, `update`.

Each parses its options, makes one library call and prints what it did (the library
plans on the file under the repository's lock, gates and writes; see its docstring).
"""

from __future__ import annotations

import click

from incident_ops.commands._editing import editor, instant, report, timed_options


@click.command("ack")
@timed_options
def ack(
    incident_id: str, at_text: str | None, now: str | None, root: str | None, do_commit: bool
) -> int:
    """Acknowledge an incident: set acknowledged_at and status acknowledged.

    An incident already past `acknowledged` only gets a missing acknowledged_at.

    \b
    Example:
      incident-ops ack INC-2026-0042 --at 2026-11-20T09:20 --commit
    """
    edit = editor(root, now)
    return report(edit.acknowledge(incident_id, instant(edit, at_text), do_commit))


@click.command("investigate")
@timed_options
def investigate(
    incident_id: str, at_text: str | None, now: str | None, root: str | None, do_commit: bool
) -> int:
    """Set status investigating; on a resolved incident, reopen it (`resolved →
    investigating`, the one step back the lifecycle allows).

    An incident not yet acknowledged gets acknowledged_at = --at (investigating means it
    was acknowledged by then). A reopen keeps mitigated_at and resolved_at until
    `mitigate` and `resolve` set them again (validate warns that they are stale).

    \b
    Example:
      incident-ops investigate INC-2026-0042 --commit
    """
    edit = editor(root, now)
    return report(edit.investigate(incident_id, instant(edit, at_text), do_commit))


@click.command("mitigate")
@timed_options
def mitigate(
    incident_id: str, at_text: str | None, now: str | None, root: str | None, do_commit: bool
) -> int:
    """Record the mitigation (service restored): set mitigated_at and status mitigated.

    An incident already resolved only gets a missing mitigated_at.

    \b
    Example:
      incident-ops mitigate INC-2026-0042 --at 2026-11-20T11:02:00+01:00
    """
    edit = editor(root, now)
    return report(edit.mitigate(incident_id, instant(edit, at_text), do_commit))


@click.command("resolve")
@timed_options
def resolve(
    incident_id: str, at_text: str | None, now: str | None, root: str | None, do_commit: bool
) -> int:
    """Resolve an incident: set resolved_at and status resolved.

    \b
    Example:
      incident-ops resolve INC-2026-0042 --at 2026-11-20T12:30:00+01:00
    """
    edit = editor(root, now)
    return report(edit.resolve(incident_id, instant(edit, at_text), do_commit))


@click.command("close")
@timed_options
def close(
    incident_id: str, at_text: str | None, now: str | None, root: str | None, do_commit: bool
) -> int:
    """Close an incident after the closure rules pass (RCA, prevention plan, follow-up,
    departments, lifecycle); otherwise list the findings with how to fix each (the
    fields to write, the commands to run), change nothing and exit 1.

    Either way it names the teams whose approval the closing pull request needs
    (the severity's rca_approvers).

    \b
    Example:
      incident-ops close INC-2026-0042 --commit
    """
    edit = editor(root, now)
    return report(edit.close(incident_id, instant(edit, at_text), do_commit))


@click.command("cancel")
@timed_options
def cancel(
    incident_id: str, at_text: str | None, now: str | None, root: str | None, do_commit: bool
) -> int:
    """Cancel an incident (not an incident after all, or a duplicate): set status
    cancelled and cancelled_at. Obligations not yet due lapse.

    \b
    Example:
      incident-ops cancel INC-2026-0042 --at 2026-11-20T09:40 --commit
    """
    edit = editor(root, now)
    return report(edit.cancel(incident_id, instant(edit, at_text), do_commit))


@click.command("escalate")
@timed_options
@click.option("--department", required=True, help="A department key of the policies.")
@click.option(
    "--by", default=None, metavar="@LOGIN", help="Who escalated (escalations[].by); `erin` "
    "is written as \"@erin\".",
)  # fmt: skip
def escalate(
    incident_id: str,
    at_text: str | None,
    now: str | None,
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
    edit = editor(root, now)
    return report(edit.escalate(incident_id, department, instant(edit, at_text), by, do_commit))


@click.command("update")
@timed_options
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
    now: str | None,
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
    edit = editor(root, now)
    at = instant(edit, at_text)
    return report(edit.add_update(incident_id, audience, channel, summary, at, final, do_commit))


COMMANDS = {
    "ack": ack,
    "investigate": investigate,
    "mitigate": mitigate,
    "resolve": resolve,
    "close": close,
    "cancel": cancel,
    "escalate": escalate,
    "update": update,
}
