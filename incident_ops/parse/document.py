"""One incident file read into a Document; every problem becomes a value, never an exception."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from incident_ops.parse.sections import Section, split_sections
from incident_ops.parse.source import MAX_BYTES, Problem, SourceError, read_source, split_front
from incident_ops.parse.yamltree import Tree, YamlProblem, parse

__all__ = ["MAX_BYTES", "Document", "Problem", "parse_text", "read_document"]


@dataclass
class Document:
    """A file's front matter (values + key lines) and its body sections."""

    path: str  # relative to the repo root, '/'-separated
    front: Tree | None = None
    sections: list[Section] = field(default_factory=list)
    body_line: int = 1
    problems: list[Problem] = field(default_factory=list)

    @property
    def data(self) -> Any:
        return self.front.value if self.front is not None else None

    def line_of(self, *path: str | int) -> int:
        """Line of a front-matter key path (nearest existing ancestor; else line 1)."""
        return self.front.line_of(path) if self.front is not None else 1


def read_document(abspath: str, relpath: str) -> Document:
    """Read and parse one file; size, encoding and YAML problems are recorded, not raised."""
    doc = Document(relpath)
    try:
        text, doc.problems = read_source(abspath)
    except SourceError as error:
        doc.problems.append(error.problem)
        return doc
    parse_text(doc, text)
    return doc


def parse_text(doc: Document, text: str) -> None:
    """Split front matter from body and parse both into `doc`."""
    try:
        parts = split_front(text)
    except SourceError as error:
        doc.problems.append(error.problem)
        return
    try:
        # Without the final line break, as the file reads up to the delimiter: a `|+`
        # block scalar keeps what is written, not one line break more.
        doc.front = parse(parts.front[:-1], first_line=2)
    except YamlProblem as problem:
        doc.problems.append(Problem("syntax", problem.line, problem.message))
    doc.body_line = parts.body_line
    doc.sections = split_sections(parts.body, parts.body_line)
