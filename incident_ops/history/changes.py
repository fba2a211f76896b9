"""Front-matter differences between two versions of an incident file.

Field names are dotted paths to leaves. Mappings are followed key by key
(`impact.full_outage`); lists of mappings (`escalations`, `updates`, `actions`) item by
item, by position (`actions[0].status`; a new item shows as its leaves, `actions[2].id`,
`actions[2].title`, …, each with OLD null); lists of scalars (`services`, `customers`,
`related`) are compared as whole values. `null`, `[]` and an absent key are the same (SPEC §3
defaults), so none of them shows up as a change.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from incident_ops.parse.document import Document, parse_text

Flat = dict[str, Any]
_INDEX = re.compile(r"\[(\d+)\]")


def front_of(text: bytes | None, path: str = "") -> dict[str, Any] | None:
    """The front-matter mapping of one file version; None when it does not parse."""
    if text is None:
        return None
    try:
        decoded = text.decode("utf-8")
    except UnicodeDecodeError:
        return None
    doc = Document(path)
    parse_text(doc, decoded)
    value = doc.data
    return value if isinstance(value, dict) and not doc.problems else None


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
