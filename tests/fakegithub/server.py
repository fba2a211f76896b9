"""FakeGitHub: the server on a real port in a thread, with seeding, call-log and fault helpers."""

from __future__ import annotations

import secrets
import threading
from pathlib import Path
from typing import Any

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from .app import WRITE_METHODS, Call, FakeGitHubApp
from .faults import FaultKind, FaultRule
from .state import Comment, Issue, Label, Reaction, Review, ReviewState, State, Team, User


class _QuietHandler(WSGIRequestHandler):
    """No access log on stderr: the call log on the server is the record tests read."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


class FakeGitHub:
    """A running fake api.github.com; use `.url` as GITHUB_API_URL and `.token` as GITHUB_TOKEN.

    `.token` authenticates as `me` (a "User"); add_token() accepts more tokens, each its own
    user, and whatever a request creates is authored by its token's user.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        token: str | None = None,
        prefix: str = "",
        me: str = "incident-bot",
    ) -> None:
        self.token = token or f"ghs_fake{secrets.token_hex(16)}"
        self.state = State(me=me)
        self.app = FakeGitHubApp(self.state, self.token, prefix=prefix)
        self._server: BaseWSGIServer = make_server(
            host, port, self.app, threaded=True, request_handler=_QuietHandler
        )
        self.host, self.port = host, self._server.server_port
        self.url = f"http://{host}:{self.port}{self.app.prefix}"
        self._thread: threading.Thread | None = None

    # ---- lifecycle -------------------------------------------------------------------------
    def start(self) -> FakeGitHub:
        serve = self._server.serve_forever
        self._thread = threading.Thread(target=serve, args=(0.05,), daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self._server.serve_forever()

    def stop(self) -> None:
        self.app.stopping.set()  # hung requests end (their connections are dropped)
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> FakeGitHub:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ---- seeding (thin wrappers over State, under its lock) ------------------------------
    def add_repo(self, full_name: str, **kw: Any) -> None:
        with self.state.lock:
            self.state.add_repo(full_name, **kw)

    def add_user(self, login: str, type: str = "User") -> User:
        with self.state.lock:
            return self.state.user(login, type)

    def add_token(self, token: str, login: str, type: str = "User") -> User:
        """Accept `token` as `login` ("User", or "Bot" for an installation token)."""
        with self.state.lock:
            return self.state.add_token(token, login, type)

    def add_label(
        self, repo: str, name: str, color: str = "ededed", description: str | None = None
    ) -> Label:
        with self.state.lock:
            return self.state.add_label(repo, name, color, description)

    def add_issue(self, repo: str, title: str, body: str | None = "", **kw: Any) -> Issue:
        with self.state.lock:
            return self.state.add_issue(repo, title, body, **kw)

    def add_comment(self, repo: str, number: int, body: str, user: str | None = None) -> Comment:
        with self.state.lock:
            return self.state.add_comment(repo, number, body, user)

    def add_pull(
        self, repo: str, number: int | None = None, head_sha: str = "a" * 40, **kw: Any
    ) -> Issue:
        with self.state.lock:
            return self.state.add_pull(repo, number, head_sha, **kw)

    def add_review(
        self,
        repo: str,
        number: int,
        user: str,
        state: ReviewState,
        commit_id: str | None = None,
        **kw: Any,
    ) -> Review:
        with self.state.lock:
            return self.state.add_review(repo, number, user, state, commit_id, **kw)

    def add_team(
        self, org: str, slug: str, members: list[str] = (), maintainers: list[str] = ()
    ) -> Team:  # type: ignore[assignment]
        with self.state.lock:
            return self.state.add_team(org, slug, members, maintainers)

    def set_permission(self, repo: str, login: str, permission: str = "write") -> None:
        """Role of `login` on `repo`: none, read, triage, write, maintain or admin."""
        with self.state.lock:
            self.state.set_permission(repo, login, permission)

    set_collaborator = set_permission  # the older name

    def add_branch(self, repo: str, name: str, sha: str | None = None) -> str:
        with self.state.lock:
            return self.state.add_branch(repo, name, sha)

    def add_file(self, repo: str, ref: str, path: str, data: bytes | str) -> None:
        with self.state.lock:
            self.state.add_file(repo, ref, path, data)

    def add_tree_from_git(
        self, repo: str, ref: str, git_dir: str | Path, commit: str = "HEAD"
    ) -> int:
        with self.state.lock:
            return self.state.add_tree_from_git(repo, ref, git_dir, commit)

    def attach_git(self, repo: str, git_dir: str | Path) -> None:
        """Back `repo` by a bare Git repository (see `gitstore`)."""
        with self.state.lock:
            self.state.attach_git(repo, git_dir)

    def add_reaction(
        self, repo: str, comment_id: int, content: str, user: str | None = None
    ) -> Reaction:
        with self.state.lock:
            return self.state.add_reaction(repo, comment_id, content, user)[0]

    def load_seed(self, seed: dict[str, Any]) -> None:
        with self.state.lock:
            self.state.load_seed(seed)

    # ---- inspection ----------------------------------------------------------------------
    def issues(self, repo: str) -> list[Issue]:
        """Every issue and PR of `repo`, by number, as the server holds them now."""
        with self.state.lock:
            return [
                self.state.get_repo(repo).issues[n]
                for n in sorted(self.state.get_repo(repo).issues)
            ]

    def issue(self, repo: str, number: int) -> Issue:
        return self.state.get_issue(repo, number)

    @property
    def calls(self) -> list[Call]:
        return list(self.app.calls)

    def write_calls(self) -> list[Call]:
        return [c for c in self.app.calls if c.method in WRITE_METHODS]

    def reset_log(self) -> None:
        self.app.calls.clear()

    @property
    def violations(self) -> list[str]:
        return list(self.app.violations)

    # ---- faults --------------------------------------------------------------------------
    def fail(
        self,
        kind: FaultKind = "502",
        *,
        method: str | None = None,
        path: str | None = None,
        nth: int | None = None,
        times: int | None = None,
        **options: Any,
    ) -> FaultRule:
        """Make matching calls fail; see FaultRule for `nth`/`times` and the per-kind options.

        `method` and `path` are regexes (method full match, path search); nth counts matching
        calls from 1; with neither nth nor times every matching call fails until clear_faults().
        """
        rule = FaultRule(kind=kind, method=method, path=path, nth=nth, times=times, **options)
        return self.app.faults.add(rule)

    def hang(
        self,
        *,
        method: str | None = None,
        path: str | None = None,
        nth: int | None = None,
        times: int | None = None,
        delay: float | None = None,
    ) -> FaultRule:
        """Hold matching requests unanswered until `delay` seconds pass (default: never),
        `rule.release()` or stop(); held requests do not block the server's other threads."""
        return self.fail("hang", method=method, path=path, nth=nth, times=times, delay=delay)

    def clear_faults(self) -> None:
        self.app.faults.clear()
