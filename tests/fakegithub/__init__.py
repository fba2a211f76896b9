"""An in-memory GitHub REST server for tests, checked against GitHub's OpenAPI description."""

from __future__ import annotations

from .app import Call
from .faults import FaultRule
from .server import FakeGitHub

__all__ = ["Call", "FakeGitHub", "FaultRule"]
