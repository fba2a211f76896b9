"""The `when:` language of classification and escalation rules (SPEC §4).

A condition maps dotted front-matter paths to a literal (equality; membership for a
list field) or to an operator map. All conditions of a rule must hold. Paths are checked
against the Incident model when the policy loads, so a typo is a policy error, not a
rule that silently never matches; so is a value that can never match its field (the text
`yes` for a boolean: YAML 1.2 reads it as text). Timestamp and date values are written as
in incidents (RFC 3339 text) and compared as instants and dates.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from functools import lru_cache
from types import UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from incident_ops.domain.incident import Incident
from incident_ops.domain.timestamps import (
    DATE_EXAMPLE,
    TIMESTAMP_EXAMPLE,
    TimestampError,
    parse_date,
    parse_timestamp,
)

Operator = Callable[[Any, Any], bool]


def _compare(test: Callable[[Any, Any], bool]) -> Operator:
    def run(actual: Any, expected: Any) -> bool:
        values = actual if isinstance(actual, list) else [actual]
        try:
            return any(v is not None and test(v, expected) for v in values)
        except TypeError:
            return False

    return run


def _equals(actual: Any, expected: Any) -> bool:
    if isinstance(actual, list) and not isinstance(expected, list):
        return expected in actual
    return bool(actual == expected)


def _is_in(actual: Any, expected: Any) -> bool:
    values = actual if isinstance(actual, list) else [actual]
    return any(v in expected for v in values)


def _contains(actual: Any, expected: Any) -> bool:
    if isinstance(actual, list | str):
        return expected in actual if isinstance(actual, list) else str(expected) in actual
    return False


def _exists(actual: Any, expected: Any) -> bool:
    present = actual is not None and actual != [] and actual != ""
    return present == bool(expected)


OPERATORS: dict[str, Operator] = {
    "eq": _equals,
    "ne": lambda a, e: not _equals(a, e),
    "gt": _compare(lambda a, e: a > e),
    "gte": _compare(lambda a, e: a >= e),
    "lt": _compare(lambda a, e: a < e),
    "lte": _compare(lambda a, e: a <= e),
    "in": _is_in,
    "not_in": lambda a, e: not _is_in(a, e),
    "contains": _contains,
    "exists": _exists,
}


def resolve(incident: Incident, path: str, vip: frozenset[str] = frozenset()) -> Any:
    """The value at a dotted path; through a list of models, the list of their values."""
    if path == "impact.vip_affected" and vip and not incident.impact.vip_affected:
        return any(customer in vip for customer in incident.customers)
    value: Any = incident
    for part in _parts(path):
        if isinstance(value, list):
            value = [getattr(item, part, None) for item in value]
        else:
            value = getattr(value, part, None)
    return value


@lru_cache(maxsize=1024)
def _parts(path: str) -> tuple[str, ...]:
    """A dotted path's parts, split once (conditions are evaluated for every incident)."""
    return tuple(path.split("."))


@lru_cache(maxsize=256)
def _when_text(text: str) -> Any:
    """Timestamp or date text of a condition as a value (the text itself if neither)."""
    try:
        return parse_timestamp(text)
    except TimestampError:
        pass
    try:
        return parse_date(text)
    except ValueError:
        return text


def typed_when(when: dict[str, Any]) -> dict[str, Any]:
    """`when` with the timestamp text of timestamp fields and the date text of date fields
    read as values, once when the policy loads (YAML 1.2 gives conditions text, incidents
    give values); text that does not parse stays text, for `check_when` to report."""
    typed: dict[str, Any] = {}
    for path, expected in when.items():
        kinds, _ = _scalar_kinds(field_type(str(path)))
        kind = datetime if datetime in kinds else date if date in kinds else None
        if kind is None:
            typed[path] = expected
        elif isinstance(expected, dict):
            typed[path] = {op: _typed(arg, kind) for op, arg in expected.items()}
        else:
            typed[path] = _typed(expected, kind)
    return typed


def _typed(value: Any, kind: type) -> Any:
    """Text read as a value of `kind` (datetime or date) where it parses as one."""
    if isinstance(value, list):
        return [_typed(item, kind) for item in value]
    if isinstance(value, str):
        parsed = _when_text(value)
        return parsed if type(parsed) is kind else value
    return value


def matches(when: Mapping[str, Any], incident: Incident, vip: frozenset[str] = frozenset()) -> bool:
    """Whether every condition of `when` holds for the incident."""
    for path, expected in when.items():
        actual = resolve(incident, path, vip)
        if isinstance(expected, dict):
            if not all(OPERATORS[op](actual, arg) for op, arg in expected.items()):
                return False
        elif not _equals(actual, expected):
            return False
    return True


def _field_model(annotation: Any) -> Any:
    """The model class behind `Model`, `Model | None` or `list[Model]`, else None."""
    for candidate in (annotation, *get_args(annotation)):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
        if get_origin(candidate) is list:
            return _field_model(get_args(candidate)[0])
    return None


def check_path(path: str) -> str | None:
    """An error message when `path` names no front-matter field, else None."""
    return None if field_type(path) is not _UNKNOWN else f"unknown field {path!r} in condition"


_UNKNOWN = object()


def field_type(path: str) -> Any:
    """The annotation of the leaf field a dotted path names (through lists of models),
    `_UNKNOWN` when it names none."""
    model: Any = Incident
    annotation: Any = _UNKNOWN
    for part in path.split("."):
        if model is None or part not in model.model_fields:
            return _UNKNOWN
        annotation = model.model_fields[part].annotation
        model = _field_model(annotation)
    return annotation


def _scalar_kinds(annotation: Any) -> tuple[set[type], tuple[Any, ...]]:
    """The Python types a field's values have (list items for a list field), and the
    allowed values when the field is an enumeration (Literal)."""
    kinds: set[type] = set()
    allowed: list[Any] = []
    pending = [annotation]
    while pending:
        current = pending.pop()
        origin = get_origin(current)
        if origin is Literal:
            allowed += get_args(current)
            kinds |= {type(value) for value in get_args(current)}
        elif origin is list or origin in (Union, UnionType) or origin is Annotated:
            args = get_args(current)
            pending += args[:1] if origin is Annotated else list(args)
        elif isinstance(current, type) and current is not type(None):
            kinds.add(current)
    return kinds, tuple(allowed)


def _operand_problem(path: str, value: Any, annotation: Any) -> str | None:
    """Why `value` can never equal or compare with the field's values (None: it can)."""
    kinds, allowed = _scalar_kinds(annotation)
    if not kinds or any(issubclass(kind, BaseModel) for kind in kinds):
        return None
    if datetime in kinds and isinstance(value, str):  # YAML 1.2: timestamps are text
        if isinstance(_when_text(value), datetime):
            return None
        return (
            f"{path} holds timestamps, so {value!r} can never match; write e.g. {TIMESTAMP_EXAMPLE}"
        )
    if date in kinds and isinstance(value, str):  # … and so are dates
        if type(_when_text(value)) is date:
            return None
        return f"{path} holds dates, so {value!r} can never match; write e.g. {DATE_EXAMPLE}"
    ok = any(
        isinstance(value, kind) and not (kind is int and isinstance(value, bool)) for kind in kinds
    )
    names = " or ".join(sorted(_TYPE_NAMES.get(kind, kind.__name__) for kind in kinds))
    if not ok:
        return f"{path} holds {names}, so {value!r} can never match"
    if allowed and value not in allowed:
        return f"{path} is one of {', '.join(map(str, allowed))}; {value!r} can never match"
    return None


_TYPE_NAMES = {
    bool: "true/false",
    int: "whole numbers",
    str: "text",
    datetime: "timestamps",
    date: "dates",
}


def check_when(when: Any) -> list[tuple[str, str]]:
    """Problems of a `when:` mapping as (key, message) pairs, for the policy loader."""
    if not isinstance(when, dict):
        return [("", "`when` must be a mapping of field paths to values")]
    problems: list[tuple[str, str]] = []
    for path, expected in when.items():
        annotation = field_type(str(path))
        if annotation is _UNKNOWN:
            problems.append((path, f"unknown field {path!r} in condition"))
            continue
        if not isinstance(expected, dict):
            message = _operand_problem(str(path), expected, annotation)
            if message:
                problems.append((path, message))
            continue
        for op, arg in expected.items():
            if op not in OPERATORS:
                names = " ".join(OPERATORS)
                problems.append((path, f"unknown operator {op!r} (use one of: {names})"))
            elif op in ("in", "not_in") and not isinstance(arg, list):
                problems.append((path, f"operator {op!r} needs a list"))
            elif op == "exists" and not isinstance(arg, bool):
                problems.append((path, "operator 'exists' needs true or false"))
            elif op != "exists":
                for item in arg if op in ("in", "not_in") else [arg]:
                    message = _operand_problem(str(path), item, annotation)
                    if message:
                        problems.append((path, f"{op}: {message}"))
    return problems
