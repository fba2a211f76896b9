"""The periodic management report (seeds 000/002/004): failures of the period, each
significant incident with impact, RCA and prevention-plan status, complaints, SLA
compliance and what needs management attention. Deterministic for a fixed `now`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from incident_ops.domain.incident import Action, Incident
from incident_ops.policy.load import Policy
from incident_ops.reporting.load import Loaded
from incident_ops.reporting.metrics import (
    KINDS,
    compliance,
    durations,
    failed_prevention,
    select,
    stats,
)
from incident_ops.reporting.templating import environment
from incident_ops.workspace.load import Record

SIGNIFICANT_LEVELS = 2
"""The two most severe levels of the policy (SEV1 and SEV2 in the default policy)."""
RESOLVED = ("resolved", "closed")


@dataclass(frozen=True)
class ActionRow:
    action: Action
    state: str  # open | done | wont-do | overdue


@dataclass(frozen=True)
class Significant:
    """A significant incident with what management asks about it."""

    entry: Record
    severity_name: str
    mtta: float | None
    mttm: float | None
    mttr: float | None
    rca_written: bool
    plan_written: bool
    actions: list[ActionRow]
    impact: str = ""  # `impact_text`

    def count(self, state: str) -> int:
        return sum(1 for row in self.actions if row.state == state)


@dataclass(frozen=True)
class Attention:
    incident: str
    problem: str


def action_rows(entry: Record) -> list[ActionRow]:
    late = {o.action for o in entry.obligations if o.kind == "action" and o.state == "overdue"}
    return [
        ActionRow(a, "overdue" if a.id in late and a.status == "open" else a.status)
        for a in entry.model.actions
    ]


def _known(value: bool | None, yes: str, no: str, unknown: str) -> str:
    return unknown if value is None else yes if value else no


def impact_text(incident: Incident, vip: frozenset[str]) -> str:
    """The impact in words; a flag not recorded (null) is "unknown", never "no" — a VIP
    outage whose flags nobody filled in must not read "no VIP affected; SLA kept". A
    listed VIP customer counts as VIP affected, as it does for classification."""
    impact = incident.impact
    count = impact.customers_affected
    vips = [c for c in incident.customers if c in vip]
    vip_affected = True if vips else impact.vip_affected
    vip_label = "VIP affected" + (f" ({', '.join(vips or incident.customers)})"
                                  if vips or incident.customers else "")  # fmt: skip
    parts = [
        "customers affected unknown" if count is None else f"{count} customers affected",
        _known(impact.full_outage, "full outage", "no full outage", "full outage unknown"),
        _known(vip_affected, vip_label, "no VIP affected", "VIP impact unknown"),
        _known(impact.sla_breached, "SLA breached", "SLA kept", "SLA breach unknown"),
    ]
    for flag, label in (("data_loss", "data lost"), ("security_breach", "security breach"),
                        ("media_attention", "media attention")):  # fmt: skip
        if getattr(impact, flag):
            parts.append(label)
    return "; ".join(parts)


def significant(entry: Record, policy: Policy) -> Significant:
    incident = entry.model
    severity = policy.severity(incident.severity)

    def first(field: str) -> float | None:
        found = durations([incident], field)
        return found[0] if found else None

    return Significant(
        entry,
        severity.name if severity else incident.severity,
        first("acknowledged"),
        first("mitigated"),
        first("resolved"),
        entry.written("Root cause analysis"),
        entry.written("Prevention plan"),
        action_rows(entry),
        impact_text(incident, policy.vip),
    )


def is_significant(severity: str, policy: Policy) -> bool:
    return policy.severity_rank.get(severity, len(policy.severity_rank)) < SIGNIFICANT_LEVELS


def _obligation_label(kind: str, department: str | None, action: str | None) -> str:
    if kind == "action":
        return f"prevention action {action}"
    if kind == "escalate":
        return f"escalation to {department}"
    return f"{kind} deadline"


def attention(entries: list[Record], policy: Policy, when: Any) -> list[Attention]:
    """Open items management should look at, incident by incident."""
    found: list[Attention] = []
    for entry in entries:
        incident, rid = entry.model, entry.model.id
        for o in entry.obligations:
            if o.state == "overdue":
                label = _obligation_label(o.kind, o.department, o.action)
                owner = next((a.owner for a in incident.actions if a.id == o.action), None)
                extra = f" (owner {owner})" if o.kind == "action" and owner else ""
                found.append(Attention(rid, f"{label}{extra} overdue since {when(o.due)}"))
        if not is_significant(incident.severity, policy):
            continue
        if incident.status not in RESOLVED:
            found.append(Attention(rid, f"{incident.severity} incident still {incident.status}"))
            continue
        if not entry.written("Root cause analysis") or incident.root_cause is None:
            found.append(Attention(rid, "resolved without a written root-cause analysis"))
        if not incident.actions:
            found.append(Attention(rid, "resolved without prevention actions"))
    return found


def recurrences(entries: list[Record], loaded: Loaded) -> list[tuple[Record, list[str], list[str]]]:
    """Each incident of the period with the earlier incidents it lists in `related`, and
    those of them whose completed prevention did not hold."""
    known = {i.id: i for i in loaded.incidents}
    found = []
    for entry in entries:
        incident = entry.model
        earlier = [
            r
            for r in incident.related
            if r in known and known[r].detected_at < incident.detected_at
        ]
        if earlier:
            found.append((entry, earlier, failed_prevention(incident, known)))
    return found


def render_report(
    loaded: Loaded, policy: Policy, now: datetime, since: date | None, until: date | None
) -> str:
    """The report as Markdown."""
    tz = policy.calendar().tz
    env = environment(tz)
    chosen_ids = {i.id for i in select(loaded.incidents, since, until, tz)}
    entries = [e for e in loaded.entries if e.model.id in chosen_ids]
    figures = stats(loaded.incidents, loaded.obligations, policy, since, until)
    sla = [
        (kind, counts, compliance(counts))
        for kind, counts in figures["obligations"].items()
        if kind in KINDS and any(counts.values())
    ]
    complaints = [
        e for e in entries if e.model.category == "complaint" or e.model.source == "customer"
    ]
    context = {
        "now": now,
        "since": since,
        "until": until,
        "timezone": policy.calendar().tz,
        "stats": figures,
        "policy": policy.model,
        "significant_levels": list(policy.model.severities)[:SIGNIFICANT_LEVELS],
        "significant": [
            significant(e, policy) for e in entries if is_significant(e.model.severity, policy)
        ],
        "complaints": complaints,
        "sla": sla,
        "attention": attention(entries, policy, env.filters["when"]),
        "skipped": loaded.skipped,
        "open_incidents": [e for e in entries if e.model.status not in RESOLVED],
        "recurrences": recurrences(entries, loaded),
        "graded": loaded.graded,
    }
    return env.get_template("report.md").render(context)
