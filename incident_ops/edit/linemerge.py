"""Line-level helpers for round-trip editing: a three-way merge and indentation guessing.

`merge(base, ours, theirs)`: `base` is a YAML emitter's rendering of unchanged data,
`ours` the text as the user wrote it, `theirs` the rendering after an edit. Lines the edit
did not touch keep the user's bytes; where both differ, the edit wins. Pure text, no YAML.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

_LINES = re.compile(r"[^\n]*\n|[^\n]+$")  # like splitlines(keepends), but only on '\n'
_OPENS_BLOCK = re.compile(r"[^\s#][^#]*:(\s+#.*)?")


def lines(text: str) -> list[str]:
    return _LINES.findall(text)


def merge(base: str, ours: str, theirs: str) -> str:
    """Three-way line merge (diff3 on the lines common to all three)."""
    b, o, t = lines(base), lines(ours), lines(theirs)
    to_ours, to_theirs = _matches(b, o), _matches(b, t)
    anchors = [k for k in sorted(to_ours) if k in to_theirs]
    out: list[str] = []
    i = j = k = 0
    for anchor in [*anchors, len(b)]:
        oj, tk = (to_ours[anchor], to_theirs[anchor]) if anchor < len(b) else (len(o), len(t))
        out += _chunk(b[i:anchor], o[j:oj], t[k:tk])
        if anchor < len(b):
            out.append(o[oj])
        i, j, k = anchor + 1, oj + 1, tk + 1
    return "".join(out)


def distance(a: str, b: str) -> int:
    """How many lines of `a` and `b` are not shared (inserted, deleted or replaced)."""
    matcher = SequenceMatcher(None, lines(a), lines(b), autojunk=False)
    ops = matcher.get_opcodes()
    return sum(max(i2 - i1, j2 - j1) for tag, i1, i2, j1, j2 in ops if tag != "equal")


def indent_styles(text: str) -> list[dict[str, int]]:
    """Every (mapping, sequence, offset) indentation a YAML text uses, first seen first.

    `offset` is the dash's column under its parent key, `sequence` the item content's.
    """
    mapping: int | None = None
    sequences: list[tuple[int, int]] = []
    parent: int | None = None  # column of the last `key:` that opens a block
    for line in text.split("\n"):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        column = len(line) - len(line.lstrip(" "))
        if parent is not None and stripped.startswith("- ") and column >= parent:
            after = stripped[2:]
            style = (column - parent, column - parent + 2 + len(after) - len(after.lstrip()))
            if style not in sequences:
                sequences.append(style)
        elif parent is not None and column > parent and mapping is None:
            mapping = column - parent
        key = stripped.lstrip("- ")
        opens = _OPENS_BLOCK.fullmatch(key) is not None
        parent = column + len(stripped) - len(key) if opens else None
    mapping = mapping or 2
    return [
        {"mapping": mapping, "sequence": sequence, "offset": offset}
        for offset, sequence in sequences or [(2, 4)]  # SPEC §3 style
    ]


def _chunk(base: list[str], ours: list[str], theirs: list[str]) -> list[str]:
    """One stretch between common lines: ours if the edit left it alone; if the file and
    the rendering differ line for line (e.g. `~` vs `null`), untouched lines stay ours."""
    if base == theirs:
        return ours
    if len(base) != len(ours):
        return theirs
    out: list[str] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, base, theirs, autojunk=False).get_opcodes():
        out += ours[i1:i2] if tag == "equal" else theirs[j1:j2]
    return out


def _matches(a: list[str], b: list[str]) -> dict[int, int]:
    found: dict[int, int] = {}
    for start_a, start_b, size in SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks():
        found.update((start_a + n, start_b + n) for n in range(size))
    return found
