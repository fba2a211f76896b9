"""Status transitions a pull request makes, base version → head version of each incident.

Only the raw `status:` value is compared, so a base version that no longer validates still
yields its status. A new file may start at any status: backfilling an incident that was
handled outside the repository must be possible, and the per-file rules already check
that its timestamps match its status. Unknown statuses are left to the `schema` rule.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from incident_ops.domain.stages import RANK, can_transition
from incident_ops.finding import Finding
from incident_ops.lint.levels import Levels
from incident_ops.parse.document import Document

KNOWN = frozenset(RANK) | {"cancelled"}
RULE = "lifecycle"


@dataclass(frozen=True)
class Transition:
    """One incident's status before and after the PR (`old` None for a new file)."""

    path: str
    incident: str | None
    old: str | None
    new: str | None
    line: int
    old_severity: str | None = None
    new_severity: str | None = None

    @property
    def legal(self) -> bool:
        if self.old is None or self.new is None or not {self.old, self.new} <= KNOWN:
            return True
        return can_transition(self.old, self.new)

    @property
    def closes(self) -> bool:
        """The PR moves the incident to `closed` (a new file added as closed counts too)."""
        return self.new == "closed" and self.old != "closed"


def _field(doc: Document | None, key: str) -> str | None:
    data: Any = doc.data if doc is not None else None
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, str) else None


def transition(path: str, base: Document | None, head: Document) -> Transition:
    """The transition of one changed file; `base` is None for a file the PR adds."""
    return Transition(
        path=path,
        incident=_field(head, "id") or _field(base, "id"),
        old=_field(base, "status"),
        new=_field(head, "status"),
        line=head.line_of("status"),
        old_severity=_field(base, "severity"),
        new_severity=_field(head, "severity"),
    )


def transition_findings(transitions: Iterable[Transition], levels: Levels) -> list[Finding]:
    """A `lifecycle` finding on the `status:` line of every illegal move."""
    if not levels.enabled(RULE):
        return []
    message = (
        "illegal status transition {t.old} → {t.new}: the lifecycle only moves forward, "
        "to cancelled, or reopens resolved → investigating"
    )
    return [
        levels.finding(t.path, t.line, RULE, message.format(t=t), t.incident)
        for t in transitions
        if not t.legal
    ]
