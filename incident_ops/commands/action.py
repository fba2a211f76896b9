"""`action add|done|wont-do`: the prevention plan, item by item. Thin wrappers over
`edit.operations.Editor`."""

from __future__ import annotations

from datetime import datetime

import click

from incident_ops.commands._editing import edit_options, editor, instant, report, timed_options
from incident_ops.edit.operations import ACTION_KINDS


@click.group("action")
def action() -> None:
    """Plan prevention actions and record their progress (`actions:`).

    `done` and `wont-do` also work on a closed incident: the plan is carried out after
    closure (`history --check` allows these edits).

    \b
    Examples:
      incident-ops action add INC-2026-0042 --title "Alert on replica lag" \\
        --owner @carol --department platform --due 2026-12-05
      incident-ops action done INC-2026-0042 A1 --at 2026-12-03T16:00
      incident-ops action wont-do INC-2026-0042 A2 --reason "Replaced by A3"
    """


@action.command("add")
@edit_options
@click.option("--title", required=True, help="What will be done, in one line.")
@click.option("--owner", required=True, metavar="@LOGIN", help="Who does it.")
@click.option("--department", required=True, help="A department key of the policies.")
@click.option(
    "--due", required=True, type=click.DateTime(formats=["%Y-%m-%d"]), metavar="YYYY-MM-DD",
    help="Due by the end of this day (in the department's calendar).",
)  # fmt: skip
@click.option("--kind", type=click.Choice(ACTION_KINDS), default="technical", show_default=True)
@click.option("--id", "action_id", default=None, metavar="A<n>",
              help="The action's id (default: the next free A<n>).")  # fmt: skip
def add(
    incident_id: str,
    now: str | None,
    root: str | None,
    do_commit: bool,
    title: str,
    owner: str,
    department: str,
    due: datetime,
    kind: str,
    action_id: str | None,
) -> int:
    """Add an open prevention action; the same title twice is added once.

    \b
    Example:
      incident-ops action add INC-2026-0042 --title "Alert on replica lag" \\
        --owner @carol --department platform --due 2026-12-05 --kind technical
    """
    edit = editor(root, now)
    result = edit.add_action(
        incident_id, title, owner, department, due.date(), kind, action_id, do_commit
    )
    return report(result)


@action.command("done")
@timed_options
@click.argument("action_id", metavar="ACTION")
def done(
    incident_id: str,
    at_text: str | None,
    now: str | None,
    root: str | None,
    do_commit: bool,
    action_id: str,
) -> int:
    """Mark a prevention action done: status done and done_at.

    \b
    Example:
      incident-ops action done INC-2026-0042 A1 --at 2026-12-03T16:00 --commit
    """
    edit = editor(root, now)
    return report(edit.action_done(incident_id, action_id, instant(edit, at_text), do_commit))


@action.command("wont-do")
@edit_options
@click.argument("action_id", metavar="ACTION")
@click.option("--reason", required=True, help="Why it will not be done (actions[].reason).")
def wont_do(
    incident_id: str,
    now: str | None,
    root: str | None,
    do_commit: bool,
    action_id: str,
    reason: str,
) -> int:
    """Drop a prevention action: status wont-do, with the reason in actions[].reason.

    \b
    Example:
      incident-ops action wont-do INC-2026-0042 A2 --reason "Replaced by A3"
    """
    return report(editor(root, now).action_wont_do(incident_id, action_id, reason, do_commit))


COMMANDS = {"action": action}
