"""`stats --format text`: the stats document as readable tables (rich; plain off a TTY)."""

from __future__ import annotations

import io
from typing import Any

from incident_ops.output.safe import printable
from incident_ops.reporting.templating import human_minutes


def render_text(figures: dict[str, Any], tty: bool) -> str:
    """Tables for a terminal; ASCII borders and no colour when stdout is not a TTY.

    Names (services, categories) come from files: printed `printable` and never as rich
    markup or emoji codes."""
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    out = io.StringIO()
    console = Console(
        file=out, width=100, force_terminal=tty, color_system="auto" if tty else None,
        highlight=False, markup=False, emoji=False,
    )  # fmt: skip
    style = box.SIMPLE_HEAVY if tty else box.ASCII

    def table(title: str, *columns: str) -> Table:
        made = Table(title=title, box=style, title_justify="left")
        for i, name in enumerate(columns):
            made.add_column(name, justify="left" if i == 0 else "right")
        return made

    def add_row(made: Table, *cells: str) -> None:
        made.add_row(*(Text(printable(cell)) for cell in cells))

    period = f"{figures['since'] or 'start'} .. {figures['until'] or 'now'}"
    rate = figures["recurrence_rate"]
    console.print(
        f"Incidents detected {period}: {figures['incidents']} "
        f"(cancelled, not counted: {figures['cancelled']}); recurrence rate: "
        + ("-" if rate is None else f"{rate * 100:.1f} %")
        + f"; prevention did not hold: {figures['prevention_failed']}"
    )
    if figures.get("graded"):
        console.print(figures["graded"])
    sev = table("By severity", "severity", "count", "MTTA med", "MTTA p90", "MTTM med",
                "MTTR med", "MTTR p90")  # fmt: skip
    for name, row in figures["by_severity"].items():
        add_row(sev,
            name, str(row["count"]),
            *(human_minutes(row[key][q]) for key, q in (
                ("mtta_minutes", "median"), ("mtta_minutes", "p90"), ("mttm_minutes", "median"),
                ("mttr_minutes", "median"), ("mttr_minutes", "p90"),
            )),
        )  # fmt: skip
    console.print(sev)
    obl = table("Deadlines", "kind", "met", "met-late", "pending", "overdue")
    for kind, counts in figures["obligations"].items():
        add_row(obl, kind, *(str(counts[s]) for s in ("met", "met-late", "pending", "overdue")))
    console.print(obl)
    for title, key in (("By category", "by_category"), ("By service", "by_service"),
                       ("By department", "by_department")):  # fmt: skip
        counts = table(title, key.removeprefix("by_"), "incidents")
        for name, count in figures[key].items():
            add_row(counts, name, str(count))
        console.print(counts)
    actions = table("Prevention actions", "department", "open", "overdue")
    for dept in sorted(set(figures["open_actions"]) | set(figures["overdue_actions"])):
        add_row(actions,
            dept, str(figures["open_actions"].get(dept, 0)),
            str(figures["overdue_actions"].get(dept, 0)),
        )  # fmt: skip
    console.print(actions)
    return "".join(line.rstrip() + "\n" for line in out.getvalue().splitlines())
