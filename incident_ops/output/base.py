"""What every renderer gets besides the findings."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Summary:
    """Counts for the summary line / object (SPEC §6)."""

    files: int
    incidents: int
    errors: int
    warnings: int
