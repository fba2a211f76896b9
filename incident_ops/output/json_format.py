"""The one JSON document of SPEC §6: `{"findings": [...], "summary": {...}}`."""

from __future__ import annotations

from incident_ops.finding import Finding
from incident_ops.output.base import Summary
from incident_ops.output.jsontext import dumps


def render(
    findings: list[Finding], summary: Summary, colour: bool = False, root: str | None = None
) -> str:
    """Paths stay relative to the repo root (SPEC §6); `root` is not needed."""
    document = {
        "findings": [f.to_dict() for f in findings],
        "summary": {
            "files": summary.files,
            "incidents": summary.incidents,
            "errors": summary.errors,
            "warnings": summary.warnings,
        },
    }
    return dumps(document) + "\n"
