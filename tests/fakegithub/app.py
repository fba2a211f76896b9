"""The WSGI app: auth, faults, contract checks, pagination and the call log around handlers."""

from __future__ import annotations

import json
import socket
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from werkzeug.wrappers import Request, Response

from . import render
from .faults import FaultRule, Faults
from .handlers import DOCS, HANDLERS, Ctx, HttpError, Reply
from .openapi import Spec, load_spec
from .search import MAX_RESULTS, search_issues
from .state import State, User

ROUTES = {**HANDLERS, "search/issues-and-pull-requests": search_issues}
WRITE_METHODS = frozenset({"POST", "PATCH", "PUT", "DELETE"})


@dataclass(frozen=True)
class Call:
    """One request as the server saw it; status 0 means the connection was dropped unanswered."""

    method: str
    path: str
    query: dict[str, str]
    status: int
    operation: str | None = None
    body: Any = None


class DropConnection(Exception):
    """Close the socket without an answer."""


class FakeGitHubApp:
    def __init__(self, state: State, token: str, spec: Spec | None = None, prefix: str = ""):
        self.state, self.token, self.prefix = state, token, prefix.rstrip("/")
        if token:
            with state.lock:
                state.add_token(token, state.me.login, state.me.type)
        self.spec = spec or load_spec()
        self.faults = Faults()
        self.stopping = threading.Event()  # set by the server's stop(): hung requests end
        self.calls: list[Call] = []
        self.violations: list[str] = []
        self._log_lock = threading.Lock()

    # ---- WSGI ------------------------------------------------------------------------------
    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        try:
            response = self.handle(request)
        except DropConnection:
            sock: socket.socket | None = environ.get("werkzeug.socket")
            if sock is not None:
                sock.shutdown(socket.SHUT_RDWR)
            response = Response(status=502)
        return response(environ, start_response)

    def handle(self, request: Request) -> Response:
        method, path = request.method, request.path
        query = {k: v for k, v in request.args.items()}
        body = _parse_body(request)
        status, op_id = 0, None
        try:
            rule = self.faults.pick(method, path)
            response, op_id = self._respond(request, rule, body)
            status = response.status_code
            return response
        finally:
            with self._log_lock:
                self.calls.append(Call(method, path, query, status, op_id, body))

    def _respond(
        self, request: Request, rule: FaultRule | None, body: Any
    ) -> tuple[Response, str | None]:
        if rule is not None:
            if rule.kind == "hang":
                if not self._hang(rule):
                    raise DropConnection
                return self._serve(request, body)
            if rule.kind == "timeout":
                time.sleep(rule.delay or 0)
            if not rule.perform:
                return self._fault(rule, request), None
        response, op_id = self._serve(request, body)
        if rule is not None and rule.kind in ("lost", "drop"):
            return self._fault(rule, request), op_id
        return response, op_id

    def _hang(self, rule: FaultRule) -> bool:
        """Hold the request: True once `rule.delay` passed or the rule was released, False if
        the server is stopping first. Only this request's thread waits; the others go on."""
        deadline = None if rule.delay is None else time.monotonic() + rule.delay
        while not self.stopping.is_set():
            if rule.released.is_set():
                return True
            left = 0.05 if deadline is None else min(0.05, deadline - time.monotonic())
            if left <= 0:
                return True
            self.stopping.wait(left)
        return False

    def _fault(self, rule: FaultRule, request: Request) -> Response:
        if rule.kind in ("drop", "timeout"):
            raise DropConnection
        if rule.kind == "rate_limit":
            return self._rate_limited(rule)
        if rule.kind == "401":
            return _bad_credentials()
        if rule.kind == "401_echo":  # a careless proxy or server: the token comes back
            return _bad_credentials(request.headers.get("Authorization", ""))
        return Response("<html><body>502 Bad Gateway</body></html>", 502, mimetype="text/html")

    def _rate_limited(self, rule: FaultRule) -> Response:
        reset = int(time.time()) + (rule.retry_after or 60)
        if rule.primary:
            message = f"API rate limit exceeded for user ID {self.state.me.id}."
        else:
            message = "You have exceeded a secondary rate limit. Please wait a few minutes."
        response = _json(rule.status, {"message": message, "documentation_url": DOCS})
        response.headers.update(_rate_headers(0 if rule.primary else 4000, reset))
        if rule.retry_after is not None:
            response.headers["Retry-After"] = str(rule.retry_after)
        return response

    # ---- the real work -------------------------------------------------------------------
    def _serve(self, request: Request, body: Any) -> tuple[Response, str | None]:
        actor = self._authenticate(request)
        if actor is None:
            return _bad_credentials(), None
        path = request.path
        if self.prefix and not path.startswith(self.prefix + "/"):
            return self._violation(404, f"{request.method} {path}: outside prefix"), None
        path = path.removeprefix(self.prefix)
        found = self.spec.match(request.method, path)
        if found is None:
            problem = f"{request.method} {path}: no such operation in the OpenAPI subset"
            return self._violation(404, problem), None
        op, params = found
        if body is _INVALID:
            return self._violation(
                400, f"{op.op_id}: body is not JSON", "Problems parsing JSON"
            ), op.op_id
        query = {k: request.args.getlist(k) for k in request.args}
        problems = self.spec.check_request(op, params, query, body, has_body=body is not None)
        if problems:
            return self._violation(422, f"{op.op_id} request: " + "; ".join(problems)), op.op_id
        handler = ROUTES.get(op.op_id)
        if handler is None:
            return self._violation(501, f"{op.op_id}: in the subset, not in the fake"), op.op_id
        urls = _urls(request, self.prefix)
        ctx = Ctx(self.state, urls, params, dict(request.args.items()), body, actor)
        try:
            with self.state.lock:
                reply = handler(ctx)
        except HttpError as err:
            return _json(err.status, err.body), op.op_id
        headers = _paginate(reply, request, urls) if reply.paginate else {}
        problems = self.spec.check_response(op, reply.status, reply.body)
        if problems:
            return self._violation(500, f"{op.op_id} response: " + "; ".join(problems)), op.op_id
        response = _json(reply.status, reply.body)
        response.headers.update({**reply.headers, **headers})
        return response, op.op_id

    def _authenticate(self, request: Request) -> User | None:
        """The user of the request's token ("token T" or "Bearer T"); None: answer 401."""
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() not in ("token", "bearer"):
            return None
        with self.state.lock:
            return self.state.token_user(token.strip())

    def _violation(self, status: int, problem: str, message: str = "") -> Response:
        with self._log_lock:
            self.violations.append(problem)
        message = message or ("Invalid request.\n\n" if status < 500 else "Server Error: ")
        return _json(status, {"message": message + problem, "documentation_url": DOCS})


_INVALID = object()


def _parse_body(request: Request) -> Any:
    data = request.get_data()
    if not data:
        return None
    try:
        return json.loads(data)
    except ValueError:
        return _INVALID


def _urls(request: Request, prefix: str) -> render.Urls:
    web = f"{request.scheme}://{request.host}"
    return render.Urls(api=web + prefix, web=web)


def _bad_credentials(echo: str | None = None) -> Response:
    """GitHub's 401; `echo` appends what the client sent, as a leaky server might."""
    message = "Bad credentials" if echo is None else f"Bad credentials: {echo}"
    return _json(401, {"message": message, "documentation_url": DOCS, "status": "401"})


def _rate_headers(remaining: int, reset: int) -> dict[str, str]:
    return {
        "X-RateLimit-Limit": "5000",
        "X-RateLimit-Remaining": str(remaining),
        "X-RateLimit-Used": str(5000 - remaining),
        "X-RateLimit-Reset": str(reset),
        "X-RateLimit-Resource": "core",
    }


def _json(status: int, body: Any) -> Response:
    response = Response(json.dumps(body), status, mimetype="application/json")
    response.headers.update(_rate_headers(4999, int(time.time()) + 3600))
    return response


def _paginate(reply: Reply, request: Request, urls: render.Urls) -> dict[str, str]:
    """Slice the list in `reply` to the requested page; the Link header GitHub sends with it."""
    items = reply.body["items"] if isinstance(reply.body, dict) else reply.body
    per_page = max(1, min(int(request.args.get("per_page", 30)), 100))
    page = max(1, int(request.args.get("page", 1)))
    total = min(len(items), MAX_RESULTS) if isinstance(reply.body, dict) else len(items)
    last = max(1, -(-total // per_page))
    chunk = items[(page - 1) * per_page : page * per_page]
    if isinstance(reply.body, dict):
        reply.body["items"] = chunk
    else:
        reply.body = chunk

    def link(n: int, rel: str) -> str:
        args = {**request.args.to_dict(), "page": str(n)}
        return f'<{urls.web}{request.path}?{urlencode(args)}>; rel="{rel}"'

    rels = []
    if page > 1:
        rels += [link(page - 1, "prev"), link(1, "first")]
    if page < last:
        rels += [link(page + 1, "next"), link(last, "last")]
    return {"Link": ", ".join(rels)} if rels else {}
