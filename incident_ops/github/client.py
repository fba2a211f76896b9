"""PyGithub behind our own retry: counted calls, backoff, rate limits, no blind re-POSTs.

PyGithub's default `GithubRetry` re-sends a POST after a 5xx; when GitHub did create the
issue but the answer was lost, that makes a duplicate. So PyGithub runs with `retry=None`
and every call goes through `Client._call`: reads are retried on 5xx / connection errors
with exponential backoff and jitter; rate limits (429, or 403 with a rate-limit answer) wait
for `Retry-After` or `x-ratelimit-reset` (they were not performed, so any call may repeat);
an ambiguous write failure (5xx, dropped connection, timeout) first asks `verify` — which
re-lists by marker — whether the write happened, and is re-sent only if it did not.
Total waiting is bounded by `max_wait`. The token never appears in a message we raise
(`secrets.scrub`: a server may echo it back).

PyGithub is imported here only, inside `Client.__init__`: `validate` never pays for it.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from incident_ops.errors import ConfigError
from incident_ops.github import secrets

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
    timeout: int = 30

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


@dataclass
class IssueView:
    """What the sweep needs of an issue, plus PyGithub's object to act on it."""

    number: int
    title: str
    body: str
    labels: tuple[str, ...]
    assignees: tuple[str, ...]
    open: bool
    comments: int
    handle: Any = field(repr=False, compare=False)


@dataclass
class _Failure:
    message: str
    status: int | None
    retry: bool  # worth trying again
    performed: bool | None  # False: surely not performed; None: unknown
    wait: float | None = None  # the server told us how long


class Client:
    """One GitHub connection; `calls` counts HTTP requests (attempts), `writes` the writes."""

    def __init__(
        self,
        settings: Settings,
        sleep: Callable[[float], None] = time.sleep,
        per_page: int = 100,
    ) -> None:
        from github import Auth, Github

        self.settings, self.sleep, self.per_page = settings, sleep, per_page
        self.calls = self.writes = 0
        self.waited = 0.0
        self._gh = Github(
            base_url=settings.api_url,
            auth=Auth.Token(settings.token),
            retry=None,
            timeout=int(settings.timeout),
            per_page=per_page,
            lazy=True,
            seconds_between_requests=None,
            seconds_between_writes=None,
        )

    # ---- operations (each attempt is one HTTP request) -----------------------------------
    def list_issues(self, repo: str, label: str) -> list[IssueView]:
        """Every issue (open and closed, no pull requests) carrying the bot label."""
        pages = self._gh.get_repo(repo).get_issues(state="all", labels=[label])
        found = self._pages(pages.get_page)
        # html_url, not pull_request: an absent attribute makes a lazy object fetch itself
        return [_view(i) for i in found if "/pull/" not in (i.html_url or "")]

    def list_comments(self, issue: IssueView) -> list[str]:
        return [c.body or "" for c in self._pages(issue.handle.get_comments().get_page)]

    def create_issue(
        self,
        repo: str,
        fields: dict[str, Any],
        verify: Callable[[], IssueView | None],
    ) -> IssueView:
        handle = self._gh.get_repo(repo)
        return self._call(lambda: _view(handle.create_issue(**fields)), write=True, verify=verify)

    def edit_issue(self, issue: IssueView, **fields: Any) -> None:
        self._call(lambda: issue.handle.edit(**fields), write=True)  # PATCH: safe to re-send

    def create_comment(self, issue: IssueView, body: str, verify: Callable[[], bool]) -> None:
        self._call(lambda: issue.handle.create_comment(body), write=True, verify=verify)

    # ---- machinery -----------------------------------------------------------------------
    def _pages(self, get_page: Callable[[int], list[T]]) -> list[T]:
        items: list[T] = []
        page = 0
        while True:
            chunk = self._call(lambda p=page: get_page(p))  # type: ignore[misc]
            items += chunk
            if len(chunk) < self.per_page:
                return items
            page += 1

    def _call(
        self,
        fn: Callable[[], T],
        write: bool = False,
        verify: Callable[[], Any] | None = None,
    ) -> T:
        """Run one request with retries; an ambiguous write is verified before it is re-sent."""
        for attempt in range(self.settings.attempts):
            self.calls += 1
            self.writes += write
            try:
                return fn()
            except Exception as error:  # classified below; unknown errors are re-raised
                failure = self._classify(error)
            if not failure.retry or attempt + 1 == self.settings.attempts:
                raise ApiError(failure.message, failure.status)
            self._wait(failure, attempt)
            if write and failure.performed is None and verify is not None:
                outcome = verify()  # did the write happen after all?
                if outcome:
                    return outcome  # type: ignore[no-any-return]
        raise AssertionError("unreachable")  # pragma: no cover

    def _wait(self, failure: _Failure, attempt: int) -> None:
        if failure.wait is not None:
            delay = failure.wait
        else:
            delay = self.settings.base_delay * 2**attempt * (0.5 + random.random() / 2)
        if self.waited + delay > self.settings.max_wait:
            raise ApiError(
                f"{failure.message} (gave up: waiting {delay:.0f}s more would exceed "
                f"--max-wait {self.settings.max_wait:.0f}s)",
                failure.status,
            )
        self.waited += delay
        self.sleep(delay)

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


def _view(issue: Any) -> IssueView:
    return IssueView(
        number=issue.number,
        title=issue.title or "",
        body=issue.body or "",
        labels=tuple(label.name for label in issue.labels),
        assignees=tuple(user.login for user in issue.assignees),
        open=issue.state == "open",
        comments=issue.comments or 0,
        handle=issue,
    )
