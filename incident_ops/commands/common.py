"""Options and loading shared by the subcommands."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, TypeVar

import click

from incident_ops.domain.instants import parse_instant
from incident_ops.policy.load import Policy, load_policy
from incident_ops.workspace.config import Repo, open_repo

if TYPE_CHECKING:
    from incident_ops.github.pulls import OpenPullRecords

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


DATE = click.DateTime(formats=["%Y-%m-%d"])


def period_options(func: F) -> F:
    """`--since` / `--until`: inclusive dates in the default calendar's timezone."""
    func = click.option(
        "--until", type=DATE, default=None, metavar="DATE",
        help="Last day of the period, inclusive (default: the day of --now).",
    )(func)  # fmt: skip
    return click.option(
        "--since", type=DATE, default=None, metavar="DATE",
        help="First day of the period, inclusive (default: unbounded).",
    )(func)  # fmt: skip


def period(
    since: datetime | None, until: datetime | None, now: datetime
) -> tuple[date | None, date]:
    """The period's dates; `until` defaults to the day of `now`."""
    first = since.date() if since else None
    last = until.date() if until else now.date()
    if first and first > last:
        raise click.BadParameter(
            f"--since {first} is after --until {last}", param_hint="--since/--until"
        )
    return first, last


def open_prs_option(func: F) -> F:
    """`--include-open-prs`: the open incident pull requests' versions count too."""
    return click.option(
        "--include-open-prs",
        is_flag=True,
        help="Also read the incidents of the open incident pull requests (incident/* "
        "branches or label incident), whose version counts until they merge. Needs "
        "GITHUB_TOKEN and GITHUB_REPOSITORY (or an origin on GitHub).",
    )(func)


@contextmanager
def open_prs(repo: Repo, include: bool) -> Iterator[OpenPullRecords | None]:
    """The open incident PRs' records when `include`, else None; their notes go to
    stderr when the report is done."""
    if not include:
        yield None
        return
    import os

    from incident_ops.github.pulls import open_pull_records

    with open_pull_records(repo, os.environ) as live:
        yield live
        for note in live.notes:
            click.echo(f"incident-ops: {note}", err=True)


def policy_option(func: F) -> F:
    """`--policy as-detected|current`: which policies grade past incidents."""
    return click.option(
        "--policy",
        "policy_mode",
        type=click.Choice(["as-detected", "current"]),
        default="as-detected",
        show_default=True,
        help="Grade each incident by the policies committed when it was detected, or all "
        "by the current ones.",
    )(func)
