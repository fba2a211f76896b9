"""GitHub Actions workflow commands: annotations on the right lines of the PR diff."""

from __future__ import annotations

from incident_ops.finding import Finding
from incident_ops.output.base import Summary


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def render(findings: list[Finding], summary: Summary, colour: bool = False) -> str:
    lines = [
        f"::{f.level} file={_property(f.path)},line={f.line},col={f.column},"
        f"title={_property(f.rule)}::{_data(f.message)}"
        for f in findings
    ]
    lines.append(
        f"incident-ops: {summary.files} files, {summary.errors} error(s), "
        f"{summary.warnings} warning(s)"
    )
    return "\n".join(lines) + "\n"
