"""Handle an `issue_comment` event on an incident pull request: check, apply, commit, reply.

What is trusted and what is not (the comment is anyone's text; the event file is input):

- from the event only the repository, the issue number and the comment id are taken, and
  the repository must be the one the job runs for (GITHUB_REPOSITORY); the comment (its
  author, text and time), the pull request and the author's permission are read from the
  API, so a forged or edited event changes nothing;
- only a new comment (`created`) by a person (not a bot: no loops) on an open pull request
  whose branch is `incident/<…>` in this repository counts; a fork's pull request is
  refused, any other pull request ignored;
- the author must be able to write to the repository (`GET .../collaborators/{login}/
  permission` → admin, maintain or write); anyone else gets a reply and nothing changes;
- the commands (`chatops.grammar`) never reach a shell: they are words given to the same
  `Editor` methods the CLI calls, which check every value; all of them run in ONE
  transaction — one bad command and every file is put back, nothing is committed;
- the commit (`incident(ID): … (/ack by @alice)`) quotes the command lines and names the
  commenter as co-author (`Co-authored-by: login <id+login@users.noreply.github.com>`);
  with `push` it is pushed to the pull request's branch (a push that lost a race is redone
  on the new head, twice at most);
- the reply quotes what the commenter wrote only inside code blocks (no mention, no
  Markdown from it reaches anyone) and the comment gets a reaction: +1 done, -1 refused,
  confused on an error.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from incident_ops.chatops.grammar import (
    USAGE,
    Command,
    CommandError,
    Parsed,
    parse,
    resolve_time,
    usage_text,
)
from incident_ops.edit.operations import Editor, EditResult
from incident_ops.errors import GateRefused, IncidentOpsError
from incident_ops.github.client import ApiError, Client, CommentInfo, PullView
from incident_ops.github.event import number, read_event, section, text
from incident_ops.policy.load import Policy
from incident_ops.workspace import git
from incident_ops.workspace.config import Repo

WRITERS = ("admin", "maintain", "write")
# An incident branch as incident-ops names them; anything else (shell metacharacters, `..`,
# a leading dash, spaces) is refused before it is used anywhere.
BRANCH = re.compile(r"incident/[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
INCIDENT_ID = re.compile(r"[A-Z]+-\d{4}-\d{4,}")
LOGIN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})")
PUSH_ATTEMPTS = 3


@dataclass
class Handled:
    """What handling one comment came to: the exit code, and what was said and done."""

    code: int = 0
    note: str = ""  # for the log
    branch: str | None = None  # the incident branch (when the comment may be acted on)
    reply: str | None = None  # posted on the pull request
    reaction: str | None = None
    results: list[EditResult] = field(default_factory=list)
    commit: str | None = None
    comment_id: int | None = None  # the comment to react to
    pull_number: int | None = None  # where to reply


@dataclass(frozen=True)
class Request:
    """A comment that may be acted on: where, by whom, what."""

    repository: str
    pull: PullView
    comment: CommentInfo
    parsed: Parsed
    incident: str


def fence(body: str, info: str = "text") -> str:
    """`body` in a code block whose fence no backtick run inside it can close."""
    longest = max((len(run) for run in re.findall(r"`+", body)), default=0)
    ticks = "`" * max(3, longest + 1)
    return f"{ticks}{info}\n{body}\n{ticks}"


# ---- checking the event --------------------------------------------------------------------
def inspect(event_path: str, repository: str, client: Client) -> Request | Handled:
    """The request a comment makes, or how it ends (ignored, refused) without any edit."""
    event = read_event(event_path)
    named = text(section(event, "repository"), "full_name")
    if named.lower() != repository.lower():
        raise IncidentOpsError(f"the event is about {named or 'no repository'}, not {repository}")
    if text(event, "action") != "created":
        return Handled(0, "not a new comment: ignored")
    issue = section(event, "issue")
    issue_number, comment_id = number(issue, "number"), number(section(event, "comment"), "id")
    if issue_number is None or comment_id is None:
        raise IncidentOpsError("the event names no issue and comment (issue.number, comment.id)")
    if not section(issue, "pull_request"):
        return Handled(0, f"#{issue_number} is an issue, not a pull request: ignored")
    comment = client.get_comment(repository, comment_id)  # never the event's copy
    if not comment.issue_url.endswith(f"/issues/{issue_number}"):
        raise IncidentOpsError(f"comment {comment_id} is not on #{issue_number}")
    parsed = parse(comment.body)
    if not parsed.commands and not parsed.errors and not parsed.help:
        return Handled(0, "no commands in the comment")
    if comment.author_type.lower() == "bot" or comment.author.endswith("[bot]"):
        return Handled(0, f"a comment by {comment.author}: bots' comments are not commands")
    pull = client.get_pull(repository, issue_number)
    same_repo = (pull.head_repo or "").lower() == repository.lower()
    if not pull.head_ref.startswith("incident/") or not pull.open:
        return Handled(0, f"#{pull.number} is not an open incident pull request: ignored")
    if not same_repo or not BRANCH.fullmatch(pull.head_ref):
        why = ("its branch is in another repository (a fork)" if not same_repo
               else "its branch name is not one incident-ops gives")  # fmt: skip
        return _refuse(comment, pull, f"commands run only on incident pull requests whose "
                       f"branch is in {repository}; {why}; nothing changed.")  # fmt: skip
    if not LOGIN.fullmatch(comment.author):
        return _refuse(comment, pull, "the comment's author is not a GitHub user; nothing changed.")
    role = client.permission(repository, comment.author)
    if role not in WRITERS:
        return _refuse(
            comment,
            pull,
            f"commands need write access to {repository} (you have: {role}); nothing "
            "changed. Ask a responder with write access, or suggest the change in a comment.",
        )
    if parsed.errors or parsed.help:
        return _usage(comment, pull, parsed)
    incident = _incident(client, repository, pull)
    if isinstance(incident, Handled):
        return incident
    return Request(repository, pull, comment, parsed, incident)


def _incident(client: Client, repository: str, pull: PullView) -> str | Handled:
    """The incident of the pull request: named by its branch, else its one incident file."""
    found = INCIDENT_ID.match(pull.head_ref.removeprefix("incident/"))
    if found:
        return found.group(0)
    names = {
        m.group(0)
        for path, status in client.pull_files(repository, pull.number)
        if status != "removed" and path.endswith(".md")
        and (m := INCIDENT_ID.match(path.rsplit("/", 1)[-1]))
    }  # fmt: skip
    if len(names) == 1:
        return names.pop()
    return Handled(1, f"#{pull.number} names no single incident ({len(names)} found)")


def _refuse(comment: CommentInfo, pull: PullView, message: str) -> Handled:
    return Handled(1, message, reply=f"@{comment.author}: {message}", reaction="-1",
                   comment_id=comment.id, pull_number=pull.number)  # fmt: skip


def _usage(comment: CommentInfo, pull: PullView, parsed: Parsed) -> Handled:
    lines = [f"{e.line}\n  → {e}" for e in parsed.errors]
    head = (f"@{comment.author}: nothing changed." if parsed.errors
            else f"@{comment.author}: the commands of incident pull requests.")  # fmt: skip
    body = head
    if lines:
        body += "\n\n" + fence("\n".join(lines))
    body += "\n\nUsage, one command a line:\n\n" + fence(usage_text())
    return Handled(1 if parsed.errors else 0, "; ".join(str(e) for e in parsed.errors) or "help",
                   reply=body, reaction="confused" if parsed.errors else "+1",
                   comment_id=comment.id, pull_number=pull.number)  # fmt: skip


# ---- applying the commands -------------------------------------------------------------------
def coauthor(comment: CommentInfo) -> str:
    """The commenter as a commit trailer names them: GitHub's no-reply address."""
    return f"{comment.author} <{comment.author_id}+{comment.author}@users.noreply.github.com>"


def _call(editor: Editor, incident: str, cmd: Command, at: datetime, by: str) -> EditResult:
    """One command as the CLI would run it: the Editor method of the same name."""
    a = cmd.args
    calls: dict[str, Callable[[], EditResult]] = {
        "acknowledge": lambda: editor.acknowledge(incident, at),
        "investigate": lambda: editor.investigate(incident, at),
        "mitigate": lambda: editor.mitigate(incident, at),
        "resolve": lambda: editor.resolve(incident, at),
        "cancel": lambda: editor.cancel(incident, at),
        "escalate": lambda: editor.escalate(incident, a[0], at, by),
        "add_update": lambda: editor.add_update(
            incident, a[0], a[1], a[2], at, cmd.kwargs.get("final", False)
        ),
        "assign": lambda: editor.assign(incident, a[0]),
        "add_action": lambda: editor.add_action(incident, a[0], a[1], a[2], a[3], a[4]),
        "action_done": lambda: editor.action_done(incident, a[0], at),
        "action_wont_do": lambda: editor.action_wont_do(incident, a[0], a[1]),
        "waive": lambda: editor.waive(
            incident, a[0], a[1], by, cmd.kwargs.get("department"), cmd.kwargs.get("action"), at
        ),
    }
    return calls[cmd.name]()


def _message(request: Request, results: list[EditResult]) -> str:
    """The commit message: what changed, the command lines quoted (never as trailers)."""
    done = [r.summary for r in results if r.changed and r.summary]
    subject = f"incident({request.incident}): {', '.join(dict.fromkeys(done))}"
    first = request.parsed.commands[0].line.split()[0]
    subject += f" ({first} by @{request.comment.author})"
    quoted = "\n".join(f"> {_printable(c.line)}" for c in request.parsed.commands)
    where = f"From a comment by @{request.comment.author} on #{request.pull.number}:"
    return f"{subject}\n\n{where}\n\n{quoted}"


def _printable(line: str) -> str:
    return "".join(ch if ch.isprintable() else " " for ch in line)[:300]


def _failed(cmd: Command, error: Exception) -> str:
    """The failing command line, why, and its usage line."""
    usage = USAGE.get(cmd.line.split()[0].lstrip("/"), "")
    return f"{cmd.line}: {error}" + (f"\nusage: {usage}" if usage else "")


def apply(
    request: Request, repo: Repo, policy: Policy, now: Callable[[], datetime] | None
) -> tuple[list[EditResult], str | None]:
    """Run the commands in order in one transaction; (results, commit id or None)."""
    editor = Editor(repo, policy, clock=now)
    tz = policy.calendar().tz
    written = datetime.fromisoformat(request.comment.created_at.replace("Z", "+00:00"))
    by = f"@{request.comment.author}"
    results: list[EditResult] = []
    with editor.batch(commit=True, coauthors=[coauthor(request.comment)]) as tx:
        for cmd in request.parsed.commands:
            try:
                at = resolve_time(cmd.at, written, tz) if cmd.timed else written
                results.append(_call(editor, request.incident, cmd, at, by))
            except CommandError as error:
                raise IncidentOpsError(_failed(cmd, error)) from None
            except GateRefused as error:
                raise GateRefused(_failed(cmd, error)) from None
            except IncidentOpsError as error:
                raise IncidentOpsError(_failed(cmd, error)) from None
        tx.message = _message(request, results)
    return results, tx.commit_id


def checkout_problem(repo: Repo, pull: PullView) -> str | None:
    """Why the checkout is not the pull request's branch (the commit would go elsewhere)."""
    try:
        current = git.run(repo.root, "rev-parse", "--abbrev-ref", "HEAD").strip()
    except IncidentOpsError as error:
        return str(error)
    if current != pull.head_ref:
        return f"the checkout is on {current!r}, not the pull request's branch {pull.head_ref}"
    return None


def handle(
    request: Request,
    repo: Repo,
    policy: Policy,
    now: Callable[[], datetime] | None,
    do_push: bool = False,
) -> Handled:
    """Apply a checked request in the checkout of its branch, push, and say what happened."""
    comment = request.comment
    problem = checkout_problem(repo, request.pull)
    if problem:
        raise IncidentOpsError(problem)
    for _ in range(PUSH_ATTEMPTS):
        try:
            results, commit = apply(request, repo, policy, now)
        except (IncidentOpsError, GateRefused) as error:
            message = f"@{comment.author}: nothing changed.\n\n" + fence(str(error))
            return Handled(1, str(error), reply=message, reaction="confused",
                           comment_id=comment.id, pull_number=request.pull.number)  # fmt: skip
        if (
            commit is None
            or not do_push
            or git.push_branch(repo.root, "origin", commit, request.pull.head_ref)
        ):
            return _done(request, results, commit)
        # someone pushed to the branch meanwhile: redo the commands on its new head
        git.run(repo.root, "fetch", "--quiet", "origin", f"refs/heads/{request.pull.head_ref}")
        git.run(repo.root, "reset", "--quiet", "--hard", "FETCH_HEAD")
    raise IncidentOpsError(f"could not push to {request.pull.head_ref}: it keeps moving")


def _done(request: Request, results: list[EditResult], commit: str | None) -> Handled:
    author = request.comment.author
    lines = [f"{r.incident}: {r.message}" + ("" if r.changed else " (nothing to change)")
             for r in results]  # fmt: skip
    lines += [f"note: {note}" for r in results for note in r.notes]
    lines += [f"note: {c.line.split()[0]} {c.args[0]}: {c.note}" for c in
              request.parsed.commands if c.note]  # fmt: skip
    if commit:
        head = f"@{author}: done, committed {commit[:7]} to `{request.pull.head_ref}`."
    else:
        head = f"@{author}: the incident already says so; nothing changed."
    return Handled(0, head, reply=head + "\n\n" + fence("\n".join(lines)), reaction="+1",
                   results=results, commit=commit, comment_id=request.comment.id,
                   pull_number=request.pull.number)  # fmt: skip


def respond(client: Client, repository: str, handled: Handled) -> list[str]:
    """Post the reply and the reaction; what could not be posted (the edit stands)."""
    problems: list[str] = []
    if handled.reply and handled.pull_number is not None:
        try:
            client.comment_on(repository, handled.pull_number, handled.reply)
        except ApiError as error:
            problems.append(f"cannot reply on #{handled.pull_number}: {error}")
    if handled.reaction and handled.comment_id is not None:
        try:
            client.react(repository, handled.comment_id, handled.reaction)
        except ApiError as error:
            problems.append(f"cannot react to comment {handled.comment_id}: {error}")
    return problems
