"""Reviews and team members of a pull request, read from GitHub with PyGithub.

Settings come from the environment of an Actions step (SPEC §7): GITHUB_TOKEN,
GITHUB_API_URL, GITHUB_REPOSITORY and GITHUB_EVENT_PATH (the `pull_request` event). Only
reads are made, so PyGithub's retries are safe. Team members need a token that may read
the organisation's teams (`read:org` / a GitHub App with members: read); the Actions
GITHUB_TOKEN cannot. The token never appears in a message.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from incident_ops.errors import IncidentOpsError
from incident_ops.prcheck.approvals import Review

if TYPE_CHECKING:
    from github import Github


@dataclass(frozen=True)
class PullRef:
    """Which PR to read: repository, number, and the head SHA the event named (if any)."""

    repo: str
    number: int
    head_sha: str | None = None


def _event(env: Mapping[str, str]) -> dict[str, Any]:
    path = env.get("GITHUB_EVENT_PATH")
    if not path:
        return {}
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError) as error:
        raise IncidentOpsError(f"cannot read GITHUB_EVENT_PATH {path}: {error}") from None
    return data if isinstance(data, dict) else {}


def _object(data: Mapping[str, Any], key: str) -> dict[str, Any]:
    """`data[key]` when it is a JSON object, else {} (a malformed event is no PR)."""
    value = data.get(key)
    return value if isinstance(value, dict) else {}


def pull_ref(pr: int | None, env: Mapping[str, str]) -> PullRef | str:
    """The PR from `--pr` or the event file, or why it cannot be known."""
    event = _event(env)
    pull = _object(event, "pull_request")
    number = pr if pr is not None else pull.get("number")
    full_name = _object(event, "repository").get("full_name")
    repo = env.get("GITHUB_REPOSITORY") or (full_name if isinstance(full_name, str) else None)
    if not isinstance(number, int):
        return "no pull request number (pass --pr N or run on a pull_request event)"
    if not repo:
        return "no repository (set GITHUB_REPOSITORY=owner/name)"
    head = _object(pull, "head")
    sha = head.get("sha") if pr is None or pr == pull.get("number") else None
    return PullRef(repo, number, sha if isinstance(sha, str) else None)


@contextmanager
def _api(what: str) -> Iterator[None]:
    """Turn GitHub and network failures into one clear message (exit 2), no traceback."""
    from github import GithubException
    from requests import RequestException

    try:
        yield
    except GithubException as error:
        message = error.data.get("message") if isinstance(error.data, dict) else None
        hint = ""
        if error.status in (401, 403, 404) and what.startswith("members of"):
            hint = " (the token must be allowed to read the organisation's teams: read:org)"
        raise IncidentOpsError(
            f"GitHub API error reading {what}: {error.status} {message or ''}".rstrip() + hint
        ) from None
    except RequestException as error:
        raise IncidentOpsError(
            f"cannot reach GitHub reading {what}: {type(error).__name__}"
        ) from None


@dataclass
class GitHubApprovals:
    """The ApprovalSource of one PR on GitHub; team members are read once per team."""

    client: Github
    ref: PullRef
    head_sha: str = ""
    _members: dict[str, frozenset[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.head_sha:
            self.head_sha = self.ref.head_sha or self._pull().head.sha

    def _pull(self) -> Any:
        with _api(f"pull request {self.ref.repo}#{self.ref.number}"):
            pull = self.client.get_repo(self.ref.repo).get_pull(self.ref.number)
            _ = pull.head  # lazy object: fetch now, inside the error handler
            return pull

    def reviews(self) -> list[Review]:
        what = f"reviews of {self.ref.repo}#{self.ref.number}"
        with _api(what):
            pull = self.client.get_repo(self.ref.repo).get_pull(self.ref.number)
            return [
                Review(r.user.login if r.user else "", r.state, r.commit_id, r.submitted_at)
                for r in pull.get_reviews()
            ]

    def team_members(self, team: str) -> frozenset[str]:
        if team not in self._members:
            org, slug = team.split("/", 1)
            with _api(f"members of team {team}"):
                found = self.client.get_organization(org).get_team_by_slug(slug).get_members()
                self._members[team] = frozenset(user.login.lower() for user in found)
        return self._members[team]


def connect(pr: int | None, env: Mapping[str, str]) -> GitHubApprovals | str:
    """A GitHub approval source for the PR, or the reason there is none."""
    token = env.get("GITHUB_TOKEN")
    if not token:
        return "GITHUB_TOKEN is not set"
    ref = pull_ref(pr, env)
    if isinstance(ref, str):
        return ref
    from github import Auth, Github

    from incident_ops.github.client import api_url

    client = Github(
        base_url=api_url(env),
        auth=Auth.Token(token),
        timeout=20,
        lazy=True,
        seconds_between_requests=None,
    )
    return GitHubApprovals(client, ref)
