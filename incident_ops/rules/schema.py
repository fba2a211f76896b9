"""`schema`: a front-matter field is missing, of the wrong type, unknown or out of its set.

Examples: `status: sleeping`, a timestamp without offset or not in RFC 3339 form
(`2026-11-20 09:12`), a value of the wrong type (`"12"` where a number belongs, `yes`
where a boolean does: values are never converted, and the message says what to write),
`severty:` (a typo, even when its value is null), an `impact:` list where a mapping
belongs, an `id` not shaped like `INC-2026-0042`.
"""

from __future__ import annotations

from collections.abc import Iterator

from incident_ops.finding import Finding
from incident_ops.rules._context import Context

ID = "schema"
DESCRIPTION = "a field is missing, of the wrong type, unknown, or out of its set"


def check(ctx: Context) -> Iterator[Finding]:
    return ctx.parse_problems(ID)
