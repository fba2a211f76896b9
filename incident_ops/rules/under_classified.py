"""`under-classified`: a classification rule demands a more severe level; names the rule.

With `classification: [{name: total-outage, when: {impact.full_outage: true},
severity: SEV1}]`, an incident with `impact.full_outage: true` and `severity: SEV2` fails
on its `severity:` line.
"""

from __future__ import annotations

from collections.abc import Iterator

from incident_ops.finding import Finding
from incident_ops.policy.classify import matching_rules
from incident_ops.rules._context import Context

ID = "under-classified"
DESCRIPTION = "a classification rule demands a more severe level"


def check(ctx: Context) -> Iterator[Finding]:
    incident, rank = ctx.incident, ctx.policy.severity_rank
    if incident is None or incident.severity not in rank:
        return
    for rule in matching_rules(incident, ctx.policy):
        if rank[rule.severity] < rank[incident.severity]:
            message = (
                f"severity {incident.severity} is below {rule.severity} "
                f"required by classification rule {rule.name!r}"
            )
            yield ctx.finding(ID, ctx.line("severity"), message)
