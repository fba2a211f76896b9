"""Front matters of many versions of the same files, parsing each distinct piece once.

Consecutive versions of an incident file differ by a line or two, yet each is a whole
YAML document: parsing every version in full costs the size of the file per commit, so a
growing `updates:` list makes a long history quadratic. `Fronts` cuts the front matter
into pieces at line boundaries where YAML cannot carry state across: the top-level keys
(a line `key:` at column 0 starts one) and, inside a top-level `key:` holding a block
sequence, its items (a line `- ` at the sequence's own indent starts one). Each distinct
piece text is parsed once, by the same `yamltree.parse`, and the values are put together.

The cut is only an optimisation: any piece that does not parse, a key defined twice,
anything before the first key other than comments, or a layout the cut does not
understand sends the version to `changes.front_of` (the plain whole-document parse), so
every verdict on odd YAML is that parser's own. Pieces keep their original text (not
dedented) and their final line break, so block scalars end the same way. Values are
shared between versions that share a piece: treat them as read-only.
"""

from __future__ import annotations

import re
from typing import Any

from incident_ops.history.changes import front_of, plain, with_instants
from incident_ops.parse.source import SourceError, split_front
from incident_ops.parse.yamltree import YamlProblem, parse

_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*:(?:[ \t\r]|$)")
_BARE_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*:[ \t]*\r?$")
_ITEM = re.compile(r"( *)-(?:[ \r]|$)")
_FAILED = object()


def _blank(line: str) -> bool:
    stripped = line.strip()
    return not stripped or stripped.startswith("#")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _item_starts(lines: list[str]) -> list[int] | None:
    """Where the items of `key:` + block sequence start (indexes into `lines`), else None."""
    if not _BARE_KEY.match(lines[0]):
        return None
    first = next((i for i in range(1, len(lines)) if not _blank(lines[i])), None)
    found = _ITEM.match(lines[first]) if first is not None else None
    if first is None or found is None:
        return None
    indent = len(found.group(1))
    starts = []
    for i in range(first, len(lines)):
        line = lines[i]
        if _blank(line):
            continue
        level = _indent(line)
        if level == indent and _ITEM.match(line):
            starts.append(i)
        elif level <= indent or line[level : level + 1] == "\t":
            return None
    return starts


def _ending(text: str, last: bool) -> str:
    """The piece with its line break; the last one of the front matter has none, which
    only a block scalar (`|`, `>`) can tell apart (so the others share their memo entry)."""
    return text if last and ("|" in text or ">" in text) else text + "\n"


class Fronts:
    """`front(raw)` equals `changes.front_of(raw)`, with pieces memoised across calls.

    `plain(value)` tells whether a returned mapping is one `changes.plain` would accept,
    from what was learnt once per piece (no walk over the whole version).
    """

    def __init__(self) -> None:
        self._pieces: dict[str, tuple[Any, bool]] = {}
        # plain mappings returned, by id; holding them keeps an id from being reused
        self._plain: dict[int, dict[str, Any]] = {}

    def _parse(self, text: str) -> tuple[Any, bool]:
        """(value or _FAILED, plain) of one piece (memoised)."""
        found = self._pieces.get(text)
        if found is None:
            try:
                value = with_instants(parse(text).value)
                found = (value, plain(value))
            except YamlProblem:
                found = (_FAILED, False)
            self._pieces[text] = found
        return found

    def _chunk(self, lines: list[str], last: bool) -> tuple[Any, bool]:
        """(mapping or _FAILED, plain) of one top-level chunk: a `key:` line and what follows."""
        starts = _item_starts(lines) if len(lines) > 2 else None
        if starts is None:
            return self._parse(_ending("\n".join(lines), last))
        head, is_plain = self._parse(lines[0])
        if not isinstance(head, dict) or len(head) != 1:
            return _FAILED, False
        items: list[Any] = []
        bounds = [*starts, len(lines)]
        for n, start in enumerate(starts):
            text = "\n".join(lines[start : bounds[n + 1]])
            value, item_plain = self._parse(_ending(text, last and n == len(starts) - 1))
            if not isinstance(value, list) or len(value) != 1:
                return _FAILED, False
            items.append(value[0])
            is_plain = is_plain and item_plain
        return {next(iter(head)): items}, is_plain

    def front(self, raw: bytes | None) -> dict[str, Any] | None:
        """The front-matter mapping of one file version; None when it does not parse."""
        fast = self._fast(raw)
        return front_of(raw) if fast is _FAILED else fast

    def plain(self, value: dict[str, Any] | None) -> bool:
        """True when `value`, returned by `front`, is known to be `changes.plain`."""
        return value is not None and self._plain.get(id(value)) is value

    def _fast(self, raw: bytes | None) -> Any:
        if raw is None or raw.startswith(b"\xef\xbb\xbf"):
            return None if raw is None else _FAILED
        try:
            parts = split_front(raw.decode("utf-8"))
        except (UnicodeDecodeError, SourceError):
            return None
        body = parts.front.split("\n")[:-1]  # the front ends with its line break
        starts = [i for i, line in enumerate(body) if _KEY.match(line)]
        if not starts or not all(_blank(line) for line in body[: starts[0]]):
            return _FAILED
        result: dict[str, Any] = {}
        all_plain = True
        bounds = [*starts, len(body)]
        for n, start in enumerate(starts):
            chunk, is_plain = self._chunk(body[start : bounds[n + 1]], n == len(starts) - 1)
            if not isinstance(chunk, dict) or any(key in result for key in chunk):
                return _FAILED
            result.update(chunk)
            all_plain = all_plain and is_plain
        if all_plain:
            self._plain[id(result)] = result
        return result
