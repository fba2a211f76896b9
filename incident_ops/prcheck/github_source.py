"""Reviews, team members and other open incident PRs, read from GitHub with PyGithub.

Settings come from the environment of an Actions step (SPEC §7): GITHUB_TOKEN,
GITHUB_API_URL, GITHUB_REPOSITORY and GITHUB_EVENT_PATH (the `pull_request` or
`pull_request_review` event). Only reads are made, so PyGithub's retries are safe. Team
members need a token that may read the organisation's teams (`read:org` / a GitHub App
with members: read); the Actions GITHUB_TOKEN cannot. The token never appears in a
message (`github.secrets`).

The event file is input like any other: it is size-capped, a nesting too deep for the
JSON reader is a clear error, and only a positive integer (not `true`, which Python
counts as 1) is a pull request number.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from incident_ops.errors import IncidentOpsError
from incident_ops.github import secrets
from incident_ops.github.event import load_event, section
from incident_ops.prcheck.approvals import Review
from incident_ops.prcheck.open_pulls import OpenPull, is_incident_pull

if TYPE_CHECKING:
    from github import Github


@dataclass(frozen=True)
class PullRef:
    """Which PR to read: its repository and number."""

    repo: str
    number: int


def _event(env: Mapping[str, str]) -> dict[str, Any]:
    """The event, {} without one; an event that is not a JSON object names no PR."""
    path = env.get("GITHUB_EVENT_PATH")
    if not path:
        return {}
    data = load_event(path, "GITHUB_EVENT_PATH")
    return data if isinstance(data, dict) else {}


def pull_ref(pr: int | None, env: Mapping[str, str]) -> PullRef | str:
    """The PR from `--pr` or the event file, or why it cannot be known."""
    event = _event(env)
    number: Any = pr
    if number is None:
        pull = section(event, "pull_request")
        if "number" not in pull:
            return "no pull request number (pass --pr N or run on a pull_request event)"
        number = pull["number"]
        if type(number) is not int or number < 1:  # bool is an int: `true` is no PR
            return (
                "pull_request.number in GITHUB_EVENT_PATH is not a positive integer: "
                + json.dumps(number)
            )
    full_name = section(event, "repository").get("full_name")
    repo = env.get("GITHUB_REPOSITORY") or (full_name if isinstance(full_name, str) else None)
    if not repo:
        return "no repository (set GITHUB_REPOSITORY=owner/name)"
    return PullRef(repo, number)


@contextmanager
def _api(what: str) -> Iterator[None]:
    """Turn GitHub and network failures into one clear message (exit 2), no traceback;
    GitHub's message is scrubbed: a server may echo the Authorization header."""
    from github import GithubException
    from requests import RequestException

    try:
        yield
    except GithubException as error:
        message = error.data.get("message") if isinstance(error.data, dict) else None
        hint = ""
        if error.status in (401, 403, 404) and what.startswith("members of"):
            hint = " (the token must be allowed to read the organisation's teams: read:org)"
        text = f"GitHub API error reading {what}: {error.status} {message or ''}".rstrip()
        raise IncidentOpsError(secrets.scrub(text + hint)) from None
    except RequestException as error:
        raise IncidentOpsError(
            f"cannot reach GitHub reading {what}: {type(error).__name__}"
        ) from None


@dataclass
class GitHubPull:
    """One PR on GitHub: its reviews, team members (read once per team), and the other
    open incident PRs of its repository."""

    client: Github
    ref: PullRef
    _members: dict[str, frozenset[str]] = field(default_factory=dict)

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

    def open_incident_pulls(self) -> list[OpenPull]:
        """Open PRs on `incident/*` branches or labelled `incident`, except this one, with
        the files each adds, changes or renames to (removed files left out)."""
        found = []
        with _api(f"open pull requests of {self.ref.repo}"):
            repo = self.client.get_repo(self.ref.repo)
            for pull in repo.get_pulls(state="open"):
                labels = [label.name for label in pull.labels]
                if pull.number == self.ref.number or not is_incident_pull(pull.head.ref, labels):
                    continue
                with _api(f"files of {self.ref.repo}#{pull.number}"):
                    files = [f.filename for f in pull.get_files() if f.status != "removed"]
                found.append(OpenPull(pull.number, tuple(files)))
        return found


def connect(pr: int | None, env: Mapping[str, str]) -> GitHubPull | str:
    """The PR on GitHub, or the reason it cannot be read (no token, no PR number)."""
    token = secrets.token(env)
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
    return GitHubPull(client, ref)
