"""Inline SVG charts for the static site, drawn in Python (no JavaScript, no chart library).

Every chart is an `<svg role="img">` with a `<title>` and a `<desc>` so screen readers
and the browser test can name it; every text goes through `escape`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, datetime, timedelta, tzinfo

from markupsafe import Markup, escape

from incident_ops.domain.incident import Incident
from incident_ops.reporting.metrics import compliance, median, minutes_between

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 44, 16, 36, 36
PALETTE = ("#b42318", "#e0621b", "#d4a20b", "#3b6fd8", "#6b7280", "#8b5cf6")
MAX_WEEKS = 26
TITLES = {
    "weekly": "Incidents per week by severity",
    "mttr": "MTTR trend: median hours to resolve, by week of detection",
    "sla": "SLA compliance by deadline kind",
}


def _svg(key: str, desc: str, body: list[str], height: int = HEIGHT) -> Markup:
    ident, title = f"chart-{key}", TITLES[key]
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {WIDTH} {height}" '
        f'class="chart" aria-labelledby="{ident}-t {ident}-d">'
        f'<title id="{ident}-t">{escape(title)}</title><desc id="{ident}-d">{escape(desc)}</desc>'
        + "".join(body)
        + "</svg>"
    )


def _text(x: float, y: float, text: str, anchor: str = "middle", cls: str = "lbl") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" class="{cls}">{escape(text)}</text>'
    )


def _ticks(top: float) -> list[float]:
    """Round tick values (steps 1, 2, 5, 10, 20, ...) from 0 to the first one >= `top`."""
    step, factors = 1.0, (2, 2.5, 2)
    n = 0
    while top / step > 5:
        step *= factors[n % 3]
        n += 1
    stop = max(1, math.ceil(top / step - 1e-9))
    return [step * i for i in range(stop + 1)]


def _axes(ticks: list[float], scale: float, unit: str = "") -> list[str]:
    parts = []
    for tick in ticks:
        y = HEIGHT - BOTTOM - tick * scale
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>'
        )
        parts.append(_text(LEFT - 6, y + 4, f"{tick:g}{unit}", "end"))
    return parts


def weeks(incidents: Sequence[Incident], tz: tzinfo, now: datetime) -> list[date]:
    """Mondays from the first incident's week to the week of `now` (at most MAX_WEEKS)."""
    today = now.astimezone(tz).date()
    last = today - timedelta(days=today.weekday())
    days = [i.detected_at.astimezone(tz).date() for i in incidents]
    first = min(days, default=today)
    first -= timedelta(days=first.weekday())
    # At most MAX_WEEKS, and never empty: incidents dated after `now` are not drawn.
    first = min(max(first, last - timedelta(weeks=MAX_WEEKS - 1)), last)
    return [first + timedelta(weeks=n) for n in range((last - first).days // 7 + 1)]


def _week_of(incident: Incident, tz: tzinfo) -> date:
    day = incident.detected_at.astimezone(tz).date()
    return day - timedelta(days=day.weekday())


def _legend(names: Sequence[str]) -> list[str]:
    parts = []
    for i, name in enumerate(names):
        x = LEFT + i * 80
        colour = PALETTE[min(i, len(PALETTE) - 1)]
        parts.append(f'<rect x="{x}" y="10" width="12" height="12" fill="{colour}"/>')
        parts.append(_text(x + 17, 21, name, "start"))
    return parts


def weekly_by_severity(
    incidents: Sequence[Incident], severities: Sequence[str], tz: tzinfo, now: datetime
) -> Markup:
    """Stacked bars: incidents detected per ISO week, one colour per severity."""
    span = weeks(incidents, tz, now)
    table = {w: {s: 0 for s in severities} for w in span}
    for incident in incidents:
        week = _week_of(incident, tz)
        if week in table and incident.severity in table[week]:
            table[week][incident.severity] += 1
    peak = max((sum(row.values()) for row in table.values()), default=0)
    ticks = _ticks(max(peak, 1))
    scale = (HEIGHT - TOP - BOTTOM) / ticks[-1]
    slot = (WIDTH - LEFT - RIGHT) / len(span)
    body = _axes(ticks, scale) + _legend(severities)
    for n, week in enumerate(span):
        x, y = LEFT + n * slot + slot * 0.15, float(HEIGHT - BOTTOM)
        for i, severity in enumerate(severities):
            value = table[week][severity]
            if value:
                height = value * scale
                y -= height
                body.append(
                    f'<rect x="{x:.1f}" y="{y:.1f}" width="{slot * 0.7:.1f}" height="{height:.1f}" '
                    f'fill="{PALETTE[min(i, len(PALETTE) - 1)]}"><title>'
                    f"{escape(f'Week of {week}: {value} {severity}')}</title></rect>"
                )
        if len(span) <= 13 or n % 2 == 0:
            body.append(
                _text(LEFT + (n + 0.5) * slot, HEIGHT - BOTTOM + 16, week.strftime("%m-%d"))
            )
    body.append(_text(LEFT, HEIGHT - 4, "week starting (month-day)", "start", "axis"))
    total = sum(sum(row.values()) for row in table.values())
    desc = f"{total} incidents over {len(span)} weeks from {span[0]} to {span[-1]}."
    return _svg("weekly", desc, body)


def mttr_trend(incidents: Sequence[Incident], tz: tzinfo, now: datetime) -> Markup:
    """A line through the median time to resolve of each week's resolved incidents."""
    span = weeks(incidents, tz, now)
    by_week: dict[date, list[float]] = {w: [] for w in span}
    for incident in incidents:
        week = _week_of(incident, tz)
        if incident.resolved_at and week in by_week:
            by_week[week].append(minutes_between(incident.detected_at, incident.resolved_at) / 60)
    points = [(n, median(by_week[w])) for n, w in enumerate(span) if by_week[w]]
    peak = max((v for _, v in points if v is not None), default=1.0)
    ticks = _ticks(peak)
    scale = (HEIGHT - TOP - BOTTOM) / ticks[-1]
    slot = (WIDTH - LEFT - RIGHT) / len(span)
    body = _axes(ticks, scale, " h")
    coords = [(LEFT + (n + 0.5) * slot, HEIGHT - BOTTOM - (v or 0) * scale) for n, v in points]
    if len(coords) > 1:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
        body.append(f'<polyline points="{path}" class="line"/>')
    for (x, y), (n, value) in zip(coords, points, strict=True):
        label = f"Week of {span[n]}: median {value:.1f} h to resolve"
        body.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" class="dot">'
            f"<title>{escape(label)}</title></circle>"
        )
    for n, week in enumerate(span):
        if len(span) <= 13 or n % 2 == 0:
            body.append(
                _text(LEFT + (n + 0.5) * slot, HEIGHT - BOTTOM + 16, week.strftime("%m-%d"))
            )
    if not points:
        body.append(_text(WIDTH / 2, HEIGHT / 2, "no resolved incident yet"))
    body.append(_text(LEFT, 20, "median hours from detection to resolution", "start", "axis"))
    desc = f"{len(points)} weeks with resolved incidents out of {len(span)}."
    return _svg("mttr", desc, body)


def sla_compliance(obligations: dict[str, dict[str, int]]) -> Markup:
    """Horizontal bars: share of decided deadlines met on time, per kind."""
    rows = [(kind, counts, compliance(counts)) for kind, counts in obligations.items()]
    height = TOP + 28 * len(rows) + 12
    label_w, bar_w = 175, WIDTH - 175 - 115
    body = [_text(label_w, 20, "met on time / (met + late + overdue + missed)", "start", "axis")]
    for n, (kind, counts, share) in enumerate(rows):
        y = TOP + n * 28
        body.append(_text(label_w - 8, y + 15, kind, "end"))
        body.append(f'<rect x="{label_w}" y="{y}" width="{bar_w}" height="20" class="track"/>')
        met = counts["met"]
        decided = counts["met"] + counts["met-late"] + counts["overdue"] + counts.get("missed", 0)
        if share is None:
            body.append(_text(label_w + 8, y + 15, "no decided deadline yet", "start", "axis"))
            continue
        cls = "good" if share >= 0.95 else "warn" if share >= 0.8 else "bad"
        width = max(bar_w * share, 3.0)  # a 0 % bar is a visible sliver, not nothing
        body.append(
            f'<rect x="{label_w}" y="{y}" width="{width:.1f}" height="20" class="{cls}">'
            f"<title>{escape(f'{kind}: {met} of {decided} on time')}</title></rect>"
        )
        body.append(
            _text(label_w + bar_w + 8, y + 15, f"{share * 100:.0f} % ({met}/{decided})", "start")
        )
    desc = "; ".join(
        f"{kind} {'n/a' if share is None else f'{share * 100:.0f} %'}" for kind, _, share in rows
    )
    return _svg("sla", desc, body, height)
