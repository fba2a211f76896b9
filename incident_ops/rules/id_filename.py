"""`id-filename`: the file name must start with the incident id.

Passes: `incidents/2026/INC-2026-0042-billing-db-outage.md` with `id: INC-2026-0042`.
Fails:  the same file with `id: INC-2026-0043`, or `INC-2026-00421-x.md`.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from incident_ops.finding import Finding
from incident_ops.rules._context import Context
from incident_ops.workspace.load import raw_id

ID = "id-filename"
DESCRIPTION = "the file name does not start with the incident id"


def check(ctx: Context) -> Iterator[Finding]:
    incident_id = raw_id(ctx.doc)
    if not incident_id:
        return
    name = posixpath.basename(ctx.doc.path)
    rest = name[len(incident_id) :]
    if not name.startswith(incident_id) or rest[:1].isalnum():
        yield ctx.finding(
            ID, ctx.line("id"), f"file name {name!r} does not start with {incident_id}"
        )
