"""`lifecycle`: a status without its timestamp, timestamps out of order or in the future.

`acknowledged` and later need `acknowledged_at`; `mitigated` needs `mitigated_at`;
`resolved` and `closed` need `resolved_at` (then it stands in for a missing
`mitigated_at`); `closed` needs `closed_at`. Timestamps never go backward along
`detected → acknowledged → mitigated → resolved → closed`, none lies after `--now`,
escalations and updates are not earlier than `detected_at`, and a done action has
its `done_at`. A timestamp of a later stage than the status is stale (e.g. `resolved_at`
on an `investigating` incident after a reopen) and reported as a warning.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from incident_ops.domain.incident import TIMESTAMP_FIELDS, Incident
from incident_ops.domain.stages import RANK, needed_timestamps
from incident_ops.finding import Finding
from incident_ops.parse.validation import dotted
from incident_ops.rules._context import Context

ID = "lifecycle"
DESCRIPTION = "status without its timestamp, timestamps out of order or in the future"
_STAGE = {"acknowledged_at": "acknowledged", "mitigated_at": "mitigated"}
_STAGE |= {"resolved_at": "resolved", "closed_at": "closed"}


def _timestamps(incident: Incident) -> Iterator[tuple[tuple[str | int, ...], datetime]]:
    for name in (*TIMESTAMP_FIELDS, "cancelled_at"):
        value = getattr(incident, name)
        if value is not None:
            yield (name,), value
    for key in ("escalations", "updates", "waivers"):
        for i, item in enumerate(getattr(incident, key)):
            yield (key, i, "at"), item.at
    for i, action in enumerate(incident.actions):
        if action.done_at is not None:
            yield ("actions", i, "done_at"), action.done_at


def check(ctx: Context) -> Iterator[Finding]:
    incident = ctx.incident
    if incident is None:
        return
    for name in needed_timestamps(incident.status):
        if getattr(incident, name) is None:
            message = f"status {incident.status} needs {name}"
            yield ctx.finding(ID, ctx.line("status"), message)
    if incident.status != "cancelled":
        for name, stage in _STAGE.items():
            if getattr(incident, name) is not None and RANK[stage] > RANK[incident.status]:
                message = f"{name} is set but status is {incident.status}"
                yield ctx.finding(ID, ctx.line(name), message, "warning")
    previous = ("detected_at", incident.detected_at)
    for name in TIMESTAMP_FIELDS[1:]:
        value = getattr(incident, name)
        if value is None:
            continue
        if value < previous[1]:
            message = (
                f"{name} {value.isoformat()} is before {previous[0]} {previous[1].isoformat()}"
            )
            yield ctx.finding(ID, ctx.line(name), message)
        previous = (name, value)
    for path, value in _timestamps(incident):
        if value > ctx.now:
            message = f"{dotted(path)} {value.isoformat()} is in the future"
            yield ctx.finding(ID, ctx.line(*path), message)
        if path[0] in ("escalations", "updates", "waivers") and value < incident.detected_at:
            yield ctx.finding(ID, ctx.line(*path), f"{dotted(path)} is before detected_at")
    for i, action in enumerate(incident.actions):
        if action.status == "done" and action.done_at is None:
            message = f"action {action.id} is done but has no done_at"
            yield ctx.finding(ID, ctx.line("actions", i, "status"), message)
