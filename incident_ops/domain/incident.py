"""The incident front matter of SPEC §3 as pydantic models.

`extra="forbid"` everywhere: a typo in a key must not pass silently. Severity, category
and department stay plain strings here; whether they exist is a policy question answered
by the `unknown-reference` rule.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

Status = Literal[
    "reported", "acknowledged", "investigating", "mitigated", "resolved", "closed", "cancelled"
]
Source = Literal["monitoring", "customer", "staff", "security-log", "vendor"]
Audience = Literal["customers", "management", "internal"]
Channel = Literal["email", "phone", "status-page", "chat"]
RootCauseCategory = Literal[
    "software", "hardware", "network", "capacity", "configuration",
    "third-party", "human-error", "security", "process", "unknown",
]  # fmt: skip
ActionKind = Literal["technical", "process", "documentation", "training"]
ActionStatus = Literal["open", "done", "wont-do"]
ID_PATTERN = r"^[A-Z]+-\d{4}-\d{4,}$"
TIMESTAMP_FIELDS = ("detected_at", "acknowledged_at", "mitigated_at", "resolved_at", "closed_at")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Impact(_Model):
    """What is known of the impact; None (null or absent) is *unknown*, never "no"."""

    customers_affected: int | None = Field(None, ge=0)
    full_outage: bool | None = None
    data_loss: bool | None = None
    security_breach: bool | None = None
    vip_affected: bool | None = None
    media_attention: bool | None = None
    sla_breached: bool | None = None


class Escalation(_Model):
    department: str
    at: AwareDatetime
    by: str | None = None
    issue: str | None = None


class Update(_Model):
    at: AwareDatetime
    audience: Audience
    channel: Channel
    summary: str = Field(min_length=1)
    final: bool = False


class RootCause(_Model):
    category: RootCauseCategory
    summary: str | None = None


class Action(_Model):
    id: str = Field(min_length=1)
    title: str = Field(min_length=1)
    kind: ActionKind = "technical"
    owner: str | None = None
    department: str | None = None
    due: date | None = None
    status: ActionStatus = "open"
    done_at: AwareDatetime | None = None
    reason: str | None = None  # why it will not be done (status wont-do)
    issue: str | None = None


ObligationKind = Literal[
    "acknowledge", "mitigate", "escalate", "customer-update", "management-update", "rca", "action"
]


class Waiver(_Model):
    """An obligation that no longer applies, and who decided so, when and why.

    Adding one needs the same approval as closing (pr-check), so a waiver is a reviewed
    decision, not a way to silence a red build."""

    obligation: ObligationKind
    department: str | None = None  # for `escalate`: which department's (default: all)
    action: str | None = None  # for `action`: which action's (default: all)
    reason: str = Field(min_length=1)
    by: str = Field(min_length=1)
    at: AwareDatetime


class Incident(_Model):
    """One incident's front matter; absent and null mean the same."""

    id: str = Field(pattern=ID_PATTERN)
    title: str = Field(min_length=1)
    status: Status
    severity: str
    category: str
    detected_at: AwareDatetime
    source: Source | None = None
    reporter: str | None = None
    commander: str | None = None
    services: list[str] = []
    customers: list[str] = []
    impact: Impact = Impact()
    acknowledged_at: AwareDatetime | None = None
    mitigated_at: AwareDatetime | None = None
    resolved_at: AwareDatetime | None = None
    closed_at: AwareDatetime | None = None
    cancelled_at: AwareDatetime | None = None
    escalations: list[Escalation] = []
    updates: list[Update] = []
    root_cause: RootCause | None = None
    actions: list[Action] = []
    waivers: list[Waiver] = []
    related: list[str] = []


def drop_nulls(value: Any) -> Any:
    """Remove null-valued keys at every depth, so `key: null` means the key is absent."""
    if isinstance(value, dict):
        return {k: drop_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [drop_nulls(v) for v in value]
    return value
