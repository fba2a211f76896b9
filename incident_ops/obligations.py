"""Every deadline of an incident under the policies, as of `now` (pure functions, no I/O).

INTERFACE FIXED; IMPLEMENTATION IN PROGRESS.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from incident_ops.models.incident import Incident
from incident_ops.policy import Policy

Kind = Literal[
    "acknowledge", "mitigate", "escalate", "customer-update", "management-update", "rca", "action"
]
State = Literal["met", "met-late", "pending", "overdue"]


@dataclass(frozen=True, slots=True)
class Obligation:
    """One deadline: what must happen, by when, whether and when it did."""

    kind: Kind
    due: datetime | None
    satisfied_at: datetime | None
    state: State
    department: str | None = None
    action: str | None = None
    rule: str | None = None  # the escalation rule's name, for messages and markers

    def to_dict(self) -> dict[str, object]:
        """The SPEC §6 `deadlines --format json` shape."""
        data: dict[str, object] = {
            "kind": self.kind,
            "department": self.department,
            "due": self.due.isoformat() if self.due else None,
            "satisfied_at": self.satisfied_at.isoformat() if self.satisfied_at else None,
            "state": self.state,
        }
        if self.kind == "action":
            data["action"] = self.action
        if self.rule is not None:
            data["rule"] = self.rule
        return data


def obligations(incident: Incident, policy: Policy, now: datetime) -> list[Obligation]:
    """The incident's obligations, sorted by due time."""
    raise NotImplementedError
