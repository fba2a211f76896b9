"""Check requests and responses against GitHub's own OpenAPI description (the cut-down subset).

The fake is only trustworthy if it speaks GitHub's contract: a request GitHub would reject
or a response GitHub would never send is a violation, so tests cannot pass against a fantasy.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SPEC_PATH = Path(__file__).with_name("openapi-subset.json")
SPEC_URI = "urn:fakegithub:openapi-subset"
METHODS = ("get", "post", "patch", "put", "delete")

FORMATS = FormatChecker()


@FORMATS.checks("date-time", raises=ValueError)
def _is_datetime(value: object) -> bool:
    """RFC 3339 date-time (jsonschema needs an extra package for it; the stdlib parser suffices)."""
    if not isinstance(value, str):
        return True
    if not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)", value):
        raise ValueError(f"{value!r} is not an RFC 3339 date-time")
    datetime.fromisoformat(value)
    return True


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


@dataclass
class Operation:
    """One (method, path template) of the subset with its compiled validators."""

    op_id: str
    method: str
    template: str
    pattern: re.Pattern[str]
    params: dict[tuple[str, str], dict[str, Any]]  # (in, name) -> parameter object
    body: Draft202012Validator | None = None
    body_required: bool = False
    responses: dict[int, Draft202012Validator] = field(default_factory=dict)


class Spec:
    """The loaded subset: finds the operation for a request and validates both directions."""

    def __init__(self, path: Path = SPEC_PATH) -> None:
        self.doc: dict[str, Any] = json.loads(path.read_text())
        resource = Resource.from_contents(self.doc, default_specification=DRAFT202012)
        self.registry: Registry = Registry().with_resource(SPEC_URI, resource)
        self.operations = [op for p in self.doc["paths"] for op in self._compile(p)]

    def _validator(self, *pointer: str) -> Draft202012Validator:
        ref = f"{SPEC_URI}#/" + "/".join(_escape(t) for t in pointer)
        return Draft202012Validator({"$ref": ref}, registry=self.registry, format_checker=FORMATS)

    def _deref(self, obj: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in obj:
            node: Any = self.doc
            for token in obj["$ref"].removeprefix("#/").split("/"):
                node = node[token.replace("~1", "/").replace("~0", "~")]
            obj = node
        return obj

    def _compile(self, template: str) -> list[Operation]:
        item = self.doc["paths"][template]
        regex = re.sub(r"\\\{(\w+)\\\}", _param_regex, re.escape(template))
        ops = []
        for method in METHODS:
            if method not in item:
                continue
            raw = item[method]
            params = [
                self._deref(p) for p in item.get("parameters", []) + raw.get("parameters", [])
            ]
            op = Operation(
                op_id=raw["operationId"],
                method=method.upper(),
                template=template,
                pattern=re.compile(regex + "$"),
                params={(p["in"], p["name"]): p for p in params},
            )
            if "requestBody" in raw:
                op.body_required = raw["requestBody"].get("required", False)
                ptr = ("paths", template, method, "requestBody", "content", "application/json")
                op.body = self._validator(*ptr, "schema")
            for code, resp in raw["responses"].items():
                if "application/json" in resp.get("content", {}):
                    ptr = ("paths", template, method, "responses", code, "content")
                    op.responses[int(code)] = self._validator(*ptr, "application/json", "schema")
            ops.append(op)
        return ops

    def match(self, method: str, path: str) -> tuple[Operation, dict[str, str]] | None:
        """The operation for a request; a literal segment beats a parameter, as on GitHub.

        (`/issues/comments/1` is get-comment, not get-issue with issue_number "comments".)
        """
        found = []
        for op in self.operations:
            m = op.pattern.match(path)
            if m and op.method == method:
                found.append((_specificity(op.template), op, m.groupdict()))
        if not found:
            return None
        _, op, params = min(found, key=lambda f: f[0])
        return op, params

    def check_request(
        self,
        op: Operation,
        path_params: dict[str, str],
        query: dict[str, list[str]],
        body: Any,
        has_body: bool,
    ) -> list[str]:
        """Problems GitHub would answer 4xx for; empty when the request is valid."""
        problems: list[str] = []
        supplied = {("path", k): [v] for k, v in path_params.items()}
        supplied.update({("query", k): v for k, v in query.items()})
        for key, values in supplied.items():
            param = op.params.get(key)
            if param is None:
                problems.append(f"unknown {key[0]} parameter {key[1]!r}")
                continue
            for value in values:
                problems += _check_param(param, value)
        for (where, name), param in op.params.items():
            if param.get("required") and (where, name) not in supplied:
                problems.append(f"missing required {where} parameter {name!r}")
        if op.body is None:
            if has_body and body not in (None, {}):
                problems.append("this operation takes no request body")
        elif not has_body:
            if op.body_required:
                problems.append("missing required JSON request body")
        else:
            problems += [_describe("body", e) for e in op.body.iter_errors(body)]
        return problems

    def check_response(self, op: Operation, status: int, body: Any) -> list[str]:
        validator = op.responses.get(status)
        if validator is None:
            return [f"status {status} is not a documented response of {op.op_id}"]
        return [_describe("response", e) for e in validator.iter_errors(body)]


SPANNING = ("path", "ref")  # a file path in the contents API; a Git ref such as heads/main


def _param_regex(m: re.Match[str]) -> str:
    """`{path}` and `{ref}` span slashes; other parameters do not."""
    name = m.group(1)
    return f"(?P<{name}>.*)" if name in SPANNING else f"(?P<{name}>[^/]+)"


def _specificity(template: str) -> tuple[int, ...]:
    """Sort key: 0 for a literal segment, 1 for a parameter, segment by segment."""
    return tuple(int(seg.startswith("{")) for seg in template.split("/"))


def _check_param(param: dict[str, Any], raw: str) -> list[str]:
    schema = param.get("schema", {})
    value: Any = raw
    if schema.get("type") == "integer":
        try:
            value = int(raw)
        except ValueError:
            return [f"{param['in']} parameter {param['name']!r}={raw!r} is not an integer"]
    errors = Draft202012Validator(schema, format_checker=FORMATS).iter_errors(value)
    return [f"{param['in']} parameter {param['name']!r}: {e.message}" for e in errors]


def _describe(root: str, error: Any) -> str:
    where = "".join(f"/{p}" for p in error.absolute_path)
    return f"{root}{where}: {error.message[:300]}"


@cache
def load_spec() -> Spec:
    """One Spec per process: compiling the validators is the slow part."""
    return Spec()
