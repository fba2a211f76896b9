"""Body sections by `##` heading, scanned line-wise.

The full Markdown parser is only needed to render; finding level-2 headings (outside
fenced code) and deciding whether a section holds real text is a line scan.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_COMMENT = re.compile(r"<!--.*?(-->|$)", re.S)
_MARKER = re.compile(r"\b(TODO|TBD|FIXME)\b")
_HINT = re.compile(r"<[^<>\n]*>|\.\.\.|…")


@dataclass(frozen=True, slots=True)
class Section:
    """A `##` section: its heading, the line of the heading, and its text."""

    title: str
    line: int
    text: str
    key: str = ""  # the heading as `find_section` compares it (`normalise(title)`)

    @property
    def written(self) -> bool:
        """True when the section says something beyond comments and placeholders."""
        return is_written(self.text)


def is_written(text: str) -> bool:
    """Whether text has content other than whitespace, HTML comments and placeholders."""
    text = _COMMENT.sub("", text)
    for line in text.splitlines():
        if _MARKER.search(line):
            continue
        if any(ch.isalnum() for ch in _HINT.sub("", line)):
            return True
    return False


def split_sections(body: str, first_line: int) -> list[Section]:
    """Level-2 sections of `body`, whose first line is file line `first_line`."""
    sections: list[Section] = []
    title: str | None = None
    start = 0
    collected: list[str] = []
    fence: str | None = None
    for offset, line in enumerate(body.split("\n")):
        fence_match = _FENCE.match(line)
        if fence_match:
            mark = fence_match.group(1)
            if fence is None:
                fence = mark
            elif mark[0] == fence[0] and len(mark) >= len(fence):
                fence = None
        heading = None if fence or fence_match else _HEADING.match(line)
        if heading and len(heading.group(1)) <= 2:
            if title is not None:
                sections.append(Section(title, start, "\n".join(collected), normalise(title)))
            title, collected = None, []
            if len(heading.group(1)) == 2:
                title, start = (heading.group(2) or "").strip(), first_line + offset
            continue
        if title is not None:
            collected.append(line)
    if title is not None:
        sections.append(Section(title, start, "\n".join(collected), normalise(title)))
    return sections


def normalise(heading: str) -> str:
    """Headings match case-insensitively and ignore extra words after the name."""
    return " ".join(heading.lower().split())


def find_section(sections: list[Section], name: str) -> Section | None:
    """The first section whose heading is `name`, possibly followed by more text."""
    wanted = normalise(name)
    for section in sections:
        heading = section.key or normalise(section.title)
        if heading == wanted or (heading.startswith(wanted) and not heading[len(wanted)].isalnum()):
            return section
    return None
