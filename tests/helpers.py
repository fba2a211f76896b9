"""Building real incident repositories and running the real CLI in tests.

The one place for what many tests share, so a fixture change is made once: the fixed `NOW`,
the SPEC §4 policy, the incident builder (`front_matter`, `incident`, `incident_text`), the
Git helper (`git`, `GitRepo`) and the ways to run the CLI (`run_main` in-process with
`--root`, `run_cli` in-process from a folder, `run_process` as a separate process).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from incident_ops.cli import main

NOW = "2026-11-20T12:00:00+01:00"  # a Friday, 12:00 in Berlin: the `--now` of every test

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


# SPEC §3's required keys in the order whose line numbers tests count: `id` is line 2,
# `status` line 4, `severity` line 5, `detected_at` line 7.
REQUIRED: dict[str, str] = {
    "id": "INC-2026-0001",
    "title": "Billing database unavailable",
    "status": "reported",
    "severity": "SEV3",
    "category": "service-failure",
    "detected_at": "2026-11-20T09:12:00+01:00",
}

FrontValue = str | int | bool | list[Any] | dict[str, Any] | None


def _flow(value: Any) -> str:
    """One YAML flow value: strings verbatim (they are YAML already), the rest rendered."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(map(_flow, value)) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}: {_flow(item)}" for key, item in value.items()) + "}"
    return str(value)


def front_matter(**fields: FrontValue) -> str:
    """Front-matter YAML (without the `---` fences) of a valid SPEC §3 incident.

    `fields` replace the required keys' values in place or add keys after them, in the
    order given; `None` leaves a key out. One key per line (lists and mappings in flow
    style), so a test counts its line numbers from the call; block-style parts are
    appended to the result as text.
    """
    merged: dict[str, FrontValue] = {**REQUIRED, **fields}
    return "".join(f"{key}: {_flow(value)}\n" for key, value in merged.items() if value is not None)


MINIMAL = front_matter()


def incident_text(body: str = SECTIONS, **fields: FrontValue) -> str:
    """A whole valid incident file: `front_matter(**fields)` and the SPEC's sections."""
    return incident(front_matter(**fields), body)


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


def identity(author: str = "Test", date: str | None = None) -> dict[str, str]:
    """Git's author and committer variables: one fixed person, and a fixed time if given."""
    email = f"{author.split()[0].lower()}@example.com"
    env = {
        "GIT_AUTHOR_NAME": author, "GIT_AUTHOR_EMAIL": email,
        "GIT_COMMITTER_NAME": author, "GIT_COMMITTER_EMAIL": email,
    }  # fmt: skip
    if date is not None:
        env |= {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    return env


def git(
    root: Path, *args: str, author: str = "Test", date: str | None = None, stdin: bytes = b""
) -> str:
    """`git -C root ARGS` as the given author, at the given time; returns its stdout.

    Nothing from the machine leaks in (no user or system config, no GIT_* variable of the
    test runner), so the same commands give the same repository everywhere.
    """
    env = {key: value for key, value in os.environ.items() if not key.startswith("GIT_")}
    env |= identity(author, date) | {"GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    done = subprocess.run(
        ["git", "-C", str(root), *args], env=env, input=stdin, capture_output=True, check=False
    )
    if done.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed: {done.stderr.decode()}")
    return done.stdout.decode()


def write_file(root: Path, name: str, text: str | bytes) -> Path:
    """Write a file of the repo at `root`; a bare file name goes under incidents/2026/."""
    path = root / (name if "/" in name else f"incidents/2026/{name}")
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


class GitRepo:
    """A real Git repository (`main` checked out) built commit by commit.

    `write` files, then `commit` everything as a given author at a given time (the
    current time when none is given), `branch` off for a pull request's commits.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        if not (root / ".git").exists():
            root.mkdir(parents=True, exist_ok=True)
            git(root, "init", "-q", "-b", "main")

    def git(self, *args: str, author: str = "Test", date: str | None = None) -> str:
        """`git ARGS` in this repository; its stdout without the trailing newline."""
        return git(self.root, *args, author=author, date=date).strip()

    def write(self, name: str, text: str | bytes) -> Path:
        return write_file(self.root, name, text)

    def commit(self, message: str = "change", date: str | None = None, author: str = "Test") -> str:
        """Commit every change of the work tree; returns the new commit's SHA."""
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message, author=author, date=date)
        return self.git("rev-parse", "HEAD")

    def branch(self, name: str = "feature") -> None:
        self.git("checkout", "-q", "-b", name)


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
        if git:
            GitRepo(self.root)
        return self

    def write(self, name: str, text: str | bytes) -> Path:
        """Write an incident file; a bare file name goes under incidents/2026/."""
        return write_file(self.root, name, text)

    def run(self, *args: str) -> Result:
        """The real CLI in-process (click's isolation), in the repo's folder."""
        return run_cli(self.root, *args)


Env = Mapping[str, str | None]


def run_main(*args: str, env: Env | None = None) -> Result:
    """The real CLI in-process (click's isolation of stdio and environment), cwd untouched:
    name the repository with `--root`."""
    with CliRunner().isolation(env=env) as (out, err, _):
        code = main(list(args))
        return Result(code, out.getvalue().decode(), err.getvalue().decode())


def run_cli(cwd: Path, *args: str, env: Env | None = None) -> Result:
    """The real CLI in-process, started in `cwd` as a user in that folder would."""
    old = os.getcwd()
    os.chdir(cwd)
    try:
        return run_main(*args, env=env)
    finally:
        os.chdir(old)


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
