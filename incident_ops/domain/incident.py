"""The incident front matter of SPEC §3 as pydantic models.

`extra="forbid"` everywhere: a typo in a key must not pass silently. `strict=True`
everywhere: a value of the wrong type is an error, never converted (`"12"` is not a
number, `1` is not `true`, `20261120` is not a timestamp). Timestamps and dates arrive
as text (YAML 1.2 has no timestamp type) and are parsed by `domain.timestamps`. Severity,
category and department stay plain strings here; whether they exist is a policy question
answered by the `unknown-reference` rule.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, get_args, get_origin

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from incident_ops.domain.timestamps import Date, Timestamp

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
ID_PATTERN = r"^[A-Z]+-[0-9]{4}-[0-9]{4,}$"  # [0-9]: `\d` would match any script's digits
TIMESTAMP_FIELDS = ("detected_at", "acknowledged_at", "mitigated_at", "resolved_at", "closed_at")


def _whole(value: Any) -> Any:
    """`12.0` is the whole number 12, as in JSON (and so in the JSON Schema's `integer`)."""
    return int(value) if type(value) is float and value.is_integer() else value


WholeNumber = Annotated[int, BeforeValidator(_whole)]
# The bound before the validator: after it (or as Field(ge=0) on `WholeNumber | None`)
# pydantic still checks it but writes a stray "ge" into the JSON Schema, not "minimum".
Count = Annotated[int, Field(ge=0), BeforeValidator(_whole)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class Impact(_Model):
    """What is known of the impact; None (null or absent) is *unknown*, never "no"."""

    customers_affected: Count | None = None
    full_outage: bool | None = None
    data_loss: bool | None = None
    security_breach: bool | None = None
    vip_affected: bool | None = None
    media_attention: bool | None = None
    sla_breached: bool | None = None


class Escalation(_Model):
    department: str
    at: Timestamp
    by: str | None = None
    issue: str | None = None


class Update(_Model):
    at: Timestamp
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
    due: Date | None = None
    status: ActionStatus = "open"
    done_at: Timestamp | None = None
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
    at: Timestamp


class Incident(_Model):
    """One incident's front matter; absent and null mean the same."""

    id: str = Field(pattern=ID_PATTERN)
    title: str = Field(min_length=1)
    status: Status
    severity: str
    category: str
    detected_at: Timestamp
    source: Source | None = None
    reporter: str | None = None
    commander: str | None = None
    services: list[str] = []
    customers: list[str] = []
    impact: Impact = Impact()
    acknowledged_at: Timestamp | None = None
    mitigated_at: Timestamp | None = None
    resolved_at: Timestamp | None = None
    closed_at: Timestamp | None = None
    cancelled_at: Timestamp | None = None
    escalations: list[Escalation] = []
    updates: list[Update] = []
    root_cause: RootCause | None = None
    actions: list[Action] = []
    waivers: list[Waiver] = []
    related: list[str] = []


Shape = dict[str, "Shape"]
"""The keys a model knows, each with the keys of the model it holds (empty for a scalar)."""


def _shape(model: type[BaseModel]) -> Shape:
    def nested(annotation: Any) -> Shape:
        for candidate in (annotation, *get_args(annotation)):
            if isinstance(candidate, type) and issubclass(candidate, BaseModel):
                return _shape(candidate)
            if get_origin(candidate) is list:
                return nested(get_args(candidate)[0])
        return {}

    return {name: nested(info.annotation) for name, info in model.model_fields.items()}


INCIDENT_SHAPE: Shape = _shape(Incident)


def drop_nulls(value: Any, shape: Shape = INCIDENT_SHAPE) -> Any:
    """Remove null-valued keys the incident model knows, at every depth, so `key: null`
    means the key is absent. An unknown key stays, null or not, so a typo is still
    reported (as the JSON Schema's `additionalProperties: false` reports it).

    Runs on every file: scalars are copied inline rather than through a call each."""
    if isinstance(value, dict):
        kept: dict[Any, Any] = {}
        for key, item in value.items():
            if item is None:
                if key not in shape:
                    kept[key] = None
            elif type(item) is dict or type(item) is list:
                kept[key] = drop_nulls(item, shape.get(key, _NO_KEYS))
            else:
                kept[key] = item
        return kept
    if isinstance(value, list):
        return [
            drop_nulls(item, shape) if type(item) is dict or type(item) is list else item
            for item in value
        ]
    return value


_NO_KEYS: Shape = {}
