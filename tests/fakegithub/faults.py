"""Fault injection: the failures a real GitHub client meets, on demand and countable.

`lost` is the important one: the write happens, the answer is a 502, and PyGithub's
GithubRetry sends the POST again -- the way duplicate issues are made in production.

Kinds: `502` (nothing happens, a gateway error page), `lost` (it happens, the answer is a 502),
`rate_limit` (403/429, see the options), `timeout` (sleeps `delay`, then drops the connection;
the write still happens), `drop` (the connection closes unanswered), `hang` (no answer at all:
the request waits until `delay` passes -- default: forever -- or the rule is `release()`d,
then is served normally; when the server stops first, the connection is dropped and nothing
happens; other requests are served meanwhile), `401` (GitHub's "Bad credentials", as for a
token revoked mid-run) and `401_echo` (a 401 whose message echoes the request's Authorization
header, "Bad credentials: token ghp_...", to prove the client never prints what it is told).
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from typing import Literal

FaultKind = Literal["502", "lost", "rate_limit", "timeout", "drop", "hang", "401", "401_echo"]
KINDS: tuple[str, ...] = ("502", "lost", "rate_limit", "timeout", "drop", "hang", "401", "401_echo")


@dataclass
class FaultRule:
    """Applies to matching calls number `nth`..`nth+times-1` (1-based), or to all if nth is None.

    Options: `status` (403 or 429) and `retry_after` (seconds or None) for rate_limit,
    `primary` (an exhausted primary limit: remaining 0 and a reset time, message says so);
    `delay` (seconds slept before dropping; default 2) for timeout, (seconds held before
    answering; default None: until release() or the server stops) for hang; `perform`
    whether the request's effect still happens (default: True for lost and timeout, False
    otherwise; a hang's request takes effect exactly when it is answered).
    """

    kind: FaultKind
    method: str | None = None
    path: str | None = None
    nth: int | None = None
    times: int | None = None
    status: int = 429
    retry_after: int | None = 1
    primary: bool = False
    delay: float | None = None
    perform: bool | None = None
    seen: int = 0
    fired: int = 0
    released: threading.Event = field(default_factory=threading.Event, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}; choose from {KINDS}")
        if self.kind == "timeout" and self.delay is None:
            self.delay = 2.0
        if self.perform is None:
            self.perform = self.kind in ("lost", "timeout")
        if self.nth is not None and self.times is None:
            self.times = 1

    def matches(self, method: str, path: str) -> bool:
        if self.method and not re.fullmatch(self.method, method, re.IGNORECASE):
            return False
        return not self.path or re.search(self.path, path) is not None

    def release(self) -> None:
        """Let the requests a `hang` holds (and any later ones) be answered now."""
        self.released.set()

    def take(self) -> bool:
        """Count one matching call; True if this call is to fail."""
        self.seen += 1
        start = self.nth or 1
        if self.seen < start or (self.times is not None and self.fired >= self.times):
            return False
        self.fired += 1
        return True


class Faults:
    """An ordered list of rules; the first matching rule that fires wins."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.rules: list[FaultRule] = []

    def add(self, rule: FaultRule) -> FaultRule:
        with self._lock:
            self.rules.append(rule)
        return rule

    def clear(self) -> None:
        """No more faults; requests held by a hang are let go."""
        with self._lock:
            for rule in self.rules:
                rule.release()
            self.rules.clear()

    def pick(self, method: str, path: str) -> FaultRule | None:
        with self._lock:
            for rule in self.rules:
                if rule.matches(method, path) and rule.take():
                    return rule
        return None
