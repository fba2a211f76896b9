"""`path:line:col: level [rule] message`, one per line, coloured only on a terminal.

Paths and messages quote files anyone may edit: they are printed without control
characters (`output.safe`); the colours are this renderer's own."""

from __future__ import annotations

from incident_ops.finding import Finding
from incident_ops.output.base import Summary
from incident_ops.output.safe import printable

_COLOURS = {"error": "\033[31m", "warning": "\033[33m"}
_RESET, _DIM = "\033[0m", "\033[2m"


def render(
    findings: list[Finding], summary: Summary, colour: bool = False, root: str | None = None
) -> str:
    """Paths stay relative to the repo root (SPEC §6); `root` is not needed."""
    lines = []
    for f in findings:
        level = f"{_COLOURS[f.level]}{f.level}{_RESET}" if colour else f.level
        rule = f"{_DIM}[{f.rule}]{_RESET}" if colour else f"[{f.rule}]"
        where, message = printable(f.path), printable(f.message)
        lines.append(f"{where}:{f.line}:{f.column}: {level} {rule} {message}")
    noun = "file" if summary.files == 1 else "files"
    lines.append(
        f"{summary.files} {noun}, {summary.incidents} valid incidents: "
        f"{summary.errors} error(s), {summary.warnings} warning(s)"
    )
    return "\n".join(lines) + "\n"
