"""Cut GitHub's REST description down to the operations the fake serves: `openapi-subset.json`.

    cd /tmp && npm pack @octokit/openapi@23.0.2 && tar xzf octokit-openapi-23.0.2.tgz
    python -m tests.fakegithub.cut_openapi /tmp/package/generated/api.github.com.json
    python -m tests.fakegithub.cut_openapi /tmp/package/generated/api.github.com.json --check

Adding an operation is one line: append its operationId to OPERATIONS, rerun, then give the fake
a handler for it (`handlers.HANDLERS`). The cut, for every operation listed:

- keeps the path item's operation as it is, with every `components` schema, parameter, header,
  response and request body it `$ref`s, transitively;
- drops `description` (a Response object keeps the required one as "Response", a components
  Header gets ""), `example`, `examples`, `externalDocs`, `tags` and every
  `x-*` key; keeps only the 2xx responses;
- converts OpenAPI 3.0's `nullable: true` to 3.1 (JSON Schema 2020-12): "null" is added to
  `type` (and to `enum`, if any); a nullable schema without `type` becomes
  `{"anyOf": [<schema>, {"type": "null"}]}`;
- applies PATCHES: request bodies whose npm copy carries an Octokit override, restored to the
  upstream github/rest-api-description text; and COMPONENT_PATCHES: a known inaccuracy of the
  description, fixed to what GitHub sends (see each patch's docstring).

Never hand-edit openapi-subset.json: change this script and rerun it.
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

SUBSET_PATH = Path(__file__).with_name("openapi-subset.json")

# One operationId a line, in the order they appear in the subset's `paths`.
OPERATIONS: tuple[str, ...] = (
    "issues/list-for-repo",
    "issues/create",
    "issues/get",
    "issues/update",
    "issues/list-comments",
    "issues/create-comment",
    "issues/list-labels-for-repo",
    "issues/create-label",
    "issues/add-labels",
    "pulls/get",
    "pulls/list-files",
    "pulls/list-reviews",
    "issues/add-assignees",
    "repos/get",
    "search/issues-and-pull-requests",
    "teams/list-members-in-org",
    "repos/get-collaborator-permission-level",
    "checks/create",
    "rate-limit/get",
    "users/get-authenticated",
    "issues/get-comment",
    "reactions/list-for-issue-comment",
    "reactions/create-for-issue-comment",
    "pulls/list",
    "pulls/create",
    "repos/get-content",
    "repos/create-or-update-file-contents",
    "git/get-ref",
    "git/create-ref",
    "git/update-ref",
)

UPSTREAM_COMMIT = "0000036e42b5e7121c2b1ac244cb7bba1d2f3914"

INFO: dict[str, Any] = {
    "title": "GitHub REST API (subset for a fake test server)",
    "version": "1.1.4",
    "description": (
        "Subset of GitHub's official OpenAPI description (github/rest-api-description, "
        "descriptions/api.github.com/api.github.com.json, info.version 1.1.4, MIT). Taken from "
        "npm @octokit/openapi 23.0.2 (generated/api.github.com.json, a verbatim copy plus "
        "x-octokit), with its overrides undone for POST "
        "/repos/{owner}/{repo}/issues/{issue_number}/labels and POST "
        "/repos/{owner}/{repo}/check-runs from the upstream file (minus the latter's "
        "unresolvable inline discriminator), and pull-request-simple's label description "
        "made nullable as GitHub sends it (github/rest-api-description#1812). "
        "Descriptions, examples, externalDocs, tags and "
        "x-* extensions dropped; only 2xx responses kept. This copy: converted to OpenAPI 3.1.0 "
        '(nullable:true -> "null" added to type/enum, or anyOf [.., {type: null}]). '
        "Cut by tests/fakegithub/cut_openapi.py; the operations are its OPERATIONS list."
    ),
    "license": {"name": "MIT", "url": "https://spdx.org/licenses/MIT"},
    "x-upstream": {
        "repository": "https://github.com/github/rest-api-description",
        "file": "descriptions/api.github.com/api.github.com.json",
        "upstreamInfoVersion": "1.1.4",
        "viaPackage": "@octokit/openapi@23.0.2 (npm, MIT)",
        "patchedFromUpstreamCommit": UPSTREAM_COMMIT,
    },
}

DROPPED = frozenset({"description", "example", "examples", "externalDocs", "tags"})
# Objects whose keys are names chosen by the description's authors, not OpenAPI keywords.
NAME_MAPS = frozenset(
    {"properties", "patternProperties", "$defs", "definitions", "mapping", "headers", "content"}
)
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


# ---- the cleaning -------------------------------------------------------------------------
def clean(node: Any, names: bool = False) -> Any:
    """`node` without documentation keys and x-*, in OpenAPI 3.1 nullable style.

    `names`: `node` maps names (properties, media types, headers ...) to objects; keep every key.
    """
    if isinstance(node, list):
        return [clean(v) for v in node]
    if not isinstance(node, dict):
        return node
    if names:
        return {name: clean(v) for name, v in node.items()}
    out = {
        k: clean(v, names=k in NAME_MAPS and isinstance(v, dict))
        for k, v in node.items()
        if k not in DROPPED and not k.startswith("x-")
    }
    return _nullable(out)


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    if "nullable" not in schema:
        return schema
    nullable = schema.pop("nullable")
    if nullable is not True:
        return schema
    if "type" not in schema:
        return {"anyOf": [schema, {"type": "null"}]}
    types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
    schema["type"] = [*types, "null"] if "null" not in types else types
    if "enum" in schema and None not in schema["enum"]:
        schema["enum"] = [*schema["enum"], None]
    return schema


# ---- the cut -------------------------------------------------------------------------------
def find_operations(full: dict[str, Any], ids: Iterable[str]) -> list[tuple[str, str]]:
    """(path, method) of each operationId, in the order given; KeyError names the missing."""
    where = {
        op["operationId"]: (path, method)
        for path, item in full["paths"].items()
        for method, op in item.items()
        if method in METHODS
    }
    missing = [i for i in ids if i not in where]
    if missing:
        raise KeyError(f"no such operationId in the description: {', '.join(missing)}")
    return [where[i] for i in ids]


def _refs(node: Any) -> Iterable[str]:
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            yield node["$ref"]
        for v in node.values():
            yield from _refs(v)
    elif isinstance(node, list):
        for v in node:
            yield from _refs(v)


def _cut_operation(raw: dict[str, Any]) -> dict[str, Any]:
    responses = {}
    for code, response in raw["responses"].items():
        if not code.startswith("2"):
            continue
        response = clean(response)
        if "$ref" not in response:
            response["description"] = "Response"
        responses[code] = response
    op = clean({k: v for k, v in raw.items() if k != "responses"})
    op["responses"] = responses
    return op


def cut(full: dict[str, Any], ids: Iterable[str] = OPERATIONS) -> dict[str, Any]:
    """The subset document for the operations `ids` of the full description `full`."""
    ids = list(ids)
    paths: dict[str, dict[str, Any]] = {}
    for op_id, (path, method) in zip(ids, find_operations(full, ids), strict=True):
        item = full["paths"][path]
        op = _cut_operation(item[method])
        patch = PATCHES.get(op_id)
        if patch is not None:
            op = patch(op)
        if "parameters" in item:  # path-level parameters: none in GitHub's description so far
            paths.setdefault(path, {})["parameters"] = clean(item["parameters"])
        paths.setdefault(path, {})[method] = op

    components: dict[str, dict[str, Any]] = {}
    pending = list(_refs(paths))
    seen: set[str] = set()
    while pending:
        ref = pending.pop()
        if ref in seen:
            continue
        seen.add(ref)
        kind, name = ref.removeprefix("#/components/").split("/")
        target = clean(full["components"][kind][name])
        patch_component = COMPONENT_PATCHES.get((kind, name))
        if patch_component is not None:
            target = patch_component(target)
        if kind == "headers":
            target["description"] = ""
        elif kind == "responses":
            target["description"] = "Response"
        components.setdefault(kind, {})[name] = target
        pending += _refs(target)
    return {
        "openapi": "3.1.0",
        "info": copy.deepcopy(INFO),
        "servers": [{"url": "https://api.github.com"}],
        "paths": paths,
        "components": {k: dict(sorted(v.items())) for k, v in sorted(components.items())},
    }


# ---- patches: upstream text where the npm copy differs --------------------------------------
def _body_schema(op: dict[str, Any]) -> dict[str, Any]:
    return op["requestBody"]["content"]["application/json"]["schema"]


def _patch_add_labels(op: dict[str, Any]) -> dict[str, Any]:
    """Upstream also takes a bare array of names or of label objects (PyGithub sends names)."""
    alternatives = _body_schema(op)["oneOf"]
    label_object = alternatives[0]["properties"]["labels"]["items"]["oneOf"][1]
    alternatives += [
        {"type": "array", "items": {"type": "string"}},
        {"type": "array", "items": copy.deepcopy(label_object)},
    ]
    return op


def _patch_create_check_run(op: dict[str, Any]) -> dict[str, Any]:
    """Upstream keeps GitHub's whole status enum and requires a conclusion when completed
    (its inline `discriminator` on `status` is left out: it names no schemas to resolve)."""
    schema = _body_schema(op)
    schema["properties"]["status"]["enum"] += ["waiting", "requested", "pending"]
    schema["oneOf"] = [
        {
            "properties": {"status": {"enum": ["completed"]}},
            "required": ["status", "conclusion"],
            "additionalProperties": True,
        },
        {
            "properties": {"status": {"enum": ["queued", "in_progress"]}},
            "additionalProperties": True,
        },
    ]
    return op


def _patch_pull_request_simple(schema: dict[str, Any]) -> dict[str, Any]:
    """A label's description is null when it has none, as in `pull-request` (GitHub lists
    them so; github/rest-api-description#1812, open: the schema says only string)."""
    description = schema["properties"]["labels"]["items"]["properties"]["description"]
    description["type"] = ["string", "null"]
    return schema


PATCHES = {
    "issues/add-labels": _patch_add_labels,
    "checks/create": _patch_create_check_run,
}
COMPONENT_PATCHES = {
    ("schemas", "pull-request-simple"): _patch_pull_request_simple,
}


# ---- command line ---------------------------------------------------------------------------
def dump(doc: dict[str, Any]) -> str:
    return json.dumps(doc, separators=(",", ":"), ensure_ascii=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.fakegithub.cut_openapi",
        description="Write openapi-subset.json: the OPERATIONS of GitHub's REST description.",
    )
    parser.add_argument("full", type=Path, help="generated/api.github.com.json of @octokit/openapi")
    parser.add_argument("--out", type=Path, default=SUBSET_PATH, help="default: %(default)s")
    parser.add_argument("--check", action="store_true", help="only tell whether --out is current")
    args = parser.parse_args(argv)
    doc = cut(json.loads(args.full.read_text()))
    if args.check:
        if json.loads(args.out.read_text()) != doc:
            print(f"{args.out} differs from a fresh cut of {args.full}", file=sys.stderr)
            return 1
        print(f"{args.out} is up to date")
        return 0
    args.out.write_text(dump(doc))
    count = sum(len(v) for v in doc["components"].values())
    print(f"wrote {args.out}: {len(OPERATIONS)} operations, {count} components")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
