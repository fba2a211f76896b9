"""SARIF 2.1.0, for GitHub code scanning and other SARIF viewers."""

from __future__ import annotations

from incident_ops import __version__
from incident_ops.finding import Finding
from incident_ops.output.base import Summary
from incident_ops.output.jsontext import dumps

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def _rules() -> list[dict[str, object]]:
    from incident_ops.rules import all_rules

    return [
        {"id": rule_id, "shortDescription": {"text": description}}
        for rule_id, description in all_rules()
    ]


def render(findings: list[Finding], summary: Summary, colour: bool = False) -> str:
    rules = _rules()
    ids = [r["id"] for r in rules]
    results = []
    for f in findings:
        result: dict[str, object] = {
            "ruleId": f.rule,
            "level": f.level,
            "message": {"text": f.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": f.path},
                        "region": {"startLine": f.line, "startColumn": f.column},
                    }
                }
            ],
        }
        if f.rule in ids:
            result["ruleIndex"] = ids.index(f.rule)
        if f.incident:
            result["properties"] = {"incident": f.incident}
        results.append(result)
    log = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
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
        ],
    }
    return dumps(log) + "\n"
