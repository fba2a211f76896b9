"""`incident-ops deadlines`: every obligation of every incident, as of `--now`.

A report, not a gate: it exits 0 even when deadlines are overdue (`validate` is the gate
that fails on them). Files that do not parse are named on stderr and make it exit 1.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import click

from incident_ops.commands.common import is_tty, load, now_in, now_option, root_option
from incident_ops.domain.incident import Incident
from incident_ops.domain.obligations import Obligation, obligations
from incident_ops.lint.validate import discover, parse_file, relpaths
from incident_ops.output.jsontext import dumps
from incident_ops.policy.load import Policy
from incident_ops.workspace.parallel import chunks, two_phase, worker_count

COLUMNS = ("incident", "kind", "department/action", "due", "state", "satisfied")
_STYLES = {"overdue": "bold red", "met-late": "yellow", "pending": "cyan", "met": "green"}


@dataclass(frozen=True)
class IncidentDeadlines:
    """One incident's obligations, with where it lives."""

    incident: Incident
    path: str
    obligations: list[Obligation]

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.incident.id,
            "path": self.path,
            "severity": self.incident.severity,
            "status": self.incident.status,
            "obligations": [o.to_dict() for o in self.obligations],
        }


def collect(
    files: list[tuple[str, str]], policy: Policy, now: datetime
) -> tuple[list[IncidentDeadlines], list[str]]:
    """Deadlines of every file that parses, and `path:line: message` for those that do not.

    Large repositories are spread over the cores like `validate` (results in file order).
    """
    count = worker_count(len(files))
    if count == 1:
        return _collect(files, policy, now)
    _, results = two_phase(
        chunks(files, count),
        lambda part: (_collect(part, policy, now), None),
        lambda _results: None,
        lambda state, _shared: state,
    )
    found = [item for part_found, _ in results for item in part_found]
    return found, [problem for _, part_problems in results for problem in part_problems]


def _collect(
    files: list[tuple[str, str]], policy: Policy, now: datetime
) -> tuple[list[IncidentDeadlines], list[str]]:
    found: list[IncidentDeadlines] = []
    problems: list[str] = []
    for abspath, relpath in files:
        parsed = parse_file(abspath, relpath)
        if parsed.incident is None:
            problems += [f"{relpath}:{p.line}: {p.message}" for p in parsed.doc.problems]
            if not parsed.doc.problems:
                problems.append(f"{relpath}:1: not an incident")
            continue
        items = obligations(parsed.incident, policy, now)
        found.append(IncidentDeadlines(parsed.incident, relpath, items))
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


@click.command("deadlines")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@now_option
@root_option
def deadlines(paths: tuple[str, ...], fmt: str, now: str | None, root: str | None) -> int:
    """Show every deadline (acknowledge, mitigate, escalate, updates, rca, actions) and its state.

    States: met, met-late, pending, overdue. This is a report and exits 0 even with
    overdue deadlines (`validate` fails on them); it exits 1 when a file does not
    parse and 2 on a usage or policy error.

    \b
    Examples:
      incident-ops deadlines
      incident-ops deadlines --format json --now 2026-11-20T12:00:00+01:00
    """
    repo, policy = load(root)
    instant = now_in(policy, now)
    found = discover(repo, paths)
    files = list(zip(found, relpaths(repo, found), strict=True))
    report, problems = collect(files, policy, instant)
    for problem in problems:
        click.echo(problem, err=True)
    if fmt == "json":
        document = {"now": instant.isoformat(), "incidents": [i.to_dict() for i in report]}
        click.echo(dumps(document))
    else:
        click.echo(render_text(report, instant, is_tty()), nl=False)
    return 1 if problems else 0


COMMANDS = {"deadlines": deadlines}
