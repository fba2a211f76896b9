"""The sweep's GitHub client against the fake: identity, authors, pages and the time budget."""

from __future__ import annotations

import time

import pytest

from incident_ops.github.client import ApiError, Client, OutOfTime, Settings
from tests.fakegithub import FakeGitHub

REPO = "acme/platform"


def client(server: FakeGitHub, token: str | None = None, max_wait: float = 300.0) -> Client:
    settings = Settings(token or server.token, server.url, base_delay=0.001, max_wait=max_wait)
    return Client(settings, per_page=2)


@pytest.fixture
def gh(fake_github: FakeGitHub) -> FakeGitHub:
    fake_github.add_repo(REPO)
    return fake_github


def test_whoami_is_the_tokens_user_or_none_for_an_app(gh: FakeGitHub) -> None:
    gh.add_token("ghs_app_token_00000000000000000000", "my-app[bot]", type="Bot")
    assert client(gh).whoami() == "incident-bot"
    assert client(gh, "ghs_app_token_00000000000000000000").whoami() is None
    with pytest.raises(ApiError) as bad:
        client(gh, "ghp_unknown_token_0000000000000000").whoami()
    assert bad.value.status == 401


def test_list_issues_follows_every_page_and_keeps_authors(gh: FakeGitHub) -> None:
    for n in range(5):
        gh.add_issue(REPO, f"bot {n}", f"body {n}", labels=["x"])
    gh.add_issue(REPO, "a person's", "", user="mallory")
    gh.add_pull(REPO, title="the bot's PR", user="incident-bot")
    found = client(gh).list_issues(REPO, "incident-bot")
    assert sorted(v.number for v in found) == [1, 2, 3, 4, 5]  # no PR, no other author
    assert {v.author for v in found} == {"incident-bot"} and found[0].labels == ("x",)
    pages = [c.query.get("page") for c in gh.calls if c.path.endswith("/issues")]
    assert pages == ["1", "2", "3"]  # per_page 2: 6 items (the PR too), next links followed


def test_one_hung_request_takes_no_more_than_the_budget(gh: FakeGitHub) -> None:
    gh.hang(path=r"/issues$")
    started = time.monotonic()
    with pytest.raises(OutOfTime, match=r"gave up: 1\.5 s of waiting on GitHub"):
        client(gh, max_wait=1.5).list_issues(REPO, "incident-bot")
    assert time.monotonic() - started < 1.5 + 1.0


def test_the_budget_counts_back_offs_and_is_checked_before_a_request(gh: FakeGitHub) -> None:
    gh.fail("502", path=r"/issues$")
    c = client(gh, max_wait=0.5)
    with pytest.raises(ApiError):
        c.list_issues(REPO, "incident-bot")
    assert 0 < c.spent <= 0.5 + 0.2 and c.calls == 6  # six attempts, tiny back-offs
    before = len(gh.calls)
    spent = client(gh, max_wait=0.0)
    with pytest.raises(OutOfTime):
        spent.whoami()
    assert spent.calls == 0 and len(gh.calls) == before
