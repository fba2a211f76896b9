"""The Jinja2 environment shared by the report and the site, with their small filters.

HTML templates are autoescaped (incident text is untrusted input); Markdown templates are
not, and table cells go through `cell`, which keeps a `|` or a newline from breaking a row.
"""

from __future__ import annotations

from datetime import date, datetime, tzinfo

from jinja2 import Environment, PackageLoader, StrictUndefined


def human_minutes(minutes: float | None) -> str:
    """78 → "1 h 18 min"; 3000 → "2 d 2 h"; None → "–"."""
    if minutes is None:
        return "–"
    total = round(minutes)
    if total < 60:
        return f"{total} min"
    days, rest = divmod(total, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h" if hours else f"{days} d"
    return f"{hours} h {mins} min" if mins else f"{hours} h"


def md_cell(value: object) -> str:
    """Text safe inside one Markdown table cell."""
    text = "" if value is None else str(value)
    return " ".join(text.replace("\\", "\\\\").replace("|", "\\|").split())


def percent(value: float | None) -> str:
    """0.125 → "12.5 %", 1.0 → "100 %"."""
    if value is None:
        return "–"
    return f"{value * 100:.1f}".removesuffix(".0") + " %"


def environment(tz: tzinfo) -> Environment:
    """Templates from `incident_ops/templates`; times shown in `tz` (the default calendar)."""

    def when(value: datetime | date | None) -> str:
        if value is None:
            return "–"
        if isinstance(value, datetime):
            return value.astimezone(tz).strftime("%Y-%m-%d %H:%M")
        return value.isoformat()

    env = Environment(
        loader=PackageLoader("incident_ops", "templates"),
        autoescape=lambda name: not (name or "").endswith(".md"),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(when=when, minutes=human_minutes, cell=md_cell, percent=percent)
    return env
