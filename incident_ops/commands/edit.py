"""`ack`, `escalate`, `update`, `resolve`, `close`: edit one incident's front matter in place.

Each command plans its change on the parsed incident, applies it with `edit.frontmatter`
(only the changed lines differ), validates the would-be file in memory and writes it only
when the gate passes: `close` refuses on any closure, lifecycle or schema error; the other
commands refuse only on lifecycle/schema errors their own change would introduce.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import Any

import click

from incident_ops.commands.common import load, root_option
from incident_ops.domain import stages as lifecycle
from incident_ops.domain.incident import Incident
from incident_ops.domain.instants import parse_instant
from incident_ops.edit.frontmatter import (
    Change,
    append_item,
    edit_text,
    instant,
    read_text,
    set_key,
)
from incident_ops.errors import GateRefused, IncidentOpsError
from incident_ops.finding import Finding
from incident_ops.lint.validate import Parsed, build_index, discover, parse_file
from incident_ops.parse.document import Document, parse_text
from incident_ops.policy.load import Policy
from incident_ops.rules import run_rules
from incident_ops.rules._context import Context
from incident_ops.workspace.atomic import write_atomic
from incident_ops.workspace.config import Repo
from incident_ops.workspace.index import RepoIndex
from incident_ops.workspace.load import load_incident, raw_id

CLOSE_GATE = ("closure-rca", "closure-prevention", "closure-follow-up", "closure-departments")
EDIT_GATE = ("syntax", "schema", "lifecycle")
_UPDATE_NAMES = {"customers": "customer", "management": "management", "internal": "internal"}


@dataclass
class Target:
    """The incident being edited, with what the gate needs to validate its new text."""

    repo: Repo
    policy: Policy
    relpath: str
    incident: Incident
    parsed: dict[str, Parsed]

    @property
    def abspath(self) -> str:
        return os.path.join(self.repo.root, self.relpath)

    @cached_property
    def index(self) -> RepoIndex:
        """The cross-file index of the files on disk: built once, though the gate checks
        both the old and the new text."""
        return build_index(self.repo, self.parsed)


def find_target(repo: Repo, policy: Policy, incident_id: str) -> Target:
    """The one file whose front matter has this id (exit 2 if none or several)."""
    parsed = {repo.relpath(p): parse_file(p, repo.relpath(p)) for p in discover(repo)}
    found = [rel for rel, item in parsed.items() if raw_id(item.doc) == incident_id]
    if not found:
        raise IncidentOpsError(f"no incident {incident_id} in {repo.config.incidents}/")
    if len(found) > 1:
        raise IncidentOpsError(f"{incident_id} is ambiguous: " + ", ".join(sorted(found)))
    item = parsed[found[0]]
    if item.incident is None:
        problems = "".join(f"\n  {found[0]}:{p.line}: {p.message}" for p in item.doc.problems)
        raise GateRefused(f"{incident_id}: fix the file first:{problems}")
    return Target(repo, policy, found[0], item.incident, parsed)


def check_text(target: Target, text: str, now: datetime, rules: tuple[str, ...]) -> list[Finding]:
    """Errors of `rules` on `text` as if it were the target's file (nothing is written)."""
    doc = Document(target.relpath)
    parse_text(doc, text)
    levels = dict(target.repo.config.rules)
    ctx = Context(doc, load_incident(doc), target.policy, target.index, now, levels)
    return [f for f in run_rules(ctx) if f.rule in rules and f.level == "error"]


def stage_change(incident: Incident, status: str, field: str, at: datetime) -> Change | None:
    """Move to `status` with its timestamp; None when already there with the timestamp."""
    current = incident.status
    if lifecycle.reached(current, status) and getattr(incident, field) is not None:
        return None
    move = not lifecycle.reached(current, status)
    if move and not lifecycle.can_transition(current, status):
        raise GateRefused(f"{incident.id}: cannot go from {current} to {status}")

    def change(data: Any) -> None:
        if move:
            set_key(data, "status", status)
        set_key(data, field, instant(at))

    return change


def apply(target: Target, change: Change, at: datetime, close: bool = False) -> None:
    """Edit, gate and atomically write the target file."""
    text = read_text(target.abspath)
    new = edit_text(text, change, target.relpath)
    now = max(datetime.now(at.tzinfo), at)
    after = check_text(target, new, now, EDIT_GATE + (CLOSE_GATE if close else ()))
    if not close:  # refuse only what this change introduces
        before = {(f.rule, f.message) for f in check_text(target, text, now, EDIT_GATE)}
        after = [f for f in after if (f.rule, f.message) not in before]
    if after:
        listed = "".join(f"\n  {f.path}:{f.line}: [{f.rule}] {f.message}" for f in after)
        verb = "not closed" if close else "not changed"
        raise GateRefused(f"{target.incident.id}: {verb}:{listed}")
    write_atomic(target.abspath, new)


def commit(abspath: str, message: str) -> str:
    """Commit just this file (other staged changes stay staged); the short commit id."""
    import git

    try:
        repo = git.Repo(os.path.dirname(abspath), search_parent_directories=True)
        repo.git.add("--", abspath)
        repo.git.commit("--only", "-m", message, "--", abspath)
        return repo.head.commit.hexsha[:7]
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise IncidentOpsError(f"--commit: {abspath} is not in a Git repository") from None
    except git.GitCommandError as error:
        detail = (error.stderr or "").strip().splitlines()
        raise IncidentOpsError(f"--commit failed: {detail[-1] if detail else error}") from None


def _run(
    root: str | None,
    incident_id: str,
    at_text: str | None,
    do_commit: bool,
    plan: Callable[[Target, datetime], tuple[Change | None, str, str]],
    close: bool = False,
) -> int:
    """Shared flow: load, find, plan, apply, report, commit."""
    repo, policy = load(root)
    at = parse_instant(at_text, policy.calendar().tz, "--at").replace(microsecond=0)
    target = find_target(repo, policy, incident_id.strip())
    change, done, summary = plan(target, at)
    if change is None:
        click.echo(f"{target.incident.id}: {done}; nothing changed")
        return 0
    apply(target, change, at, close)
    click.echo(f"{target.incident.id}: {done}")
    if do_commit:
        sha = commit(target.abspath, f"incident({target.incident.id}): {summary}")
        click.echo(f"committed {sha} incident({target.incident.id}): {summary}")
    return 0


def _stage(status: str, field: str, word: str) -> Callable[..., tuple[Change | None, str, str]]:
    def plan(target: Target, at: datetime) -> tuple[Change | None, str, str]:
        change = stage_change(target.incident, status, field, at)
        if change is None:
            stamp = getattr(target.incident, field).isoformat()
            return None, f"already {word} at {stamp}", word
        return change, f"{word} at {at.isoformat()}", word

    return plan


def _common(func: Callable[..., int]) -> Callable[..., int]:
    func = click.option("--commit", "do_commit", is_flag=True, help="Commit the file.")(func)
    func = root_option(func)
    func = click.option(
        "--at",
        "at_text",
        metavar="ISO",
        default=None,
        help="When it happened (default: now); naive times are in the policy's default zone.",
    )(func)
    return click.argument("incident_id", metavar="ID")(func)


@click.command("ack")
@_common
def ack(incident_id: str, at_text: str | None, root: str | None, do_commit: bool) -> int:
    """Acknowledge an incident: set acknowledged_at and status acknowledged.

    An incident already past `acknowledged` only gets a missing acknowledged_at.

    \b
    Example:
      incident-ops ack INC-2026-0042 --at 2026-11-20T09:20 --commit
    """
    return _run(
        root,
        incident_id,
        at_text,
        do_commit,
        _stage("acknowledged", "acknowledged_at", "acknowledged"),
    )


@click.command("resolve")
@_common
def resolve(incident_id: str, at_text: str | None, root: str | None, do_commit: bool) -> int:
    """Resolve an incident: set resolved_at and status resolved.

    \b
    Example:
      incident-ops resolve INC-2026-0042 --at 2026-11-20T12:30:00+01:00
    """
    return _run(
        root, incident_id, at_text, do_commit, _stage("resolved", "resolved_at", "resolved")
    )


@click.command("close")
@_common
def close(incident_id: str, at_text: str | None, root: str | None, do_commit: bool) -> int:
    """Close an incident after the closure rules pass (RCA, prevention plan, follow-up,
    departments, lifecycle); otherwise list the findings, change nothing and exit 1.

    \b
    Example:
      incident-ops close INC-2026-0042 --commit
    """
    return _run(
        root, incident_id, at_text, do_commit, _stage("closed", "closed_at", "closed"), close=True
    )


@click.command("escalate")
@_common
@click.option("--department", required=True, help="A department key of the policies.")
@click.option("--by", default=None, metavar="@USER", help="Who escalated (escalations[].by).")
def escalate(
    incident_id: str,
    at_text: str | None,
    root: str | None,
    do_commit: bool,
    department: str,
    by: str | None,
) -> int:
    """Record an escalation: append {department, at, by} to escalations.

    \b
    Example:
      incident-ops escalate INC-2026-0042 --department management --by @bob
    """

    def plan(target: Target, at: datetime) -> tuple[Change | None, str, str]:
        known = sorted(target.policy.model.departments)
        if department not in known:
            raise IncidentOpsError(f"unknown department {department!r}; known: {', '.join(known)}")
        item: dict[str, Any] = {"department": department, "at": instant(at)}
        if by:
            item["by"] = _quoted(by)
        done = f"escalated to {department} at {at.isoformat()}"
        return (
            (lambda data: append_item(data, "escalations", item)),
            done,
            f"escalated to {department}",
        )

    return _run(root, incident_id, at_text, do_commit, plan)


@click.command("update")
@_common
@click.option(
    "--audience", required=True, type=click.Choice(["customers", "management", "internal"])
)
@click.option(
    "--channel", required=True, type=click.Choice(["email", "phone", "status-page", "chat"])
)
@click.option("--summary", required=True, help="What was communicated, in one line.")
@click.option("--final", is_flag=True, help="The last update (the customer follow-up).")
def update(
    incident_id: str,
    at_text: str | None,
    root: str | None,
    do_commit: bool,
    audience: str,
    channel: str,
    summary: str,
    final: bool,
) -> int:
    """Record a communication: append {at, audience, channel, summary, final} to updates.

    \b
    Example:
      incident-ops update INC-2026-0042 --audience customers --channel status-page \\
        --summary "Billing restored" --final
    """
    if not summary.strip():
        raise click.BadParameter("must not be empty", param_hint="--summary")

    def plan(target: Target, at: datetime) -> tuple[Change | None, str, str]:
        item = {"at": instant(at), "audience": audience, "channel": channel}
        item |= {"summary": summary, "final": final}
        name = ("final " if final else "") + f"{_UPDATE_NAMES[audience]} update"
        done = f"{name} ({channel}) at {at.isoformat()}"
        return (
            (lambda data: append_item(data, "updates", item)),
            done,
            f"{_UPDATE_NAMES[audience]} update",
        )

    return _run(root, incident_id, at_text, do_commit, plan)


def _quoted(handle: str) -> Any:
    """`"@bob"` as SPEC writes handles (a plain `@` cannot start a YAML scalar)."""
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    return DoubleQuotedScalarString(handle)


COMMANDS = {"ack": ack, "escalate": escalate, "update": update, "resolve": resolve, "close": close}
