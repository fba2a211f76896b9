"""Waivers a pull request adds: each needs the same approval as closing the incident.

A waiver (front-matter key `waivers:`, a list of `{obligation, department?, action?,
reason, by, at}`) excuses an obligation; it is a reviewed decision, so adding one — or
changing one, which is adding its new form — needs an approving review from each
`rca_approvers` team of the incident's severity (`waiver-approval`). Entries are
compared as they are written in the raw front matter, so the gate holds even where the
file does not validate.
"""

from __future__ import annotations

import json
from typing import Any

from incident_ops.parse.document import Document

WAIVER_RULE = "waiver-approval"


def _entries(doc: Document | None) -> list[Any]:
    data = doc.data if doc is not None else None
    value = data.get("waivers") if isinstance(data, dict) else None
    return value if isinstance(value, list) else []


def _key(entry: Any) -> str:
    return json.dumps(entry, sort_keys=True, default=str)


def added_waivers(base: Document | None, head: Document) -> list[int]:
    """Lines of the head's waiver entries that base does not have (as a multiset)."""
    left: dict[str, int] = {}
    for entry in _entries(base):
        left[_key(entry)] = left.get(_key(entry), 0) + 1
    lines = []
    for i, entry in enumerate(_entries(head)):
        key = _key(entry)
        if left.get(key):
            left[key] -= 1
        else:
            lines.append(head.line_of("waivers", i))
    return lines
