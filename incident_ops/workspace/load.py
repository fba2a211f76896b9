"""One incident file, read once: its Document, its Incident model, its index facts.

`Record` is the one type every command and report gets for an incident file; the
facts other files need (`Record.entry`) and the deadlines under a policy
(`Record.deadlines`) are derived from it on demand.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from pydantic import ValidationError

from incident_ops.domain.incident import Incident, drop_nulls
from incident_ops.parse.document import Document, Problem, read_document
from incident_ops.parse.sections import find_section
from incident_ops.parse.validation import problems

if TYPE_CHECKING:
    from incident_ops.domain.obligations import Obligation
    from incident_ops.policy.load import Policy
    from incident_ops.workspace.index import Entry


def load_incident(doc: Document) -> Incident | None:
    """The document's Incident, or None with `schema` problems added to `doc`."""
    if doc.front is None:
        return None
    data = {} if doc.data is None else doc.data
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else f"a {type(data).__name__}"
        doc.problems.append(Problem("schema", 2, f"front matter must be a mapping, not {kind}"))
        return None
    try:
        return Incident.model_validate(drop_nulls(data))
    except ValidationError as error:
        for line, _loc, message in problems(error, doc.front):
            doc.problems.append(Problem("schema", line, message))
        return None


def raw_id(doc: Document) -> str | None:
    """The `id` as written, even when the rest of the front matter is invalid."""
    data = doc.data
    value = data.get("id") if isinstance(data, dict) else None
    return value if isinstance(value, str) else None


@dataclass(eq=False)
class Record:
    """One incident file: where it is, its parsed document and, when valid, its incident."""

    abspath: str
    doc: Document
    incident: Incident | None
    obligations: tuple[Obligation, ...] = ()  # as of the last `deadlines` call
    graded_by: Policy | None = None  # the policy of that call

    @property
    def path(self) -> str:
        """Relative to the repository root, '/'-separated (as findings show it)."""
        return self.doc.path

    @property
    def model(self) -> Incident:
        """The incident of a record known to be valid (reports and the sweep get only those)."""
        if self.incident is None:
            raise ValueError(f"{self.path} is not a valid incident")
        return self.incident

    @property
    def id(self) -> str | None:
        return self.incident.id if self.incident is not None else raw_id(self.doc)

    @property
    def entry(self) -> Entry:
        """The facts other files need about this one (the cross-file index)."""
        from incident_ops.workspace.index import entry_for

        return entry_for(self.doc, self.incident)

    def written(self, section: str) -> bool:
        """Whether the body section (e.g. "Root cause analysis") holds real text."""
        found = find_section(self.doc.sections, section)
        return bool(found and found.written)

    def problem_lines(self) -> list[str]:
        """`path:line: message` of each parse problem (one line when there is none)."""
        found = [f"{self.path}:{p.line}: {p.message}" for p in self.doc.problems]
        return found or [f"{self.path}:1: not an incident"]

    def deadlines(self, policy: Policy, now: datetime) -> tuple[Obligation, ...]:
        """Compute (and keep in `obligations`) the deadlines under `policy` as of `now`."""
        from incident_ops.domain.obligations import obligations

        found = tuple(obligations(self.incident, policy, now)) if self.incident else ()
        self.obligations, self.graded_by = found, policy
        return found

    @property
    def next_deadline(self) -> Obligation | None:
        """The earliest pending or overdue obligation: the one to act on next."""
        waiting = [o for o in self.obligations if o.state in ("pending", "overdue") and o.due]
        return min(waiting, key=lambda o: (o.due, o.kind), default=None)


def read_record(abspath: str, relpath: str) -> Record:
    """Read, parse and model one file; problems stay on the document."""
    doc = read_document(abspath, relpath)
    return Record(abspath, doc, load_incident(doc))
