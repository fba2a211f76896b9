"""SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.

Locations are relative to the Git top level (`uriBaseId` `%SRCROOT%`, defined in
`originalUriBaseIds`) and percent-encoded (RFC 3986), so a file named
`billing outage #2 at 100%.md` in `ops/incidents/` is found where it is. Rules carry a
full description, help and a link to their section of docs/rules.md; results carry a
partial fingerprint that survives the finding's line moving.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from incident_ops import __version__
from incident_ops.finding import Finding
from incident_ops.output.base import Summary
from incident_ops.output.jsontext import dumps
from incident_ops.output.paths import SourceRoot, uri_reference

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
BASE_ID = "%SRCROOT%"
FINGERPRINT = "incidentOps/v1"
_LINE_NUMBERS = re.compile(r"\b(lines?) [0-9]+")


def _rules() -> list[dict[str, object]]:
    from incident_ops.output.ruledocs import rule_docs

    return [
        {
            "id": doc.id,
            "name": doc.name,
            "shortDescription": {"text": doc.short},
            "fullDescription": {"text": doc.full},
            "help": {"text": doc.text, "markdown": doc.text},
            "helpUri": doc.help_uri,
            "defaultConfiguration": {"level": "error"},
        }
        for doc in rule_docs()
    ]


def fingerprint(rule: str, path: str, incident: str | None, message: str) -> str:
    """A hash of what a finding is about, not where: line numbers in the message are
    left out, so an edit above a finding does not make code scanning see a new alert."""
    stable = _LINE_NUMBERS.sub(r"\1 N", message)
    text = "\0".join((rule, path, incident or "", stable))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def render(
    findings: list[Finding], summary: Summary, colour: bool = False, root: str | None = None
) -> str:
    """The SARIF log; `root` (the repo root) makes paths relative to its Git top level."""
    source = SourceRoot.of(root)
    rules = _rules()
    ids = [r["id"] for r in rules]
    results = []
    seen: dict[str, int] = {}
    for f in findings:
        path = source.path_of(f.path) if source else f.path
        print_ = fingerprint(f.rule, path, f.incident, f.message)
        seen[print_] = seen.get(print_, 0) + 1
        if seen[print_] > 1:  # the same finding twice in one file: number them in order
            print_ = f"{print_}:{seen[print_]}"
        location: dict[str, Any] = {"uri": uri_reference(path)}
        if source:
            location["uriBaseId"] = BASE_ID
        result: dict[str, object] = {
            "ruleId": f.rule,
            "level": f.level,
            "message": {"text": f.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": location,
                        "region": {"startLine": f.line, "startColumn": f.column},
                    }
                }
            ],
            "partialFingerprints": {FINGERPRINT: print_},
        }
        if f.rule in ids:
            result["ruleIndex"] = ids.index(f.rule)
        if f.incident:
            result["properties"] = {"incident": f.incident}
        results.append(result)
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "incident-ops",
                "version": __version__,
                "informationUri": "https://github.com/incident-ops/incident-ops",
                "rules": rules,
            }
        },
        "results": results,
    }
    if source:
        run["originalUriBaseIds"] = {BASE_ID: {"uri": source.uri}}
    log = {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}
    return dumps(log) + "\n"
