"""Incident statistics of SPEC §6 `stats` as pure functions (no I/O, no clock).

Semantics, written down once for the README:
- the period holds the incidents whose `detected_at`, read in the default calendar's
  timezone, falls on a date from `since` to `until`, both inclusive (None: unbounded);
- cancelled incidents (false alarms) are left out of every figure and counted apart;
- MTTA = acknowledged_at - detected_at, MTTM = effective mitigation (mitigated_at, else
  resolved_at) - detected_at, MTTR = resolved_at - detected_at, each over the incidents
  that have the timestamp; median = mean of the two middle values for an even count;
  p90 by the nearest-rank method (the ceil(0.9 n)-th smallest value); null when empty;
- obligation states are counted as of `now`, over the incidents of the period;
- `open_actions` counts prevention actions with status `open`, `overdue_actions` those
  whose `action` obligation is overdue, both by the action's department;
- `recurrence_rate` is the share of incidents of the period that list in `related` an
  incident detected before them (null when the period has no incident);
  `prevention_failed` counts those whose earlier incident's prevention plan had been
  carried out in full before they were detected: "prevention did not hold".
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, tzinfo
from typing import Any

from incident_ops.domain.incident import Incident
from incident_ops.domain.obligations import KINDS, STATES, Obligation
from incident_ops.policy.classify import required_departments
from incident_ops.policy.load import Policy

NO_DEPARTMENT = "unassigned"
Number = int | float


def median(values: Iterable[float]) -> float | None:
    """The middle value; the mean of the two middle values for an even count."""
    ordered = sorted(values)
    n = len(ordered)
    if n == 0:
        return None
    middle = n // 2
    return ordered[middle] if n % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def p90(values: Iterable[float]) -> float | None:
    """The 90th percentile by nearest rank: the ceil(0.9 n)-th smallest value."""
    ordered = sorted(values)
    if not ordered:
        return None
    rank = -(-9 * len(ordered) // 10)  # ceil(0.9 n) in exact integer arithmetic
    return ordered[rank - 1]


def number(value: float | None) -> Number | None:
    """A JSON-friendly number: integral values as int, others rounded to 2 decimals."""
    if value is None:
        return None
    rounded = round(value, 2)
    return int(rounded) if rounded == int(rounded) else rounded


def summary(values: Sequence[float]) -> dict[str, Number | None]:
    return {"median": number(median(values)), "p90": number(p90(values))}


def minutes_between(start: datetime, end: datetime) -> float:
    return (end - start).total_seconds() / 60


def mitigated_at(incident: Incident) -> datetime | None:
    """The effective mitigation time: `resolved_at` stands in when `mitigated_at` is absent."""
    return incident.mitigated_at or incident.resolved_at


def durations(incidents: Iterable[Incident], field: str) -> list[float]:
    """Minutes from detection to `field` (acknowledged|mitigated|resolved) where known."""
    found = []
    for incident in incidents:
        end = mitigated_at(incident) if field == "mitigated" else getattr(incident, f"{field}_at")
        if end is not None:
            found.append(minutes_between(incident.detected_at, end))
    return found


def in_period(incident: Incident, since: date | None, until: date | None, tz: tzinfo) -> bool:
    """Whether the incident was detected on a date of the period (local to `tz`)."""
    day = incident.detected_at.astimezone(tz).date()
    return (since is None or day >= since) and (until is None or day <= until)


def select(
    incidents: Iterable[Incident], since: date | None, until: date | None, tz: tzinfo
) -> list[Incident]:
    """The period's incidents that count: detected in it and not cancelled."""
    return [i for i in incidents if i.status != "cancelled" and in_period(i, since, until, tz)]


def obligation_counts(obligations: Iterable[Obligation]) -> dict[str, dict[str, int]]:
    counts = {kind: dict.fromkeys(STATES, 0) for kind in KINDS}
    for item in obligations:
        counts.setdefault(item.kind, dict.fromkeys(STATES, 0))[item.state] += 1
    return counts


def compliance(counts: Mapping[str, int]) -> float | None:
    """Share of decided deadlines met on time: met / (met + met-late + overdue + missed).

    Pending deadlines are not decided yet; waived ones were taken off the books."""
    decided = counts["met"] + counts["met-late"] + counts["overdue"] + counts.get("missed", 0)
    return counts["met"] / decided if decided else None


def prevention_failed(incident: Incident, earlier: Incident) -> bool:
    """Whether `earlier`'s prevention plan was carried out in full (every action done or
    dropped, at least one done) before `incident` was detected: it did not prevent it."""
    done = [a.done_at for a in earlier.actions if a.status == "done" and a.done_at is not None]
    settled = all(a.status != "open" for a in earlier.actions)
    return bool(done) and settled and max(done) < incident.detected_at


def failed_prevention(incident: Incident, known: Mapping[str, Incident]) -> list[str]:
    """The earlier incidents `incident` relates whose completed prevention did not hold."""
    return [
        other.id
        for other in (known.get(rid) for rid in incident.related)
        if other is not None
        and other.detected_at < incident.detected_at
        and prevention_failed(incident, other)
    ]


def is_recurrence(incident: Incident, known: Mapping[str, Incident]) -> bool:
    """Whether the incident lists an earlier-detected incident in `related`."""
    return any(
        other.detected_at < incident.detected_at
        for other in (known.get(rid) for rid in incident.related)
        if other is not None
    )


def _sorted_counts(counter: Counter[str], first: Sequence[str] = ()) -> dict[str, int]:
    """Known names first in their order (zeros included), then the rest by name."""
    result = {name: counter.get(name, 0) for name in first}
    result.update({name: counter[name] for name in sorted(counter) if name not in result})
    return result


def severity_table(incidents: Sequence[Incident], order: Sequence[str]) -> dict[str, Any]:
    table: dict[str, Any] = {}
    names = list(order) + sorted({i.severity for i in incidents} - set(order))
    for name in names:
        group = [i for i in incidents if i.severity == name]
        table[name] = {
            "count": len(group),
            "mtta_minutes": summary(durations(group, "acknowledged")),
            "mttr_minutes": summary(durations(group, "resolved")),
            "mttm_minutes": summary(durations(group, "mitigated")),
        }
    return table


def action_counts(
    pairs: Iterable[tuple[Incident, Sequence[Obligation]]],
) -> tuple[dict[str, int], dict[str, int]]:
    """Open and overdue prevention actions by department."""
    open_, overdue = Counter[str](), Counter[str]()
    for incident, found in pairs:
        late = {o.action for o in found if o.kind == "action" and o.state == "overdue"}
        for action in incident.actions:
            dept = action.department or NO_DEPARTMENT
            if action.status == "open":
                open_[dept] += 1
            if action.id in late:
                overdue[dept] += 1
    return _sorted_counts(open_), _sorted_counts(overdue)


def stats(
    incidents: Sequence[Incident],
    obligations: Sequence[Sequence[Obligation]],
    policy: Policy,
    since: date | None,
    until: date | None,
) -> dict[str, Any]:
    """The SPEC §6 stats document (plus by_category/service/department and MTTM).

    `obligations[n]` are those of `incidents[n]`: paired by position, not by id, so two
    files sharing an id (a `duplicate-id` error) each count with their own deadlines.
    """
    tz = policy.calendar().tz
    pairs = [
        (i, found)
        for i, found in zip(incidents, obligations, strict=True)
        if i.status != "cancelled" and in_period(i, since, until, tz)
    ]
    chosen = [i for i, _ in pairs]
    cancelled = sum(
        1 for i in incidents if i.status == "cancelled" and in_period(i, since, until, tz)
    )
    known = {i.id: i for i in incidents}
    open_actions, overdue_actions = action_counts(pairs)
    departments = Counter(d for i in chosen for d in required_departments(i, policy))
    recurrences = sum(1 for i in chosen if is_recurrence(i, known))
    failures = sum(1 for i in chosen if failed_prevention(i, known))
    return {
        "since": since.isoformat() if since else None,
        "until": until.isoformat() if until else None,
        "incidents": len(chosen),
        "cancelled": cancelled,
        "by_severity": severity_table(chosen, list(policy.model.severities)),
        "by_category": _sorted_counts(
            Counter(i.category for i in chosen), list(policy.model.categories)
        ),
        "by_service": _sorted_counts(Counter(s for i in chosen for s in i.services)),
        "by_department": _sorted_counts(departments),
        "obligations": obligation_counts(o for _, found in pairs for o in found),
        "open_actions": open_actions,
        "overdue_actions": overdue_actions,
        "recurrences": recurrences,
        "recurrence_rate": round(recurrences / len(chosen), 4) if chosen else None,
        "prevention_failed": failures,
    }
