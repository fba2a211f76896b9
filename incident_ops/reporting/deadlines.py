"""`incident-ops deadlines`: every obligation of every incident, as of a time.

A report, not a gate: `validate` fails on overdue deadlines, this lists them. The
incidents are read through the workspace (over both cores for many files, only the
obligations crossing processes); files that do not parse are reported apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from incident_ops.domain.incident import Incident
from incident_ops.domain.obligations import Obligation
from incident_ops.reporting.timeline import Timeline
from incident_ops.workspace.load import Record
from incident_ops.workspace.workspace import Workspace

COLUMNS = ("incident", "kind", "department/action", "due", "state", "satisfied")
_STYLES = {
    "overdue": "bold red",
    "missed": "red",
    "met-late": "yellow",
    "pending": "cyan",
    "met": "green",
    "waived": "dim",
}


@dataclass(frozen=True)
class IncidentDeadlines:
    """One incident's obligations, with where it lives."""

    incident: Incident
    path: str
    obligations: list[Obligation]
    policy_commit: str | None = None  # the commit whose policies graded it (None: current)

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.incident.id,
            "path": self.path,
            "severity": self.incident.severity,
            "status": self.incident.status,
            "policy_commit": self.policy_commit,
            "obligations": [o.to_dict() for o in self.obligations],
        }


def collect(
    workspace: Workspace, timeline: Timeline, now: datetime, paths: tuple[str, ...] = ()
) -> tuple[list[IncidentDeadlines], list[str]]:
    """Deadlines of every file that parses, each graded by the policy `timeline` gives it,
    and `path:line: message` for those that do not parse."""

    def one(record: Record) -> IncidentDeadlines | list[str]:
        if record.incident is None:
            return record.problem_lines()
        policy, sha = timeline.policy_for(record.incident.detected_at)
        found = list(record.deadlines(policy, now))
        return IncidentDeadlines(record.incident, record.path, found, sha)

    found: list[IncidentDeadlines] = []
    problems: list[str] = []
    for item in workspace.map(one, paths):
        if isinstance(item, list):
            problems += item
        else:
            found.append(item)
    return found, problems


def _when(value: datetime | None) -> str:
    return value.isoformat(sep=" ", timespec="minutes") if value else "-"


def rows(report: list[IncidentDeadlines]) -> list[tuple[str, ...]]:
    """Table rows: overdue first, then by due time (no due last)."""
    flat = [(item.incident.id, o) for item in report for o in item.obligations]
    flat.sort(key=lambda pair: (pair[1].state != "overdue", pair[1].due is None, _key(pair[1])))
    return [
        (
            ident,
            o.kind,
            o.action or o.department or "-",
            _when(o.due),
            o.state,
            _when(o.satisfied_at),
        )
        for ident, o in flat
    ]


def _key(o: Obligation) -> float:
    return o.due.timestamp() if o.due else 0.0


def render_text(report: list[IncidentDeadlines], now: datetime, colour: bool) -> str:
    """A table for people; rich when writing to a terminal, plain columns otherwise."""
    table = rows(report)
    title = f"Deadlines as of {now.isoformat()}"
    if not table:
        return f"{title}: no obligations\n"
    if colour:
        from rich.console import Console
        from rich.table import Table

        grid = Table(title=title)
        for name in COLUMNS:
            grid.add_column(name, no_wrap=name in ("incident", "kind", "state"))
        for row in table:
            grid.add_row(*row, style=_STYLES.get(row[4]))
        console = Console(force_terminal=True)
        with console.capture() as capture:
            console.print(grid)
        return capture.get()
    widths = [max(len(r[i]) for r in [COLUMNS, *table]) for i in range(len(COLUMNS))]
    lines = [title, ""] + ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
                           for r in [COLUMNS, *table]]  # fmt: skip
    return "\n".join(lines) + "\n"
