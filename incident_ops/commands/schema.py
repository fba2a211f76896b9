"""`incident-ops schema`: JSON Schemas of incident front matter and policy files."""

from __future__ import annotations

import json

import click
from pydantic import BaseModel

from incident_ops.domain.incident import Incident
from incident_ops.policy.model import PolicyModel
from incident_ops.workspace.config import ConfigModel

DIALECT = "https://json-schema.org/draft/2020-12/schema"
KINDS: dict[str, tuple[type[BaseModel], str]] = {
    "incident": (Incident, "incident-ops incident front matter"),
    "policy": (PolicyModel, "incident-ops policies (policies/*.yaml, merged)"),
    "config": (ConfigModel, "incident-ops.yaml"),
}


def json_schema(kind: str) -> dict[str, object]:
    """The JSON Schema (2020-12) of one kind of file, for editors and other tools."""
    model, title = KINDS[kind]
    schema = model.model_json_schema(by_alias=True)
    return {"$schema": DIALECT, **schema, "title": title}


@click.command("schema")
@click.option(
    "--kind",
    type=click.Choice([*KINDS, "all"]),
    default="all",
    show_default=True,
    help="Which schema; 'all' prints an object with one schema per kind.",
)
def schema(kind: str) -> int:
    """Print the JSON Schema of incidents and policies (for editors).

    \b
    Example (VS Code with the YAML extension):
      incident-ops schema --kind incident > .incident-ops/incident.schema.json
    """
    kinds = list(KINDS) if kind == "all" else [kind]
    document = {k: json_schema(k) for k in kinds} if kind == "all" else json_schema(kind)
    click.echo(json.dumps(document, indent=2, ensure_ascii=False))
    return 0


COMMANDS = {"schema": schema}
