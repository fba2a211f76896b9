"""In-memory GitHub data: plain dataclasses, no HTTP, so tests can seed and inspect it directly."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

ReviewState = Literal["APPROVED", "CHANGES_REQUESTED", "COMMENTED", "DISMISSED", "PENDING"]


def utcnow() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


@dataclass
class User:
    login: str
    id: int
    type: str = "User"


@dataclass
class Label:
    id: int
    name: str
    color: str = "ededed"
    description: str | None = None


@dataclass
class Comment:
    id: int
    body: str
    user: User
    created_at: datetime
    updated_at: datetime


@dataclass
class Review:
    id: int
    user: User
    state: ReviewState
    commit_id: str
    body: str
    submitted_at: datetime


@dataclass
class PullFile:
    filename: str
    status: str = "modified"
    additions: int = 1
    deletions: int = 0
    patch: str | None = None
    previous_filename: str | None = None


@dataclass
class Pull:
    """The pull-request half of an issue: GitHub numbers PRs and issues in one sequence."""

    head_sha: str
    head_ref: str = "feature"
    base_ref: str = "main"
    base_sha: str = "0" * 40
    files: list[PullFile] = field(default_factory=list)
    reviews: list[Review] = field(default_factory=list)
    merged: bool = False


@dataclass
class Issue:
    id: int
    number: int
    title: str
    body: str | None
    user: User
    created_at: datetime
    updated_at: datetime
    state: str = "open"
    state_reason: str | None = None
    closed_at: datetime | None = None
    closed_by: User | None = None
    labels: list[Label] = field(default_factory=list)
    assignees: list[User] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    pull: Pull | None = None


@dataclass
class CheckRun:
    id: int
    name: str
    head_sha: str
    status: str
    conclusion: str | None
    external_id: str | None
    details_url: str | None
    started_at: datetime | None
    completed_at: datetime | None
    output: dict[str, Any]


@dataclass
class Repo:
    id: int
    owner: User
    name: str
    private: bool = False
    default_branch: str = "main"
    created_at: datetime = field(default_factory=utcnow)
    labels: dict[str, Label] = field(default_factory=dict)  # key: lower-cased name
    issues: dict[int, Issue] = field(default_factory=dict)
    collaborators: dict[str, str] = field(default_factory=dict)  # login -> permission
    check_runs: list[CheckRun] = field(default_factory=list)

    @property
    def full_name(self) -> str:
        return f"{self.owner.login}/{self.name}"


@dataclass
class Team:
    id: int
    org: str
    slug: str
    members: dict[str, str] = field(default_factory=dict)  # login -> role


class State:
    """Everything the fake server knows; `lock` serialises handlers so counters stay consistent."""

    def __init__(self, me: str = "incident-bot", clock: Callable[[], datetime] = utcnow) -> None:
        self.lock = threading.RLock()
        self.clock = clock
        self.search_lag = 0.0  # seconds before a change shows in search results
        self._ids = itertools.count(1000)
        self.users: dict[str, User] = {}
        self.repos: dict[str, Repo] = {}
        self.teams: dict[tuple[str, str], Team] = {}
        self.me = self.user(me)

    def next_id(self) -> int:
        return next(self._ids)

    def user(self, login: str, type: str = "User") -> User:
        """The user called `login`, created on first mention (GitHub has every user already)."""
        key = login.lower()
        if key not in self.users:
            self.users[key] = User(login=login, id=self.next_id(), type=type)
        return self.users[key]

    def org_user(self, login: str) -> User:
        return self.user(login, type="Organization")

    # ---- seeding -----------------------------------------------------------------------
    def add_repo(
        self,
        full_name: str,
        *,
        private: bool = False,
        default_branch: str = "main",
        collaborators: dict[str, str] | None = None,
    ) -> Repo:
        owner, name = full_name.split("/")
        repo = Repo(
            id=self.next_id(),
            owner=self.user(owner),
            name=name,
            private=private,
            default_branch=default_branch,
            created_at=self.clock(),
        )
        repo.collaborators.update(collaborators or {})
        self.repos[full_name.lower()] = repo
        return repo

    def repo(self, full_name: str) -> Repo | None:
        return self.repos.get(full_name.lower())

    def get_repo(self, full_name: str) -> Repo:
        repo = self.repo(full_name)
        if repo is None:
            raise KeyError(f"no repository {full_name!r}; seed it with add_repo()")
        return repo

    def add_label(
        self, repo: str, name: str, color: str = "ededed", description: str | None = None
    ) -> Label:
        r = self.get_repo(repo)
        label = Label(id=self.next_id(), name=name, color=color, description=description)
        r.labels[name.lower()] = label
        return label

    def label(self, repo: Repo, name: str) -> Label:
        """The label `name`, created if missing, as GitHub does for writers naming new labels."""
        if name.lower() not in repo.labels:
            repo.labels[name.lower()] = Label(id=self.next_id(), name=name)
        return repo.labels[name.lower()]

    def next_number(self, repo: Repo) -> int:
        return max(repo.issues, default=0) + 1

    def add_issue(
        self,
        repo: str,
        title: str,
        body: str | None = "",
        *,
        labels: Iterable[str] = (),
        assignees: Iterable[str] = (),
        state: str = "open",
        user: str | None = None,
        number: int | None = None,
        created_at: datetime | None = None,
    ) -> Issue:
        r = self.get_repo(repo)
        now = created_at or self.clock()
        number = number or self.next_number(r)
        if number in r.issues:
            raise ValueError(f"{repo}#{number} exists already")
        issue = Issue(
            id=self.next_id(),
            number=number,
            title=title,
            body=body,
            user=self.user(user) if user else self.me,
            created_at=now,
            updated_at=now,
            labels=[self.label(r, n) for n in labels],
            assignees=[self.user(a) for a in assignees],
        )
        r.issues[number] = issue
        if state == "closed":
            self.set_issue_state(issue, "closed", by=issue.user)
        return issue

    def get_issue(self, repo: str, number: int) -> Issue:
        return self.get_repo(repo).issues[number]

    def set_issue_state(
        self, issue: Issue, state: str, by: User, reason: str | None = None
    ) -> None:
        now = self.clock()
        if state == "closed" and issue.state != "closed":
            issue.closed_at, issue.closed_by = now, by
            issue.state_reason = reason or "completed"
        elif state == "open" and issue.state != "open":
            issue.closed_at, issue.closed_by = None, None
            issue.state_reason = "reopened"
        issue.state = state
        issue.updated_at = now

    def add_comment(self, repo: str, number: int, body: str, user: str | None = None) -> Comment:
        issue = self.get_issue(repo, number)
        now = self.clock()
        comment = Comment(self.next_id(), body, self.user(user) if user else self.me, now, now)
        issue.comments.append(comment)
        issue.updated_at = now
        return comment

    def add_pull(
        self,
        repo: str,
        number: int | None = None,
        head_sha: str = "a" * 40,
        *,
        files: Iterable[str | dict[str, Any] | PullFile] = (),
        title: str = "Pull request",
        body: str | None = "",
        user: str | None = None,
        head_ref: str = "feature",
        base_ref: str = "main",
    ) -> Issue:
        issue = self.add_issue(repo, title, body, user=user or "contributor", number=number)
        issue.pull = Pull(head_sha=head_sha, head_ref=head_ref, base_ref=base_ref)
        for f in files:
            issue.pull.files.append(
                f
                if isinstance(f, PullFile)
                else PullFile(f)
                if isinstance(f, str)
                else PullFile(**f)
            )
        return issue

    def add_review(
        self,
        repo: str,
        number: int,
        user: str,
        state: ReviewState,
        commit_id: str | None = None,
        body: str = "",
        submitted_at: datetime | None = None,
    ) -> Review:
        pull = self.get_issue(repo, number).pull
        if pull is None:
            raise ValueError(f"{repo}#{number} is not a pull request")
        review = Review(
            id=self.next_id(),
            user=self.user(user),
            state=state,
            commit_id=commit_id or pull.head_sha,
            body=body,
            submitted_at=submitted_at or self.clock(),
        )
        pull.reviews.append(review)
        return review

    def add_team(
        self, org: str, slug: str, members: Iterable[str] = (), maintainers: Iterable[str] = ()
    ) -> Team:
        self.org_user(org)
        team = Team(id=self.next_id(), org=org, slug=slug)
        team.members.update({self.user(m).login: "member" for m in members})
        team.members.update({self.user(m).login: "maintainer" for m in maintainers})
        self.teams[(org.lower(), slug.lower())] = team
        return team

    def set_collaborator(self, repo: str, login: str, permission: str = "write") -> None:
        self.get_repo(repo).collaborators[self.user(login).login] = permission

    def load_seed(self, seed: dict[str, Any]) -> None:
        """Seed from JSON: {"repos": [{"name", "labels", "issues", "pulls"}], "teams": [...]}."""
        for r in seed.get("repos", []):
            self.add_repo(r["name"], collaborators=r.get("collaborators"))
            for label in r.get("labels", []):
                label = {"name": label} if isinstance(label, str) else label
                self.add_label(r["name"], **label)
            for issue in r.get("issues", []):
                self.add_issue(r["name"], **issue)
            for pull in r.get("pulls", []):
                reviews = pull.pop("reviews", [])
                created = self.add_pull(r["name"], **pull)
                for review in reviews:
                    self.add_review(r["name"], created.number, **review)
        for t in seed.get("teams", []):
            self.add_team(**t)
