"""`new --pr`: declare an incident as its own pull request, in one command.

The live incident is its pull request (`github.pulls`): the bot acts on it from the moment
it opens. Declaring one:

1. fetch the default branch of `origin` (`git ls-remote --symref` names it);
2. take the next id free on the default branch, among the remote's incident branches
   (`git ls-remote origin 'refs/heads/incident/*'`), among the files of the open incident
   PRs and in the local checkout;
3. commit the new file onto the default branch's commit without touching the work tree, the
   index or the current branch (a private index, `git commit-tree`);
4. push it as `incident/<ID>` — creating the branch only if the remote does not have it
   (`--force-with-lease=<ref>:`): two people declaring at once both take the same id, one
   push wins, the other finds the branch taken, takes the next id and tries again;
5. open the pull request (`POST /repos/{owner}/{repo}/pulls`), label it `incident` and with
   the severity, and keep a local branch `incident/<ID>` at the commit for further edits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from incident_ops.edit.new import Draft, next_number
from incident_ops.errors import GateRefused, IncidentOpsError
from incident_ops.github.client import ApiError, Client, PullView
from incident_ops.github.pulls import git_prefix, incident_pulls
from incident_ops.policy.load import Policy
from incident_ops.prcheck.open_pulls import BRANCH_PREFIX, LABEL
from incident_ops.workspace import git
from incident_ops.workspace.config import Repo

ATTEMPTS = 8  # ids tried when others keep taking them first
DECLARED_MARK = "<!-- incident-ops:declared-from:{number} -->"


@dataclass(frozen=True)
class Declared:
    """A declared incident: its id, file (relative to the repository root), branch, commit
    and pull request."""

    incident: str
    path: str
    branch: str
    commit: str
    pull: PullView


def taken_ids(client: Client, repository: str, pulls: list[PullView]) -> list[str]:
    """The file names of the incident files the open incident PRs add or change."""
    names = []
    for pull in incident_pulls(pulls, repository):
        for path, status in client.pull_files(repository, pull.number):
            if status != "removed":
                names.append(path.rsplit("/", 1)[-1])
    return names


def declare(
    repo: Repo,
    new: Draft,
    client: Client,
    repository: str,
    *,
    remote: str = "origin",
    body: str = "",
) -> Declared:
    """Push the new incident as `incident/<ID>` and open its pull request (see above)."""
    root = repo.root
    default = git.remote_default_branch(root, remote)
    pulls = client.list_pulls(repository)
    in_pulls = taken_ids(client, repository, pulls)
    year = new.detected.year
    folder = f"{git_prefix(repo)}{repo.config.incidents.strip('/')}"
    for _ in range(ATTEMPTS):
        base = git.fetch_branch(root, remote, default)
        listed = git.run(root, "ls-tree", "-r", "--full-tree", "--name-only", base, "--", folder)
        branches = git.remote_branches(root, remote, f"{BRANCH_PREFIX}*")
        taken = [
            *(path.rsplit("/", 1)[-1] for path in listed.splitlines()),
            *(name.removeprefix(BRANCH_PREFIX) for name in branches),
            *in_pulls,
        ]
        incident_id = f"{repo.config.id_prefix}-{year}-{next_number(repo, year, taken):04d}"
        relpath = f"{repo.config.incidents.strip('/')}/{year}/{new.filename(incident_id)}"
        text = new.text(incident_id)
        message = f"incident({incident_id}): opened"
        commit = git.commit_onto(root, base, git_prefix(repo) + relpath, text.encode(), message)
        branch = f"{BRANCH_PREFIX}{incident_id}"
        if git.push_new_branch(root, remote, commit, branch):
            break
    else:
        raise IncidentOpsError(
            f"no free incident id after {ATTEMPTS} attempts: others keep taking them; try again"
        )
    _local_branch(root, remote, branch, commit)
    title = f"[{incident_id}][{new.severity}] {new.title}"
    text = f"Incident {incident_id}, declared with `incident-ops new --pr`.\n\n{body}".rstrip()
    try:
        pull = client.create_pull(repository, title, branch, default, text + "\n")
        client.add_labels(repository, pull.number, [LABEL, new.severity])
    except ApiError as error:
        raise IncidentOpsError(
            f"{branch} was pushed, but its pull request could not be opened: {error} "
            f"(open it by hand: head {branch}, base {default})"
        ) from None
    return Declared(incident_id, relpath, branch, commit, pull)


def _local_branch(root: str, remote: str, branch: str, commit: str) -> None:
    """A local `incident/<ID>` at the commit, tracking the remote's, unless one exists."""
    if git.succeeds(root, "rev-parse", "--verify", "--quiet", f"refs/heads/{branch}"):
        return
    tracking = f"refs/remotes/{remote}/{branch}"
    if git.succeeds(root, "rev-parse", "--verify", "--quiet", tracking):
        git.succeeds(root, "branch", "--quiet", "--track", branch, f"{remote}/{branch}")
    else:
        git.succeeds(root, "branch", "--quiet", branch, commit)


@dataclass(frozen=True)
class FromIssue:
    """An incident declared from an issue form (`declared` None: done by an earlier run,
    whose pull request is `existing`)."""

    issue: int
    declared: Declared | None
    existing: PullView | None = None

    @property
    def url(self) -> str:
        pull = self.declared.pull if self.declared else self.existing
        return pull.url if pull else ""


def declare_from_issue(
    repo: Repo,
    policy: Policy,
    client: Client,
    repository: str,
    event_path: str,
    now: datetime,
) -> FromIssue:
    """Declare the incident an issue form describes (`github.issueform`); the outcome, or
    a refusal (GateRefused, exit 1) that is also said on the issue."""
    from incident_ops.domain.instants import parse_instant
    from incident_ops.edit.new import draft
    from incident_ops.github.event import number, read_event, section, text
    from incident_ops.github.issueform import DECLARERS, parse_form

    event = read_event(event_path)
    named = text(section(event, "repository"), "full_name")
    if named.lower() != repository.lower():
        raise IncidentOpsError(f"the event is about {named or 'no repository'}, not {repository}")
    issue_number = number(section(event, "issue"), "number")
    if issue_number is None:
        raise IncidentOpsError("the event names no issue (issue.number)")
    issue, is_pull = client.get_issue(repository, issue_number)  # never the event's copy
    if is_pull:
        raise IncidentOpsError(f"#{issue_number} is a pull request, not an incident form")
    mark = DECLARED_MARK.format(number=issue_number)
    pulls = [p for p in incident_pulls(client.list_pulls(repository), repository) if mark in p.body]
    if pulls:
        return FromIssue(issue_number, None, pulls[0])
    role = client.permission(repository, issue.author)
    if role not in DECLARERS:
        message = (
            f"@{issue.author}: declaring an incident from an issue needs the triage role or "
            f"more on {repository} (you have: {role}); nothing was declared."
        )
        client.comment_on(repository, issue_number, message)
        raise GateRefused(message)
    form = parse_form(issue.body)
    try:
        tz = policy.calendar().tz
        detected = parse_instant(form.get("detected_at") or None, tz, "Detected at")
        new = draft(
            policy, issue.title, form.get("severity"), form.get("category"), detected,
            form.get("source") or "customer", f"@{issue.author}",
            commander=form.get("commander") or None, services=form.names("services"),
            customers=form.names("customers"), now=now,
        )  # fmt: skip
    except IncidentOpsError as error:
        client.comment_on(
            repository, issue_number,
            f"@{issue.author}: the incident could not be declared: {error}. Edit the "
            "issue's answers and label it again, or declare it with `incident-ops new`.",
        )  # fmt: skip
        raise
    body = f"Declared from #{issue_number} by @{issue.author}.\n\n{mark}"
    declared = declare(repo, new, client, repository, body=body)
    client.comment_on(
        repository, issue_number,
        f"Declared as **{declared.incident}** ({new.severity}): {declared.pull.url}\n\n"
        "Respond in the pull request with comment commands (`/ack`, `/status mitigated`, "
        "`/update customers status-page \"…\"`).",
    )  # fmt: skip
    return FromIssue(issue_number, declared)
