"""What the editing commands share: their options, the Editor they call, how they report.

Not a command module (no COMMANDS): `edit`, `record` and `action` build on it, so the
commands stay thin and alike — `--at` (when it happened), `--now` (the clock for the
"not in the future" check and the gate), `--commit`, `--root`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

import click

from incident_ops.commands.common import load, now_option, root_option
from incident_ops.domain.instants import parse_instant
from incident_ops.edit.operations import Editor, EditResult
from incident_ops.output.safe import printable

F = TypeVar("F", bound=Callable[..., Any])


def editor(root: str | None, now: str | None) -> Editor:
    """The repository's Editor; `--now` fixes its clock."""
    repo, policy = load(root)
    if now is None:
        return Editor(repo, policy)
    fixed = parse_instant(now, policy.calendar().tz, "--now")
    return Editor(repo, policy, clock=lambda: fixed)


def instant(editor: Editor, text: str | None, option: str = "--at") -> datetime | None:
    """`--at` as an aware instant (naive: the default calendar's zone), None for now."""
    if text is None:
        return None
    return parse_instant(text, editor.policy.calendar().tz, option)


def report(result: EditResult) -> int:
    """Print what an operation did; exit 0 (a refusal raises before this)."""
    if not result.changed:
        click.echo(printable(f"{result.incident}: {result.message}; nothing changed"))
        return 0
    click.echo(printable(f"{result.incident}: {result.message}"))
    for note in result.notes:
        click.echo(printable(f"note: {note}"))
    if result.commit:
        click.echo(printable(f"committed {result.commit[:7]} {result.subject}"))
    return 0


def at_option(func: F) -> F:
    return click.option(
        "--at",
        "at_text",
        metavar="ISO",
        default=None,
        help="When it happened (default: now; not in the future); naive times are in the "
        "policy's default zone.",
    )(func)


def edit_options(func: F) -> F:
    """ID, --commit, --root and --now: what every editing command takes."""
    func = click.option("--commit", "do_commit", is_flag=True, help="Commit the file.")(func)
    func = root_option(func)
    func = now_option(func)
    return click.argument("incident_id", metavar="ID")(func)


def timed_options(func: F) -> F:
    """`edit_options` and --at: for commands that record when something happened."""
    return edit_options(at_option(func))
