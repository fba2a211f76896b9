"""Building real incident repositories and running the real CLI in tests."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from incident_ops.cli import main

NOW = "2026-11-20T12:00:00+01:00"

# The policy of SPEC §4, complete and valid: the reference for rule tests.
SPEC_POLICY = """\
severities:
  SEV1:
    name: Critical
    targets:
      acknowledge: 15m
      mitigate: 4h
      customer_update_every: 1h
      management_update_every: 2h
      rca: 5bd
    requires: [rca, prevention_plan, customer_follow_up]
    departments: [platform, customer-support, management]
    rca_approvers: [acme/sre-leads, acme/support-leads]
  SEV2:
    name: Major
    targets: {acknowledge: 30m, mitigate: 8h, customer_update_every: 2h, rca: 10bd}
    requires: [rca, prevention_plan]
    departments: [platform]
    rca_approvers: [acme/sre-leads]
  SEV3:
    name: Minor
    targets: {acknowledge: 4bh}
    requires: []
    departments: []
categories:
  service-failure: {departments: []}
  security: {departments: [security]}
  staffing: {departments: [hr]}
calendars:
  default:
    timezone: Europe/Berlin
    days: mon-fri
    hours: "09:00-18:00"
    holidays: {country: DE, dates: [2026-12-24]}
customers:
  vip: [acme-bank, city-gov]
recurrence: {window: 180d, match: [services, root_cause.category]}
classification:
  - name: total-outage
    when: {impact.full_outage: true}
    severity: SEV1
  - name: many-customers
    when: {impact.customers_affected: {gte: 100}}
    severity: SEV2
  - name: security-breach
    when: {category: security, impact.security_breach: true}
    severity: SEV1
    departments: [legal]
escalations:
  - name: management-informed
    severities: [SEV1, SEV2]
    department: management
    within: 30m
  - name: unmitigated-to-director
    severities: [SEV1]
    when: {impact.vip_affected: true}
    department: executives
    within: 2h
    until: mitigated
departments:
  platform:
    name: Platform engineering
    github:
      {repo: acme/platform, labels: [incident], assignees: [alice], team: acme/platform-oncall}
    calendar: default
  customer-support: {name: Customer support, github: {repo: acme/support, labels: [incident]}}
  management: {name: Management, github: {repo: acme/management, labels: [incident]}}
  executives: {name: Executives, github: {repo: acme/management, labels: [incident, exec]}}
  security: {name: Security, github: {repo: acme/security, labels: [incident]}}
  legal: {name: Legal, github: {repo: acme/legal, labels: [incident]}}
  hr: {name: HR, github: {repo: acme/hr, labels: [incident]}}
"""

SECTIONS = """
## Summary
Billing was down.

## Impact
All customers of eu-west.

## Timeline
- 09:12 alert fired

## Root cause analysis
TODO

## Prevention plan
TODO

## Customer communication
TODO
"""


def incident(front: str, body: str = SECTIONS) -> str:
    """An incident file from dedented front-matter YAML and a body."""
    return "---\n" + textwrap.dedent(front).strip("\n") + "\n---\n" + body


MINIMAL = """\
id: INC-2026-0001
title: Billing database unavailable
status: reported
severity: SEV3
category: service-failure
detected_at: 2026-11-20T09:12:00+01:00
"""


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


class RepoFactory:
    """Writes a repo (policy, config, incidents), `git init`s it, and runs the CLI in it."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self.root = base / "repo"

    def __call__(
        self,
        incidents: dict[str, str] | None = None,
        policy: str | dict[str, str] = SPEC_POLICY,
        config: str | None = None,
        git: bool = True,
    ) -> RepoFactory:
        (self.root / "policies").mkdir(parents=True, exist_ok=True)
        policies = {"policy.yaml": policy} if isinstance(policy, str) else policy
        for name, text in policies.items():
            (self.root / "policies" / name).write_text(text, encoding="utf-8")
        (self.root / "incidents" / "2026").mkdir(parents=True, exist_ok=True)
        for name, text in (incidents or {}).items():
            self.write(name, text)
        if config is not None:
            (self.root / "incident-ops.yaml").write_text(config, encoding="utf-8")
        if git and not (self.root / ".git").exists():
            subprocess.run(["git", "init", "-q", str(self.root)], check=True)
        return self

    def write(self, name: str, text: str | bytes) -> Path:
        """Write an incident file; a bare file name goes under incidents/2026/."""
        path = self.root / (name if "/" in name else f"incidents/2026/{name}")
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path

    def run(self, *args: str) -> Result:
        """The real CLI in-process (click's isolation), in the repo's folder."""
        return run_cli(self.root, *args)


def run_cli(cwd: Path, *args: str, env: dict[str, str] | None = None) -> Result:
    runner = CliRunner()
    with runner.isolation(env=env) as (out, err, _):
        old = os.getcwd()
        os.chdir(cwd)
        try:
            code = main(list(args))
        finally:
            os.chdir(old)
        return Result(code, out.getvalue().decode(), err.getvalue().decode())


def run_process(cwd: Path, *args: str, env: dict[str, str] | None = None) -> Result:
    """The CLI as a separate process, as a user or CI runs it."""
    proc = subprocess.run(
        [sys.executable, "-m", "incident_ops", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=120,
    )
    return Result(proc.returncode, proc.stdout, proc.stderr)


def findings(result: Result) -> list[tuple[int, str]]:
    """(line, rule) pairs of a `--format json` result."""
    return [(f["line"], f["rule"]) for f in result.json()["findings"]]
