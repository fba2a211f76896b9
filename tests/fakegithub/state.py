"""In-memory GitHub data: plain dataclasses, no HTTP, so tests can seed and inspect it directly."""

from __future__ import annotations

import hashlib
import itertools
import re
import subprocess
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from .gitstore import GitStore, GitStoreError, Written

ReviewState = Literal["APPROVED", "CHANGES_REQUESTED", "COMMENTED", "DISMISSED", "PENDING"]
REACTIONS: tuple[str, ...] = ("+1", "-1", "laugh", "confused", "heart", "hooray", "rocket", "eyes")
# Repository roles, weakest first; `permission` in the API is the legacy base role of each.
ROLES: tuple[str, ...] = ("none", "read", "triage", "write", "maintain", "admin")
LEGACY_PERMISSION = {
    "none": "none",
    "read": "read",
    "triage": "read",
    "write": "write",
    "maintain": "write",
    "admin": "admin",
}
SHA_RE = re.compile(r"[0-9a-f]{40}")


def _blob_sha(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


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
class Reaction:
    id: int
    user: User
    content: str
    created_at: datetime


@dataclass
class Comment:
    id: int
    body: str
    user: User
    created_at: datetime
    updated_at: datetime
    reactions: list[Reaction] = field(default_factory=list)


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
    draft: bool = False
    head_repo: Repo | None = None  # a fork; None: the branch is in the repository itself


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
    collaborators: dict[str, str] = field(default_factory=dict)  # login -> role (ROLES)
    check_runs: list[CheckRun] = field(default_factory=list)
    branches: dict[str, str] = field(default_factory=dict)  # name -> head commit SHA
    files: dict[str, dict[str, bytes]] = field(default_factory=dict)  # ref -> path -> bytes
    git: GitStore | None = None  # a bare repository holding branches and files instead

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
        self.tokens: dict[str, User] = {}  # token -> the user it authenticates
        self.me = self.user(me)

    def next_id(self) -> int:
        return next(self._ids)

    # ---- tokens --------------------------------------------------------------------------
    def add_token(self, token: str, login: str, type: str = "User") -> User:
        """Accept `token`, authenticating as `login`: a "User" (a PAT) or a "Bot" (a GitHub App
        installation token such as Actions' GITHUB_TOKEN, e.g. login "github-actions[bot]")."""
        if not token:
            raise ValueError("a token must not be empty")
        if type not in ("User", "Bot"):
            raise ValueError(f"token type must be 'User' or 'Bot', not {type!r}")
        user = self.user(login, type=type)
        user.type = type
        self.tokens[token] = user
        return user

    def token_user(self, token: str) -> User | None:
        """Who `token` authenticates as; None for an unknown (or empty) token."""
        return self.tokens.get(token) if token else None

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
        self.repos[full_name.lower()] = repo
        for login, role in (collaborators or {}).items():
            self.set_permission(full_name, login, role)
        self.add_branch(full_name, default_branch)
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
        draft: bool = False,
        state: str = "open",
        labels: Iterable[str] = (),
        head_repo: str | None = None,
    ) -> Issue:
        """A pull request as seeded data (no validation; `POST .../pulls` validates).

        Its head and base branches are created if missing (the head at `head_sha`);
        `head_repo` names a fork (seeded with add_repo) whose branch it comes from.
        """
        r = self.get_repo(repo)
        issue = self.add_issue(
            repo, title, body, user=user or "contributor", number=number, labels=labels
        )
        r.branches.setdefault(head_ref, head_sha)
        if base_ref not in r.branches:
            self.add_branch(repo, base_ref)
        self.make_pull(r, issue, head_ref, base_ref, head_sha=head_sha, draft=draft)
        assert issue.pull is not None
        if head_repo is not None:
            issue.pull.head_repo = self.get_repo(head_repo)
        if state == "closed":
            self.set_issue_state(issue, "closed", by=issue.user)
        for f in files:
            issue.pull.files.append(
                f
                if isinstance(f, PullFile)
                else PullFile(f)
                if isinstance(f, str)
                else PullFile(**f)
            )
        return issue

    def make_pull(
        self,
        repo: Repo,
        issue: Issue,
        head_ref: str,
        base_ref: str,
        *,
        head_sha: str | None = None,
        draft: bool = False,
    ) -> Pull:
        """Turn `issue` into a pull request from branch `head_ref` into `base_ref`."""
        issue.pull = Pull(
            head_sha=head_sha or self.branch(repo, head_ref) or "0" * 40,
            head_ref=head_ref,
            base_ref=base_ref,
            base_sha=self.branch(repo, base_ref) or "0" * 40,
            draft=draft,
        )
        self.sync_pull(repo, issue)
        return issue.pull

    def sync_pull(self, repo: Repo, issue: Issue) -> None:
        """A Git-backed repo's open PR follows its branches, as on GitHub: the head is the
        branch's commit, the files the diff from the merge base with the base branch."""
        pull = issue.pull
        if repo.git is None or pull is None or issue.state != "open" or pull.head_repo:
            return
        head = repo.git.ref(f"heads/{pull.head_ref}")
        base = repo.git.ref(f"heads/{pull.base_ref}")
        if head is None or base is None:
            return
        pull.head_sha, pull.base_sha = head, base
        pull.files = [
            PullFile(c.filename, c.status, c.additions, c.deletions, None, c.previous_filename)
            for c in repo.git.changed(base, head)
        ]

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

    def set_permission(self, repo: str, login: str, permission: str = "write") -> None:
        """Give `login` a role on `repo`: none, read, triage, write, maintain or admin."""
        if permission not in ROLES:
            raise ValueError(f"unknown repository role {permission!r}; choose from {ROLES}")
        self.get_repo(repo).collaborators[self.user(login).login] = permission

    set_collaborator = set_permission  # the older name

    def role(self, repo: Repo, user: User) -> str:
        """`user`'s role on `repo` as GitHub computes it: a granted role, admin for the owning
        user, read for anyone on a public repository, none otherwise."""
        granted = repo.collaborators.get(user.login)
        if granted is None and user is repo.owner and user.type == "User":
            granted = "admin"
        floor = "none" if repo.private else "read"
        return max(granted or "none", floor, key=ROLES.index)

    # ---- branches and files ------------------------------------------------------------
    def add_branch(self, repo: str, name: str, sha: str | None = None) -> str:
        """Create (or move) branch `name`; without `sha` a made-up one. Returns the SHA."""
        r = self.get_repo(repo)
        sha = sha or hashlib.sha1(f"{r.full_name}:{name}".encode()).hexdigest()
        r.branches[name] = sha
        return sha

    def add_file(self, repo: str, ref: str, path: str, data: bytes | str) -> None:
        """Put a file at `ref` (a commit SHA or a branch name, created if missing)."""
        r = self.get_repo(repo)
        if not SHA_RE.fullmatch(ref) and ref not in r.branches:
            self.add_branch(repo, ref)
        content = data.encode() if isinstance(data, str) else bytes(data)
        r.files.setdefault(ref, {})[path.strip("/")] = content

    def add_tree_from_git(
        self, repo: str, ref: str, git_dir: str | Path, commit: str = "HEAD"
    ) -> int:
        """Every file of `commit` in the local Git repository `git_dir` (a work tree or a .git
        directory), put at `ref` and at the commit's SHA; a branch `ref` now points at it.
        Symlinks and submodules are left out. Returns how many files were loaded."""
        r = self.get_repo(repo)

        def git(*args: str, input: bytes | None = None) -> bytes:
            cmd = ["git", "-C", str(git_dir), *args]
            return subprocess.run(cmd, input=input, capture_output=True, check=True).stdout

        sha = git("rev-parse", "--verify", f"{commit}^{{commit}}").decode().strip()
        blobs: list[tuple[str, str]] = []
        for entry in git("ls-tree", "-r", "-z", sha).split(b"\0"):
            if not entry:
                continue
            meta, _, path = entry.partition(b"\t")
            mode, kind, blob = meta.decode().split()
            if kind == "blob" and mode in ("100644", "100755"):
                blobs.append((path.decode(), blob))
        out = git("cat-file", "--batch", input="".join(f"{b}\n" for _, b in blobs).encode())
        files: dict[str, bytes] = {}
        pos = 0
        for path, _ in blobs:
            header_end = out.index(b"\n", pos)
            size = int(out[pos:header_end].split()[2])
            files[path] = out[header_end + 1 : header_end + 1 + size]
            pos = header_end + 1 + size + 1  # the content, then a newline
        r.files[sha] = files
        r.files[ref] = dict(files)  # add_file() at the branch must not rewrite the commit
        if not SHA_RE.fullmatch(ref):
            r.branches[ref] = sha
        return len(files)

    def attach_git(self, repo: str, git_dir: str | Path) -> GitStore:
        """Back `repo` by the (bare) Git repository `git_dir`: its branches, files, PR heads
        and diffs come from Git, and commits and refs made through the API go into it."""
        r = self.get_repo(repo)
        r.git = GitStore(git_dir)
        return r.git

    def branch(self, repo: Repo, name: str) -> str | None:
        """The commit SHA of branch `name`, None if there is no such branch."""
        if repo.git is not None:
            return repo.git.ref(f"heads/{name}")
        return repo.branches.get(name)

    def put_file(
        self,
        repo: Repo,
        branch: str,
        path: str,
        data: bytes,
        message: str,
        author: tuple[str, str],
        expected_blob: str | None,
    ) -> Written:
        """Commit one file on `branch` (GitHub's contents API); GitStoreError for 404/409/422."""
        if repo.git is not None:
            return repo.git.put_file(
                branch, path, data, message, author, expected_blob, self.clock()
            )
        parent = repo.branches.get(branch)
        files = self.tree(repo, branch) if parent else None
        if parent is None or files is None:
            raise GitStoreError(404, f"Branch {branch} not found")
        current = files.get(path)
        current_blob = _blob_sha(current) if current is not None else None
        if current_blob is not None and expected_blob is None:
            raise GitStoreError(422, 'Invalid request.\n\n"sha" wasn\'t supplied.')
        if expected_blob is not None and current_blob != expected_blob:
            raise GitStoreError(409, f"{path} does not match {expected_blob}")
        changed = {**files, path: data}
        commit = hashlib.sha1(f"{parent}:{path}:".encode() + data).hexdigest()
        repo.files[commit] = changed
        repo.files[branch] = dict(changed)
        repo.branches[branch] = commit
        tree = hashlib.sha1(commit.encode()).hexdigest()
        return Written(commit, tree, parent, _blob_sha(data), current is None)

    def get_ref(self, repo: Repo, ref: str) -> str | None:
        """The commit of `ref` ("heads/NAME"); only branches are modelled."""
        if repo.git is not None:
            return repo.git.ref(ref)
        kind, _, name = ref.partition("/")
        return repo.branches.get(name) if kind == "heads" else None

    def create_ref(self, repo: Repo, ref: str, sha: str) -> None:
        """`ref` is "refs/heads/NAME"; GitStoreError(422) if it exists or `sha` is unknown."""
        if repo.git is not None:
            repo.git.create_ref(ref, sha)
            return
        name = ref.removeprefix("refs/heads/")
        if name in repo.branches:
            raise GitStoreError(422, "Reference already exists")
        repo.branches[name] = sha

    def update_ref(self, repo: Repo, ref: str, sha: str, force: bool) -> None:
        """Move "heads/NAME" to `sha` (a fast forward unless `force`, checked in Git only)."""
        if repo.git is not None:
            repo.git.update_ref(f"refs/{ref}", sha, force)
            return
        name = ref.removeprefix("heads/")
        if name not in repo.branches:
            raise GitStoreError(422, "Reference does not exist")
        repo.branches[name] = sha

    def tree(self, repo: Repo, ref: str | None = None) -> dict[str, bytes] | None:
        """The files at `ref` (a branch, a full or abbreviated SHA, refs/heads/...; default:
        the default branch), or None if the ref names nothing with files."""
        ref = (ref or repo.default_branch).removeprefix("refs/heads/")
        if repo.git is not None:
            return repo.git.files(ref)
        if ref in repo.files:
            return repo.files[ref]
        sha = repo.branches.get(ref)
        if sha is not None:
            return repo.files.get(sha)
        if re.fullmatch(r"[0-9a-f]{7,40}", ref):
            for name, files in repo.files.items():
                if name.startswith(ref) or repo.branches.get(name, "").startswith(ref):
                    return files
        return None

    # ---- comments and reactions --------------------------------------------------------
    def find_comment(self, repo: Repo, comment_id: int) -> tuple[Issue, Comment] | None:
        for issue in repo.issues.values():
            for comment in issue.comments:
                if comment.id == comment_id:
                    return issue, comment
        return None

    def add_reaction(
        self, repo: str, comment_id: int, content: str, user: str | None = None
    ) -> tuple[Reaction, bool]:
        """React to an issue comment; (the reaction, True if new). One per user and content."""
        if content not in REACTIONS:
            raise ValueError(f"unknown reaction {content!r}; choose from {REACTIONS}")
        found = self.find_comment(self.get_repo(repo), comment_id)
        if found is None:
            raise KeyError(f"no issue comment {comment_id} in {repo}")
        _, comment = found
        who = self.user(user) if user else self.me
        for reaction in comment.reactions:
            if reaction.user is who and reaction.content == content:
                return reaction, False
        reaction = Reaction(self.next_id(), who, content, self.clock())
        comment.reactions.append(reaction)
        return reaction, True

    def load_seed(self, seed: dict[str, Any]) -> None:
        """Seed from JSON (see example-seed.json); every key is optional:

        {"tokens": [{"token", "login", "type"}],
         "repos": [{"name", "private", "default_branch", "collaborators": {login: role},
                    "branches": {name: sha}, "files": {ref: {path: text}},
                    "labels", "issues", "pulls": [{... "reviews": [...]}]}],
         "teams": [{"org", "slug", "members", "maintainers"}]}
        """
        for token in seed.get("tokens", []):
            self.add_token(token["token"], token["login"], token.get("type", "User"))
        for r in seed.get("repos", []):
            name = r["name"]
            self.add_repo(
                name,
                private=r.get("private", False),
                default_branch=r.get("default_branch", "main"),
                collaborators=r.get("collaborators"),
            )
            for branch, sha in r.get("branches", {}).items():
                self.add_branch(name, branch, sha)
            for ref, files in r.get("files", {}).items():
                for path, text in files.items():
                    self.add_file(name, ref, path, text)
            for label in r.get("labels", []):
                label = {"name": label} if isinstance(label, str) else label
                self.add_label(name, **label)
            for issue in r.get("issues", []):
                self.add_issue(name, **issue)
            for pull in r.get("pulls", []):
                pull = dict(pull)
                reviews = pull.pop("reviews", [])
                created = self.add_pull(name, **pull)
                for review in reviews:
                    self.add_review(name, created.number, **review)
        for t in seed.get("teams", []):
            self.add_team(**t)
