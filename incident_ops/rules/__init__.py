"""The rule registry: one module per rule, each exporting ID, DESCRIPTION and check(ctx).

A rule is a generator of Findings over a `Context` (one file, its incident, the policy,
the repository index, `now`). Order here is the order of `incident-ops rules`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from types import ModuleType

from incident_ops.finding import Finding
from incident_ops.rules import (
    acknowledge_overdue,
    action_overdue,
    closure_departments,
    closure_follow_up,
    closure_prevention,
    closure_rca,
    closure_recurrence,
    duplicate_id,
    escalation_overdue,
    id_filename,
    lifecycle,
    missing_section,
    mitigate_overdue,
    rca_overdue,
    recurrence,
    schema,
    syntax,
    under_classified,
    unknown_reference,
    update_overdue,
)
from incident_ops.rules._context import Context

MODULES: tuple[ModuleType, ...] = (
    syntax,
    schema,
    id_filename,
    duplicate_id,
    unknown_reference,
    under_classified,
    lifecycle,
    missing_section,
    acknowledge_overdue,
    mitigate_overdue,
    escalation_overdue,
    update_overdue,
    rca_overdue,
    action_overdue,
    closure_rca,
    closure_prevention,
    closure_follow_up,
    closure_departments,
    closure_recurrence,
    recurrence,
)
RULES: dict[str, ModuleType] = {module.ID: module for module in MODULES}
# Rules that are not per-file checks: they run in a specific command.
COMMAND_RULES: dict[str, str] = {
    "closure-approval": "(pr-check) the PR closes an incident without each rca_approvers team",
    "record-removed": "(pr-check) the PR deletes an incident or moves it where it is not read",
    "policy-and-status": "(pr-check) the PR changes the policies and an incident's status",
    "waiver-approval": "(pr-check) the PR adds a waiver without each rca_approvers team",
    "history": "(history --check) a backdated timestamp, or an edit to a closed incident",
}
Check = Callable[[Context], Iterator[Finding]]


def run_rules(ctx: Context) -> list[Finding]:
    """Every enabled rule's findings for one file."""
    found: list[Finding] = []
    for module in MODULES:
        if ctx.levels.enabled(module.ID):
            found.extend(module.check(ctx))
    return found


def all_rules() -> list[tuple[str, str]]:
    """(id, description) of every rule, for `incident-ops rules` and SARIF."""
    return [(m.ID, m.DESCRIPTION) for m in MODULES] + list(COMMAND_RULES.items())
