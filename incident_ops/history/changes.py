"""Front-matter differences between two versions of an incident file.

Field names are dotted paths to leaves. Mappings are followed key by key
(`impact.full_outage`); lists of mappings (`escalations`, `updates`, `actions`) item by
item, by position (`actions[0].status`; a new item shows as its leaves, `actions[2].id`,
`actions[2].title`, …, each with OLD null); lists of scalars (`services`, `customers`,
`related`) are compared as whole values. `null`, `[]` and an absent key are the same (SPEC §3
defaults), so none of them shows up as a change. Timestamp text (YAML 1.2 has no timestamp
type) is read as an instant, so `09:12:00+01:00` and `08:12:00Z` are the same value.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from incident_ops.domain.timestamps import TimestampError, parse_timestamp
from incident_ops.parse.document import Document, parse_text
from incident_ops.parse.source import SourceError, decode

Flat = dict[str, Any]
_INDEX = re.compile(r"\[([0-9]+)\]")


def with_instants(value: Any) -> Any:
    """`value` with every RFC 3339 timestamp text replaced by its aware datetime."""
    if isinstance(value, str):
        if len(value) < 20 or not value[:4].isascii() or not value[:4].isdigit():
            return value
        try:
            return parse_timestamp(value)
        except TimestampError:
            return value
    if isinstance(value, dict):
        return {key: with_instants(item) for key, item in value.items()}
    if isinstance(value, list):
        return [with_instants(item) for item in value]
    return value


def front_of(text: bytes | None, path: str = "") -> dict[str, Any] | None:
    """The front-matter mapping of one file version; None when it does not parse."""
    if text is None:
        return None
    try:
        decoded, problems = decode(text)
    except SourceError:
        return None
    if problems:
        return None
    doc = Document(path)
    parse_text(doc, decoded)
    value = doc.data
    return with_instants(value) if isinstance(value, dict) and not doc.problems else None


def flatten(value: Any, prefix: str = "") -> Flat:
    """Dotted field → value, following the rules of the module docstring."""
    flat: Flat = {}
    if isinstance(value, dict):
        for key, item in value.items():
            flat.update(flatten(item, f"{prefix}.{key}" if prefix else str(key)))
    elif isinstance(value, list) and any(isinstance(item, dict) for item in value):
        for index, item in enumerate(value):
            flat.update(flatten(item, f"{prefix}[{index}]"))
    elif value is not None and value != []:
        flat[prefix] = value
    return flat


def _same(old: Any, new: Any) -> bool:
    """Equal values of the same type (True is not 1); instants compare as instants."""
    if isinstance(old, datetime) and isinstance(new, datetime):
        return old == new
    return type(old) is type(new) and old == new


def diff(old: dict[str, Any] | None, new: dict[str, Any] | None) -> dict[str, tuple[Any, Any]]:
    """Fields whose value changed, as (OLD, NEW) with None for absent; new order first."""
    before, after = flatten(old or {}), flatten(new or {})
    changed: dict[str, tuple[Any, Any]] = {}
    for key in [*after, *(k for k in before if k not in after)]:
        old_value, new_value = before.get(key), after.get(key)
        if old_value is None or new_value is None or not _same(old_value, new_value):
            changed[key] = (old_value, new_value)
    return changed


_ODD_KEY = re.compile(r"[.\[\]]")
_NONE: Any = object()  # a side that has no value at this place


def plain(value: Any) -> bool:
    """No key that is empty or holds `.`, `[` or `]`, and no NaN: `flatten` then gives every
    leaf its own name, one subtree's names all start with its prefix, and a value equals
    itself, so `diff_plain` and `instants_plain` may skip shared subtrees."""
    if isinstance(value, dict):
        return all(
            isinstance(k, str) and k and not _ODD_KEY.search(k) and plain(v)
            for k, v in value.items()
        )
    if isinstance(value, list):
        return all(plain(item) for item in value)
    return not isinstance(value, float) or value == value


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return "map"
    if isinstance(value, list) and any(isinstance(item, dict) for item in value):
        return "items"
    return "leaf"


def _join(prefix: str, key: str) -> str:
    return f"{prefix}.{key}" if prefix else key


def _children(old: Any, new: Any, prefix: str, kind: str) -> Iterator[tuple[Any, Any, str]]:
    """(old child, new child, name) for every child of `new` (a map or an item list)."""
    if kind == "map":
        for key, item in new.items():
            yield old.get(key, _NONE), item, _join(prefix, key)
    else:
        for index, item in enumerate(new):
            yield old[index] if index < len(old) else _NONE, item, f"{prefix}[{index}]"


def _changed(old: Any, new: Any, prefix: str, out: dict[str, tuple[Any, Any]]) -> None:
    """Fields of `new` (in flatten order) whose value differs in `old`."""
    if old is new:
        return
    kind = _kind(new)
    if kind != "leaf" and old is not _NONE and _kind(old) == kind:
        for old_item, new_item, name in _children(old, new, prefix, kind):
            _changed(old_item, new_item, name, out)
        return
    before = flatten(old, prefix) if old is not _NONE else {}
    for key, new_value in flatten(new, prefix).items():
        old_value = before.get(key)
        if old_value is None or not _same(old_value, new_value):
            out[key] = (old_value, new_value)


def _removed(old: Any, new: Any, prefix: str, out: dict[str, tuple[Any, Any]]) -> None:
    """Fields of `old` (in flatten order) that `new` no longer has."""
    if old is new:
        return
    kind = _kind(old)
    if kind != "leaf" and new is not _NONE and _kind(new) == kind:
        for new_item, old_item, name in _children(new, old, prefix, kind):
            _removed(old_item, new_item, name, out)
        return
    after = flatten(new, prefix) if new is not _NONE else {}
    for key, old_value in flatten(old, prefix).items():
        if key not in after:
            out[key] = (old_value, None)


def diff_plain(
    old: dict[str, Any] | None, new: dict[str, Any] | None
) -> dict[str, tuple[Any, Any]]:
    """`diff` for two `plain` mappings, without flattening the subtrees they share."""
    changed: dict[str, tuple[Any, Any]] = {}
    _changed(old or {}, new or {}, "", changed)
    _removed(old or {}, new or {}, "", changed)
    return changed


def instants_plain(value: dict[str, Any] | None, group: str) -> set[datetime]:
    """The timestamps `flatten(value)` holds under `group` (`updates[].at`), `value` plain."""
    steps: list[str | None] = []  # a key, or None for "every item"
    for part in group.split("."):
        name, *items = part.split("[]")
        steps += ([name] if name else []) + [None] * len(items)
    found: set[datetime] = set()
    level: list[Any] = [value or {}]
    for step in steps:
        if step is None:
            level = [item for node in level if _kind(node) == "items" for item in node]
        else:
            level = [node[step] for node in level if isinstance(node, dict) and step in node]
    found.update(node for node in level if isinstance(node, datetime))
    return found


def group_of(field: str) -> str:
    """`actions[3].done_at` → `actions[].done_at`: the field whatever the item's position."""
    return _INDEX.sub("[]", field)


def key_path(field: str) -> tuple[str | int, ...]:
    """`actions[0].status` → ("actions", 0, "status"), for line look-ups."""
    path: list[str | int] = []
    for part in field.split("."):
        name, *indexes = _INDEX.split(part)
        if name:
            path.append(name)
        path += [int(i) for i in indexes if i]
    return tuple(path)


def to_json(value: Any) -> Any:
    """A value JSON can hold: timestamps and dates as ISO 8601 strings."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [to_json(item) for item in value]
    if isinstance(value, dict):
        return {str(k): to_json(v) for k, v in value.items()}
    return value
