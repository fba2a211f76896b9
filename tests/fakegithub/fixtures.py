"""The `fake_github` fixture; register: `pytest_plugins = ["tests.fakegithub.fixtures"]`."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .server import FakeGitHub


@pytest.fixture
def fake_github() -> Iterator[FakeGitHub]:
    """A fresh fake GitHub per test; fails the test at teardown if the contract was broken.

    Tests that break the contract on purpose clear `fake_github.app.violations` themselves.
    """
    server = FakeGitHub().start()
    try:
        yield server
    finally:
        server.stop()
    violations = server.violations
    assert not violations, "fake GitHub saw requests/responses outside GitHub's API contract:\n" + (
        "\n".join(f"  - {v}" for v in violations)
    )
