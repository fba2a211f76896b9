"""`incident-ops schema`: JSON Schemas of incident front matter, one policy file and
`incident-ops.yaml`, for editors — each a schema on its own, no wrapper.

The schemas say what `validate` accepts, value for value (a property test checks it on
mutated incidents): strict types, RFC 3339 timestamps, and `null` wherever the validator
treats it as absent. The policy schema is that of *one* file, every top-level key
optional: what only the merged policy can tell (every key in one file only, a `default`
calendar, names that must exist) stays the validator's check.
"""

from __future__ import annotations

import json
import os
from typing import Any

import click
from pydantic import BaseModel

from incident_ops.domain.incident import Incident
from incident_ops.domain.timestamps import DATE_SCHEMA, TIMESTAMP_SCHEMA
from incident_ops.errors import ConfigError
from incident_ops.policy.model import PolicyModel
from incident_ops.workspace.config import ConfigModel

DIALECT = "https://json-schema.org/draft/2020-12/schema"
KINDS: dict[str, tuple[type[BaseModel], str, str]] = {
    "incident": (
        Incident,
        "incident-ops incident front matter",
        "The YAML front matter of one incident file (SPEC §3). null means absent.",
    ),
    "policy": (
        PolicyModel,
        "incident-ops policy file (policies/*.yaml)",
        "One policy file; the files are merged by top-level key, each key in one file "
        "only (SPEC §4). Cross-file checks — a `default` calendar, names that must exist — "
        "are made by `incident-ops validate`.",
    ),
    "config": (ConfigModel, "incident-ops.yaml", "The repository's configuration (SPEC §2)."),
}
FILES = {kind: f"{kind}.schema.json" for kind in KINDS}
# name → (the schema pydantic writes inline, its one shared definition)
_SHARED = {
    "Timestamp": (
        TIMESTAMP_SCHEMA,
        {
            **TIMESTAMP_SCHEMA,
            "description": "RFC 3339 date-time: date, T, time with seconds, offset Z or ±HH:MM.",
        },
    ),
    "Date": (DATE_SCHEMA, {**DATE_SCHEMA, "description": "A calendar date, YYYY-MM-DD."}),
}
_META = ("title", "description", "default", "examples")


def _allows_null(schema: dict[str, Any]) -> bool:
    kinds = schema.get("type")
    if kinds == "null" or (isinstance(kinds, list) and "null" in kinds):
        return True
    return any(_allows_null(option) for option in schema.get("anyOf", ()))


def _nullable_optionals(schema: Any) -> None:
    """Let every optional property of every object be null: the validator drops null
    values of known keys (`key: null` means absent), so an editor must not flag them."""
    if isinstance(schema, list):
        for item in schema:
            _nullable_optionals(item)
    if not isinstance(schema, dict):
        return
    required = set(schema.get("required", ()))
    for name, prop in schema.get("properties", {}).items():
        if name not in required and isinstance(prop, dict) and not _allows_null(prop):
            meta = {key: prop.pop(key) for key in _META if key in prop}
            schema["properties"][name] = {"anyOf": [prop, {"type": "null"}], **meta}
    for value in schema.values():
        _nullable_optionals(value)


def _shared_refs(schema: Any) -> Any:
    """The inline timestamp and date schemas replaced by `$ref`s to one definition each."""
    if isinstance(schema, list):
        return [_shared_refs(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    for name, (inline, _definition) in _SHARED.items():
        if schema == inline:
            return {"$ref": f"#/$defs/{name}"}
    return {key: _shared_refs(value) for key, value in schema.items()}


def json_schema(kind: str) -> dict[str, Any]:
    """The JSON Schema (2020-12) of one kind of file, for editors and other tools."""
    model, title, description = KINDS[kind]
    schema = model.model_json_schema(by_alias=True)
    if kind == "incident":
        _nullable_optionals(schema)
    if kind == "policy":
        schema.pop("required", None)  # one file need not hold every key
    if kind == "config":  # `validate` refuses a rule id it does not know (a typo)
        from incident_ops.lint.levels import known_rules

        schema["properties"]["rules"]["propertyNames"] = {"enum": list(known_rules())}
    schema = _shared_refs(schema)
    used = json.dumps(schema)
    defs = {name: shared for name, (_, shared) in _SHARED.items() if f"#/$defs/{name}" in used}
    if defs:
        schema["$defs"] = {**schema.get("$defs", {}), **defs}
    return {"$schema": DIALECT, **schema, "title": title, "description": description}


def render(kind: str) -> str:
    """The schema as the command prints it and `schemas/*.json` hold it."""
    return json.dumps(json_schema(kind), indent=2, ensure_ascii=False) + "\n"


@click.command("schema")
@click.option(
    "--kind",
    type=click.Choice(list(KINDS)),
    default=None,
    help="Print the schema of one kind of file: incident front matter, one policy file, "
    "or incident-ops.yaml.",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False),
    default=None,
    metavar="DIR",
    help="Write every schema (or --kind's) into DIR as KIND.schema.json instead.",
)
def schema(kind: str | None, out: str | None) -> int:
    """Print or write the JSON Schemas editors use to check and complete the files.

    Each output is one schema (JSON Schema 2020-12). Commit them, e.g. to schemas/, and
    point the editor at them; in VS Code with the YAML extension, .vscode/settings.json:

    \b
      incident-ops schema --out schemas
      {"yaml.schemas": {"schemas/policy.schema.json": ["policies/*.yaml"],
                        "schemas/config.schema.json": ["incident-ops.yaml"]}}

    YAML editors do not check front matter inside Markdown, so incident files are
    checked by `incident-ops validate` — in CI and by the pre-commit hook
    (.pre-commit-hooks.yaml); schemas/incident.schema.json is for other tools.

    \b
    Examples:
      incident-ops schema --kind policy
      incident-ops schema --out schemas
    """
    if kind is None and out is None:
        raise click.UsageError("name a schema with --kind incident|policy|config, or --out DIR")
    kinds = [kind] if kind else list(KINDS)
    if out is None:
        click.echo(render(kinds[0]), nl=False)
        return 0
    for name in kinds:
        path = os.path.join(out, FILES[name])
        try:
            os.makedirs(out, exist_ok=True)
            with open(path, "w", encoding="utf-8") as handle:
                handle.write(render(name))
        except OSError as error:
            raise ConfigError(f"--out {out}: cannot write {path}: {error.strerror}") from None
        click.echo(path)
    return 0


COMMANDS = {"schema": schema}
