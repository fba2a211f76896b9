"""tests/fakegithub/cut_openapi.py: the script that cuts GitHub's description down to the subset."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.fakegithub import cut_openapi
from tests.fakegithub.cut_openapi import OPERATIONS, SUBSET_PATH, clean, cut


def test_clean_drops_documentation_but_not_properties_called_so() -> None:
    schema = {
        "type": "object",
        "description": "a label",
        "example": {"name": "bug"},
        "x-github": {"category": "issues"},
        "properties": {
            "description": {"type": "string", "description": "kept: a property's name"},
            "x-custom": {"type": "integer"},
        },
        "discriminator": {"propertyName": "type", "mapping": {"description": "#/x"}},
    }
    assert clean(schema) == {
        "type": "object",
        "properties": {"description": {"type": "string"}, "x-custom": {"type": "integer"}},
        "discriminator": {"propertyName": "type", "mapping": {"description": "#/x"}},
    }


@pytest.mark.parametrize(
    ("schema", "converted"),
    [
        ({"type": "string", "nullable": True}, {"type": ["string", "null"]}),
        (
            {"type": "string", "enum": ["a", "b"], "nullable": True},
            {"type": ["string", "null"], "enum": ["a", "b", None]},
        ),
        (
            {"allOf": [{"$ref": "#/components/schemas/x"}], "nullable": True},
            {"anyOf": [{"allOf": [{"$ref": "#/components/schemas/x"}]}, {"type": "null"}]},
        ),
        ({"type": "integer", "nullable": False}, {"type": "integer"}),
    ],
)
def test_nullable_becomes_openapi_3_1(schema: dict, converted: dict) -> None:
    assert clean(schema) == converted


def _description() -> dict:
    user = {"type": "object", "properties": {"login": {"type": "string"}}}
    return {
        "openapi": "3.0.3",
        "paths": {
            "/users/{username}": {
                "get": {
                    "operationId": "users/get-by-username",
                    "summary": "Get a user",
                    "tags": ["users"],
                    "externalDocs": {"url": "https://docs.github.com"},
                    "parameters": [{"$ref": "#/components/parameters/username"}],
                    "responses": {
                        "200": {
                            "description": "Long prose",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/user"},
                                    "examples": {"default": {"$ref": "#/components/examples/u"}},
                                }
                            },
                            "headers": {"Link": {"$ref": "#/components/headers/link"}},
                        },
                        "404": {"$ref": "#/components/responses/not_found"},
                    },
                    "x-github": {"category": "users"},
                }
            },
            "/zen": {"get": {"operationId": "meta/get-zen", "responses": {}}},
        },
        "components": {
            "schemas": {
                "user": {"allOf": [{"$ref": "#/components/schemas/simple"}]},
                "simple": user,
                "unused": {"type": "string"},
            },
            "parameters": {
                "username": {
                    "name": "username",
                    "in": "path",
                    "required": True,
                    "description": "The handle",
                    "schema": {"type": "string"},
                }
            },
            "headers": {"link": {"example": "<...>", "schema": {"type": "string"}}},
            "examples": {"u": {"value": {}}},
            "responses": {"not_found": {"description": "x"}},
        },
    }


def test_cut_keeps_2xx_and_exactly_the_components_referenced() -> None:
    doc = cut(_description(), ["users/get-by-username"])
    assert doc["openapi"] == "3.1.0" and list(doc["paths"]) == ["/users/{username}"]
    op = doc["paths"]["/users/{username}"]["get"]
    assert set(op) == {"operationId", "summary", "parameters", "responses"}
    assert list(op["responses"]) == ["200"]
    assert op["responses"]["200"]["description"] == "Response"
    assert "examples" not in op["responses"]["200"]["content"]["application/json"]
    assert doc["components"] == {
        "headers": {"link": {"schema": {"type": "string"}, "description": ""}},
        "parameters": {
            "username": {
                "name": "username",
                "in": "path",
                "required": True,
                "schema": {"type": "string"},
            }
        },
        "schemas": {
            "simple": {"type": "object", "properties": {"login": {"type": "string"}}},
            "user": {"allOf": [{"$ref": "#/components/schemas/simple"}]},
        },
    }


def test_unknown_operation_is_named() -> None:
    with pytest.raises(KeyError, match="issues/nope"):
        cut(_description(), ["users/get-by-username", "issues/nope"])


def test_subset_lists_exactly_the_operations_of_the_script() -> None:
    doc = json.loads(SUBSET_PATH.read_text())
    ops = [op["operationId"] for item in doc["paths"].values() for op in item.values()]
    assert sorted(ops) == sorted(OPERATIONS)
    assert "cut_openapi.py" in doc["info"]["description"]


FULL = os.environ.get("OCTOKIT_OPENAPI_JSON")


@pytest.mark.skipif(not FULL, reason="set OCTOKIT_OPENAPI_JSON to generated/api.github.com.json")
def test_subset_is_a_fresh_cut_of_the_full_description() -> None:
    """OCTOKIT_OPENAPI_JSON=/tmp/package/generated/api.github.com.json (npm @octokit/openapi)."""
    assert cut_openapi.main([str(Path(FULL or "")), "--check"]) == 0
