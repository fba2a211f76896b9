"""Realistic synthetic incident repositories for benchmarks and tests.

`generate(root, n, seed=0, commits=0)` writes `n` closed incidents of ~2.5 KB (full front
matter: escalations, updates, actions, impact, root cause, related links; all six body
sections) plus a copy of the project's default `policies/`, such that every incident is
valid against them: severities agree with the classification rules, every required
department is engaged within minutes, every deadline is met and incidents that share a
service and root-cause category within the recurrence window list each other in
`related`. Same seed, same bytes. With `commits=M` the repo is a Git repository whose
history adds the incidents in M commits.

CLI: `python benchmarks/generate.py DIR -n 1000 [--seed 0] [--commits 5]`.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from incident_ops.policy.model import DEFAULT_SECTIONS

PROJECT = Path(__file__).resolve().parent.parent
POLICIES = PROJECT / "policies"
CONFIG = "incidents: incidents\npolicies: policies\nid_prefix: INC\n"
START = datetime(2021, 1, 4, 10, 0, tzinfo=UTC)
WINDOW = timedelta(days=180)  # policies/recurrence.yaml
SERVICES = [
    f"{kind}-{region}-{host:02d}"
    for kind in ("billing-db", "web-portal", "mail-relay", "object-storage", "dns", "vpn-gateway")
    for region in ("eu-west", "eu-central", "ap-seoul", "us-east", "us-west", "ap-tokyo")
    for host in range(1, 21)
]
ROOT_CAUSES = [
    "software", "hardware", "network", "capacity", "configuration",
    "third-party", "human-error", "security", "process",
]  # fmt: skip
CATEGORIES = ["service-failure", "third-party", "complaint", "staffing"]
PEOPLE = ["@alice", "@bob", "@carol", "@dave", "@erin", "@kim-ts", "@yoon-sm", "@lee-bk"]
WORDS = [
    "replica",
    "failover",
    "disk",
    "queue",
    "latency",
    "timeout",
    "certificate",
    "cache",
    "cluster",
    "node",
    "backup",
    "route",
    "config",
    "deploy",
    "rollback",
    "alert",
    "threshold",
    "vendor",
    "capacity",
    "memory",
    "connection",
    "pool",
    "retry",
]
GIT_ENV = {
    "GIT_AUTHOR_NAME": "bench",
    "GIT_AUTHOR_EMAIL": "bench@example.com",
    "GIT_COMMITTER_NAME": "bench",
    "GIT_COMMITTER_EMAIL": "bench@example.com",
    "GIT_AUTHOR_DATE": "2026-01-01T00:00:00+00:00",
    "GIT_COMMITTER_DATE": "2026-01-01T00:00:00+00:00",
}


@dataclass(frozen=True)
class Spec:
    """The facts of one generated incident, decided before any text is written."""

    id: str
    path: str
    detected: datetime
    severity: str
    category: str
    service: str
    root_cause: str
    customers: int
    related: tuple[str, ...]
    closed: bool = True


def _ts(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S+00:00")


def _sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize()


def _specs(n: int, rng: random.Random) -> list[Spec]:
    """Incident facts in detection order; ids numbered per year."""
    step = timedelta(hours=max(1.0, 4 * 365 * 24 / max(n, 1)))
    specs: list[Spec] = []
    last: dict[tuple[str, str], datetime] = {}
    per_year: dict[int, int] = {}
    for i in range(n):
        detected = START + step * i + timedelta(minutes=rng.randrange(0, 50))
        per_year[detected.year] = per_year.get(detected.year, 0) + 1
        ident = f"INC-{detected.year}-{per_year[detected.year]:04d}"
        severity = rng.choices(["SEV1", "SEV2", "SEV3", "SEV4"], [1, 2, 4, 3])[0]
        customers = {"SEV1": 50, "SEV2": 100, "SEV3": 10, "SEV4": 0}[severity]
        customers += rng.randrange(0, {"SEV4": 2, "SEV3": 9}.get(severity, 80))
        category = rng.choice(CATEGORIES)
        if category == "staffing" and severity == "SEV4":
            customers = 0  # staff shortage that customers notice is at least SEV3
        # A (service, root cause) pair recurs only after the window: a recurrence is a
        # finding. `related` links an earlier incident of the same region instead.
        for _ in range(100):
            service, cause = rng.choice(SERVICES), rng.choice(ROOT_CAUSES)
            if detected - last.get((service, cause), START - 2 * WINDOW) > WINDOW:
                break
        last[(service, cause)] = detected
        region = service.split("-")[-2]
        earlier = [s.id for s in specs[-40:] if s.service.split("-")[-2] == region][-2:]
        slug = f"{service}-{cause}"
        specs.append(
            Spec(
                id=ident,
                path=f"incidents/{detected.year}/{ident}-{slug}.md",
                detected=detected,
                severity=severity,
                category=category,
                service=service,
                root_cause=cause,
                customers=customers,
                related=tuple(earlier),
            )
        )
    return specs


def _departments(spec: Spec) -> list[str]:
    found = ["customer-support", "platform", "management"]
    if spec.category == "staffing":
        found.append("hr")
    return found


def render(spec: Spec, rng: random.Random) -> str:
    """The Markdown text of one incident."""
    d = spec.detected
    at = lambda minutes: _ts(d + timedelta(minutes=minutes))  # noqa: E731
    lines = [
        "---",
        f"id: {spec.id}",
        f"title: {_sentence(rng, 5)} on {spec.service}",
        f"status: {'closed' if spec.closed else 'resolved'}",
        f"severity: {spec.severity}",
        f"category: {spec.category}",
        f"detected_at: {at(0)}",
        f"source: {rng.choice(['monitoring', 'staff', 'vendor'])}",
        f'reporter: "{rng.choice(PEOPLE)}"',
        f'commander: "{rng.choice(PEOPLE)}"',
        f"services: [{spec.service}]",
        f"customers: [customer-{rng.randrange(1000):03d}]",
        "impact:",
        f"  customers_affected: {spec.customers}",
        f"  full_outage: {'true' if spec.severity == 'SEV1' else 'false'}",
        "  data_loss: false",
        "  security_breach: false",
        "  vip_affected: false",
        "  media_attention: false",
        "  sla_breached: false",
        f"acknowledged_at: {at(5)}",
        f"mitigated_at: {at(30)}",
        f"resolved_at: {at(60)}",
        f"closed_at: {at(24 * 60) if spec.closed else 'null'}",
        "escalations:",
    ]
    for k, dept in enumerate(_departments(spec)):
        lines += [
            f"  - department: {dept}",
            f"    at: {at(3 + k)}",
            f'    by: "{rng.choice(PEOPLE)}"',
            f"    issue: acme/{dept}#{rng.randrange(1, 999)}",
        ]
    lines.append("updates:")
    for minutes, audience, channel, final in (
        (10, "management", "chat", False),
        (12, "customers", "status-page", False),
        (70, "customers", "email", True),
    ):
        lines += [
            f"  - at: {at(minutes)}",
            f"    audience: {audience}",
            f"    channel: {channel}",
            f"    summary: {_sentence(rng, 6)}",
        ]
        if final:
            lines.append("    final: true")
    lines += [
        "root_cause:",
        f"  category: {spec.root_cause}",
        f"  summary: {_sentence(rng, 9)}",
        "actions:",
    ]
    for k, kind in enumerate(("technical", "process"), start=1):
        lines += [
            f"  - id: A{k}",
            f"    title: {_sentence(rng, 5)}",
            f"    kind: {kind}",
            f'    owner: "{rng.choice(PEOPLE)}"',
            "    department: platform",
            f"    due: {(d + timedelta(days=14)).date().isoformat()}",
            "    status: done",
            f"    done_at: {at(20 * 60 + k)}",
            f"    issue: acme/platform#{rng.randrange(1, 999)}",
        ]
    lines.append(f"related: [{', '.join(spec.related)}]")
    lines.append("---")
    for title in DEFAULT_SECTIONS:
        lines += ["", f"## {title}", "", _sentence(rng, 12) + "."]
    return "\n".join(lines) + "\n"


def _git(root: Path, *args: str, stdin: str | None = None) -> None:
    env = {**os.environ, **GIT_ENV}
    subprocess.run(
        ["git", *args], cwd=root, env=env, check=True, capture_output=True, input=stdin, text=True
    )


def generate(
    root: str | os.PathLike[str], n: int, seed: int = 0, commits: int = 0, still_open: int = 0
) -> list[str]:
    """Write the repo under `root` (created); return the incidents' relative paths.

    The last `still_open` incidents are left resolved but not closed (work for `sweep`).
    """
    base = Path(root)
    base.mkdir(parents=True, exist_ok=True)
    shutil.copytree(POLICIES, base / "policies", dirs_exist_ok=True)
    (base / "incident-ops.yaml").write_text(CONFIG)
    rng = random.Random(seed)
    specs = _specs(n, rng)
    specs[len(specs) - still_open :] = [
        replace(spec, closed=False) for spec in specs[len(specs) - still_open :]
    ]
    for spec in specs:
        target = base / spec.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(render(spec, rng))
    paths = [spec.path for spec in specs]
    if commits > 0:
        _git(base, "init", "-q", "-b", "main")
        _git(base, "add", "incident-ops.yaml", "policies")
        size = -(-len(paths) // commits) if paths else 1
        for k in range(commits):
            chunk = paths[k * size : (k + 1) * size]
            if chunk:
                _git(base, "add", "--pathspec-from-file=-", stdin="\n".join(chunk) + "\n")
            _git(base, "commit", "-q", "--allow-empty", "-m", f"incidents batch {k + 1}")
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("root", help="directory to create the repository in")
    parser.add_argument("-n", type=int, default=1000, help="number of incidents")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--commits", type=int, default=0, help="make a Git history of M commits")
    parser.add_argument("--open", type=int, default=0, help="leave the last K incidents open")
    args = parser.parse_args(argv)
    paths = generate(args.root, args.n, args.seed, args.commits, args.open)
    print(f"{len(paths)} incidents in {args.root}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
