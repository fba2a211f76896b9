"""State objects -> GitHub JSON; URLs are built from the request's base so PyGithub accepts them."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .gitstore import Written
from .state import (
    REACTIONS,
    CheckRun,
    Comment,
    Issue,
    Label,
    PullFile,
    Reaction,
    Repo,
    Review,
    User,
)

REPO_URL_FIELDS = (  # noqa: SIM905
    "archive_url assignees_url blobs_url branches_url collaborators_url comments_url "
    "commits_url compare_url contents_url contributors_url deployments_url downloads_url "
    "events_url forks_url git_commits_url git_refs_url git_tags_url hooks_url "
    "issue_comment_url issue_events_url issues_url keys_url labels_url languages_url "
    "merges_url milestones_url notifications_url pulls_url releases_url stargazers_url "
    "statuses_url subscribers_url subscription_url tags_url teams_url trees_url"
).split()
USER_URL_FIELDS = (  # noqa: SIM905
    "events_url followers_url following_url gists_url organizations_url received_events_url "
    "repos_url starred_url subscriptions_url"
).split()


def ts(value: datetime | None) -> str | None:
    return None if value is None else value.strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Urls:
    """`api` is scheme://host[/prefix] of the API; `web` is scheme://host for html_url."""

    api: str
    web: str

    def repo(self, r: Repo) -> str:
        return f"{self.api}/repos/{r.full_name}"


def user(u: User | None, urls: Urls) -> dict[str, Any] | None:
    if u is None:
        return None
    base = f"{urls.api}/users/{u.login}"
    out: dict[str, Any] = {
        "login": u.login,
        "id": u.id,
        "node_id": f"U_{u.id}",
        "avatar_url": f"{urls.web}/avatars/{u.login}",
        "gravatar_id": "",
        "url": base,
        "html_url": f"{urls.web}/{u.login}",
        "type": u.type,
        "site_admin": False,
        "user_view_type": "public",
    }
    out.update({f: f"{base}/{f.removesuffix('_url')}" for f in USER_URL_FIELDS})
    return out


def private_user(u: User, urls: Urls) -> dict[str, Any]:
    """The authenticated user as GET /user shows it (private-user schema)."""
    out = user(u, urls) or {}
    out.update(
        user_view_type="private",
        name=u.login,
        company=None,
        blog="",
        location=None,
        email=None,
        hireable=None,
        bio=None,
        public_repos=0,
        public_gists=0,
        followers=0,
        following=0,
        created_at="2020-01-01T00:00:00Z",
        updated_at="2020-01-01T00:00:00Z",
        private_gists=0,
        total_private_repos=0,
        owned_private_repos=0,
        disk_usage=0,
        collaborators=0,
        two_factor_authentication=True,
    )
    return out


def repo(r: Repo, urls: Urls, full: bool = False) -> dict[str, Any]:
    base = urls.repo(r)
    open_count = sum(1 for i in r.issues.values() if i.state == "open")
    out: dict[str, Any] = {f: f"{base}/{f.removesuffix('_url')}" for f in REPO_URL_FIELDS}
    out.update(
        id=r.id,
        node_id=f"R_{r.id}",
        name=r.name,
        full_name=r.full_name,
        owner=user(r.owner, urls),
        private=r.private,
        visibility="private" if r.private else "public",
        html_url=f"{urls.web}/{r.full_name}",
        description=None,
        fork=False,
        url=base,
        clone_url=f"{urls.web}/{r.full_name}.git",
        git_url=f"git://{urls.web.split('://', 1)[1]}/{r.full_name}.git",
        ssh_url=f"git@localhost:{r.full_name}.git",
        svn_url=f"{urls.web}/{r.full_name}",
        mirror_url=None,
        homepage=None,
        language=None,
        forks=0,
        forks_count=0,
        stargazers_count=0,
        watchers=0,
        watchers_count=0,
        size=0,
        default_branch=r.default_branch,
        open_issues=open_count,
        open_issues_count=open_count,
        has_issues=True,
        has_projects=False,
        has_wiki=False,
        has_pages=False,
        has_downloads=False,
        has_discussions=False,
        archived=False,
        disabled=False,
        license=None,
        pushed_at=ts(r.created_at),
        created_at=ts(r.created_at),
        updated_at=ts(r.created_at),
    )
    if full:
        out.update(network_count=0, subscribers_count=0)
    return out


def label(lb: Label, r: Repo, urls: Urls) -> dict[str, Any]:
    return {
        "id": lb.id,
        "node_id": f"LA_{lb.id}",
        "url": f"{urls.repo(r)}/labels/{lb.name}",
        "name": lb.name,
        "description": lb.description,
        "color": lb.color,
        "default": False,
    }


def reactions(url: str, given: Iterable[Reaction] = ()) -> dict[str, Any]:
    """The reaction-rollup: how many of each reaction `given` holds."""
    given = list(given)
    counts = {c: sum(1 for r in given if r.content == c) for c in REACTIONS}
    return {"url": f"{url}/reactions", "total_count": len(given), **counts}


def reaction(r: Reaction, urls: Urls) -> dict[str, Any]:
    return {
        "id": r.id,
        "node_id": f"REA_{r.id}",
        "user": user(r.user, urls),
        "content": r.content,
        "created_at": ts(r.created_at),
    }


def issue(i: Issue, r: Repo, urls: Urls) -> dict[str, Any]:
    url = f"{urls.repo(r)}/issues/{i.number}"
    kind = "pull" if i.pull else "issues"
    out: dict[str, Any] = {
        "id": i.id,
        "node_id": f"I_{i.id}",
        "url": url,
        "repository_url": urls.repo(r),
        "labels_url": f"{url}/labels{{/name}}",
        "comments_url": f"{url}/comments",
        "events_url": f"{url}/events",
        "timeline_url": f"{url}/timeline",
        "html_url": f"{urls.web}/{r.full_name}/{kind}/{i.number}",
        "number": i.number,
        "state": i.state,
        "state_reason": i.state_reason,
        "title": i.title,
        "body": i.body,
        "user": user(i.user, urls),
        "labels": [label(lb, r, urls) for lb in i.labels],
        "assignee": user(i.assignees[0], urls) if i.assignees else None,
        "assignees": [user(a, urls) for a in i.assignees],
        "milestone": None,
        "locked": False,
        "active_lock_reason": None,
        "comments": len(i.comments),
        "closed_at": ts(i.closed_at),
        "closed_by": user(i.closed_by, urls),
        "created_at": ts(i.created_at),
        "updated_at": ts(i.updated_at),
        "author_association": "MEMBER",
        "reactions": reactions(url),
    }
    if i.pull:
        pr_url = f"{urls.repo(r)}/pulls/{i.number}"
        out["pull_request"] = {
            "url": pr_url,
            "html_url": out["html_url"],
            "diff_url": f"{out['html_url']}.diff",
            "patch_url": f"{out['html_url']}.patch",
            "merged_at": None,
        }
    return out


def comment(c: Comment, i: Issue, r: Repo, urls: Urls) -> dict[str, Any]:
    url = f"{urls.repo(r)}/issues/comments/{c.id}"
    return {
        "id": c.id,
        "node_id": f"IC_{c.id}",
        "url": url,
        "html_url": f"{urls.web}/{r.full_name}/issues/{i.number}#issuecomment-{c.id}",
        "issue_url": f"{urls.repo(r)}/issues/{i.number}",
        "body": c.body,
        "user": user(c.user, urls),
        "created_at": ts(c.created_at),
        "updated_at": ts(c.updated_at),
        "author_association": "MEMBER",
        "reactions": reactions(url, c.reactions),
    }


# The keys of GitHub's pull-request-simple (what GET .../pulls lists), in its order.
PULL_SIMPLE_KEYS = (  # noqa: SIM905
    "url id node_id html_url diff_url patch_url issue_url commits_url review_comments_url "
    "review_comment_url comments_url statuses_url number state locked title user body labels "
    "milestone active_lock_reason created_at updated_at closed_at merged_at merge_commit_sha "
    "assignee assignees requested_reviewers requested_teams head base _links "
    "author_association auto_merge draft"
).split()


def pull(i: Issue, r: Repo, urls: Urls, simple: bool = False) -> dict[str, Any]:
    """A pull-request; `simple`: the pull-request-simple of a listing."""
    assert i.pull is not None
    p = i.pull
    base = issue(i, r, urls)
    url = f"{urls.repo(r)}/pulls/{i.number}"
    html = base["html_url"]

    def ref(name: str, sha: str, where: Repo = r) -> dict[str, Any]:
        return {
            "label": f"{where.owner.login}:{name}",
            "ref": name,
            "sha": sha,
            "user": user(where.owner, urls),
            "repo": repo(where, urls),
        }

    adds = sum(f.additions for f in p.files)
    dels = sum(f.deletions for f in p.files)
    links = {
        "self": url,
        "html": html,
        "issue": base["url"],
        "comments": base["comments_url"],
        "review_comments": f"{url}/comments",
        "review_comment": f"{urls.repo(r)}/pulls/comments{{/number}}",
        "commits": f"{url}/commits",
        "statuses": f"{urls.repo(r)}/statuses/{p.head_sha}",
    }
    out = {k: base[k] for k in ("id", "node_id", "html_url", "number", "state", "locked")}
    out.update({k: base[k] for k in ("title", "body", "labels", "milestone", "assignee")})
    out.update({k: base[k] for k in ("assignees", "created_at", "updated_at", "closed_at")})
    out.update(
        url=url,
        node_id=f"PR_{i.id}",
        user=base["user"],
        diff_url=f"{html}.diff",
        patch_url=f"{html}.patch",
        issue_url=base["url"],
        commits_url=links["commits"],
        review_comments_url=links["review_comments"],
        review_comment_url=links["review_comment"],
        comments_url=links["comments"],
        statuses_url=links["statuses"],
        merged_at=None,
        merge_commit_sha=None,
        requested_reviewers=[],
        requested_teams=[],
        head=ref(p.head_ref, p.head_sha, p.head_repo or r),
        base=ref(p.base_ref, p.base_sha),
        _links={k: {"href": v} for k, v in links.items()},
        author_association="CONTRIBUTOR",
        active_lock_reason=None,
        auto_merge=None,
        draft=p.draft,
        merged=p.merged,
        mergeable=True,
        rebaseable=True,
        mergeable_state="draft" if p.draft else "clean",
        merged_by=None,
        comments=len(i.comments),
        review_comments=0,
        maintainer_can_modify=False,
        commits=1,
        additions=adds,
        deletions=dels,
        changed_files=len(p.files),
    )
    if simple:
        return {k: out[k] for k in PULL_SIMPLE_KEYS}
    return out


def pull_file(f: PullFile, i: Issue, r: Repo, urls: Urls) -> dict[str, Any]:
    assert i.pull is not None
    sha = i.pull.head_sha
    out: dict[str, Any] = {
        "sha": hashlib.sha1(f.filename.encode()).hexdigest(),
        "filename": f.filename,
        "status": f.status,
        "additions": f.additions,
        "deletions": f.deletions,
        "changes": f.additions + f.deletions,
        "blob_url": f"{urls.web}/{r.full_name}/blob/{sha}/{f.filename}",
        "raw_url": f"{urls.web}/{r.full_name}/raw/{sha}/{f.filename}",
        "contents_url": f"{urls.repo(r)}/contents/{f.filename}?ref={sha}",
    }
    if f.patch is not None:
        out["patch"] = f.patch
    if f.previous_filename is not None:
        out["previous_filename"] = f.previous_filename
    return out


def review(rv: Review, i: Issue, r: Repo, urls: Urls) -> dict[str, Any]:
    pr_url = f"{urls.repo(r)}/pulls/{i.number}"
    html = f"{urls.web}/{r.full_name}/pull/{i.number}#pullrequestreview-{rv.id}"
    return {
        "id": rv.id,
        "node_id": f"PRR_{rv.id}",
        "user": user(rv.user, urls),
        "body": rv.body,
        "state": rv.state,
        "html_url": html,
        "pull_request_url": pr_url,
        "_links": {"html": {"href": html}, "pull_request": {"href": pr_url}},
        "submitted_at": ts(rv.submitted_at),
        "commit_id": rv.commit_id,
        "author_association": "MEMBER",
    }


def check_run(c: CheckRun, r: Repo, urls: Urls) -> dict[str, Any]:
    return {
        "id": c.id,
        "node_id": f"CR_{c.id}",
        "head_sha": c.head_sha,
        "external_id": c.external_id,
        "url": f"{urls.repo(r)}/check-runs/{c.id}",
        "html_url": f"{urls.web}/{r.full_name}/runs/{c.id}",
        "details_url": c.details_url,
        "status": c.status,
        "conclusion": c.conclusion,
        "started_at": ts(c.started_at),
        "completed_at": ts(c.completed_at),
        "output": {
            "title": c.output.get("title"),
            "summary": c.output.get("summary"),
            "text": c.output.get("text"),
            "annotations_count": len(c.output.get("annotations", [])),
            "annotations_url": f"{urls.repo(r)}/check-runs/{c.id}/annotations",
        },
        "name": c.name,
        "check_suite": {"id": c.id + 1},
        "app": None,
        "pull_requests": [],
    }


def blob_sha(data: bytes) -> str:
    """The Git blob SHA of `data`, as `git hash-object` computes it."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def _base64_lines(data: bytes) -> str:
    """Base64 in lines of 60 characters, each ending in a newline, the way GitHub sends it."""
    text = base64.b64encode(data).decode()
    return "".join(text[n : n + 60] + "\n" for n in range(0, len(text), 60))


MAX_INLINE_CONTENT = 1024 * 1024  # bigger files come with encoding "none" and no content


def content_entry(path: str, data: bytes | None, ref: str, r: Repo, urls: Urls) -> dict[str, Any]:
    """A directory listing's entry: a file (`data`) or a directory (`data` None)."""
    kind = "dir" if data is None else "file"
    sha = blob_sha(data) if data is not None else hashlib.sha1(path.encode()).hexdigest()
    url = f"{urls.repo(r)}/contents/{path}?ref={ref}"
    git = f"{urls.repo(r)}/git/{'trees' if data is None else 'blobs'}/{sha}"
    html = f"{urls.web}/{r.full_name}/{'tree' if data is None else 'blob'}/{ref}/{path}"
    return {
        "type": kind,
        "size": 0 if data is None else len(data),
        "name": path.rsplit("/", 1)[-1],
        "path": path,
        "sha": sha,
        "url": url,
        "git_url": git,
        "html_url": html,
        "download_url": None if data is None else f"{urls.web}/{r.full_name}/raw/{ref}/{path}",
        "_links": {"self": url, "git": git, "html": html},
    }


def content_file(path: str, data: bytes, ref: str, r: Repo, urls: Urls) -> dict[str, Any]:
    out = content_entry(path, data, ref, r, urls)
    if len(data) > MAX_INLINE_CONTENT:
        out.update(content="", encoding="none")
    else:
        out.update(content=_base64_lines(data), encoding="base64")
    return out


def git_commit(
    w: Written, author: tuple[str, str], message: str, when: datetime, r: Repo, urls: Urls
) -> dict[str, Any]:
    """The `commit` of a file-commit: what `PUT .../contents/{path}` made."""
    name, email = author
    stamp = ts(when)
    return {
        "sha": w.commit,
        "node_id": f"C_{w.commit[:20]}",
        "url": f"{urls.repo(r)}/git/commits/{w.commit}",
        "html_url": f"{urls.web}/{r.full_name}/commit/{w.commit}",
        "author": {"date": stamp, "name": name, "email": email},
        "committer": {"date": stamp, "name": "GitHub", "email": "noreply@github.com"},
        "message": message,
        "tree": {"url": f"{urls.repo(r)}/git/trees/{w.tree}", "sha": w.tree},
        "parents": [
            {
                "url": f"{urls.repo(r)}/git/commits/{w.parent}",
                "html_url": f"{urls.web}/{r.full_name}/commit/{w.parent}",
                "sha": w.parent,
            }
        ],
        "verification": {
            "verified": False,
            "reason": "unsigned",
            "signature": None,
            "payload": None,
            "verified_at": None,
        },
    }


def git_ref(ref: str, sha: str, r: Repo, urls: Urls) -> dict[str, Any]:
    return {
        "ref": ref,
        "node_id": f"REF_{hashlib.sha1(ref.encode()).hexdigest()[:16]}",
        "url": f"{urls.repo(r)}/git/{ref}",
        "object": {"type": "commit", "sha": sha, "url": f"{urls.repo(r)}/git/commits/{sha}"},
    }
