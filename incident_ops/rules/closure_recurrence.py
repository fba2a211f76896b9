"""`closure-recurrence`: a closed incident that repeats an earlier one must say so and why.

When the policy has `recurrence:` and the incident matches an earlier one (see the
`recurrence` rule), closing it needs `related` to name the earlier incident and the
`## Prevention plan` section to explain why the earlier prevention did not hold — by
naming that incident there. The recurrence is a finding for whoever closes, who owns the
RCA, not for whoever reported it (for them `recurrence` is a warning).

Passing (INC-2026-0001 matches)::

    status: closed
    related: [INC-2026-0001]
    ...
    ## Prevention plan
    INC-2026-0001's A1 alerted on lag only; this time the replica was down, so A3 …

Failing: the same without `related`, or a prevention plan that does not name INC-2026-0001.
"""

from __future__ import annotations

from collections.abc import Iterator

from incident_ops.finding import Finding
from incident_ops.parse.sections import find_section
from incident_ops.rules._context import Context
from incident_ops.rules.recurrence import earlier_matches

ID = "closure-recurrence"
DESCRIPTION = "closed recurrence without naming the earlier incident in related and the plan"
PLAN = "Prevention plan"


def check(ctx: Context) -> Iterator[Finding]:
    incident = ctx.incident
    if incident is None or incident.status != "closed" or ctx.policy.model.recurrence is None:
        return
    matches = earlier_matches(ctx)
    if not matches:
        return
    anchor = ctx.line("related") if incident.related else ctx.line("status")
    section = find_section(ctx.doc.sections, PLAN)
    for other in matches:
        if other.id not in incident.related:
            message = f"closed without listing {other.id}, which it recurs, in related"
            yield ctx.finding(ID, anchor, message)
        if section is None or (other.id or "") not in section.text:
            line = section.line if section else ctx.line("status")
            message = (
                f"closed without saying in '## {PLAN}' why the prevention of {other.id} "
                f"did not hold (name {other.id} there)"
            )
            yield ctx.finding(ID, line, message)
