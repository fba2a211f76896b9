"""`validate` and the JSON Schema agree on every incident front matter.

Valid incidents are mutated — wrong types, enums, nulls, timestamp variants, unknown keys,
deleted keys, YAML 1.1-only scalars (`yes`, `on`, `12:30`, `0o17`, `1_000`, `.inf`, `~`) —
and written out as YAML text. Then:

- `validate`'s verdict: whether the file gets a `syntax` or `schema` finding (the real
  parse: libyaml + the YAML 1.2 core resolver + the strict models);
- the schema's verdict: the front matter read as an editor reads it (`tests.yaml12`:
  ruamel.yaml, YAML 1.2 core schema) and checked by `jsonschema` against
  `incident-ops schema --kind incident`, with `format` checking on (date-time, date).

They must be the same on every example. Not generated: text ending in a line break —
Python's `re` lets `$` match before a final newline, ECMA-262 (editors) does not, so
`jsonschema` in Python would accept `"INC-2026-0001\\n"` where an editor and `validate`
refuse it.
"""

from __future__ import annotations

import copy
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from incident_ops.commands.schema import json_schema
from incident_ops.parse.document import Document, parse_text
from incident_ops.workspace.load import load_incident
from tests import yaml12

VALIDATOR = jsonschema.Draft202012Validator(
    json_schema("incident"), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
)
BODY = "\n## Summary\nText.\n"


class Raw(str):
    """A scalar exactly as written in the YAML text."""


# --- scalar tokens, as written ---------------------------------------------------------
YAML11_ONLY = ["yes", "no", "on", "off", "y", "n", "Yes", "NO", "On", "12:30", "1:20:30",
               "0o17", "017", "0b11", "0x1F", "1_000", "+12", ".inf", "-.inf", ".nan", "~",
               "null", "Null", "", "<<x", "=", "2026-11-20"]  # fmt: skip
SCALARS = ["true", "false", "True", "FALSE", "tRue", "0", "12", "-3", "12.0", "12.5", "1e3",
           "1.", ".5", "340", "99999999999999999999", '"12"', '"true"', "'yes'", '""',
           "Billing down", "x", "café ☕", "'quoted: text'", "@alice", "@", "-1"]  # fmt: skip
TIMESTAMPS = [
    "2026-11-20T09:12:00+01:00", "2026-11-20t09:12:00z", "2026-11-20T08:12:00Z",
    "2026-11-20T09:12:00.5+01:00", "2026-11-20T09:12:00.123456789-05:30",
    '"2026-11-20T09:12:00+01:00"', "2026-11-20 09:12:00+01:00", "2026-11-20T9:12:00+01:00",
    "2026-11-20T09:12+01:00", "2026-11-20T09:12:00+01", "2026-11-20T09:12:00+0100",
    "2026-11-20T09:12:00", "2026-11-20T09:12:00 +01:00", "2026-02-30T09:12:00Z",
    "2024-02-29T09:12:00Z", "2026-11-20T24:00:00Z", "2026-11-20T23:59:60Z",
    "0000-01-01T00:00:00Z", "2026-13-01T00:00:00Z", "2026-11-20T09:12:00+24:00",
    "2026-11-20T09:12:00-00:00", "２０２６-11-20T09:12:00Z", "20261120", "1764892800",
    "1764892800.5", "2026-11-20",
]  # fmt: skip
DATES = ["2026-12-05", "2026-12-32", "2024-02-29", "2026-02-29", "0000-01-01", "2026-1-5",
         "'2026-12-05'", "2026-12-05T00:00:00Z", "20261205"]  # fmt: skip
ENUMS = ["reported", "investigating", "closed", "cancelled", "sleeping", "Closed",
         "monitoring", "security-log", "customers", "management", "status-page", "email",
         "configuration", "unknown", "technical", "training", "open", "done",
         "wont-do"]  # fmt: skip
IDS = ["INC-2026-0001", "INC-2026-123456", "INC-٢٠٢٦-0001", "inc-2026-0001", "INC-26-1",
       "INC-2026-001", "OPS-2026-0042", "INC_2026_0001"]  # fmt: skip
STRUCTURES = ["[]", "{}", "[a, b]", "[12, on]", "{a: 1}", "[~]", "[{}]"]
TOKENS = YAML11_ONLY + SCALARS + TIMESTAMPS + DATES + ENUMS + IDS + STRUCTURES

# --- valid incidents -------------------------------------------------------------------
_TS = st.sampled_from(["2026-11-20T09:12:00+01:00", "2026-11-20T08:00:00Z",
                       "2026-11-19T23:59:59.5-05:00", '"2026-11-20T10:00:00+01:00"'])  # fmt: skip
_TEXT = st.sampled_from(["Billing down", "Mail relay delays", "'on'", '"12:30"', "ok"])


def _maybe(draw: st.DrawFn, front: dict[str, Any], key: str, value: Any) -> None:
    if draw(st.booleans()):
        front[key] = value


@st.composite
def incidents(draw: st.DrawFn) -> dict[str, Any]:
    """A valid front matter: required keys and any of the optional ones."""
    front: dict[str, Any] = {
        "id": Raw("INC-2026-0001"),
        "title": Raw(draw(_TEXT)),
        "status": Raw(draw(st.sampled_from(["reported", "acknowledged", "resolved"]))),
        "severity": Raw("SEV1"),
        "category": Raw("service-failure"),
        "detected_at": Raw(draw(_TS)),
    }
    _maybe(draw, front, "source", Raw(draw(st.sampled_from(["monitoring", "vendor", "~"]))))
    _maybe(draw, front, "reporter", Raw('"@alice"'))
    _maybe(draw, front, "services", [Raw("billing-db"), Raw("mail")])
    _maybe(draw, front, "customers", [Raw("acme-bank")])
    impact = {
        key: Raw(draw(st.sampled_from(["true", "false"])))
        for key in draw(st.sets(st.sampled_from(["full_outage", "data_loss", "vip_affected"])))
    }
    if draw(st.booleans()):
        impact["customers_affected"] = Raw(draw(st.sampled_from(["0", "340", "12.0"])))
    _maybe(draw, front, "impact", impact)
    _maybe(draw, front, "acknowledged_at", Raw(draw(_TS)))
    _maybe(draw, front, "closed_at", Raw("null"))
    escalation = {"department": Raw("management"), "at": Raw(draw(_TS))}
    _maybe(draw, escalation, "by", Raw('"@bob"'))
    _maybe(draw, front, "escalations", [escalation])
    update = {"at": Raw(draw(_TS)), "audience": Raw("customers"), "channel": Raw("chat"),
              "summary": Raw(draw(st.sampled_from(["Investigating", "12:30", "on"])))}  # fmt: skip
    _maybe(draw, update, "final", Raw(draw(st.sampled_from(["true", "false"]))))
    _maybe(draw, front, "updates", [update])
    cause = {"category": Raw("configuration")}
    _maybe(draw, cause, "summary", Raw("Failover script"))
    _maybe(draw, front, "root_cause", cause)
    action = {"id": Raw("A1"), "title": Raw("Alert on lag")}
    _maybe(draw, action, "due", Raw("2026-12-05"))
    _maybe(draw, action, "status", Raw(draw(st.sampled_from(["open", "done"]))))
    _maybe(draw, action, "done_at", Raw(draw(_TS)))
    _maybe(draw, front, "actions", [action])
    _maybe(draw, front, "related", [Raw("INC-2026-0031")])
    return front


# --- writing YAML ----------------------------------------------------------------------
def _flow(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    return str(value) or "~"  # an empty scalar cannot stand in a flow collection


def _block(mapping: dict[str, Any], indent: int = 0) -> list[str]:
    pad = " " * indent
    lines: list[str] = []
    for key, value in mapping.items():
        if isinstance(value, dict) and value:
            lines += [f"{pad}{key}:", *_block(value, indent + 2)]
        elif isinstance(value, list) and value and all(isinstance(v, dict) and v for v in value):
            lines.append(f"{pad}{key}:")
            for item in value:
                first, *rest = _block(item, indent + 4)
                lines += [f"{pad}  - {first.lstrip()}", *rest]
        else:
            lines.append(f"{pad}{key}: {_flow(value) if isinstance(value, dict | list) else value}")
    return [line.rstrip() for line in lines]


def front_text(front: dict[str, Any]) -> str:
    return "\n".join(_block(front)) + "\n" if front else "{}\n"


# --- the two verdicts ------------------------------------------------------------------
def validate_verdict(text: str) -> tuple[bool, list[str]]:
    """(accepted, messages): no `syntax` or `schema` finding for the file."""
    doc = Document("incidents/2026/INC-2026-0001-x.md")
    parse_text(doc, "---\n" + text + "---\n" + BODY)
    load_incident(doc)
    found = [f"{p.rule}:{p.line}: {p.message}" for p in doc.problems]
    return not found, found


def schema_verdict(text: str) -> tuple[bool, list[str]]:
    """(accepted, messages) of the JSON Schema on the front matter read as YAML 1.2."""
    try:
        value = yaml12.load(text)
    except Exception as error:  # a YAML error: no editor accepts the file either
        return False, [f"YAML: {type(error).__name__}"]
    found = [f"{list(e.absolute_path)}: {e.message}" for e in VALIDATOR.iter_errors(value)]
    return not found, found


def assert_agree(front: dict[str, Any]) -> None:
    text = front_text(front)
    ours, theirs = validate_verdict(text), schema_verdict(text)
    assert ours[0] == theirs[0], (
        f"validate {'accepts' if ours[0] else 'rejects'}, the schema "
        f"{'accepts' if theirs[0] else 'rejects'}:\n{text}\nvalidate: {ours[1]}\n"
        f"schema: {theirs[1]}"
    )


# --- mutations -------------------------------------------------------------------------
Path = tuple[Any, ...]


def _paths(node: Any, prefix: Path = ()) -> list[Path]:
    """Every place in the tree (mapping values and list items), parents first."""
    found: list[Path] = []
    items = node.items() if isinstance(node, dict) else enumerate(node)
    for key, value in items:
        found.append((*prefix, key))
        if isinstance(value, dict | list):
            found += _paths(value, (*prefix, key))
    return found


def _parent(front: dict[str, Any], path: Path) -> Any:
    node: Any = front
    for part in path[:-1]:
        node = node[part]
    return node


def _token(text: str) -> Any:
    """A token as a tree value: structures stay text (they are written as flow YAML)."""
    return Raw(text)


@st.composite
def mutated(draw: st.DrawFn) -> dict[str, Any]:
    front = copy.deepcopy(draw(incidents()))
    for _ in range(draw(st.integers(1, 3))):
        paths = _paths(front)
        operation = draw(st.sampled_from(["replace", "replace", "replace", "delete", "add"]))
        if operation == "add" or not paths:
            mappings = [()] + [p for p in paths if isinstance(_parent(front, (*p, 0)), dict)]
            where = draw(st.sampled_from(mappings))
            target = _parent(front, (*where, None))
            key = draw(st.sampled_from(["severty", "notes", "impact_x", "at", "owner", "id"]))
            if key not in target:
                target[key] = _token(draw(st.sampled_from(TOKENS)))
            continue
        path = draw(st.sampled_from(paths))
        parent = _parent(front, path)
        if operation == "delete":
            del parent[path[-1]]
        else:
            parent[path[-1]] = _token(draw(st.sampled_from(TOKENS)))
    return front


@settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(mutated())
def test_validate_and_the_json_schema_agree_on_mutated_incidents(front):
    assert_agree(front)


@given(incidents())
@settings(max_examples=50, deadline=None)
def test_generated_incidents_are_valid_to_both(front):
    """Guard: the mutations start from incidents both sides accept."""
    text = front_text(front)
    assert validate_verdict(text)[0], validate_verdict(text)[1]
    assert schema_verdict(text)[0], schema_verdict(text)[1]


# Every token in one field of each kind: exhaustive where the random walk may skip some.
FULL: dict[str, Any] = {
    "id": Raw("INC-2026-0001"), "title": Raw("Billing down"), "status": Raw("resolved"),
    "severity": Raw("SEV1"), "category": Raw("service-failure"),
    "detected_at": Raw("2026-11-20T09:12:00+01:00"), "source": Raw("monitoring"),
    "services": [Raw("billing-db")],
    "impact": {"customers_affected": Raw("340"), "full_outage": Raw("true")},
    "resolved_at": Raw("2026-11-20T12:30:00+01:00"),
    "updates": [{"at": Raw("2026-11-20T09:50:00+01:00"), "audience": Raw("customers"),
                 "channel": Raw("status-page"), "summary": Raw("Investigating"),
                 "final": Raw("false")}],
    "root_cause": {"category": Raw("configuration")},
    "actions": [{"id": Raw("A1"), "title": Raw("Alert"), "due": Raw("2026-12-05")}],
}  # fmt: skip
FIELDS: list[Path] = [
    ("id",), ("title",), ("status",), ("detected_at",), ("source",), ("services", 0),
    ("impact",), ("impact", "customers_affected"), ("impact", "full_outage"),
    ("updates", 0, "final"), ("updates", 0, "at"), ("actions", 0, "due"), ("root_cause",),
    ("unknown_key",),
]  # fmt: skip


@pytest.mark.parametrize("path", FIELDS, ids=lambda p: ".".join(map(str, p)))
def test_every_token_in_every_kind_of_field(path):
    for token in TOKENS:
        front = copy.deepcopy(FULL)
        _parent(front, path)[path[-1]] = Raw(token)
        assert_agree(front)
