"""Options and loading shared by the subcommands."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

import click

from incident_ops.domain.instants import parse_instant
from incident_ops.policy.load import Policy, load_policy
from incident_ops.workspace.config import Repo, open_repo

F = TypeVar("F", bound=Callable[..., Any])


def root_option(func: F) -> F:
    return click.option(
        "--root",
        type=click.Path(file_okay=False),
        default=None,
        help="Repository root (default: first parent with incident-ops.yaml or .git).",
    )(func)


def now_option(func: F) -> F:
    return click.option(
        "--now",
        metavar="ISO",
        default=None,
        help="Fix the clock, e.g. 2026-11-20T12:00:00+01:00 (default: the current time).",
    )(func)


def repository(root: str | None) -> Repo:
    """The repository, its `incident-ops.yaml` checked (an unknown rule id is exit 2)."""
    from incident_ops.lint.levels import Levels

    repo = open_repo(root)
    Levels.of(repo)
    return repo


def load(root: str | None) -> tuple[Repo, Policy]:
    """The repository and its validated policy (PolicyError → exit 2 at the boundary)."""
    repo = repository(root)
    return repo, load_policy(repo.policies_dir, repo.root, repo.cache_dir)


def now_in(policy: Policy, text: str | None) -> datetime:
    """`--now` as an aware instant; naive values are in the default calendar's zone."""
    return parse_instant(text, policy.calendar().tz)


def is_tty() -> bool:
    return sys.stdout.isatty()
