"""The static HTML site: index (charts, open incidents, all incidents), one page per
incident, and the management report. No JavaScript; every link is relative, so the site
works from the file system and on GitHub Pages; every file is written atomically.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import datetime
from importlib.resources import files
from typing import Any

from incident_ops.domain.incident import Incident
from incident_ops.domain.obligations import update_cycles
from incident_ops.errors import IncidentOpsError
from incident_ops.policy.load import Policy
from incident_ops.reporting import charts
from incident_ops.reporting.load import Loaded
from incident_ops.reporting.management import RESOLVED, action_rows, attention, render_report
from incident_ops.reporting.markdown import render_markdown
from incident_ops.reporting.metrics import stats
from incident_ops.reporting.templating import environment
from incident_ops.workspace.atomic import write_atomic
from incident_ops.workspace.config import Repo
from incident_ops.workspace.load import Record

PAGE = re.compile(r"^[A-Z]+-[0-9]{4}-[0-9]{4,}\.html$")


def load_histories(repo: Repo, paths: list[str]) -> dict[str, Any] | None:
    """Each file's audit trail from Git (`incident_ops.history`); None when there is none."""
    from incident_ops.history.trail import histories

    try:
        found = histories(repo, paths)
    except IncidentOpsError:
        return None
    return found if any(h.changes for h in found.values()) else None


def _read(abspath: str) -> str:
    with open(abspath, encoding="utf-8") as handle:
        return handle.read()


@dataclass(frozen=True)
class LogEntry:
    """One line of an incident's communication and escalation log."""

    at: datetime
    what: str  # "update" or "escalation"
    who: str  # the audience and channel, or the department
    text: str  # the summary, or who escalated


def communication_log(incident: Incident) -> list[LogEntry]:
    """Updates and escalations in time order: what was told to whom, who was engaged when."""
    found = [
        LogEntry(u.at, "final update" if u.final else "update", f"{u.audience} ({u.channel})",
                 u.summary)
        for u in incident.updates
    ] + [
        LogEntry(e.at, "escalation", e.department, f"by {e.by}" if e.by else "")
        for e in incident.escalations
    ]  # fmt: skip
    return sorted(found, key=lambda item: item.at)


def _unique(entries: list[Record]) -> list[Record]:
    """One page per id: a duplicate id (a `duplicate-id` error) keeps its first file."""
    seen: dict[str, Record] = {}
    for entry in entries:
        seen.setdefault(entry.model.id, entry)
    return list(seen.values())


def build_site(
    outdir: str,
    loaded: Loaded,
    policy: Policy,
    now: datetime,
    histories: dict[str, Any] | None = None,
) -> list[str]:
    """Write the site under `outdir` (created); returns the written paths, relative."""
    tz = policy.calendar().tz
    env = environment(tz)
    entries = _unique(loaded.entries)
    counted = [e for e in entries if e.model.status != "cancelled"]
    incidents = [e.model for e in counted]
    known = {e.model.id for e in entries}
    figures = stats(loaded.incidents, loaded.obligations, policy, None, None)
    common = {
        "now": now,
        "timezone": tz,
        "policy": policy.model,
        "rank": policy.severity_rank,
        "known": known,
    }
    pages: dict[str, str] = {}
    pages["index.html"] = env.get_template("index.html").render(
        common,
        root="",
        stats=figures,
        open_entries=[e for e in counted if e.model.status not in RESOLVED],
        entries=sorted(entries, key=lambda e: (e.model.detected_at, e.model.id), reverse=True),
        attention=attention(counted, policy, env.filters["when"]),
        skipped=loaded.skipped,
        graded=loaded.graded,
        chart_weekly=charts.weekly_by_severity(incidents, list(policy.model.severities), tz, now),
        chart_mttr=charts.mttr_trend(incidents, tz, now),
        chart_sla=charts.sla_compliance(figures["obligations"]),
    )
    report = render_report(loaded, policy, now, None, now.astimezone(tz).date())
    pages["report.html"] = env.get_template("report.html").render(
        common, root="", body=render_markdown(report)
    )
    for entry in entries:
        history = (histories or {}).get(entry.path)
        pages[f"incidents/{entry.model.id}.html"] = env.get_template("incident.html").render(
            common,
            root="../",
            entry=entry,
            incident=entry.model,
            severity=policy.severity(entry.model.severity),
            actions=action_rows(entry),
            log=communication_log(entry.model),
            cycles=update_cycles(entry.model, entry.graded_by or policy, now),
            body=render_markdown(_read(entry.abspath), known),
            history=history.changes if history else None,
            history_available=histories is not None,
        )
    css = (files("incident_ops") / "templates" / "style.css").read_text(encoding="utf-8")
    pages["style.css"] = css
    pages[".nojekyll"] = ""
    for relpath, text in pages.items():
        write_atomic(os.path.join(outdir, relpath), text)
    _remove_stale(
        os.path.join(outdir, "incidents"), {p for p in pages if p.startswith("incidents/")}
    )
    return sorted(pages)


def _remove_stale(folder: str, written: set[str]) -> None:
    """Pages of incidents that no longer exist go away; nothing else is touched."""
    for name in os.listdir(folder) if os.path.isdir(folder) else ():
        if PAGE.match(name) and f"incidents/{name}" not in written:
            os.unlink(os.path.join(folder, name))
