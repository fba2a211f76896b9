"""Make GitHub match a Plan, idempotently: find the bot's own issues again, create what is
missing, once.

Whose markers count (SPEC §7): only those in issues and comments the bot's own identity
wrote — the token's user (`GET /user`), or for a GitHub App's installation token, which
may not ask, the bot login (`--bot-login`, default `github-actions[bot]`). Anyone who can
comment or open an issue can paste a marker; such copies are ignored.

Per repo the bot's issues are listed once (`creator=` the bot, all states, 100 a page;
labels play no part, so a removed label is put back). An issue is found by the reference
the incident file records (`escalations[].issue`, `actions[].issue`) when that names one of
the bot's issues, else by its marker among them, and only then created; a marker or label
a person removed is restored on the same issue.

The markers of the comments posted on an issue are recorded in its body (`markers.
posted_block`), written after the comments. A comment is needed only when its marker is not
recorded, and only then are the issue's comments listed: the record may be stale after a
crash between the comment and the body. So a sweep with nothing new to say reads the issue
lists only, and one that died after any write and is run again ends in the state of one
clean run (an ambiguous create or comment is verified by listing again, see `client`).

The sweep only adds labels (humans may add their own); it rewrites title and body, which
belong to the incident file. It never reopens a department issue a human closed.

Escalations: a spec with `escalate` is the bot engaging a department whose escalation fell
due unmet; once its issue is created (or found open) the entry to record goes into
`Outcome.edits`, for the file.

Action issues are synced both ways. The file says open or finished (done / wont-do), the
issue is open or closed, and the issue's record says what both last agreed on (the key
`…:action:A1:closed` present: finished; absent: open). When file and issue agree, the
record is brought up to date. When they differ and the file moved away from the record,
the file wins: the issue is closed (completed / not planned) or reopened, the record
written in the same request. When only the issue moved — someone closed or reopened it on
GitHub — the change goes into `Outcome.edits` for the file (`status: done` with the
issue's `closed_at` as `done_at`, `wont-do` for not planned, `open` when reopened); the
record follows once the file agrees, so a write-back that never lands is retried rather
than undone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from incident_ops.errors import ConfigError
from incident_ops.github import markers
from incident_ops.github.client import ApiError, Client, IssueView, OutOfTime
from incident_ops.github.plan import CommentSpec, Edit, IssueSpec, Plan, Record, SetAction

DEFAULT_BOT_LOGIN = "github-actions[bot]"  # the Actions GITHUB_TOKEN's identity


@dataclass
class Tally:
    created: int = 0
    updated: int = 0
    closed: int = 0
    commented: int = 0
    unchanged: int = 0
    failed: int = 0


@dataclass
class Outcome:
    tallies: dict[str, Tally] = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)  # what was (or would be) done
    failures: list[str] = field(default_factory=list)
    refs: list[tuple[Record, str]] = field(default_factory=list)  # to record in files
    edits: list[Edit] = field(default_factory=list)  # front-matter edits for the files
    bot: str | None = None  # whose issues and comments count
    writes: int = 0  # writes made (or, in a dry run, that would be)

    def tally(self, repo: str) -> Tally:
        return self.tallies.setdefault(repo, Tally())


class _Stopped(Exception):
    """The time budget ran out; the failure is recorded, the run ends."""


def identify(client: Client, bot_login: str | None) -> str:
    """Whose markers count: the token's user, or for an app's token the given bot login."""
    login = client.whoami()
    if login is None:
        return bot_login or DEFAULT_BOT_LOGIN
    if bot_login and bot_login.lower() != login.lower():
        raise ConfigError(f"--bot-login {bot_login}: the token acts as {login}, not {bot_login}")
    return login


def apply(
    plan: Plan, client: Client, dry_run: bool = False, bot_login: str | None = None
) -> Outcome:
    """Apply the plan repo by repo; a failing repo is reported and the rest go on, until
    the time budget (`--max-wait`) runs out."""
    outcome = Outcome()
    try:
        outcome.bot = identify(client, bot_login)
    except ApiError as error:
        outcome.failures.append(f"cannot tell who the token is (GET /user): {error}")
        return outcome
    for repo in plan.repos():
        issues = [s for s in plan.issues if s.repo == repo]
        comments = [c for c in plan.comments if c.repo == repo]
        try:
            _RepoSweep(repo, client, outcome, dry_run, outcome.bot).run(issues, comments)
        except _Stopped:
            break
    return outcome


def _same(login: str, other: str) -> bool:
    return login.lower() == other.lower()


def _referenced(spec: IssueSpec, repo: str) -> int | None:
    """The issue number the incident file records for this spec, if it is in `repo`."""
    current = (spec.record.current or "") if spec.record else ""
    where, _, number = current.strip().rpartition("#")
    return int(number) if _same(where, repo) and number.isdigit() else None


class _RepoSweep:
    def __init__(
        self, repo: str, client: Client, outcome: Outcome, dry_run: bool, bot: str
    ) -> None:
        self.repo, self.client, self.outcome, self.dry_run = repo, client, outcome, dry_run
        self.bot = bot
        self.tally = outcome.tally(repo)
        self.by_number: dict[int, IssueView] = {}  # the bot's issues
        self.by_marker: dict[str, IssueView] = {}
        self.claimed: set[int] = set()  # issues a spec of this run resolved to
        self.said: dict[int, set[str]] = {}  # markers in the bot's comments, once listed
        self.posted: dict[int, set[str]] = {}  # the record each issue's body should hold

    def run(self, issues: list[IssueSpec], comments: list[CommentSpec]) -> None:
        try:
            self._list()
        except ApiError as error:
            self.tally.failed += len(issues) + len(comments)
            self._fail(f"{self.repo}: cannot list issues: {error}")
            if isinstance(error, OutOfTime):
                raise _Stopped from None
            return
        notes: dict[str, list[CommentSpec]] = {}
        for comment in comments:
            notes.setdefault(comment.issue_marker, []).append(comment)
        for spec in issues:
            self._guard(spec.marker, lambda s=spec: self._issue(s, notes.get(s.marker, [])))  # type: ignore[misc]

    # ---- finding the bot's issues ----------------------------------------------------------
    def _list(self) -> None:
        """The bot's issues by number and by marker; with duplicates the oldest wins."""
        views = sorted(self.client.list_issues(self.repo, self.bot), key=lambda v: v.number)
        mine = [v for v in views if _same(v.author, self.bot)]  # GitHub filtered; we check
        self.by_number = {v.number: v for v in mine}
        self.by_marker = {}
        for view in mine:
            for key in markers.found_in(view.body):
                self.by_marker.setdefault(key, view)

    def _find(self, spec: IssueSpec) -> IssueView | None:
        """By the reference in the incident file, if it names one of the bot's issues that
        is not another spec's; else by marker."""
        number = _referenced(spec, self.repo)
        view = self.by_number.get(number) if number is not None else None
        if view is not None and view.number not in self.claimed:
            keys = markers.found_in(view.body)
            if spec.marker in keys or not keys:  # its own marker, or a person removed it
                return view
        view = self.by_marker.get(spec.marker)
        return view if view is not None and view.number not in self.claimed else None

    def _refind(self, spec: IssueSpec) -> IssueView | None:
        self._list()
        return self.by_marker.get(spec.marker)

    # ---- issues --------------------------------------------------------------------------
    def _issue(self, spec: IssueSpec, notes: list[CommentSpec]) -> None:
        view = self._find(spec)
        if view is None:
            if spec.create:
                self._create(spec, notes)
            return
        self.claimed.add(view.number)
        self._record(spec, view)
        if spec.sync is not None:
            self._action(spec, view, notes)
        elif spec.open and view.open:
            self._escalate(spec, view)
            self._notes(view, notes)
            self._update(spec, view)
        elif view.open:
            self._close(spec, view)
        else:  # closed, or closed by a human while the incident is open: leave it closed
            self.tally.unchanged += 1

    def _create(self, spec: IssueSpec, notes: list[CommentSpec]) -> None:
        self._write()
        if self.dry_run:
            self._line(f"create {self.repo}: {spec.title}")
            self.tally.created += 1
            self._escalate(spec, None)
            for note in notes:
                self._write()
                self._line(f"comment {self.repo} (new issue): {note.marker}")
                self.tally.commented += 1
            if notes:
                self._write()  # the record of those comments in the body
            return
        fields = {
            "title": spec.title,
            "body": spec.body,
            "labels": list(spec.labels),
            "assignees": list(spec.assignees),
        }
        view = self.client.create_issue(self.repo, fields, verify=lambda: self._refind(spec))
        self._check_author(view)
        self.claimed.add(view.number)
        self._line(f"create {self.repo}#{view.number}: {spec.title}")
        self.tally.created += 1
        self._record(spec, view)
        self._escalate(spec, view)
        self._notes(view, notes)
        self._update(spec, view, fresh=True)

    def _check_author(self, view: IssueView) -> None:
        """A wrong bot login would make every sweep miss its issues and open them again."""
        if view.author and not _same(view.author, self.bot):
            raise ConfigError(
                f"{self.repo}#{view.number} was created as {view.author}, not {self.bot}, "
                f"so later sweeps would not find it: run the sweep with --bot-login "
                f"{view.author} (or set INCIDENT_OPS_BOT_LOGIN={view.author})"
            )

    def _update(
        self, spec: IssueSpec, view: IssueView, fresh: bool = False, reopen: bool = False
    ) -> None:
        """Title, body (with the record of posted markers) and missing labels; `fresh`: an
        issue created this run, where only the record can differ; `reopen`: an action
        issue the file reopened."""
        record = self.posted.get(view.number, markers.posted_in(view.body))
        changes: dict[str, object] = {"state": "open"} if reopen else {}
        shown: list[str] = ["reopened"] if reopen else []  # what a person would see change
        if view.title != spec.title:
            changes["title"] = spec.title
            shown.append("title")
        body = markers.with_posted(spec.body, record)
        if view.body != body:
            changes["body"] = body
            if view.body != markers.with_posted(spec.body, markers.posted_in(view.body)):
                shown.append("body")
        have = {label.lower() for label in view.labels}
        missing = [label for label in spec.labels if label.lower() not in have]
        if missing:
            changes["labels"] = [*view.labels, *missing]
            shown.append("labels")
        if shown:
            self._line(f"update {self.repo}#{view.number} ({', '.join(shown)}): {spec.title}")
            self.tally.updated += 1
        elif not fresh:
            self.tally.unchanged += 1
        if changes:
            self._write()
            if not self.dry_run:
                self.client.edit_issue(view, **changes)

    def _close(self, spec: IssueSpec, view: IssueView, body: str | None = None) -> None:
        """Close (after the closing comment, once); `body`: rewrite it in the same request."""
        if spec.close_comment:
            marker = markers.found_in(spec.close_comment)[0]
            if marker not in markers.posted_in(view.body):
                self._comment(view, marker, spec.close_comment)
        self._line(f"close {self.repo}#{view.number}: {view.title}")
        self.tally.closed += 1
        self._write()
        if not self.dry_run:
            reason = spec.state_reason or "completed"
            more = {"body": body} if body is not None and body != view.body else {}
            self.client.edit_issue(view, state="closed", state_reason=reason, **more)

    def _escalate(self, spec: IssueSpec, view: IssueView | None) -> None:
        """The bot engaged the department with this issue: record it in the file."""
        if spec.escalate is None:
            return
        where = f"{self.repo}#{view.number}" if view is not None else self.repo
        self._line(f"escalate {spec.escalate.path}: {spec.escalate.department} ({where})")
        self.outcome.edits.append(spec.escalate)

    # ---- action issues: two-way sync -----------------------------------------------------
    def _action(self, spec: IssueSpec, view: IssueView, notes: list[CommentSpec]) -> None:
        """Sync the action's state between the file and the issue (see the docstring)."""
        assert spec.sync is not None
        in_file, on_github = spec.sync.finished, not view.open
        key = markers.synced_closed(spec.marker)
        recorded = markers.posted_in(view.body)
        if in_file != on_github and in_file == (key in recorded):
            self._pull(spec, view)  # only GitHub moved: the file follows
            self.tally.unchanged += 1
            return
        # agreed, or the file moved (and wins): GitHub follows, the record with it
        posted = self.posted.setdefault(view.number, set(recorded))
        posted.discard(key)
        if in_file:
            posted.add(key)
        body = markers.with_posted(spec.body, posted)
        if not in_file:
            self._notes(view, notes)
            self._update(spec, view, reopen=on_github)
        elif not on_github:
            self._close(spec, view, body)
        elif body != view.body and key not in recorded:
            self._write()  # the record catches up with a closure already agreed on
            if not self.dry_run:
                self.client.edit_issue(view, body=body)
            self.tally.unchanged += 1
        else:
            self.tally.unchanged += 1

    def _pull(self, spec: IssueSpec, view: IssueView) -> None:
        """Record in the file what someone did to the action's issue on GitHub."""
        assert spec.sync is not None
        if view.open:
            edit = SetAction(spec.sync.path, spec.sync.action, "open")
            how = "reopened"
        elif view.state_reason in ("not_planned", "duplicate"):
            edit = SetAction(spec.sync.path, spec.sync.action, "wont-do")
            how = "closed as not planned"
        else:
            edit = SetAction(spec.sync.path, spec.sync.action, "done", view.closed_at)
            how = "closed as completed"
        self._line(
            f"record {edit.path}: action {edit.action} {edit.status} "
            f"({self.repo}#{view.number} {how} on GitHub)"
        )
        self.outcome.edits.append(edit)

    def _record(self, spec: IssueSpec, view: IssueView) -> None:
        ref = f"{self.repo}#{view.number}"
        if spec.record is not None and spec.record.current != ref:
            self.outcome.refs.append((spec.record, ref))

    # ---- comments ------------------------------------------------------------------------
    def _notes(self, view: IssueView, notes: list[CommentSpec]) -> None:
        """Post the breach comments the body's record does not list; the comments are read
        only then, for the record may lag behind them."""
        recorded = markers.posted_in(view.body)
        posted = self.posted.setdefault(view.number, set(recorded))
        missing = [note for note in notes if note.marker not in recorded]
        if not missing:
            return
        posted |= self._said_on(view)
        for note in missing:
            self._guard(note.marker, lambda n=note: self._comment(view, n.marker, n.body))  # type: ignore[misc]

    def _comment(self, view: IssueView, marker: str, body: str) -> None:
        if marker in self._said_on(view):
            return
        self._line(f"comment {self.repo}#{view.number}: {marker}")
        self.tally.commented += 1
        self._write()
        if not self.dry_run:
            self.client.create_comment(view, body, verify=lambda: marker in self._relist(view))
            self.said[view.number].add(marker)
            view.comments += 1
        self.posted.setdefault(view.number, set()).add(marker)

    def _said_on(self, view: IssueView) -> set[str]:
        """Markers in the bot's own comments on `view` (listed once, if it has comments)."""
        if view.number not in self.said:
            self.said[view.number] = self._bots_markers(view) if view.comments else set()
        return self.said[view.number]

    def _relist(self, view: IssueView) -> set[str]:
        self.said[view.number] = self._bots_markers(view)
        return self.said[view.number]

    def _bots_markers(self, view: IssueView) -> set[str]:
        comments = self.client.list_comments(view)
        mine = [c.body for c in comments if _same(c.author, self.bot)]
        return set(markers.found_in_all(mine))

    # ---- reporting -----------------------------------------------------------------------
    def _guard(self, what: str, step: Callable[[], None]) -> None:
        try:
            step()
        except _Stopped:
            raise
        except ApiError as error:
            self.tally.failed += 1
            self._fail(f"{self.repo}: {what}: {error}")
            if isinstance(error, OutOfTime):
                raise _Stopped from None

    def _write(self) -> None:
        self.outcome.writes += 1

    def _line(self, text: str) -> None:
        self.outcome.lines.append(("would " if self.dry_run else "") + text)

    def _fail(self, text: str) -> None:
        self.outcome.failures.append(text)
