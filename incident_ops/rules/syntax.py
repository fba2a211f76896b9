"""`syntax`: the file has no or broken front matter, invalid YAML or a duplicate key.

Also: not UTF-8, a byte-order mark, empty, over the size limit, YAML tags other than the
core schema's, aliases and merge keys (refused so no "billion laughs" can expand).
"""

from __future__ import annotations

from collections.abc import Iterator

from incident_ops.finding import Finding
from incident_ops.rules._context import Context

ID = "syntax"
DESCRIPTION = "no or broken front matter, invalid YAML, duplicate key"


def check(ctx: Context) -> Iterator[Finding]:
    return ctx.parse_problems(ID)
