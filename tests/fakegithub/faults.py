"""Fault injection: the failures a real GitHub client meets, on demand and countable.

`lost` is the important one: the write happens, the answer is a 502, and PyGithub's
GithubRetry sends the POST again -- the way duplicate issues are made in production.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from typing import Literal

FaultKind = Literal["502", "lost", "rate_limit", "timeout", "drop"]
KINDS: tuple[str, ...] = ("502", "lost", "rate_limit", "timeout", "drop")


@dataclass
class FaultRule:
    """Applies to matching calls number `nth`..`nth+times-1` (1-based), or to all if nth is None.

    Options: `status` (403 or 429) and `retry_after` (seconds or None) for rate_limit,
    `primary` (an exhausted primary limit: remaining 0 and a reset time, message says so);
    `delay` (seconds slept before answering) for timeout; `perform` whether the request's
    effect still happens (default: True for lost and timeout, False otherwise).
    """

    kind: FaultKind
    method: str | None = None
    path: str | None = None
    nth: int | None = None
    times: int | None = None
    status: int = 429
    retry_after: int | None = 1
    primary: bool = False
    delay: float = 2.0
    perform: bool | None = None
    seen: int = 0
    fired: int = 0

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}; choose from {KINDS}")
        if self.perform is None:
            self.perform = self.kind in ("lost", "timeout")
        if self.nth is not None and self.times is None:
            self.times = 1

    def matches(self, method: str, path: str) -> bool:
        if self.method and not re.fullmatch(self.method, method, re.IGNORECASE):
            return False
        return not self.path or re.search(self.path, path) is not None

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
        with self._lock:
            self.rules.clear()

    def pick(self, method: str, path: str) -> FaultRule | None:
        with self._lock:
            for rule in self.rules:
                if rule.matches(method, path) and rule.take():
                    return rule
        return None
