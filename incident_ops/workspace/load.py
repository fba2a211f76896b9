"""From a parsed Document to an Incident model, recording schema problems on the document."""

from __future__ import annotations

from pydantic import ValidationError

from incident_ops.domain.incident import Incident, drop_nulls
from incident_ops.parse.document import Document, Problem
from incident_ops.parse.validation import problems


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
