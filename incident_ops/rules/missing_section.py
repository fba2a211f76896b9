"""`missing-section`: a required body section (policy `sections`, default SPEC §3's six)
has no `##` heading. Headings match case-insensitively and may carry extra words."""

from __future__ import annotations

from collections.abc import Iterator

from incident_ops.finding import Finding
from incident_ops.parse.sections import find_section
from incident_ops.rules._context import Context

ID = "missing-section"
DESCRIPTION = "a required body section is absent"


def check(ctx: Context) -> Iterator[Finding]:
    if ctx.doc.front is None:
        return
    for name in ctx.policy.model.sections:
        if find_section(ctx.doc.sections, name) is None:
            yield ctx.finding(ID, ctx.doc.body_line, f"section '## {name}' is missing")
