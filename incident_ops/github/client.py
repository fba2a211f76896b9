"""GitHub's REST API through PyGithub's requester, behind our own retry and time budget.

PyGithub's default `GithubRetry` re-sends a POST after a 5xx; when GitHub did create the
issue but the answer was lost, that makes a duplicate. So PyGithub runs with `retry=None`
and every request goes through `Client._call`: reads are retried on 5xx / connection
errors with exponential backoff and jitter; rate limits (429, or 403 with a rate-limit
answer) wait for `Retry-After` or `x-ratelimit-reset` (they were not performed, so any call
may repeat); an ambiguous write failure (5xx, dropped connection, timeout) first asks
`verify` — which lists again — whether the write happened, and is re-sent only if not.

`max_wait` bounds all the time spent waiting on GitHub: answers, requests that time out,
back-offs and rate-limit waits together. Each request may take what is left of it (at most
`timeout`); once it is used up, or a wait would not fit, `OutOfTime` ends the run. Messages
go through `secrets.scrub`: a server may echo the token back.

Requests are plain JSON (`Requester.requestJsonAndCheck`), so the sweep sees exactly what
GitHub answered — authors included — and no lazy object fetches itself behind our back.
PyGithub is imported here only, inside `Client.__init__`: `validate` never pays for it.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import quote

from incident_ops.errors import ConfigError
from incident_ops.github import secrets

if TYPE_CHECKING:
    from github.Requester import Requester

T = TypeVar("T")
DEFAULT_API = "https://api.github.com"
SECONDARY_WAIT = 60.0  # GitHub: without Retry-After, wait at least a minute


def api_url(environ: Mapping[str, str]) -> str:
    """GITHUB_API_URL (default api.github.com), refused unless an http(s) URL with a host:
    PyGithub would fail on it with an internal error."""
    from urllib.parse import urlsplit

    url = (environ.get("GITHUB_API_URL") or DEFAULT_API).strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"GITHUB_API_URL={url!r} is not an http(s) URL")
    return url


@dataclass(frozen=True)
class Settings:
    token: str = field(repr=False)
    api_url: str = DEFAULT_API
    base_delay: float = 1.0
    max_wait: float = 300.0
    attempts: int = 6
    timeout: int = 30  # seconds one request may take at most

    @classmethod
    def from_env(cls, environ: Mapping[str, str], max_wait: float | None = None) -> Settings:
        """GITHUB_TOKEN (required), GITHUB_API_URL, INCIDENT_OPS_RETRY_BASE (seconds)."""
        token = secrets.token(environ)
        if not token:
            raise ConfigError("GITHUB_TOKEN is not set: the sweep needs a token to read issues")
        base = environ.get("INCIDENT_OPS_RETRY_BASE", "1")
        try:
            base_delay = float(base)
        except ValueError:
            raise ConfigError(f"INCIDENT_OPS_RETRY_BASE={base!r} is not a number") from None
        return cls(
            token=token,
            api_url=api_url(environ),
            base_delay=base_delay,
            max_wait=300.0 if max_wait is None else max_wait,
        )


class ApiError(Exception):
    """A call failed for good; `status` is GitHub's HTTP status, None for network errors."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class OutOfTime(ApiError):
    """`max_wait` is used up: no further request is made, the run ends here."""


@dataclass
class IssueView:
    """What the sweep needs of an issue, as GitHub answered it."""

    repo: str
    number: int
    title: str
    body: str
    labels: tuple[str, ...]
    assignees: tuple[str, ...]
    open: bool
    comments: int
    author: str  # the login that opened it
    state_reason: str | None = None  # completed | not_planned | reopened | …
    closed_at: datetime | None = None


@dataclass(frozen=True)
class CommentView:
    author: str
    body: str


@dataclass(frozen=True)
class PullView:
    """What incident-ops needs of a pull request, as GitHub answered it."""

    repo: str
    number: int
    title: str
    url: str  # html_url, for people
    head_ref: str
    head_sha: str
    head_repo: str | None  # owner/name of the head branch's repository (None: deleted fork)
    base_ref: str
    labels: tuple[str, ...]
    author: str
    open: bool
    body: str = ""


@dataclass(frozen=True)
class FileView:
    """A file at a ref: its blob SHA (the compare-and-swap of a later write) and bytes."""

    path: str
    sha: str
    data: bytes


@dataclass(frozen=True)
class CommentInfo:
    """An issue or pull-request comment, as GitHub says it is (never as an event claims)."""

    id: int
    body: str
    author: str
    author_id: int
    author_type: str  # "User" or "Bot"
    created_at: str
    issue_url: str


@dataclass
class _Failure:
    message: str
    status: int | None
    retry: bool  # worth trying again
    performed: bool | None  # False: surely not performed; None: unknown
    wait: float | None = None  # the server told us how long


class Client:
    """One GitHub connection; `calls` counts HTTP requests (attempts), `writes` the writes,
    `spent` the seconds waited on GitHub so far."""

    def __init__(
        self,
        settings: Settings,
        sleep: Callable[[float], None] = time.sleep,
        per_page: int = 100,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        from github import Auth, Github

        self.settings, self.sleep, self.per_page, self.clock = settings, sleep, per_page, clock
        self.calls = self.writes = 0
        self.spent = 0.0
        self._requester: Requester = Github(
            base_url=settings.api_url,
            auth=Auth.Token(settings.token),
            retry=None,
            timeout=settings.timeout,
            per_page=per_page,
            seconds_between_requests=None,
            seconds_between_writes=None,
        ).requester
        self._short: Requester | None = None  # for the budget's last seconds

    # ---- operations (each attempt is one HTTP request) -----------------------------------
    def whoami(self) -> str | None:
        """The token's login; None for a GitHub App's installation token (Actions'
        GITHUB_TOKEN included), which GitHub refuses GET /user with a 403."""
        try:
            _, data = self._request("GET", "/user")
        except OutOfTime:
            raise
        except ApiError as error:
            if error.status == 403:
                return None
            raise
        return str(data.get("login") or "") or None

    def list_issues(self, repo: str, creator: str) -> list[IssueView]:
        """Every issue `creator` opened in `repo` (open and closed, no pull requests)."""
        found = self._pages(f"{_repo_path(repo)}/issues", {"state": "all", "creator": creator})
        return [_view(repo, item) for item in found if "pull_request" not in item]

    def list_comments(self, issue: IssueView) -> list[CommentView]:
        found = self._pages(f"{_issue_path(issue)}/comments", {})
        return [CommentView(_login(item.get("user")), item.get("body") or "") for item in found]

    def create_issue(
        self,
        repo: str,
        fields: dict[str, Any],
        verify: Callable[[], IssueView | None],
    ) -> IssueView:
        url = f"{_repo_path(repo)}/issues"
        _, data = self._request("POST", url, body=fields, write=True, verify=verify)
        return data if isinstance(data, IssueView) else _view(repo, data)

    def edit_issue(self, issue: IssueView, **fields: Any) -> None:
        self._request("PATCH", _issue_path(issue), body=fields, write=True)  # safe to re-send

    def create_comment(self, issue: IssueView, body: str, verify: Callable[[], bool]) -> None:
        url = f"{_issue_path(issue)}/comments"
        self._request("POST", url, body={"body": body}, write=True, verify=verify)

    # ---- pull requests, files and branches of the incident repository -------------------
    def default_branch(self, repo: str) -> str:
        _, data = self._request("GET", _repo_path(repo))
        return str(data.get("default_branch") or "main")

    def list_pulls(self, repo: str) -> list[PullView]:
        """The open pull requests of `repo`."""
        found = self._pages(f"{_repo_path(repo)}/pulls", {"state": "open"})
        return [_pull(repo, item) for item in found]

    def get_pull(self, repo: str, number: int) -> PullView:
        _, data = self._request("GET", f"{_repo_path(repo)}/pulls/{number}")
        return _pull(repo, data)

    def pull_files(self, repo: str, number: int) -> list[tuple[str, str]]:
        """(path, status) of each file the pull request changes (GitHub lists 3000 at most)."""
        found = self._pages(f"{_repo_path(repo)}/pulls/{number}/files", {})
        return [(str(item.get("filename") or ""), str(item.get("status") or "")) for item in found]

    def get_file(self, repo: str, path: str, ref: str) -> FileView | None:
        """The file at `ref`, None when it does not exist there."""
        import base64
        import binascii

        url = f"{_repo_path(repo)}/contents/{quote(path, safe='/')}"
        data = self._get_found(url, {"ref": ref})
        if data is None:
            return None
        if not isinstance(data, dict) or data.get("type") != "file":
            return None
        if data.get("encoding") != "base64":  # over 1 MB: GitHub sends no content
            raise ApiError(f"{path} at {ref[:12]}: too large to read through the API")
        try:
            raw = base64.b64decode(str(data.get("content") or ""))
        except (binascii.Error, ValueError):
            raise ApiError(f"{path} at {ref[:12]}: content is not base64") from None
        return FileView(path, str(data.get("sha") or ""), raw)

    def put_file(
        self, repo: str, path: str, branch: str, data: bytes, message: str, sha: str | None
    ) -> str:
        """Commit `data` at `path` on `branch`; `sha` is the blob it must replace (None: the
        file must be new), so a file changed meanwhile fails with 409. Returns the commit."""
        import base64

        url = f"{_repo_path(repo)}/contents/{quote(path, safe='/')}"
        body: dict[str, Any] = {
            "message": message,
            "content": base64.b64encode(data).decode(),
            "branch": branch,
        }
        if sha is not None:
            body["sha"] = sha
        wanted = _blob_sha(data)

        def verify() -> dict[str, Any] | None:  # did an ambiguous write land?
            found = self.get_file(repo, path, branch)
            return {"commit": {"sha": ""}} if found is not None and found.sha == wanted else None

        _, answer = self._request("PUT", url, body=body, write=True, verify=verify)
        commit = answer.get("commit") if isinstance(answer, dict) else None
        return str(commit.get("sha") or "") if isinstance(commit, dict) else ""

    def branch_head(self, repo: str, branch: str) -> str | None:
        """The commit `branch` points at, None when there is no such branch."""
        data = self._get_found(f"{_repo_path(repo)}/git/ref/heads/{quote(branch)}")
        target = data.get("object") if isinstance(data, dict) else None
        return str(target.get("sha") or "") or None if isinstance(target, dict) else None

    def create_branch(self, repo: str, branch: str, sha: str) -> None:
        body = {"ref": f"refs/heads/{branch}", "sha": sha}

        def verify() -> bool:
            return self.branch_head(repo, branch) == sha

        self._request("POST", f"{_repo_path(repo)}/git/refs", body=body, write=True,
                      verify=verify)  # fmt: skip

    def move_branch(self, repo: str, branch: str, sha: str, force: bool = False) -> None:
        url = f"{_repo_path(repo)}/git/refs/heads/{quote(branch)}"
        self._request("PATCH", url, body={"sha": sha, "force": force}, write=True)

    def create_pull(self, repo: str, title: str, head: str, base: str, body: str) -> PullView:
        fields = {"title": title, "head": head, "base": base, "body": body}

        def verify() -> PullView | None:
            return next((p for p in self.list_pulls(repo) if p.head_ref == head), None)

        _, data = self._request("POST", f"{_repo_path(repo)}/pulls", body=fields, write=True,
                                verify=verify)  # fmt: skip
        return data if isinstance(data, PullView) else _pull(repo, data)

    def add_labels(self, repo: str, number: int, labels: list[str]) -> None:
        url = f"{_repo_path(repo)}/issues/{number}/labels"
        self._request("POST", url, body={"labels": labels}, write=True)  # safe to re-send

    def comment_on(self, repo: str, number: int, body: str) -> None:
        """Post a comment on issue or pull request `number` (not re-sent when in doubt)."""
        url = f"{_repo_path(repo)}/issues/{number}/comments"

        def verify() -> bool:
            found = self._pages(url, {})
            return any(str(item.get("body") or "") == body for item in found)

        self._request("POST", url, body={"body": body}, write=True, verify=verify)

    def get_issue(self, repo: str, number: int) -> tuple[IssueView, bool]:
        """Issue `number` and whether it is a pull request."""
        _, data = self._request("GET", f"{_repo_path(repo)}/issues/{number}")
        return _view(repo, data), "pull_request" in data

    def get_comment(self, repo: str, comment_id: int) -> CommentInfo:
        _, data = self._request("GET", f"{_repo_path(repo)}/issues/comments/{comment_id}")
        user = _obj(data, "user")
        return CommentInfo(
            id=int(data["id"]),
            body=str(data.get("body") or ""),
            author=str(user.get("login") or ""),
            author_id=int(user.get("id") or 0),
            author_type=str(user.get("type") or ""),
            created_at=str(data.get("created_at") or ""),
            issue_url=str(data.get("issue_url") or ""),
        )

    def permission(self, repo: str, login: str) -> str:
        """`login`'s role on `repo` (admin, maintain, write, triage, read or none)."""
        url = f"{_repo_path(repo)}/collaborators/{quote(login)}/permission"
        data = self._get_found(url)
        if data is None:
            return "none"
        return str(data.get("role_name") or data.get("permission") or "none")

    def react(self, repo: str, comment_id: int, content: str) -> None:
        url = f"{_repo_path(repo)}/issues/comments/{comment_id}/reactions"
        self._request("POST", url, body={"content": content}, write=True)  # one per user

    # ---- machinery -----------------------------------------------------------------------
    def _get_found(self, url: str, params: dict[str, str] | None = None) -> Any:
        """GET `url`: the answer, None when GitHub says 404 (no such thing)."""
        try:
            _, data = self._request("GET", url, params)
        except OutOfTime:
            raise
        except ApiError as error:
            if error.status == 404:
                return None
            raise
        return data

    def _request(
        self,
        verb: str,
        url: str,
        params: dict[str, Any] | None = None,
        body: Any = None,
        write: bool = False,
        verify: Callable[[], Any] | None = None,
    ) -> tuple[dict[str, Any], Any]:
        """(headers, JSON) of one request, or (which verify found) (empty headers, outcome)."""

        def send(requester: Requester) -> tuple[dict[str, Any], Any]:
            return requester.requestJsonAndCheck(verb, url, parameters=params, input=body)

        outcome = self._call(send, write, verify)
        return outcome if isinstance(outcome, tuple) else ({}, outcome)

    def _pages(self, url: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        page = 1
        while True:
            query = {**params, "per_page": self.per_page, "page": page}
            headers, chunk = self._request("GET", url, query)
            items += chunk
            if not chunk or 'rel="next"' not in headers.get("link", ""):
                return items
            page += 1

    def _call(
        self,
        fn: Callable[[Requester], T],
        write: bool = False,
        verify: Callable[[], Any] | None = None,
    ) -> T:
        """Run one request with retries; an ambiguous write is verified before it is re-sent."""
        for attempt in range(self.settings.attempts):
            requester = self._requester_for_what_is_left()
            self.calls += 1
            self.writes += write
            started = self.clock()
            try:
                return fn(requester)
            except Exception as error:  # classified below; unknown errors are re-raised
                failure = self._classify(error)
            finally:
                self.spent += self.clock() - started
            if not failure.retry or attempt + 1 == self.settings.attempts:
                raise ApiError(failure.message, failure.status)
            self._wait(failure, attempt)
            if write and failure.performed is None and verify is not None:
                outcome = verify()  # did the write happen after all?
                if outcome:
                    return outcome  # type: ignore[no-any-return]
        raise AssertionError("unreachable")  # pragma: no cover

    def _requester_for_what_is_left(self) -> Requester:
        """The usual requester, or in the budget's last seconds one whose timeout is what is
        left; OutOfTime when nothing is."""
        from github.Requester import Requester

        left = self.settings.max_wait - self.spent
        if left <= 0:
            raise OutOfTime(self._gave_up())
        if left >= self.settings.timeout:
            return self._requester
        if self._short is not None:
            self._short.close()
        self._short = Requester(**{**self._requester.kwargs, "timeout": left})  # float: fine
        return self._short

    def _wait(self, failure: _Failure, attempt: int) -> None:
        if failure.wait is not None:
            delay = failure.wait
        else:
            delay = self.settings.base_delay * 2**attempt * (0.5 + random.random() / 2)
        if self.spent >= self.settings.max_wait:
            raise OutOfTime(self._gave_up(failure.message))
        if self.spent + delay > self.settings.max_wait:
            raise OutOfTime(
                f"gave up: waiting {delay:.0f} s more would exceed --max-wait "
                f"{self.settings.max_wait:g} s; the rest is left for the next run "
                f"(last error: {failure.message})"
            )
        self.spent += delay
        self.sleep(delay)

    def _gave_up(self, last: str | None = None) -> str:
        text = (
            f"gave up: {self.settings.max_wait:g} s of waiting on GitHub (--max-wait) used up; "
            "the rest is left for the next run"
        )
        return f"{text} (last error: {last})" if last else text

    def _classify(self, error: Exception) -> _Failure:
        import requests
        from github import GithubException

        if isinstance(error, requests.exceptions.RequestException):
            sent = not isinstance(error, requests.exceptions.ConnectTimeout)
            message = secrets.scrub(f"network error: {type(error).__name__}: {error}")
            return _Failure(message, None, retry=True, performed=None if sent else False)
        if isinstance(error, GithubException):
            status = error.status
            data = error.data if isinstance(error.data, dict) else {}
            text = str(data.get("message") or "").strip() or "no message"
            message = secrets.scrub(f"HTTP {status}: {text}")
            headers = {k.lower(): v for k, v in (error.headers or {}).items()}
            wait = _rate_limit_wait(status, text, headers)
            if wait is not None:
                return _Failure(message, status, retry=True, performed=False, wait=wait)
            if status >= 500:
                return _Failure(message, status, retry=True, performed=None)
            return _Failure(message, status, retry=False, performed=False)
        raise error


def _rate_limit_wait(status: int, message: str, headers: dict[str, str]) -> float | None:
    """Seconds to wait if this is a rate limit (GitHub's documented rules), else None."""
    limited = status == 429 or (
        status == 403
        and ("rate limit" in message.lower() or headers.get("x-ratelimit-remaining") == "0")
    )
    if not limited:
        return None
    if "retry-after" in headers:
        try:
            return max(0.0, float(headers["retry-after"]))
        except ValueError:
            pass
    if headers.get("x-ratelimit-remaining") == "0" and "x-ratelimit-reset" in headers:
        try:
            return max(0.0, float(headers["x-ratelimit-reset"]) - time.time()) + 1.0
        except ValueError:
            pass
    return SECONDARY_WAIT


def _repo_path(repo: str) -> str:
    return "/repos/" + quote(repo, safe="/")


def _issue_path(issue: IssueView) -> str:
    return f"{_repo_path(issue.repo)}/issues/{issue.number}"


def _login(user: Any) -> str:
    return str(user.get("login") or "") if isinstance(user, dict) else ""


def _obj(data: Any, key: str) -> dict[str, Any]:
    """`data[key]` when both are JSON objects, else {}."""
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, dict) else {}


def _blob_sha(data: bytes) -> str:
    """Git's blob id of `data` (what GitHub's contents API calls `sha`)."""
    import hashlib

    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def _pull(repo: str, data: dict[str, Any]) -> PullView:
    head, base = _obj(data, "head"), _obj(data, "base")
    head_repo = _obj(head, "repo")
    found = data.get("labels") or []
    return PullView(
        repo=repo,
        number=int(data["number"]),
        title=str(data.get("title") or ""),
        url=str(data.get("html_url") or ""),
        head_ref=str(head.get("ref") or ""),
        head_sha=str(head.get("sha") or ""),
        head_repo=str(head_repo.get("full_name") or "") or None,
        base_ref=str(base.get("ref") or ""),
        labels=tuple(str(lb.get("name") or "") for lb in found if isinstance(lb, dict)),
        author=_login(data.get("user")),
        open=data.get("state") == "open",
        body=str(data.get("body") or ""),
    )


def _view(repo: str, data: dict[str, Any]) -> IssueView:
    found = data.get("labels") or []
    labels = [lb.get("name", "") if isinstance(lb, dict) else str(lb) for lb in found]
    return IssueView(
        repo=repo,
        number=int(data["number"]),
        title=data.get("title") or "",
        body=data.get("body") or "",
        labels=tuple(labels),
        assignees=tuple(_login(user) for user in data.get("assignees") or []),
        open=data.get("state") == "open",
        comments=int(data.get("comments") or 0),
        author=_login(data.get("user")),
        state_reason=data.get("state_reason"),
        closed_at=_instant(data.get("closed_at")),
    )


def _instant(value: Any) -> datetime | None:
    """GitHub's `2026-11-20T12:00:00Z` as an aware datetime (None when absent or bad)."""
    try:
        moment = datetime.fromisoformat(str(value)) if value else None
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment and moment.tzinfo is None else moment
