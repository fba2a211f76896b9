"""The one result type every rule yields and every output format renders."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Level = Literal["error", "warning"]


@dataclass(frozen=True, order=True, slots=True)
class Finding:
    """A problem at a place in a file; immutable so no stage can quietly re-level it."""

    path: str
    line: int
    column: int
    rule: str
    level: Level
    message: str
    incident: str | None = None

    def to_dict(self) -> dict[str, object]:
        """The SPEC §6 JSON shape."""
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "rule": self.rule,
            "level": self.level,
            "message": self.message,
            "incident": self.incident,
        }


def count_levels(findings: list[Finding]) -> tuple[int, int]:
    """(errors, warnings) — the numbers that decide the exit code and the summary."""
    errors = sum(1 for f in findings if f.level == "error")
    return errors, len(findings) - errors
