"""`validate` as a library call: files → Documents → Incidents → rules → Findings."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from incident_ops.config import Repo
from incident_ops.errors import ConfigError
from incident_ops.finding import Finding
from incident_ops.incidents import load_incident
from incident_ops.index import RepoIndex, entry_for
from incident_ops.models.incident import Incident
from incident_ops.parse.document import Document, read_document
from incident_ops.policy import Policy
from incident_ops.rules import run_rules
from incident_ops.rules.base import Context


@dataclass
class Parsed:
    """One file after parsing: the document and, when it validated, its incident."""

    doc: Document
    incident: Incident | None


@dataclass
class Report:
    """What `validate` found: sorted findings and how much it looked at."""

    findings: list[Finding] = field(default_factory=list)
    files: int = 0
    incidents: int = 0


def incident_files(directory: str) -> list[str]:
    """Every `*.md` under a directory, sorted, skipping hidden folders."""
    found: list[str] = []
    for base, dirs, files in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found += [os.path.join(base, f) for f in sorted(files) if f.endswith(".md")]
    return found


def discover(repo: Repo, paths: Iterable[str] = ()) -> list[str]:
    """Absolute paths of the files to check: given files, files under given dirs, or all."""
    targets = list(paths)
    if not targets:
        if not os.path.isdir(repo.incidents_dir):
            raise ConfigError(f"no incidents folder {repo.config.incidents!r} in {repo.root}")
        return incident_files(repo.incidents_dir)
    found: list[str] = []
    for target in targets:
        if os.path.isdir(target):
            found += incident_files(target)
        elif os.path.exists(target):
            found.append(os.path.abspath(target))
        else:
            raise ConfigError(f"{target}: no such file or directory")
    return list(dict.fromkeys(found))


def parse_file(abspath: str, relpath: str) -> Parsed:
    """Read, parse and model one file; problems stay on the document."""
    doc = read_document(abspath, relpath)
    return Parsed(doc, load_incident(doc))


def build_index(repo: Repo, parsed: dict[str, Parsed]) -> RepoIndex:
    """Index every incident of the repo, reusing files already parsed for this run."""
    index = RepoIndex()
    for item in parsed.values():
        index.add(entry_for(item.doc, item.incident))
    if os.path.isdir(repo.incidents_dir):
        for abspath in incident_files(repo.incidents_dir):
            relpath = repo.relpath(abspath)
            if relpath not in parsed:
                other = parse_file(abspath, relpath)
                index.add(entry_for(other.doc, other.incident))
    return index


def check_parsed(
    items: Iterable[Parsed], policy: Policy, index: RepoIndex, now: datetime, levels: dict[str, str]
) -> list[Finding]:
    """Run every enabled rule on already-parsed files."""
    findings: list[Finding] = []
    for item in items:
        findings += run_rules(Context(item.doc, item.incident, policy, index, now, levels))
    return findings


def validate(repo: Repo, policy: Policy, now: datetime, paths: Iterable[str] = ()) -> Report:
    """Validate files (default: every incident of the repo) against the policy."""
    files = discover(repo, paths)
    parsed = {}
    for abspath in files:
        relpath = repo.relpath(abspath)
        parsed[relpath] = parse_file(abspath, relpath)
    index = build_index(repo, parsed)
    levels = dict(repo.config.rules)
    findings = check_parsed(parsed.values(), policy, index, now, levels)
    incidents = sum(1 for item in parsed.values() if item.incident is not None)
    return Report(sorted(findings), len(files), incidents)
