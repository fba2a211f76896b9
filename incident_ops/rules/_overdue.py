"""Shared by the six `*-overdue` rules: one finding per overdue, missed or late obligation.

An unmet deadline that passed and can still be met is an error (someone must act now);
one that passed unmet and can no longer be met (`missed`: the cadence or the escalation's
`until` ended, or the incident was cancelled) and one met late are warnings — the breach
stays in the record, but a past nobody can change never fails a build (SPEC §5). A
`waived` obligation yields nothing. Incidents that did not model, or whose severity is
unknown, are left to other rules.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime

from incident_ops.domain.obligations import Obligation
from incident_ops.finding import Finding
from incident_ops.rules._context import Context

LineOf = Callable[[Context, Obligation], int]
Describe = Callable[[Obligation], str]


def when(value: datetime | None) -> str:
    return value.isoformat() if value else "?"


def key_line(ctx: Context, *path: str | int, fallback: str = "status") -> int:
    """The line of a front-matter key when the file has it, else of `fallback`."""
    lines = ctx.doc.front.lines if ctx.doc.front is not None else {}
    return lines.get(tuple(path)) or ctx.line(fallback)


def entry_line(ctx: Context, key: str, at: datetime | None, keep: Callable[[int], bool]) -> int:
    """The line of the first `key[i]` item at time `at` that `keep(i)` accepts, else `key`."""
    assert ctx.incident is not None
    for i, item in enumerate(getattr(ctx.incident, key)):
        if at is not None and item.at == at and keep(i):
            return ctx.line(key, i)
    return key_line(ctx, key)


def findings(
    ctx: Context, rule: str, kinds: tuple[str, ...], line_of: LineOf, describe: Describe
) -> Iterator[Finding]:
    """Error per overdue obligation of `kinds`, warning per one met late."""
    incident = ctx.incident
    if incident is None or ctx.policy.severity(incident.severity) is None:
        return
    for item in ctx.obligations:
        if item.kind not in kinds:
            continue
        what = describe(item)
        if item.state == "overdue":
            message = f"{what} was due {when(item.due)} and is overdue"
            yield ctx.finding(rule, line_of(ctx, item), message)
        elif item.state == "missed":
            message = f"{what} was due {when(item.due)} and was missed"
            yield ctx.finding(rule, line_of(ctx, item), message, "warning")
        elif item.state == "met-late":
            message = f"{what} was due {when(item.due)} but came late, at {when(item.satisfied_at)}"
            yield ctx.finding(rule, line_of(ctx, item), message, "warning")
