"""`incident-ops deadlines`: every obligation of every incident, as of a time.

A report, not a gate: `validate` fails on overdue deadlines, this lists them. The
incidents are read through the workspace (over both cores for many files, only the
obligations crossing processes); files that do not parse are reported apart. Incidents
are named by path or by id. The table's titles and names come from files anyone may
edit: they are printed `printable` (and never as rich markup).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from incident_ops.domain.incident import Incident
from incident_ops.domain.obligations import Obligation
from incident_ops.errors import ConfigError
from incident_ops.output.safe import printable
from incident_ops.reporting.timeline import Timeline
from incident_ops.workspace.load import Record
from incident_ops.workspace.workspace import Workspace

COLUMNS = (
    "incident", "kind", "department/action", "due", "state", "overdue by", "satisfied", "title",
)  # fmt: skip
_STYLES = {
    "overdue": "bold red",
    "missed": "red",
    "met-late": "yellow",
    "pending": "cyan",
    "met": "green",
    "waived": "dim",
}
_STATE = COLUMNS.index("state")
_ID = re.compile(r"[A-Z]+-\d{4}-\d{4,}")


@dataclass(frozen=True)
class Heading:
    """What the report shows of an incident besides its deadlines: small, so that 10,000
    of them cross from the worker processes quickly (an Incident model would not)."""

    id: str
    title: str
    severity: str
    status: str

    @classmethod
    def of(cls, incident: Incident) -> Heading:
        return cls(incident.id, incident.title, incident.severity, incident.status)


@dataclass(frozen=True)
class IncidentDeadlines:
    """One incident's obligations, with where it lives."""

    incident: Heading
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


def targets(workspace: Workspace, references: tuple[str, ...]) -> tuple[str, ...]:
    """Paths to read: each reference a file or folder as given, or an incident id (its
    file, found through the index)."""
    if not references:
        return ()
    found: list[str] = []
    index = None
    for reference in references:
        if os.path.exists(reference) or not _ID.fullmatch(reference):
            found.append(reference)  # a path (a missing one is reported by `discover`)
            continue
        index = index if index is not None else workspace.index({})
        paths = index.paths_for(reference)
        if not paths:
            folder = workspace.repo.config.incidents
            raise ConfigError(f"{reference}: no such file, folder or incident in {folder}/")
        found += [os.path.join(workspace.repo.root, p) for p in paths]
    return tuple(dict.fromkeys(found))


def select(records: list[Record], references: tuple[str, ...], repo_root: str) -> list[Record]:
    """The records `targets` would name — by id, or by file or folder — among records
    already read (open pull requests' versions included); all when none are named."""
    if not references:
        return records
    chosen: list[Record] = []
    for reference in references:
        if os.path.exists(reference) or not _ID.fullmatch(reference):
            rel = os.path.relpath(os.path.abspath(reference), repo_root).replace(os.sep, "/")
            hits = [r for r in records if r.path == rel or r.path.startswith(rel.rstrip("/") + "/")]
            if not hits and not os.path.exists(reference):
                raise ConfigError(f"{reference}: no such file or directory")
        else:
            hits = [r for r in records if r.id == reference]
            if not hits:
                raise ConfigError(f"{reference}: no such incident (nor in an open pull request)")
        chosen += [r for r in hits if r not in chosen]
    return chosen


def of_record(record: Record, timeline: Timeline, now: datetime) -> IncidentDeadlines | list[str]:
    """One record's deadlines, graded by the policy `timeline` gives it, or the
    `path:line: message` lines of a file that does not parse."""
    if record.incident is None:
        return record.problem_lines()
    policy, sha = timeline.policy_for(record.incident.detected_at)
    found = list(record.deadlines(policy, now))
    return IncidentDeadlines(Heading.of(record.incident), record.path, found, sha)


def collect(
    workspace: Workspace, timeline: Timeline, now: datetime, paths: tuple[str, ...] = ()
) -> tuple[list[IncidentDeadlines], list[str]]:
    """Deadlines of every file that parses, each graded by the policy `timeline` gives it,
    and `path:line: message` for those that do not parse."""
    return _split(workspace.map(lambda record: of_record(record, timeline, now), paths))


def collect_records(
    records: list[Record], timeline: Timeline, now: datetime
) -> tuple[list[IncidentDeadlines], list[str]]:
    """`collect` for records already read (e.g. overlaid by open pull requests)."""
    return _split([of_record(record, timeline, now) for record in records])


def _split(
    items: list[IncidentDeadlines | list[str]],
) -> tuple[list[IncidentDeadlines], list[str]]:
    found: list[IncidentDeadlines] = []
    problems: list[str] = []
    for item in items:
        if isinstance(item, list):
            problems += item
        else:
            found.append(item)
    return found, problems


def _when(value: datetime | None) -> str:
    return value.isoformat(sep=" ", timespec="minutes") if value else "-"


def span(delta: timedelta) -> str:
    """`3d 4h`, `2h 18m`, `45m`: the two largest units (minutes rounded down)."""
    minutes = max(0, int(delta.total_seconds() // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = [f"{n}{unit}" for n, unit in ((days, "d"), (hours, "h"), (mins, "m")) if n]
    return " ".join(parts[:2]) or "0m"


def overdue_by(o: Obligation, now: datetime) -> str:
    """How long an overdue obligation has been due, else `-`."""
    return span(now - o.due) if o.state == "overdue" and o.due is not None else "-"


def rows(report: list[IncidentDeadlines], now: datetime) -> list[tuple[str, ...]]:
    """Table rows: overdue first, then by due time (no due last)."""
    flat = [(item.incident, o) for item in report for o in item.obligations]
    flat.sort(key=lambda pair: (pair[1].state != "overdue", pair[1].due is None, _key(pair[1])))
    return [
        tuple(
            printable(cell)
            for cell in (
                incident.id,
                o.kind,
                o.action or o.department or "-",
                _when(o.due),
                o.state,
                overdue_by(o, now),
                _when(o.satisfied_at),
                incident.title,
            )
        )
        for incident, o in flat
    ]


def _key(o: Obligation) -> float:
    return o.due.timestamp() if o.due else 0.0


def render_text(report: list[IncidentDeadlines], now: datetime, colour: bool) -> str:
    """A table for people; rich when writing to a terminal, plain columns otherwise."""
    table = rows(report, now)
    title = f"Deadlines as of {now.isoformat()}"
    if not table:
        return f"{title}: no obligations\n"
    if colour:
        from rich.console import Console
        from rich.table import Table
        from rich.text import Text

        grid = Table(title=title)
        for name in COLUMNS:
            grid.add_column(name, no_wrap=name in ("incident", "kind", "state", "overdue by"))
        for row in table:  # Text, not str: a title like "[link=…]" is not rich markup
            grid.add_row(*(Text(cell) for cell in row), style=_STYLES.get(row[_STATE]))
        console = Console(force_terminal=True)
        with console.capture() as capture:
            console.print(grid)
        return capture.get()
    widths = [max(len(r[i]) for r in [COLUMNS, *table]) for i in range(len(COLUMNS))]
    lines = [title, ""] + ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
                           for r in [COLUMNS, *table]]  # fmt: skip
    return "\n".join(lines) + "\n"
