"""pydantic validation errors turned into messages that point at the offending line."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic import ValidationError

from incident_ops.domain.timestamps import DATE_EXAMPLE, TIMESTAMP_EXAMPLE, suggestion
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


def shown(value: Any) -> str:
    """A scalar as YAML spells it (`true`, `null`, `'12'` for text), for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value != value:
        return ".nan"
    if isinstance(value, float) and value in (float("inf"), float("-inf")):
        return ".inf" if value > 0 else "-.inf"
    return repr(value) if isinstance(value, str) else str(value)


def _is(value: Any) -> str:
    """What a wrong value is, as a user would say it."""
    if isinstance(value, bool):
        return f"{shown(value)} is a boolean"
    if isinstance(value, int):
        return f"{shown(value)} is a whole number"
    if isinstance(value, float):
        return f"{shown(value)} is a number"
    if isinstance(value, str):
        return f"{shown(value)} is text"
    if value is None:
        return "null is empty"
    if isinstance(value, list):
        return "a list is not allowed here"
    if isinstance(value, dict):
        return "a mapping is not allowed here"
    return f"{shown(value)} is a {type(value).__name__}"


_TIMESTAMP_HINT = f"write a timestamp with an offset, e.g. {TIMESTAMP_EXAMPLE}"
# pydantic error type → what to write instead
_WRITE = {
    "int_type": "write a whole number",
    "int_from_float": "write a whole number",
    "bool_type": "write true or false",
    "date_type": f"write a date, e.g. {DATE_EXAMPLE}",
    "float_type": "write a number",
}


def _message(kind: str, loc: Loc, error: dict[str, Any]) -> str:
    where = dotted(loc) or "front matter"
    value = error.get("input")
    if kind == "missing":
        return f"required key {where!r} is missing"
    if kind == "extra_forbidden":
        return f"unknown key {where!r}"
    if kind == "literal_error":
        allowed = error.get("ctx", {}).get("expected", "")
        return f"{where}: {shown(value)} is not allowed; expected {allowed}"
    if kind == "timestamp_naive":
        return f"{where}: {shown(value)} has no UTC offset; {_TIMESTAMP_HINT} (Z for UTC)"
    if kind == "timestamp_type":
        better = suggestion(value) if isinstance(value, str) else None
        if better is not None:
            return f"{where}: {shown(value)} is not an RFC 3339 timestamp; write {better}"
        return f"{where}: {_is(value)}, not a timestamp; {_TIMESTAMP_HINT}"
    if kind in _WRITE:
        return f"{where}: {_is(value)}; {_WRITE[kind]}"
    if kind == "string_type":
        if isinstance(value, bool | int | float):
            return f'{where}: {_is(value)}, not text; write text (in quotes: "{shown(value)}")'
        return f"{where}: {_is(value)}; write text"
    if kind == "string_pattern_mismatch":
        pattern = error.get("ctx", {}).get("pattern", "")
        return f"{where}: {shown(value)} does not match {pattern}"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"{where}: expected a mapping of keys, got {_kind_name(value)}"
    if kind == "list_type":
        return f"{where}: expected a list, got {_kind_name(value)}"
    return f"{where}: {error['msg']}"


def _kind_name(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if value is None:
        return "null"
    return "a list" if isinstance(value, list) else type(value).__name__


def problems(error: ValidationError, tree: Tree | None) -> Iterator[tuple[int, Loc, str]]:
    """(line, location, message) for each error; missing keys point at their parent."""
    for item in error.errors(include_url=False):
        loc = _clean_loc(item["loc"])
        kind = item["type"]
        anchor = loc[:-1] if kind == "missing" else loc
        line = tree.line_of(anchor) if (tree is not None and anchor) else 1
        yield line, loc, _message(kind, loc, dict(item))
