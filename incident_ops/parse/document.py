"""One incident file read into a Document; every problem becomes a value, never an exception."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from incident_ops.parse.sections import Section, split_sections
from incident_ops.parse.yamltree import Tree, YamlProblem, parse

MAX_BYTES = 1024 * 1024  # incidents are prose plus a page of YAML; anything larger is a mistake
_BOM = "\ufeff"


@dataclass(frozen=True, slots=True)
class Problem:
    """A parse-stage problem: rule id (`syntax` or `schema`), file line and message."""

    rule: str
    line: int
    message: str


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
        size = os.stat(abspath).st_size
        if size > MAX_BYTES:
            doc.problems.append(
                Problem("syntax", 1, f"file is {size:,} bytes; the limit is {MAX_BYTES:,}")
            )
            return doc
        with open(abspath, "rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except OSError as error:
        doc.problems.append(Problem("syntax", 1, f"cannot read file: {error.strerror}"))
        return doc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        doc.problems.append(Problem("syntax", line, "file is not valid UTF-8"))
        return doc
    parse_text(doc, text)
    return doc


def parse_text(doc: Document, text: str) -> None:
    """Split front matter from body and parse both into `doc`."""
    if text.startswith(_BOM):
        doc.problems.append(Problem("syntax", 1, "file starts with a byte-order mark; remove it"))
        text = text[1:]
    if not text.strip():
        doc.problems.append(Problem("syntax", 1, "file is empty"))
        return
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        doc.problems.append(
            Problem("syntax", 1, "no front matter: the file must start with a '---' line")
        )
        return
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
    if end is None:
        doc.problems.append(Problem("syntax", 1, "front matter is not closed by a '---' line"))
        return
    try:
        doc.front = parse("\n".join(lines[1:end]), first_line=2)
    except YamlProblem as problem:
        doc.problems.append(Problem("syntax", problem.line, problem.message))
    doc.body_line = end + 2
    doc.sections = split_sections("\n".join(lines[end + 1 :]), doc.body_line)
