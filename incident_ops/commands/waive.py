"""`incident-ops waive`: record that an obligation no longer applies (a thin wrapper over
`Editor.waive`)."""

from __future__ import annotations

import click

from incident_ops.commands._editing import editor, instant, report, timed_options


def split_obligation(text: str) -> tuple[str, str | None, str | None]:
    """`KIND`, `escalate:DEPARTMENT` or `action:ACTION` → (kind, department, action)."""
    kind, _, qualifier = text.strip().partition(":")
    if not qualifier:
        return kind, None, None
    if kind == "escalate":
        return kind, qualifier, None
    if kind == "action":
        return kind, None, qualifier
    raise click.BadParameter(
        f"{text!r}: only escalate:DEPARTMENT and action:ACTION take a qualifier",
        param_hint="OBLIGATION",
    )


@click.command("waive")
@timed_options
@click.argument("obligation", metavar="OBLIGATION")
@click.option("--reason", required=True, help="Why it no longer applies.")
@click.option("--by", required=True, metavar="@LOGIN", help="Who decided it.")
def waive(
    incident_id: str,
    at_text: str | None,
    now: str | None,
    root: str | None,
    do_commit: bool,
    obligation: str,
    reason: str,
    by: str,
) -> int:
    """Waive an obligation: append {obligation, department/action, reason, by, at} to
    waivers. OBLIGATION is a deadline kind (acknowledge, mitigate, customer-update,
    management-update, rca, escalate, action), optionally `escalate:DEPARTMENT` or
    `action:ACTION`.

    From `at` on, the obligation's state is `waived` instead of overdue. Adding a waiver
    needs the approvals closing needs, in the pull request that adds it (pr-check's
    waiver-approval); the sweep honours it only once that is merged.

    \b
    Example:
      incident-ops waive INC-2026-0042 management-update --reason "in the bridge call" \\
          --by @dana --commit
    """
    kind, department, action = split_obligation(obligation)
    edit = editor(root, now)
    at = instant(edit, at_text)
    return report(edit.waive(incident_id, kind, reason, by, department, action, at, do_commit))


COMMANDS = {"waive": waive}
