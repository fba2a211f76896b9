"""Shared fixtures: real repositories in temp dirs and the real CLI."""

from __future__ import annotations

import pytest

from tests.helpers import RepoFactory

pytest_plugins = ["tests.fakegithub.fixtures"]


@pytest.fixture
def make_repo(tmp_path):
    """Build a real incident repository (git-initialised) under tmp_path."""
    return RepoFactory(tmp_path)
