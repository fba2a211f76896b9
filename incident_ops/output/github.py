"""GitHub Actions workflow commands: annotations on the right lines of the PR diff.

`file=` is relative to the Git top level (the checked-out repository), which is where
GitHub looks — not to `--root` when the incident repository is a folder of it.
"""

from __future__ import annotations

from incident_ops.finding import Finding
from incident_ops.output.base import Summary
from incident_ops.output.paths import SourceRoot


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def render(
    findings: list[Finding], summary: Summary, colour: bool = False, root: str | None = None
) -> str:
    """Workflow commands; `root` (the repo root) makes paths relative to its Git top level."""
    source = SourceRoot.of(root)
    lines = [
        f"::{f.level} file={_property(source.path_of(f.path) if source else f.path)},"
        f"line={f.line},col={f.column},"
        f"title={_property(f.rule)}::{_data(f.message)}"
        for f in findings
    ]
    lines.append(
        f"incident-ops: {summary.files} files, {summary.errors} error(s), "
        f"{summary.warnings} warning(s)"
    )
    return "\n".join(lines) + "\n"
