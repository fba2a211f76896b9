"""What a rule sees: one parsed file, its incident, the policy, the repo index and `now`."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any, TypeVar

from incident_ops.domain.incident import Incident
from incident_ops.finding import Finding, Level
from incident_ops.lint.levels import Levels
from incident_ops.parse.document import Document
from incident_ops.policy.load import Policy
from incident_ops.workspace.index import Entry, RepoIndex, entry_for
from incident_ops.workspace.load import raw_id

T = TypeVar("T")

if TYPE_CHECKING:
    from incident_ops.domain.obligations import Obligation


@dataclass
class Context:
    """Inputs of every rule; `levels` are `incident-ops.yaml`'s `rules:`."""

    doc: Document
    incident: Incident | None
    policy: Policy
    index: RepoIndex
    now: datetime
    levels: Levels = field(default_factory=Levels)
    _memo: dict[str, Any] = field(default_factory=dict, repr=False)

    def memo(self, key: str, compute: Callable[[], T]) -> T:
        """`compute()` once per file, for facts several rules need."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]  # type: ignore[no-any-return]

    @property
    def incident_id(self) -> str | None:
        return self.incident.id if self.incident else raw_id(self.doc)

    def record_entry(self) -> Entry:
        """This file's own index entry (as other files see it)."""
        return entry_for(self.doc, self.incident)

    def line(self, *path: str | int) -> int:
        return self.doc.line_of(*path)

    def finding(self, rule: str, line: int, message: str, level: Level = "error") -> Finding:
        """A finding at the level `incident-ops.yaml` sets for `rule`."""
        return self.levels.finding(self.doc.path, line, rule, message, self.incident_id, level)

    def parse_problems(self, rule: str) -> Iterator[Finding]:
        """Findings of the parse stage recorded on the document for `rule`."""
        for problem in self.doc.problems:
            if problem.rule == rule:
                yield self.finding(rule, problem.line, problem.message)

    @cached_property
    def obligations(self) -> list[Obligation]:
        """Deadlines of this incident as of `now`, computed once for all overdue rules."""
        from incident_ops.domain.obligations import obligations

        assert self.incident is not None
        return obligations(self.incident, self.policy, self.now)
