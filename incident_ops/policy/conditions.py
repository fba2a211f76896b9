"""The `when:` language of classification and escalation rules (SPEC §4).

A condition maps dotted front-matter paths to a literal (equality; membership for a
list field) or to an operator map. All conditions of a rule must hold. Paths are checked
against the Incident model when the policy loads, so a typo is a policy error, not a
rule that silently never matches.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, get_args, get_origin

from pydantic import BaseModel

from incident_ops.domain.incident import Incident

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
    for part in path.split("."):
        if isinstance(value, list):
            value = [getattr(item, part, None) for item in value]
        else:
            value = getattr(value, part, None)
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
    model: Any = Incident
    for part in path.split("."):
        if model is None or part not in model.model_fields:
            return f"unknown field {path!r} in condition"
        model = _field_model(model.model_fields[part].annotation)
    return None


def check_when(when: Any) -> list[tuple[str, str]]:
    """Problems of a `when:` mapping as (key, message) pairs, for the policy loader."""
    if not isinstance(when, dict):
        return [("", "`when` must be a mapping of field paths to values")]
    problems: list[tuple[str, str]] = []
    for path, expected in when.items():
        message = check_path(str(path))
        if message:
            problems.append((path, message))
        if not isinstance(expected, dict):
            continue
        for op, arg in expected.items():
            if op not in OPERATORS:
                names = " ".join(OPERATORS)
                problems.append((path, f"unknown operator {op!r} (use one of: {names})"))
            elif op in ("in", "not_in") and not isinstance(arg, list):
                problems.append((path, f"operator {op!r} needs a list"))
            elif op == "exists" and not isinstance(arg, bool):
                problems.append((path, "operator 'exists' needs true or false"))
    return problems
