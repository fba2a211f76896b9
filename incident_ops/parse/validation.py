"""pydantic validation errors turned into messages that point at the offending line."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic import ValidationError

from incident_ops.parse.yamltree import Tree

Loc = tuple[str | int, ...]


def dotted(loc: Loc) -> str:
    """`('actions', 0, 'owner')` → `actions[0].owner`, as a user would write it."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _clean_loc(loc: tuple[Any, ...]) -> Loc:
    # pydantic adds union/tagged branches ("function-after[...]", "literal['x']") to locs.
    return tuple(p for p in loc if isinstance(p, int) or "[" not in str(p))


def _message(kind: str, loc: Loc, error: dict[str, Any]) -> str:
    where = dotted(loc) or "front matter"
    value = error.get("input")
    if kind == "missing":
        return f"required key {where!r} is missing"
    if kind == "extra_forbidden":
        return f"unknown key {where!r}"
    if kind == "literal_error":
        allowed = error.get("ctx", {}).get("expected", "")
        return f"{where}: {value!r} is not allowed; expected {allowed}"
    if kind == "timezone_aware":
        return f"{where}: timestamp {value} has no UTC offset (write e.g. +01:00 or Z)"
    if kind == "string_pattern_mismatch":
        pattern = error.get("ctx", {}).get("pattern", "")
        return f"{where}: {value!r} does not match {pattern}"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"{where}: expected a mapping of keys, got {type(value).__name__}"
    if kind == "list_type":
        return f"{where}: expected a list, got {type(value).__name__}"
    return f"{where}: {error['msg']}"


def problems(error: ValidationError, tree: Tree | None) -> Iterator[tuple[int, Loc, str]]:
    """(line, location, message) for each error; missing keys point at their parent."""
    for item in error.errors(include_url=False):
        loc = _clean_loc(item["loc"])
        kind = item["type"]
        anchor = loc[:-1] if kind == "missing" else loc
        line = tree.line_of(anchor) if (tree is not None and anchor) else 1
        yield line, loc, _message(kind, loc, dict(item))
