"""The live incident is its pull request: incident files as the open incident PRs have them.

An incident is declared as a pull request (`new --pr`) and responded to in it (comment
commands), so until it merges its record lives on the PR's branch. The sweep, and
`deadlines`, `stats`, `report` and `site` with `--include-open-prs`, read it there:

- which PRs: the open pull requests of the incident repository whose head branch is in that
  repository (a fork's branch is anyone's to write: never read) and that are on an
  `incident/*` branch or labelled `incident` (pr-check's rule, `prcheck.open_pulls`);
- which files: the incident files each adds or changes (`GET .../pulls/{n}/files`, not
  removed ones), read at the PR's head commit (`GET .../contents/{path}?ref={head_sha}`)
  and parsed by the one reader, with its size, UTF-8 and front-matter checks;
- which version counts: a PR's version of an incident wins over the default branch's (the
  same id, or the same file); of two PRs with one id, the one on `incident/<id>`, else the
  lowest number (pr-check reports the clash as `duplicate-id`);
- what does not count before merge: what the pull-request gate makes wait for approval — a
  waiver the default branch does not have, and closing (a PR that closes an incident counts
  it as resolved until it merges). Otherwise a PR nobody approved could silence deadlines.
"""

from __future__ import annotations

import os
import posixpath
import re
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field

from incident_ops.domain.incident import Incident
from incident_ops.errors import ConfigError
from incident_ops.github.client import ApiError, Client, OutOfTime, PullView
from incident_ops.prcheck.open_pulls import BRANCH_PREFIX, is_incident_pull
from incident_ops.workspace import git
from incident_ops.workspace.atomic import write_atomic
from incident_ops.workspace.config import Repo
from incident_ops.workspace.load import Record
from incident_ops.workspace.workspace import Workspace

REPOSITORY = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}")
_REMOTE = re.compile(r"(?:^git@[^:]+:|^(?:https?|ssh|git)://(?:[^@/]+@)?[^/]+/)"
                     r"(?P<name>[^/]+/[^/]+?)(?:\.git)?/?$")  # fmt: skip


@dataclass(frozen=True)
class LiveFile:
    """An incident file as an open incident PR has it at its head commit."""

    pull: PullView
    git_path: str  # relative to the Git top level (what GitHub's API names)
    path: str  # relative to the incident repository's root
    blob: str  # its blob SHA at the head: the compare-and-swap of a write-back
    data: bytes


@dataclass
class Live:
    """The open pull requests of the incident repository and their incident files."""

    repository: str
    pulls: list[PullView] = field(default_factory=list)  # every open PR, bots' included
    files: list[LiveFile] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # PRs or files that could not be read


@dataclass
class Overlaid:
    """The records to act on (default branch overlaid by open PRs), where each live one
    comes from, and notes on what was left out or held back."""

    records: list[Record]
    sources: dict[str, LiveFile]  # record path → its PR's file
    notes: list[str] = field(default_factory=list)


def repository(
    given: str | None, root: str, environ: Mapping[str, str], from_origin: bool = False
) -> str | None:
    """The incident repository's `owner/name`: `given` (an option), else GITHUB_REPOSITORY
    (set in every Actions job), else — with `from_origin` — the GitHub repository `origin`
    points at; None when none says."""
    name = (given or environ.get("GITHUB_REPOSITORY") or "").strip()
    if name:
        if not REPOSITORY.fullmatch(name):
            raise ConfigError(f"repository {name!r} is not owner/name")
        return name
    if not from_origin:
        return None
    try:
        url = git.run(root, "remote", "get-url", "origin").strip()
    except Exception:  # no Git, no origin: the caller says what to set
        return None
    match = _REMOTE.match(url)
    found = match.group("name") if match else None
    return found if found and REPOSITORY.fullmatch(found) else None


def git_prefix(repo: Repo) -> str:
    """The incident repository's root relative to the Git top level ('' or 'sub/dir/')."""
    top = git.toplevel(repo.root)
    if top is None:
        return ""
    rel = os.path.relpath(os.path.realpath(repo.root), os.path.realpath(top))
    return "" if rel == "." else rel.replace(os.sep, "/") + "/"


def incident_pulls(pulls: list[PullView], name: str) -> list[PullView]:
    """The open incident PRs whose branch lives in `name` itself, by number."""
    found = [
        p for p in pulls
        if p.head_repo is not None and p.head_repo.lower() == name.lower()
        and is_incident_pull(p.head_ref, p.labels)
    ]  # fmt: skip
    return sorted(found, key=lambda p: p.number)


def read_open_pulls(client: Client, name: str, repo: Repo) -> Live:
    """Every incident file of every open incident PR of `name`, at the PR's head.

    A PR or file that cannot be read is a problem of its own; the others are still read.
    Running out of time (`OutOfTime`) ends the reading: the caller reports it.
    """
    from incident_ops.prcheck.check import is_incident

    live = Live(name, client.list_pulls(name))
    prefix = git_prefix(repo)
    for pull in incident_pulls(live.pulls, name):
        try:
            changed = client.pull_files(name, pull.number)
        except OutOfTime:
            raise
        except ApiError as error:
            live.problems.append(f"#{pull.number}: cannot list its files: {error}")
            continue
        for git_path, status in changed:
            path = git_path[len(prefix) :] if git_path.startswith(prefix) else None
            if status == "removed" or path is None or not is_incident(repo, path):
                continue
            try:
                found = client.get_file(name, git_path, pull.head_sha)
            except OutOfTime:
                raise
            except ApiError as error:
                live.problems.append(f"#{pull.number}: {path}: cannot read it: {error}")
                continue
            if found is not None:
                live.files.append(LiveFile(pull, git_path, path, found.sha, found.data))
    return live


@contextmanager
def records_of(live: Live) -> Iterator[list[tuple[LiveFile, Record]]]:
    """Each live file parsed into a Record by the one reader (`Workspace.read`, with its
    size, encoding and syntax checks), from a private temporary copy that lasts as long as
    the context (a report may read the file again, e.g. the site's rendered body)."""
    with tempfile.TemporaryDirectory(prefix="incident-ops-open-prs-") as tmp:
        found = []
        for number, item in enumerate(live.files):
            abspath = os.path.join(tmp, str(number), posixpath.basename(item.path))
            os.makedirs(os.path.dirname(abspath), exist_ok=True)
            write_atomic(abspath, item.data)
            found.append((item, Workspace.read(abspath, item.path)))
        yield found


def _rank(pair: tuple[LiveFile, Record]) -> tuple[bool, int]:
    item, record = pair
    own = item.pull.head_ref.startswith(f"{BRANCH_PREFIX}{record.id}")
    return (not own, item.pull.number)


def overlay(base: list[Record], live: list[tuple[LiveFile, Record]]) -> Overlaid:
    """The default branch's records with each open PR's version in place of its own."""
    notes: list[str] = []
    chosen: dict[str, tuple[LiveFile, Record]] = {}
    for item, record in sorted(live, key=_rank):
        where = f"#{item.pull.number} {item.path}"
        if record.incident is None:
            notes.append(f"{where}: not a valid incident yet (its pr-check says why)")
            continue
        other = chosen.get(record.incident.id)
        if other is not None:
            notes.append(
                f"{where}: {record.incident.id} is also in #{other[0].pull.number}, "
                "which counts (duplicate-id)"
            )
            continue
        chosen[record.incident.id] = (item, record)
    merged = {r.incident.id: r.incident for r in base if r.incident is not None}
    paths = {item.path for item, _ in chosen.values()}
    records = [
        r for r in base
        if r.path not in paths and (r.incident is None or r.incident.id not in chosen)
    ]  # fmt: skip
    for item, record in chosen.values():
        assert record.incident is not None
        record.incident, held = before_merge(record.incident, merged.get(record.incident.id))
        notes += [f"#{item.pull.number} {item.path}: {text}" for text in held]
        records.append(record)
    return Overlaid(records, {record.path: item for item, record in chosen.values()}, notes)


def before_merge(incident: Incident, merged: Incident | None) -> tuple[Incident, list[str]]:
    """The incident as it counts while its PR is open: waivers the default branch lacks and
    a closure wait for the approvals the PR gate asks for (they count once merged)."""
    update: dict[str, object] = {}
    held: list[str] = []
    kept = [w for w in incident.waivers if merged is not None and w in merged.waivers]
    if len(kept) != len(incident.waivers):
        update["waivers"] = kept
        count = len(incident.waivers) - len(kept)
        held.append(f"{count} new waiver(s) count once the PR is approved and merged")
    if incident.status == "closed" and (merged is None or merged.status != "closed"):
        update |= {"status": "resolved", "closed_at": None}
        held.append("closing counts once the PR is approved and merged (resolved until then)")
    return (incident.model_copy(update=update) if update else incident), held


@dataclass
class OpenPullRecords:
    """The open incident PRs' records for a report, and what to tell about them."""

    pairs: list[tuple[LiveFile, Record]]
    notes: list[str] = field(default_factory=list)

    def overlay(self, records: list[Record]) -> list[Record]:
        """`records` with the open PRs' versions in place (see `overlay`)."""
        overlaid = overlay(records, self.pairs)
        self.notes += [f"open pull request {note}" for note in overlaid.notes]
        return overlaid.records


@contextmanager
def open_pull_records(repo: Repo, environ: Mapping[str, str]) -> Iterator[OpenPullRecords]:
    """Read the open incident PRs for `--include-open-prs`: a token and the repository are
    required (ConfigError saying which to set), a failing read is an error (exit 2)."""
    from incident_ops.errors import IncidentOpsError
    from incident_ops.github import secrets
    from incident_ops.github.client import Settings

    if not secrets.token(environ):
        raise ConfigError(
            "--include-open-prs reads the open incident pull requests on GitHub: set "
            "GITHUB_TOKEN to a token that may read the incident repository's pull requests"
        )
    name = repository(None, repo.root, environ, from_origin=True)
    if name is None:
        raise ConfigError(
            "--include-open-prs: set GITHUB_REPOSITORY=owner/name (the incident repository "
            "on GitHub; an `origin` on GitHub is used when it is not set)"
        )
    client = Client(Settings.from_env(environ))
    try:
        live = read_open_pulls(client, name, repo)
    except ApiError as error:
        raise IncidentOpsError(
            f"--include-open-prs: cannot read the open pull requests of {name}: {error}"
        ) from None
    with records_of(live) as pairs:
        yield OpenPullRecords(pairs, [f"open pull request {name}{p}" for p in live.problems])
