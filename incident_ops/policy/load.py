"""Load `policies/*.yaml`, merge by top-level key, validate once into a Policy.

Every problem — YAML, schema, or a name that refers to nothing — becomes a PolicyError
naming file:line; the CLI turns it into exit 2 in one place.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from typing import Any

from pydantic import ValidationError

from incident_ops.domain.durations import Duration
from incident_ops.domain.incident import TIMESTAMP_FIELDS
from incident_ops.errors import PolicyError
from incident_ops.parse.source import SourceError, read_source
from incident_ops.parse.validation import Loc, problems
from incident_ops.parse.yamltree import Tree, YamlProblem, parse
from incident_ops.policy.calendars import MAX_IDLE_DAYS, Calendar, parse_days, parse_hours
from incident_ops.policy.conditions import check_when
from incident_ops.policy.holidaystore import HolidayStore
from incident_ops.policy.model import RECURRENCE_MATCH, CalendarSpec, PolicyModel, Severity

Located = tuple[Loc, str]


@dataclass(frozen=True)
class Policy:
    """The validated policy plus the lookups every rule needs, built once."""

    model: PolicyModel
    calendars: dict[str, Calendar]

    @cached_property
    def severity_rank(self) -> dict[str, int]:
        """0 for the most severe level (policies list them most severe first)."""
        return {name: rank for rank, name in enumerate(self.model.severities)}

    @cached_property
    def vip(self) -> frozenset[str]:
        return frozenset(self.model.customers.vip)

    def severity(self, name: str) -> Severity | None:
        return self.model.severities.get(name)

    def calendar(self, name: str | None = None) -> Calendar:
        """A named calendar, `default` when unnamed."""
        return self.calendars[name or "default"]

    def department_calendar(self, department: str | None) -> Calendar:
        """The calendar a department's deadlines count in (SPEC §4), else `default`."""
        dept = self.model.departments.get(department or "")
        return self.calendars[dept.calendar] if dept else self.calendars["default"]


def _read_tree(abspath: str, relpath: str) -> Tree:
    try:
        text, problems = read_source(abspath)
    except SourceError as error:
        raise PolicyError.at(relpath, error.problem.line, error.problem.message) from None
    if problems:
        raise PolicyError([(relpath, p.line, p.message) for p in problems])
    try:
        return parse(text)
    except YamlProblem as problem:
        raise PolicyError.at(relpath, problem.line, problem.message) from None


def policy_files(directory: str) -> list[str]:
    """The policy files of a directory, in a stable order."""
    try:
        names = os.listdir(directory)
    except OSError:
        return []
    return sorted(os.path.join(directory, n) for n in names if n.endswith((".yaml", ".yml")))


def load_policy(directory: str, root: str, cache_dir: str | None = None) -> Policy:
    """Read, merge and validate every policy file of `directory`; holiday tables are
    remembered in `cache_dir` (default: the cache folder of the repository at `root`)."""
    rel_dir = os.path.relpath(directory, root)
    files = policy_files(directory)
    if not files:
        raise PolicyError.at(rel_dir, 1, "no policy files (*.yaml) found")
    merged: dict[str, Any] = {}
    owners: dict[str, tuple[str, Tree]] = {}
    for abspath in files:
        relpath = os.path.relpath(abspath, root)
        tree = _read_tree(abspath, relpath)
        if tree.value is None:
            continue
        if not isinstance(tree.value, dict):
            raise PolicyError.at(relpath, 1, "a policy file must be a mapping of top-level keys")
        for key, value in tree.value.items():
            if key in owners:
                first = owners[key][0]
                line = tree.lines[(key,)]
                raise PolicyError.at(relpath, line, f"{key!r} is already defined in {first}")
            owners[key] = (relpath, tree)
            merged[key] = value
    if cache_dir is None:
        from incident_ops.workspace.cachedir import cache_dir as repo_cache

        cache_dir = repo_cache(root)
    store = HolidayStore(os.path.join(cache_dir, "holidays.json"))
    return _validate(merged, owners, rel_dir, store)


def _locate(loc: Loc, owners: dict[str, tuple[str, Tree]], rel_dir: str) -> tuple[str, int]:
    if loc and loc[0] in owners:
        relpath, tree = owners[str(loc[0])]
        return relpath, tree.line_of(loc)
    return rel_dir, 1


def _validate(
    merged: dict[str, Any], owners: dict[str, tuple[str, Tree]], rel_dir: str, store: HolidayStore
) -> Policy:
    try:
        model = PolicyModel.model_validate(merged)
    except ValidationError as error:
        found = []
        for _line, loc, message in problems(error, None):
            path, line = _locate(loc[:-1] if "missing" in message else loc, owners, rel_dir)
            found.append((path, line, message))
        raise PolicyError(found) from None
    calendars, located = _build_calendars(model, store)
    located += _cross_references(model)
    if not located:
        located += _horizons(model, calendars)
    if located:
        raise PolicyError([(*_locate(loc, owners, rel_dir), msg) for loc, msg in located])
    return Policy(model, calendars)


def _build_calendars(
    model: PolicyModel, store: HolidayStore
) -> tuple[dict[str, Calendar], list[Located]]:
    calendars: dict[str, Calendar] = {}
    located: list[Located] = []
    if "default" not in model.calendars:
        located.append((("calendars",), "a calendar named 'default' is required"))
    for name, spec in model.calendars.items():
        base: Loc = ("calendars", name)
        for key, check in (("days", parse_days), ("hours", parse_hours)):
            try:
                check(getattr(spec, key))
            except ValueError as error:
                located.append(((*base, key), str(error)))
        try:
            holidays = spec.holidays
            calendars[name] = Calendar.build(
                name, spec.timezone, spec.days, spec.hours,
                holidays.country, holidays.subdiv, holidays.dates, store,
            )  # fmt: skip
        except ValueError as error:
            if not any(loc[:2] == base for loc, _ in located):
                located.append((_calendar_error_loc(base, spec, str(error)), str(error)))
    return calendars, located


HORIZON_DAYS = MAX_IDLE_DAYS
"""Every duration of a policy must fall due within this many days: a deadline years away is
a typo (`100000bh`), and counting it out working period by working period would take
minutes and end beyond the last representable date."""


def _days_needed(duration: Duration, calendar: Calendar, working: bool = False) -> float:
    """About how many calendar days `duration` spans (in `calendar` when it counts working
    time: `working` makes m/h/d count as working time too, as an escalation's `calendar:`)."""
    if not (duration.business or working):
        return duration.minutes / (24 * 60)
    if duration.unit == "bd" or duration.unit == "d":
        minutes = duration.amount * calendar.working_minutes_per_day
    else:
        minutes = calendar.business_minutes(duration) if duration.business else duration.minutes
    per_week = calendar.working_minutes_per_day * len(calendar.days)
    return 7 * minutes / per_week if per_week else float("inf")


def _horizons(model: PolicyModel, calendars: dict[str, Calendar]) -> list[Located]:
    """Calendars without working time, and durations beyond HORIZON_DAYS."""
    found: list[Located] = []
    now = datetime.now(UTC).replace(microsecond=0)
    for name, calendar in calendars.items():
        try:  # holidays may leave no working day at all, whatever `days` and `hours` say
            calendar.add(now, Duration(1, "bh"))
        except ValueError:
            message = (
                f"calendar {name!r} has no working time in the next {HORIZON_DAYS // 366} "
                "years (every working day is a holiday): nothing counted in it falls due"
            )
            found.append((("calendars", name), message))
    if found:
        return found
    default = calendars["default"]
    checks: list[tuple[Loc, Duration, Calendar, bool]] = []
    for sev, severity in model.severities.items():
        for key, value in severity.targets:
            if value is not None:
                checks.append((("severities", sev, "targets", key), value, default, False))
    for i, rule in enumerate(model.escalations):
        if rule.calendar is not None:
            calendar, working = calendars[rule.calendar], True
        else:
            dept = model.departments.get(rule.department)
            calendar, working = calendars[dept.calendar if dept else "default"], False
        checks.append((("escalations", i, "within"), rule.within, calendar, working))
    if model.recurrence is not None:
        checks.append((("recurrence", "window"), model.recurrence.window, default, False))
    for loc, duration, calendar, working in checks:
        days = _days_needed(duration, calendar, working)
        if days > HORIZON_DAYS:
            where = f" of working time in calendar {calendar.name!r}" if (
                duration.business or working
            ) else ""  # fmt: skip
            found.append(
                (
                    loc,
                    f"{duration} spans about {days / 365.25:.0f} years{where}; "
                    f"durations must fall due within {HORIZON_DAYS // 366} years",
                )
            )
    return found


def _calendar_error_loc(base: Loc, spec: CalendarSpec, message: str) -> Loc:
    """The key a calendar build error is about: timezone, holiday country or subdivision."""
    if "timezone" in message:
        return (*base, "timezone")
    if spec.holidays.subdiv is not None and "subdiv" in message:
        return (*base, "holidays", "subdiv")
    if spec.holidays.country is not None:
        return (*base, "holidays", "country")
    return (*base, "holidays")


def _names(loc: Loc, names: list[str], known: dict[str, Any], what: str) -> list[Located]:
    return [
        ((*loc, i), f"unknown {what} {name!r} (known: {', '.join(known) or 'none'})")
        for i, name in enumerate(names)
        if name not in known
    ]


def _cross_references(model: PolicyModel) -> list[Located]:
    """Every severity, department, calendar and field a policy names must exist."""
    sev, depts, cals = model.severities, model.departments, model.calendars
    found: list[Located] = []
    for name, severity in sev.items():
        found += _names(
            ("severities", name, "departments"), severity.departments, depts, "department"
        )
    for name, category in model.categories.items():
        found += _names(
            ("categories", name, "departments"), category.departments, depts, "department"
        )
    for name, dept in depts.items():
        found += _names(("departments", name, "calendar"), [dept.calendar], cals, "calendar")
    for i, classify in enumerate(model.classification):
        base: Loc = ("classification", i)
        found += _names((*base, "severity"), [classify.severity], sev, "severity")
        found += _names((*base, "departments"), classify.departments, depts, "department")
        found += [((*base, "when", key), msg) for key, msg in check_when(classify.when)]
    for i, escalate in enumerate(model.escalations):
        base = ("escalations", i)
        found += _names((*base, "severities"), escalate.severities, sev, "severity")
        found += _names((*base, "department"), [escalate.department], depts, "department")
        if escalate.calendar is not None:
            found += _names((*base, "calendar"), [escalate.calendar], cals, "calendar")
        if escalate.from_ not in TIMESTAMP_FIELDS:
            found.append(((*base, "from"), f"'from' must be one of {', '.join(TIMESTAMP_FIELDS)}"))
        if escalate.when is not None:
            found += [((*base, "when", key), msg) for key, msg in check_when(escalate.when)]
    if model.recurrence is not None:
        for i, path in enumerate(model.recurrence.match):
            if path not in RECURRENCE_MATCH:
                message = (
                    f"recurrence cannot match on {path!r} (use: {', '.join(RECURRENCE_MATCH)})"
                )
                found.append((("recurrence", "match", i), message))
    return [(tuple(p for p in loc if p != ""), msg) for loc, msg in found]
