"""One function per operation of the subset: read/modify State, return what GitHub sends."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from . import render
from .gitstore import GitStoreError
from .state import LEGACY_PERMISSION, ROLES, CheckRun, Comment, Issue, Repo, State, Team, User

DOCS = "https://docs.github.com/rest"


class HttpError(Exception):
    """An answer GitHub gives on purpose (404, 422 ...); not a violation of the contract."""

    def __init__(self, status: int, message: str, errors: list[dict[str, Any]] | None = None):
        super().__init__(message)
        self.status = status
        self.body: dict[str, Any] = {"message": message, "documentation_url": DOCS}
        self.body["status"] = str(status)
        if errors:
            self.body["errors"] = errors


def not_found() -> HttpError:
    return HttpError(404, "Not Found")


@dataclass
class Ctx:
    state: State
    urls: render.Urls
    params: dict[str, str]
    query: dict[str, str]
    body: Any
    actor: User  # whom the request's token authenticates


@dataclass
class Reply:
    status: int
    body: Any
    paginate: bool = False  # a list the app slices into pages with a Link header
    headers: dict[str, str] = field(default_factory=dict)


def _repo(ctx: Ctx) -> Repo:
    repo = ctx.state.repo(f"{ctx.params['owner']}/{ctx.params['repo']}")
    if repo is None:
        raise not_found()
    return repo


def _issue(ctx: Ctx, key: str = "issue_number") -> tuple[Repo, Issue]:
    repo = _repo(ctx)
    issue = repo.issues.get(int(ctx.params[key]))
    if issue is None:
        raise not_found()
    return repo, issue


def _pull(ctx: Ctx) -> tuple[Repo, Issue]:
    repo, issue = _issue(ctx, "pull_number")
    if issue.pull is None:
        raise not_found()
    ctx.state.sync_pull(repo, issue)
    return repo, issue


def _comment(ctx: Ctx) -> tuple[Repo, Issue, Comment]:
    repo = _repo(ctx)
    found = ctx.state.find_comment(repo, int(ctx.params["comment_id"]))
    if found is None:
        raise not_found()
    return repo, *found


def _invalid(*errors: dict[str, Any]) -> HttpError:
    return HttpError(422, "Validation Failed", list(errors))


def _created(body: dict[str, Any]) -> Reply:
    return Reply(201, body, headers={"Location": body["url"]})


def get_repo(ctx: Ctx) -> Reply:
    return Reply(200, render.repo(_repo(ctx), ctx.urls, full=True))


def list_issues(ctx: Ctx) -> Reply:
    repo, q = _repo(ctx), ctx.query
    issues = list(repo.issues.values())
    state = q.get("state", "open")
    if state != "all":
        issues = [i for i in issues if i.state == state]
    if q.get("labels"):
        wanted = {n.strip().lower() for n in q["labels"].split(",") if n.strip()}
        issues = [i for i in issues if wanted <= {lb.name.lower() for lb in i.labels}]
    if q.get("since"):
        since = datetime.fromisoformat(q["since"])
        issues = [i for i in issues if i.updated_at >= since]
    if "assignee" in q:
        who = q["assignee"].lower()
        logins = lambda i: {a.login.lower() for a in i.assignees}  # noqa: E731
        keep = {"none": lambda i: not i.assignees, "*": lambda i: bool(i.assignees)}
        issues = [i for i in issues if keep.get(who, lambda i: who in logins(i))(i)]
    if "creator" in q:
        issues = [i for i in issues if i.user.login.lower() == q["creator"].lower()]
    sort_key: dict[str, Callable[[Issue], Any]] = {
        "created": lambda i: (i.created_at, i.number),
        "updated": lambda i: (i.updated_at, i.number),
        "comments": lambda i: (len(i.comments), i.number),
    }
    issues.sort(key=sort_key[q.get("sort", "created")], reverse=q.get("direction") != "asc")
    return Reply(200, [render.issue(i, repo, ctx.urls) for i in issues], paginate=True)


def _set_labels(ctx: Ctx, repo: Repo, issue: Issue, names: list[Any], replace: bool) -> None:
    names = [n["name"] if isinstance(n, dict) else str(n) for n in names]
    labels = [] if replace else list(issue.labels)
    for name in names:
        label = ctx.state.label(repo, name)
        if label not in labels:
            labels.append(label)
    issue.labels = labels


def _add_assignees(ctx: Ctx, issue: Issue, logins: list[Any]) -> None:
    for login in logins:
        user = ctx.state.user(login["login"] if isinstance(login, dict) else login)
        if user not in issue.assignees:
            issue.assignees.append(user)


def create_issue(ctx: Ctx) -> Reply:
    repo, b = _repo(ctx), ctx.body
    issue = ctx.state.add_issue(
        repo.full_name, str(b["title"]), b.get("body"), user=ctx.actor.login
    )
    _set_labels(ctx, repo, issue, b.get("labels", []), replace=True)
    _add_assignees(
        ctx, issue, b.get("assignees", []) + ([b["assignee"]] if b.get("assignee") else [])
    )
    return _created(render.issue(issue, repo, ctx.urls))


def get_issue(ctx: Ctx) -> Reply:
    repo, issue = _issue(ctx)
    return Reply(200, render.issue(issue, repo, ctx.urls))


def update_issue(ctx: Ctx) -> Reply:
    repo, issue = _issue(ctx)
    b = ctx.body or {}
    if b.get("title") is not None:
        issue.title = str(b["title"])
    if "body" in b:
        issue.body = b["body"]
    if "labels" in b:
        _set_labels(ctx, repo, issue, b["labels"], replace=True)
    if "assignees" in b:
        issue.assignees = []
        _add_assignees(ctx, issue, b["assignees"])
    if "state" in b:
        ctx.state.set_issue_state(issue, b["state"], ctx.actor, b.get("state_reason"))
    issue.updated_at = ctx.state.clock()
    return Reply(200, render.issue(issue, repo, ctx.urls))


def list_comments(ctx: Ctx) -> Reply:
    repo, issue = _issue(ctx)
    comments = issue.comments
    if ctx.query.get("since"):
        since = datetime.fromisoformat(ctx.query["since"])
        comments = [c for c in comments if c.updated_at >= since]
    body = [render.comment(c, issue, repo, ctx.urls) for c in comments]
    return Reply(200, body, paginate=True)


def create_comment(ctx: Ctx) -> Reply:
    repo, issue = _issue(ctx)
    comment = ctx.state.add_comment(
        repo.full_name, issue.number, ctx.body["body"], user=ctx.actor.login
    )
    return _created(render.comment(comment, issue, repo, ctx.urls))


def get_comment(ctx: Ctx) -> Reply:
    repo, issue, comment = _comment(ctx)
    return Reply(200, render.comment(comment, issue, repo, ctx.urls))


def list_reactions(ctx: Ctx) -> Reply:
    _, _, comment = _comment(ctx)
    wanted = ctx.query.get("content")
    reactions = [r for r in comment.reactions if wanted in (None, r.content)]
    return Reply(200, [render.reaction(r, ctx.urls) for r in reactions], paginate=True)


def create_reaction(ctx: Ctx) -> Reply:
    """201 for a new reaction; 200 with the existing one if this user already reacted so."""
    repo, _, comment = _comment(ctx)
    reaction, new = ctx.state.add_reaction(
        repo.full_name, comment.id, ctx.body["content"], user=ctx.actor.login
    )
    return Reply(201 if new else 200, render.reaction(reaction, ctx.urls))


def list_labels(ctx: Ctx) -> Reply:
    repo = _repo(ctx)
    return Reply(200, [render.label(lb, repo, ctx.urls) for lb in repo.labels.values()], True)


def create_label(ctx: Ctx) -> Reply:
    repo, b = _repo(ctx), ctx.body
    if b["name"].lower() in repo.labels:
        error = {"resource": "Label", "code": "already_exists", "field": "name"}
        raise HttpError(422, "Validation Failed", [error])
    label = ctx.state.add_label(
        repo.full_name, b["name"], b.get("color", "ededed"), b.get("description")
    )
    return _created(render.label(label, repo, ctx.urls))


def add_labels(ctx: Ctx) -> Reply:
    repo, issue = _issue(ctx)
    names = ctx.body.get("labels", []) if isinstance(ctx.body, dict) else ctx.body or []
    _set_labels(ctx, repo, issue, names, replace=False)
    issue.updated_at = ctx.state.clock()
    return Reply(200, [render.label(lb, repo, ctx.urls) for lb in issue.labels])


def add_assignees(ctx: Ctx) -> Reply:
    repo, issue = _issue(ctx)
    _add_assignees(ctx, issue, (ctx.body or {}).get("assignees", []))
    issue.updated_at = ctx.state.clock()
    return Reply(201, render.issue(issue, repo, ctx.urls))


PULL_SORT: dict[str, Callable[[Issue], Any]] = {
    "created": lambda i: (i.created_at, i.number),
    "updated": lambda i: (i.updated_at, i.number),
    "popularity": lambda i: (len(i.comments), i.number),
    "long-running": lambda i: (i.updated_at - i.created_at, i.number),
}


def list_pulls(ctx: Ctx) -> Reply:
    """`head` filters only as "owner:branch"; a bare branch name is ignored, as on GitHub."""
    repo, q = _repo(ctx), ctx.query
    pulls = [i for i in repo.issues.values() if i.pull is not None]
    for pull in pulls:
        ctx.state.sync_pull(repo, pull)
    state = q.get("state", "open")
    if state != "all":
        pulls = [i for i in pulls if i.state == state]
    owner, colon, branch = q.get("head", "").partition(":")
    if colon:
        same = owner.lower() == repo.owner.login.lower()
        pulls = [i for i in pulls if same and i.pull and i.pull.head_ref == branch]
    if q.get("base"):
        pulls = [i for i in pulls if i.pull and i.pull.base_ref == q["base"]]
    sort = q.get("sort", "created")
    default = "desc" if sort == "created" else "asc"
    pulls.sort(key=PULL_SORT[sort], reverse=q.get("direction", default) == "desc")
    return Reply(200, [render.pull(i, repo, ctx.urls, simple=True) for i in pulls], True)


def create_pull(ctx: Ctx) -> Reply:
    """GitHub's checks, in its order: base and head exist, differ, and have no open PR yet."""
    repo, b = _repo(ctx), ctx.body
    base, head = b["base"], b["head"]
    owner, colon, branch = head.rpartition(":")
    if colon and owner.lower() != repo.owner.login.lower():
        branch = ""  # a fork's branch: forks are not modelled
    if ctx.state.branch(repo, base) is None:
        raise _invalid({"resource": "PullRequest", "field": "base", "code": "invalid"})
    if not branch or ctx.state.branch(repo, branch) is None:
        raise _invalid({"resource": "PullRequest", "field": "head", "code": "invalid"})
    if branch == base:
        message = f"No commits between {base} and {head}"
        raise _invalid({"resource": "PullRequest", "code": "custom", "message": message})
    for other in repo.issues.values():
        p = other.pull
        if p and other.state == "open" and p.head_ref == branch and p.base_ref == base:
            message = f"A pull request already exists for {repo.owner.login}:{branch}."
            raise _invalid({"resource": "PullRequest", "code": "custom", "message": message})
    if "issue" in b:
        issue = repo.issues.get(b["issue"])
        if issue is None or issue.pull is not None:
            raise _invalid({"resource": "PullRequest", "field": "issue", "code": "invalid"})
    elif not b.get("title"):
        raise _invalid({"resource": "PullRequest", "field": "title", "code": "missing_field"})
    else:
        issue = ctx.state.add_issue(repo.full_name, b["title"], b.get("body"), user=ctx.actor.login)
    ctx.state.make_pull(repo, issue, branch, base, draft=bool(b.get("draft", False)))
    return _created(render.pull(issue, repo, ctx.urls))


def get_pull(ctx: Ctx) -> Reply:
    repo, issue = _pull(ctx)
    return Reply(200, render.pull(issue, repo, ctx.urls))


def list_pull_files(ctx: Ctx) -> Reply:
    repo, issue = _pull(ctx)
    assert issue.pull is not None
    body = [render.pull_file(f, issue, repo, ctx.urls) for f in issue.pull.files]
    return Reply(200, body, paginate=True)


def list_reviews(ctx: Ctx) -> Reply:
    repo, issue = _pull(ctx)
    assert issue.pull is not None
    body = [render.review(r, issue, repo, ctx.urls) for r in issue.pull.reviews]
    return Reply(200, body, paginate=True)


def _team(ctx: Ctx) -> Team:
    team = ctx.state.teams.get((ctx.params["org"].lower(), ctx.params["team_slug"].lower()))
    if team is None:
        raise not_found()
    return team


def list_team_members(ctx: Ctx) -> Reply:
    team, role = _team(ctx), ctx.query.get("role", "all")
    logins = [m for m, r in team.members.items() if role in ("all", r)]
    return Reply(200, [render.user(ctx.state.user(m), ctx.urls) for m in logins], True)


def collaborator_permission(ctx: Ctx) -> Reply:
    """Legacy `permission` (maintain -> write, triage -> read) beside the real `role_name`."""
    repo = _repo(ctx)
    user = ctx.state.users.get(ctx.params["username"].lower())
    if user is None:
        raise not_found()
    role = ctx.state.role(repo, user)
    body = render.user(user, ctx.urls) or {}
    rank = ROLES.index(role)
    body["permissions"] = {
        name: rank >= ROLES.index(needed)
        for name, needed in (
            ("pull", "read"),
            ("triage", "triage"),
            ("push", "write"),
            ("maintain", "maintain"),
            ("admin", "admin"),
        )
    }
    body["role_name"] = role
    return Reply(200, {"permission": LEGACY_PERMISSION[role], "role_name": role, "user": body})


def get_content(ctx: Ctx) -> Reply:
    """A file (base64), or a directory's listing; 404 for an unknown ref or path."""
    repo = _repo(ctx)
    ref = ctx.query.get("ref") or repo.default_branch
    files = ctx.state.tree(repo, ref)
    if files is None:
        raise HttpError(404, f"No commit found for the ref {ref}")
    path = ctx.params["path"].strip("/")
    if path in files:
        return Reply(200, render.content_file(path, files[path], ref, repo, ctx.urls))
    prefix = f"{path}/" if path else ""
    below = sorted(p.removeprefix(prefix) for p in files if p.startswith(prefix))
    if not below:
        raise not_found()
    entries: dict[str, dict[str, Any]] = {}
    for rest in below:
        name, slash, _ = rest.partition("/")
        if name not in entries:
            full = prefix + name
            entries[name] = (
                render.content_entry(full, None, ref, repo, ctx.urls)
                if slash
                else render.content_entry(full, files[full], ref, repo, ctx.urls)
            )
    return Reply(200, list(entries.values()))


def put_content(ctx: Ctx) -> Reply:
    """Commit one file on a branch (default: the default branch). `sha` must be the file's
    current blob (required when it exists): 409 when it is not, as on GitHub."""
    import base64
    import binascii

    repo, b = _repo(ctx), ctx.body
    path = ctx.params["path"].strip("/")
    branch = b.get("branch") or repo.default_branch
    try:
        data = base64.b64decode(b["content"], validate=True)
    except (binascii.Error, ValueError):
        raise _invalid({"resource": "Content", "field": "content", "code": "invalid"}) from None
    author = b.get("author") or b.get("committer") or {}
    who = (author.get("name") or ctx.actor.login, author.get("email") or _noreply(ctx.actor))
    try:
        written = ctx.state.put_file(repo, branch, path, data, b["message"], who, b.get("sha"))
    except GitStoreError as error:
        raise HttpError(error.status, str(error)) from None
    content = render.content_entry(path, data, branch, repo, ctx.urls)
    commit = render.git_commit(written, who, b["message"], ctx.state.clock(), repo, ctx.urls)
    return Reply(201 if written.created else 200, {"content": content, "commit": commit})


def _noreply(user: User) -> str:
    return f"{user.id}+{user.login}@users.noreply.github.com"


def get_ref(ctx: Ctx) -> Reply:
    repo, ref = _repo(ctx), ctx.params["ref"]
    sha = ctx.state.get_ref(repo, ref)
    if sha is None:
        raise not_found()
    return Reply(200, render.git_ref(f"refs/{ref}", sha, repo, ctx.urls))


def create_ref(ctx: Ctx) -> Reply:
    repo, b = _repo(ctx), ctx.body
    ref = str(b["ref"])
    if not ref.startswith("refs/") or ref.count("/") < 2:
        raise HttpError(422, f"{ref} is not a valid ref name.")
    try:
        ctx.state.create_ref(repo, ref, str(b["sha"]))
    except GitStoreError as error:
        raise HttpError(error.status, str(error)) from None
    return _created(render.git_ref(ref, str(b["sha"]), repo, ctx.urls))


def update_ref(ctx: Ctx) -> Reply:
    repo, b, ref = _repo(ctx), ctx.body, ctx.params["ref"]
    try:
        ctx.state.update_ref(repo, ref, str(b["sha"]), bool(b.get("force", False)))
    except GitStoreError as error:
        raise HttpError(error.status, str(error)) from None
    return Reply(200, render.git_ref(f"refs/{ref}", str(b["sha"]), repo, ctx.urls))


def create_check_run(ctx: Ctx) -> Reply:
    repo, b, now = _repo(ctx), ctx.body, ctx.state.clock()
    status = b.get("status", "queued")
    run = CheckRun(
        id=ctx.state.next_id(),
        name=b["name"],
        head_sha=b["head_sha"],
        status=status,
        conclusion=b.get("conclusion"),
        external_id=b.get("external_id"),
        details_url=b.get("details_url"),
        started_at=datetime.fromisoformat(b["started_at"]) if "started_at" in b else now,
        completed_at=now if status == "completed" else None,
        output=b.get("output", {}),
    )
    repo.check_runs.append(run)
    return Reply(201, render.check_run(run, repo, ctx.urls))


def rate_limit(ctx: Ctx) -> Reply:
    reset = int(ctx.state.clock().timestamp()) + 3600
    core = {"limit": 5000, "remaining": 4999, "reset": reset, "used": 1}
    return Reply(200, {"resources": {"core": core, "search": core}, "rate": core})


def get_user(ctx: Ctx) -> Reply:
    """The token's user; an installation token (a "Bot", e.g. Actions' GITHUB_TOKEN) is
    refused with GitHub's 403: an app cannot ask who it is here."""
    if ctx.actor.type == "Bot":
        raise HttpError(403, "Resource not accessible by integration")
    return Reply(200, render.private_user(ctx.actor, ctx.urls))


HANDLERS: dict[str, Callable[[Ctx], Reply]] = {
    "repos/get": get_repo,
    "issues/list-for-repo": list_issues,
    "issues/create": create_issue,
    "issues/get": get_issue,
    "issues/update": update_issue,
    "issues/list-comments": list_comments,
    "issues/create-comment": create_comment,
    "issues/list-labels-for-repo": list_labels,
    "issues/create-label": create_label,
    "issues/add-labels": add_labels,
    "issues/add-assignees": add_assignees,
    "pulls/get": get_pull,
    "pulls/list-files": list_pull_files,
    "pulls/list-reviews": list_reviews,
    "teams/list-members-in-org": list_team_members,
    "repos/get-collaborator-permission-level": collaborator_permission,
    "checks/create": create_check_run,
    "rate-limit/get": rate_limit,
    "users/get-authenticated": get_user,
    "issues/get-comment": get_comment,
    "reactions/list-for-issue-comment": list_reactions,
    "reactions/create-for-issue-comment": create_reaction,
    "pulls/list": list_pulls,
    "pulls/create": create_pull,
    "repos/get-content": get_content,
    "repos/create-or-update-file-contents": put_content,
    "git/get-ref": get_ref,
    "git/create-ref": create_ref,
    "git/update-ref": update_ref,
}
