"""Every deadline of an incident under the policies, as of `now` (pure functions, no I/O).

One `Obligation` per thing that must happen by a time: acknowledge, mitigate, each
applicable escalation rule, the current customer/management update cycle, the RCA and
each prevention action with a due date. States as of `now`:
`met` (satisfied at or before due), `met-late` (satisfied after due), `pending` (not
satisfied; due in the future or not known yet), `overdue` (not satisfied, `now` > due, and
still actionable), `missed` (fell due unmet and can no longer be met: the cadence or the
rule's `until` ended, or the incident was cancelled), `waived` (not met, and a waiver in
the front matter, recorded by `now`, says why it no longer applies).

Semantics (the README repeats them):
- Replay: an event counts only if its timestamp is at or before `now`, so `--now` in the
  past shows the deadlines as they stood then (status-only facts cannot be replayed).
- Lapse: an obligation that stops applying (escalation `until` status reached, update
  cadence ended, incident cancelled) before it fell due is omitted. If it was already
  past due and unmet when it stopped applying, it is `missed`: the breach happened and
  stays in the record, but nobody can act on it any more (rules report it as a warning).
  A cancelled incident without `cancelled_at` lapses every unsatisfied obligation.
- Waivers: `waivers: [{obligation: KIND, department?, action?, reason, by, at}]` turns
  every obligation of that kind (that department / action when given) that is not met
  into `waived`, from the waiver's `at` on.
- A stage reached by `status` but without its timestamp counts as reached at `now`.
- Business units (`bh`, `bd`) count in the `default` calendar for acknowledge, mitigate,
  updates and rca; in the department's calendar for escalations and actions. Wall-clock
  units are exact elapsed time. An escalation rule with `calendar: NAME` counts even
  `m`/`h` as working minutes/hours and `d` as working days of that calendar.
- mitigate is satisfied by `mitigated_at`, else `resolved_at`.
- escalate: one per applicable rule (severities, `when:`, `during:` at detected_at in the
  department's calendar); due = the rule's `from` timestamp + `within` (no timestamp yet:
  pending with due null); satisfied by the earliest `escalations[]` entry of the department.
- customer-update / management-update: a cadence from detected_at; each update of that
  audience (at or before the cadence end) satisfies the open cycle and starts the next.
  Only one cycle is reported: the open one while the cadence runs; after its end
  (resolution for customers, mitigation for management) the open cycle if it was already
  overdue, else the last completed cycle (met or met-late), else nothing.
- rca: once resolved, due = resolved_at + `rca`, satisfied by `closed_at`.
- action: due = 23:59:59 local time of its due date in its department's calendar
  (`default` without a department); satisfied by `done_at`. `done` without `done_at`
  and `wont-do` count as `met` with `satisfied_at` null (no time is known).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, time, timedelta
from typing import Literal

from incident_ops.domain import stages as lifecycle
from incident_ops.domain.durations import Duration, wall_clock_add
from incident_ops.domain.incident import Incident, ObligationKind, Waiver
from incident_ops.policy.calendars import Calendar
from incident_ops.policy.conditions import matches
from incident_ops.policy.load import Policy
from incident_ops.policy.model import EscalationRule, Severity

Kind = ObligationKind
State = Literal["met", "met-late", "pending", "overdue", "missed", "waived"]
KINDS: tuple[str, ...] = Kind.__args__  # type: ignore[attr-defined]
STATES: tuple[str, ...] = State.__args__  # type: ignore[attr-defined]
END_OF_DAY = time(23, 59, 59)
_ALWAYS = datetime.min.replace(tzinfo=UTC)  # a lapse time before every due: all unmet lapse


@dataclass(frozen=True, slots=True)
class Obligation:
    """One deadline: what must happen, by when, whether and when it did."""

    kind: Kind
    due: datetime | None
    satisfied_at: datetime | None
    state: State
    department: str | None = None
    action: str | None = None
    rule: str | None = None  # the escalation rule's name, for messages and markers
    waiver: Waiver | None = None  # why the obligation no longer applies (state `waived`)

    def to_dict(self) -> dict[str, object]:
        """The SPEC §6 `deadlines --format json` shape."""
        data: dict[str, object] = {
            "kind": self.kind,
            "department": self.department,
            "due": self.due.isoformat() if self.due else None,
            "satisfied_at": self.satisfied_at.isoformat() if self.satisfied_at else None,
            "state": self.state,
        }
        if self.kind == "action":
            data["action"] = self.action
        if self.rule is not None:
            data["rule"] = self.rule
        if self.waiver is not None:
            data["waiver"] = {
                "by": self.waiver.by,
                "at": self.waiver.at.isoformat(),
                "reason": self.waiver.reason,
            }
        return data


def obligations(incident: Incident, policy: Policy, now: datetime) -> list[Obligation]:
    """The incident's obligations, sorted by due time (no due last); [] for an unknown severity."""
    severity = policy.severity(incident.severity)
    if severity is None:
        return []
    found = [
        *_targets(incident, severity, policy, now),
        *_escalations(incident, policy, now),
        *_actions(incident, policy, now),
    ]
    if incident.waivers:
        found = [_waive(item, incident.waivers, now) for item in found]
    return sorted(found, key=lambda o: (o.due is None, o.due or _ALWAYS))


def _waive(item: Obligation, waivers: list[Waiver], now: datetime) -> Obligation:
    """`waived` when a waiver recorded by `now` covers an obligation not met."""
    if item.state in ("met", "met-late"):
        return item
    for waiver in waivers:
        if (
            waiver.obligation == item.kind
            and waiver.at <= now
            and waiver.department in (None, item.department)
            and waiver.action in (None, item.action)
        ):
            return replace(item, state="waived", waiver=waiver)
    return item


def state_of(due: datetime | None, satisfied_at: datetime | None, now: datetime) -> State:
    """The state of a deadline as of `now`."""
    if satisfied_at is not None:
        return "met" if due is None or satisfied_at <= due else "met-late"
    return "overdue" if due is not None and now > due else "pending"


def add_time(calendar: Calendar, start: datetime, duration: Duration) -> datetime | None:
    """`start + duration`: business units in `calendar`, wall-clock units as elapsed time;
    None when that lies beyond the last representable date (a start near year 9999)."""
    try:
        if duration.business:
            return calendar.add(start, duration)
        return wall_clock_add(start, duration)
    except (OverflowError, ValueError):
        return None


def add_working(calendar: Calendar, start: datetime, duration: Duration) -> datetime | None:
    """`start + duration` counting only working time, whatever the unit (`30m` = 30
    minutes); None beyond the last representable date."""
    try:
        return _add_working(calendar, start, duration)
    except (OverflowError, ValueError):
        return None


def _add_working(calendar: Calendar, start: datetime, duration: Duration) -> datetime:
    if duration.unit == "d":  # `2d` in a calendar: two working days
        return calendar.add(start, Duration(duration.amount, "bd"))
    if duration.business:
        return calendar.add(start, duration)
    minutes = duration.minutes
    if minutes % 60 == 0:
        return calendar.add(start, Duration(minutes // 60, "bh"))
    low = calendar.add(start, Duration(minutes // 60, "bh"))
    high = calendar.add(start, Duration(minutes // 60 + 1, "bh"))
    while high - low >= timedelta(seconds=1):  # the instant the working minutes add up
        middle = low + (high - low) / 2
        if calendar.working_minutes_between(start, middle) >= minutes:
            high = middle
        else:
            low = middle
    return high.replace(microsecond=0)


def stage_time(incident: Incident, stage: str) -> datetime | None:
    """The timestamp of a lifecycle stage (mitigation falls back to resolution)."""
    if stage == "reported":
        return incident.detected_at
    if stage == "mitigated":
        return incident.mitigated_at or incident.resolved_at
    return getattr(incident, f"{stage}_at", None)


def reached_at(incident: Incident, stage: str, now: datetime) -> datetime | None:
    """When the incident reached `stage` as of `now`; `now` if its status says so without a time."""
    if not lifecycle.reached(incident.status, stage):
        return None
    at = stage_time(incident, stage)
    if at is None:
        return now
    return at if at <= now else None


def _seen(at: datetime | None, now: datetime) -> datetime | None:
    return at if at is not None and at <= now else None


def _cancelled(incident: Incident, now: datetime) -> datetime | None:
    if incident.status != "cancelled":
        return None
    if incident.cancelled_at is None:
        return _ALWAYS  # cancelled at an unknown time: every unmet obligation lapses
    return _seen(incident.cancelled_at, now)


def _earliest(*times: datetime | None) -> datetime | None:
    known = [t for t in times if t is not None]
    return min(known) if known else None


def _make(
    kind: Kind,
    due: datetime | None,
    satisfied: datetime | None,
    now: datetime,
    lapse: datetime | None = None,
    **where: str | None,
) -> Obligation | None:
    """An obligation; None when it lapsed before it fell due, `missed` when it fell due
    unmet and then stopped applying (the breach happened and can no longer be mended)."""
    satisfied = _seen(satisfied, now)
    if satisfied is None and lapse is not None:
        if lapse is _ALWAYS or due is None or due >= lapse:
            return None
        return Obligation(kind, due, None, "missed", **where)  # type: ignore[arg-type]
    return Obligation(kind, due, satisfied, state_of(due, satisfied, now), **where)  # type: ignore[arg-type]


def _targets(
    incident: Incident, severity: Severity, policy: Policy, now: datetime
) -> Iterator[Obligation]:
    targets, calendar, detected = severity.targets, policy.calendar(), incident.detected_at
    cancelled = _cancelled(incident, now)
    if targets.acknowledge is not None:
        due = add_time(calendar, detected, targets.acknowledge)
        found = _make("acknowledge", due, incident.acknowledged_at, now, cancelled)
        if found:
            yield found
    if targets.mitigate is not None:
        due = add_time(calendar, detected, targets.mitigate)
        found = _make("mitigate", due, stage_time(incident, "mitigated"), now, cancelled)
        if found:
            yield found
    for kind, every, audience, stage in _CADENCES:
        duration = getattr(targets, every)
        if duration is not None:
            end = _earliest(reached_at(incident, stage, now), cancelled)
            found = _cadence(kind, incident, calendar, duration, audience, end, now)
            if found:
                yield found
    resolved = _seen(incident.resolved_at, now)
    if targets.rca is not None and resolved and reached_at(incident, "resolved", now):
        due = add_time(calendar, resolved, targets.rca)
        found = _make("rca", due, incident.closed_at, now)
        if found:
            yield found


def _cadence(
    kind: Kind,
    incident: Incident,
    calendar: Calendar,
    every: Duration,
    audience: str,
    end: datetime | None,
    now: datetime,
) -> Obligation | None:
    """The current cycle of a repeating update duty (see the module docstring)."""
    cycles = _cycles(kind, incident, calendar, every, audience, end, now)
    return cycles[-1] if cycles else None


def update_cycles(incident: Incident, policy: Policy, now: datetime) -> list[Obligation]:
    """Every cycle of the customer and management update duties up to `now`, in time order:
    one per update sent (met or met-late), then the open one (pending, overdue or missed) —
    "what did we tell them, and when was an update late or missed?"."""
    severity = policy.severity(incident.severity)
    if severity is None:
        return []
    targets, calendar = severity.targets, policy.calendar()
    cancelled = _cancelled(incident, now)
    found: list[Obligation] = []
    for kind, every, audience, stage in _CADENCES:
        duration = getattr(targets, every)
        if duration is not None:
            end = _earliest(reached_at(incident, stage, now), cancelled)
            found += _cycles(kind, incident, calendar, duration, audience, end, now)
    return sorted(found, key=lambda o: (o.due is None, o.due or _ALWAYS))


_CADENCES: tuple[tuple[Kind, str, str, str], ...] = (
    ("customer-update", "customer_update_every", "customers", "resolved"),
    ("management-update", "management_update_every", "management", "mitigated"),
)


def _cycles(
    kind: Kind,
    incident: Incident,
    calendar: Calendar,
    every: Duration,
    audience: str,
    end: datetime | None,
    now: datetime,
) -> list[Obligation]:
    """The cycles of a repeating update duty: each update sent, then the open cycle while
    the cadence runs, or when it ended after that cycle fell due (missed)."""
    limit = min(now, end) if end is not None and end is not _ALWAYS else now
    start = incident.detected_at
    times = sorted(
        u.at for u in incident.updates if u.audience == audience and start <= u.at <= limit
    )
    cycles: list[Obligation] = []
    for at in times:
        due = add_time(calendar, start, every)
        cycles.append(Obligation(kind, due, at, state_of(due, at, now)))
        start = at
    due = add_time(calendar, start, every)
    open_cycle = None
    if end is None:
        open_cycle = _make(kind, due, None, now)
    elif end is not _ALWAYS and due is not None and due < end:
        open_cycle = _make(kind, due, None, now, end)  # overdue when the cadence ended: missed
    return cycles + ([open_cycle] if open_cycle else [])


def _escalations(incident: Incident, policy: Policy, now: datetime) -> Iterator[Obligation]:
    cancelled = _cancelled(incident, now)
    for rule in policy.model.escalations:
        if not _applies(rule, incident, policy):
            continue
        calendar = policy.department_calendar(rule.department)
        start = _seen(stage_time(incident, rule.from_.removesuffix("_at")), now)
        due = None
        if start is not None:
            if rule.calendar is not None:
                due = add_working(policy.calendar(rule.calendar), start, rule.within)
            else:
                due = add_time(calendar, start, rule.within)
        done = _earliest(
            *(_seen(e.at, now) for e in incident.escalations if e.department == rule.department)
        )
        lapse = _earliest(reached_at(incident, rule.until, now), cancelled)
        found = _make("escalate", due, done, now, lapse, department=rule.department, rule=rule.name)
        if found:
            yield found


def _applies(rule: EscalationRule, incident: Incident, policy: Policy) -> bool:
    """Severity, `when:` and `during:` (at detected_at in the department's calendar)."""
    if rule.severities and incident.severity not in rule.severities:
        return False
    if rule.when is not None and not matches(rule.when, incident, policy.vip):
        return False
    if rule.during is None:
        return True
    working = policy.department_calendar(rule.department).is_working_time(incident.detected_at)
    return working == (rule.during == "working")


def rule_applies(rule: EscalationRule, incident: Incident, policy: Policy) -> bool:
    """Whether an escalation rule applies to the incident at all — its tier may still be
    pending or have lapsed (the sweep closes the issues of lapsed tiers)."""
    return _applies(rule, incident, policy)


def _actions(incident: Incident, policy: Policy, now: datetime) -> Iterator[Obligation]:
    cancelled = _cancelled(incident, now)
    for action in incident.actions:
        if action.due is None:
            continue
        tz = policy.department_calendar(action.department).tz
        due = datetime.combine(action.due, END_OF_DAY, tz)
        where = {"department": action.department, "action": action.id}
        if action.status == "wont-do" or (action.status == "done" and action.done_at is None):
            yield Obligation("action", due, None, "met", action.department, action.id)
            continue
        done = action.done_at if action.status == "done" else None
        found = _make("action", due, done, now, cancelled, **where)
        if found:
            yield found
