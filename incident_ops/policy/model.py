"""The policy language of SPEC §4 as pydantic models (the merged `policies/*.yaml`).

Strict like the incident models: a value of the wrong type is a policy error, never
converted (`name: 12` is not text, `dates: [20261224]` is not a date).
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

from incident_ops.domain.durations import Duration, parse_duration
from incident_ops.domain.incident import Status
from incident_ops.domain.timestamps import Date
from incident_ops.policy.conditions import typed_when


def _duration(value: Any) -> Duration:
    if isinstance(value, Duration):
        return value
    if not isinstance(value, str):
        raise ValueError(f"bad duration {value!r}: write it as text such as 15m, 4h or 5bd")
    return parse_duration(value)


DurationText = Annotated[
    Duration,
    BeforeValidator(_duration),
    PlainSerializer(str, return_type=str),
    WithJsonSchema({"type": "string", "pattern": r"^\s*[0-9]+(m|h|d|bh|bd)\s*$"}),
]
When = Annotated[dict[str, Any], AfterValidator(typed_when)]
"""A `when:` condition map; timestamp and date text read as values once, at load."""
Requirement = Literal["rca", "prevention_plan", "customer_follow_up"]
TeamRef = Annotated[str, Field(pattern=r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")]
MENTION = r"^@[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:/[A-Za-z0-9_.-]+)?$"


def _mention(value: str) -> str:
    if not re.fullmatch(MENTION, value):
        template = "{value} is not a mention: write @login or @org/team"
        raise PydanticCustomError("mention", template, {"value": repr(value)})
    return value


# Whom a department's GitHub issues mention: a person `@login` or a team `@org/team`.
Mention = Annotated[
    str, AfterValidator(_mention), WithJsonSchema({"type": "string", "pattern": MENTION})
]
# Fields the repository index carries, so `recurrence.match` can compare incidents.
RECURRENCE_MATCH = ("services", "root_cause.category", "category", "customers", "severity")
DEFAULT_SECTIONS = (
    "Summary",
    "Impact",
    "Timeline",
    "Root cause analysis",
    "Prevention plan",
    "Customer communication",
)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, strict=True)


class Targets(_Model):
    acknowledge: DurationText | None = None
    mitigate: DurationText | None = None
    customer_update_every: DurationText | None = None
    management_update_every: DurationText | None = None
    rca: DurationText | None = None


class Severity(_Model):
    name: str
    description: str | None = None
    targets: Targets = Targets()
    requires: list[Requirement] = []
    departments: list[str] = []
    rca_approvers: list[TeamRef] = []


class Category(_Model):
    name: str | None = None
    description: str | None = None
    departments: list[str] = []


class Holidays(_Model):
    country: str | None = None
    subdiv: str | None = None
    dates: list[Date] = []


class CalendarSpec(_Model):
    timezone: str
    days: str | list[str] = "mon-fri"
    hours: str = "09:00-18:00"
    holidays: Holidays = Holidays()


class Customers(_Model):
    vip: list[str] = []


class Recurrence(_Model):
    window: DurationText
    match: list[str] = ["services", "root_cause.category"]


class ClassificationRule(_Model):
    name: str
    description: str | None = None
    when: When
    severity: str
    departments: list[str] = []


class EscalationRule(_Model):
    name: str
    description: str | None = None
    severities: list[str] = []  # empty: every severity
    when: When | None = None
    during: Literal["working", "off-hours"] | None = None
    department: str
    within: DurationText
    from_: str = Field("detected_at", alias="from")
    calendar: str | None = None
    until: Status = "resolved"


class GitHubTarget(_Model):
    repo: Annotated[str, Field(pattern=r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")]
    labels: list[str] = []
    assignees: list[str] = []
    team: TeamRef | None = None  # mentioned (`@org/team`) on the department's issues
    mention: list[Mention] = []  # also mentioned there: `@login` or `@org/team`


class Department(_Model):
    name: str
    description: str | None = None
    github: GitHubTarget | None = None
    calendar: str = "default"


class PolicyModel(_Model):
    """Everything under `policies/`, merged by top-level key."""

    severities: dict[str, Severity] = Field(min_length=1)
    categories: dict[str, Category] = Field(min_length=1)
    calendars: dict[str, CalendarSpec] = {}
    customers: Customers = Customers()
    recurrence: Recurrence | None = None
    classification: list[ClassificationRule] = []
    escalations: list[EscalationRule] = []
    departments: dict[str, Department] = {}
    sections: list[str] = list(DEFAULT_SECTIONS)
