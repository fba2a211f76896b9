"""Which classification rules match, how severe an incident must be, who must be engaged."""

from __future__ import annotations

from typing import Any

from incident_ops.domain.incident import Incident
from incident_ops.policy.conditions import matches
from incident_ops.policy.load import Policy
from incident_ops.policy.model import ClassificationRule


def matching_rules(incident: Incident, policy: Policy) -> list[ClassificationRule]:
    """Classification rules whose `when:` holds for the incident (VIP customers count).

    The last answer is kept: the `under-classified` and `closure-departments` rules ask it
    for the same incident one after the other (the models are immutable)."""
    last = _LAST
    if last and last[0] is incident and last[1] is policy:
        return list(last[2])
    found = [r for r in policy.model.classification if matches(r.when, incident, policy.vip)]
    _LAST[:] = [incident, policy, found]
    return list(found)


_LAST: list[Any] = []


def required_departments(incident: Incident, policy: Policy) -> list[str]:
    """Severity's + category's + matching classification rules' departments, in that order."""
    found: list[str] = []
    severity = policy.severity(incident.severity)
    category = policy.model.categories.get(incident.category)
    groups = [
        severity.departments if severity else [],
        category.departments if category else [],
        *(rule.departments for rule in matching_rules(incident, policy)),
    ]
    for group in groups:
        found += [d for d in group if d not in found]
    return found
