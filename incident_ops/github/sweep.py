"""Make GitHub match a Plan, idempotently: find by marker, create what is missing, once.

Per repo: list the bot-labelled issues once (all states, 100 a page) and index them by
marker; create, update or close only what differs; list an issue's comments only when a
comment might be needed and the issue has any. A second run makes no write. A run that
died after any write and is run again ends in the state of one clean run: everything is
found again by marker, and an ambiguous create is verified by re-listing (see `client`).

The sweep never reopens an issue a human closed, and only adds labels (humans may add
their own); it rewrites title and body, which belong to the incident file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from incident_ops.github import markers
from incident_ops.github.client import ApiError, Client, IssueView
from incident_ops.github.plan import BOT_LABEL, CommentSpec, IssueSpec, Plan, Record


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

    def tally(self, repo: str) -> Tally:
        return self.tallies.setdefault(repo, Tally())


def apply(plan: Plan, client: Client, dry_run: bool = False) -> Outcome:
    """Apply the plan repo by repo; a failing repo is reported and the rest go on."""
    outcome = Outcome()
    for repo in plan.repos():
        issues = [s for s in plan.issues if s.repo == repo]
        comments = [c for c in plan.comments if c.repo == repo]
        _RepoSweep(repo, client, outcome, dry_run).run(issues, comments)
    return outcome


class _RepoSweep:
    def __init__(self, repo: str, client: Client, outcome: Outcome, dry_run: bool) -> None:
        self.repo, self.client, self.outcome, self.dry_run = repo, client, outcome, dry_run
        self.tally = outcome.tally(repo)
        self.found: dict[str, IssueView] = {}
        self.planned: set[str] = set()  # markers a dry run would create
        self.comment_markers: dict[int, set[str]] = {}

    def run(self, issues: list[IssueSpec], comments: list[CommentSpec]) -> None:
        try:
            self.found = self._index()
        except ApiError as error:
            self.tally.failed += len(issues) + len(comments)
            self._fail(f"{self.repo}: cannot list issues: {error}")
            return
        for spec in issues:
            self._guard(spec.marker, lambda s=spec: self._issue(s))  # type: ignore[misc]
        for comment in comments:
            self._guard(comment.marker, lambda c=comment: self._breach(c))  # type: ignore[misc]

    # ---- issues --------------------------------------------------------------------------
    def _index(self) -> dict[str, IssueView]:
        """Our issues by marker; with duplicates (a human copied one) the oldest wins."""
        found: dict[str, IssueView] = {}
        for view in sorted(self.client.list_issues(self.repo, BOT_LABEL), key=lambda v: v.number):
            for key in markers.found_in(view.body):
                found.setdefault(key, view)
        return found

    def _issue(self, spec: IssueSpec) -> None:
        view = self.found.get(spec.marker)
        if view is None:
            if spec.create:
                self._create(spec)
            return
        self._record(spec, view)
        if spec.open:
            self._update(spec, view)
        elif view.open:
            self._close(spec, view)
        else:
            self.tally.unchanged += 1

    def _create(self, spec: IssueSpec) -> None:
        if self.dry_run:
            self._line(f"create {self.repo}: {spec.title}")
            self.tally.created += 1
            self.planned.add(spec.marker)
            return
        fields = {
            "title": spec.title,
            "body": spec.body,
            "labels": list(spec.labels),
            "assignees": list(spec.assignees),
        }
        view = self.client.create_issue(self.repo, fields, verify=lambda: self._refind(spec))
        self.found[spec.marker] = view
        self._line(f"create {self.repo}#{view.number}: {spec.title}")
        self.tally.created += 1
        self._record(spec, view)

    def _refind(self, spec: IssueSpec) -> IssueView | None:
        self.found = self._index()
        return self.found.get(spec.marker)

    def _update(self, spec: IssueSpec, view: IssueView) -> None:
        if not view.open:  # closed by a human while the incident is open: leave it closed
            self.tally.unchanged += 1
            return
        changes: dict[str, object] = {}
        if view.title != spec.title:
            changes["title"] = spec.title
        if view.body != spec.body:
            changes["body"] = spec.body
        have = {label.lower() for label in view.labels}
        missing = [label for label in spec.labels if label.lower() not in have]
        if missing:
            changes["labels"] = [*view.labels, *missing]
        if not changes:
            self.tally.unchanged += 1
            return
        self._line(f"update {self.repo}#{view.number} ({', '.join(changes)}): {spec.title}")
        self.tally.updated += 1
        if not self.dry_run:
            self.client.edit_issue(view, **changes)

    def _close(self, spec: IssueSpec, view: IssueView) -> None:
        if spec.close_comment:
            self._comment(view, markers.found_in(spec.close_comment)[0], spec.close_comment)
        self._line(f"close {self.repo}#{view.number}: {view.title}")
        self.tally.closed += 1
        if not self.dry_run:
            reason = spec.state_reason or "completed"
            self.client.edit_issue(view, state="closed", state_reason=reason)

    def _record(self, spec: IssueSpec, view: IssueView) -> None:
        ref = f"{self.repo}#{view.number}"
        if spec.record is not None and spec.record.current != ref:
            self.outcome.refs.append((spec.record, ref))

    # ---- comments ------------------------------------------------------------------------
    def _breach(self, comment: CommentSpec) -> None:
        view = self.found.get(comment.issue_marker)
        if view is None:
            if comment.issue_marker in self.planned:
                self._line(f"comment {self.repo} (new issue): {comment.marker}")
                self.tally.commented += 1
            return  # its issue failed (already counted) or was not to be created
        if view.open:
            self._comment(view, comment.marker, comment.body)

    def _comment(self, view: IssueView, marker: str, body: str) -> None:
        if marker in self._markers_on(view):
            return
        self._line(f"comment {self.repo}#{view.number}: {marker}")
        self.tally.commented += 1
        if self.dry_run:
            return
        self.client.create_comment(view, body, verify=lambda: marker in self._relist(view))
        self.comment_markers[view.number].add(marker)
        view.comments += 1

    def _markers_on(self, view: IssueView) -> set[str]:
        if view.number not in self.comment_markers:
            bodies = self.client.list_comments(view) if view.comments else []
            self.comment_markers[view.number] = set(markers.found_in_all(bodies))
        return self.comment_markers[view.number]

    def _relist(self, view: IssueView) -> set[str]:
        self.comment_markers[view.number] = set(
            markers.found_in_all(self.client.list_comments(view))
        )
        return self.comment_markers[view.number]

    # ---- reporting -----------------------------------------------------------------------
    def _guard(self, what: str, step: Callable[[], None]) -> None:
        try:
            step()
        except ApiError as error:
            self.tally.failed += 1
            self._fail(f"{self.repo}: {what}: {error}")

    def _line(self, text: str) -> None:
        self.outcome.lines.append(("would " if self.dry_run else "") + text)

    def _fail(self, text: str) -> None:
        self.outcome.failures.append(text)
