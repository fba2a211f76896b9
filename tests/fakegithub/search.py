"""GET /search/issues with the qualifiers a bot plausibly uses, GitHub's 1,000-result cap and lag.

`State.search_lag` (seconds) hides issues updated more recently than that, imitating the
eventual consistency that makes "find my own issue by search" a bug.
"""

from __future__ import annotations

import shlex
from datetime import timedelta
from typing import Any

from . import render
from .handlers import Ctx, HttpError, Reply
from .state import Issue, Repo

MAX_RESULTS = 1000


def _matches(term: str, repo: Repo, issue: Issue) -> bool:
    key, sep, value = term.partition(":")
    value_l = value.lower()
    if not sep or key.lower() not in QUALIFIERS:
        text = f"{issue.title}\n{issue.body or ''}".lower()
        return term.lower() in text
    return QUALIFIERS[key.lower()](value_l, repo, issue)


QUALIFIERS: dict[str, Any] = {
    "repo": lambda v, r, i: r.full_name.lower() == v,
    "org": lambda v, r, i: r.owner.login.lower() == v,
    "user": lambda v, r, i: r.owner.login.lower() == v,
    "is": lambda v, r, i: {
        "issue": i.pull is None,
        "pr": i.pull is not None,
        "open": i.state == "open",
        "closed": i.state == "closed",
    }.get(v, True),
    "type": lambda v, r, i: (i.pull is not None) == (v in ("pr", "pull-request")),
    "state": lambda v, r, i: i.state == v,
    "label": lambda v, r, i: v in {lb.name.lower() for lb in i.labels},
    "author": lambda v, r, i: i.user.login.lower() == v,
    "assignee": lambda v, r, i: v in {a.login.lower() for a in i.assignees},
    "no": lambda v, r, i: not (i.assignees if v == "assignee" else i.labels),
    "in": lambda v, r, i: True,  # where text terms look: title and body, always
}


def search_issues(ctx: Ctx) -> Reply:
    try:
        terms = shlex.split(ctx.query["q"])
    except ValueError as exc:
        raise HttpError(422, "Validation Failed", [{"message": str(exc)}]) from exc
    horizon = ctx.state.clock() - timedelta(seconds=ctx.state.search_lag)
    found = [
        (repo, issue)
        for repo in ctx.state.repos.values()
        for issue in repo.issues.values()
        if issue.updated_at <= horizon and all(_matches(t, repo, issue) for t in terms)
    ]
    found.sort(key=lambda ri: ri[1].created_at, reverse=ctx.query.get("order") != "asc")
    per_page = min(int(ctx.query.get("per_page", 30)), 100)
    page = int(ctx.query.get("page", 1))
    if page * per_page > MAX_RESULTS + per_page - 1:
        raise HttpError(422, "Only the first 1000 search results are available")
    items = []
    for repo, issue in found[:MAX_RESULTS]:
        item = render.issue(issue, repo, ctx.urls)
        item.update(score=1.0)
        items.append(item)
    body = {
        "total_count": len(found),
        "incomplete_results": False,
        "items": items,
        "search_type": "lexical",
    }
    return Reply(200, body, paginate=True)
