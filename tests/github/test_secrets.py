"""The token is never printed: one scrubber on every error path of every command holding one.

The fake's `401_echo` answers "Bad credentials: Bearer <the token>", as a careless proxy
might; the CLI runs as a real process, as CI runs it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.fakegithub import FakeGitHub
from tests.github.test_pr_check import PR, REPO, Pr
from tests.github.test_sweep import build, seed
from tests.helpers import NOW, run_process
from tests.test_pr_check_git import NAME, pr_repo

TOKEN = "ghp_s3cretS3cretS3cretS3cretS3cret0001"


def leaks(text: str) -> bool:
    """Whether any recognisable piece of TOKEN is in `text`."""
    return TOKEN in text or TOKEN[4:20] in text


def test_sweep_never_prints_an_echoed_token(fake_github: FakeGitHub, tmp_path: Path) -> None:
    seed(fake_github)
    fake_github.add_token(TOKEN, "incident-bot")
    fake_github.fail("401_echo")
    repo = build(tmp_path)
    summary = tmp_path / "summary.md"
    env = {
        "GITHUB_TOKEN": TOKEN,
        "GITHUB_API_URL": fake_github.url,
        "INCIDENT_OPS_RETRY_BASE": "0.001",
        "GITHUB_STEP_SUMMARY": str(summary),
        "INCIDENT_OPS_DEBUG": "",
    }
    result = run_process(repo.root, "sweep", "--now", NOW, env=env)
    assert result.code == 1, result.out + result.err
    assert "HTTP 401: Bad credentials: token ***" in result.out + result.err
    assert not leaks(result.out + result.err)
    assert not leaks(summary.read_text()) if summary.exists() else True


@pytest.fixture
def pr(make_repo, fake_github: FakeGitHub, tmp_path: Path) -> Pr:
    from tests.github.test_pr_check import RESOLVED

    return Pr(pr_repo(make_repo, {NAME: RESOLVED}), fake_github, tmp_path)


def test_pr_check_never_prints_an_echoed_token(pr: Pr) -> None:
    pr.gh.add_token(TOKEN, "incident-bot")
    pr.gh.fail("401_echo")
    env = {**pr.env, "GITHUB_TOKEN": TOKEN, "INCIDENT_OPS_DEBUG": "", "GITHUB_ACTIONS": ""}
    result = run_process(
        pr.repo.root, "pr-check", "--base", "main", "--format", "json", "--now", NOW, env=env
    )
    assert result.code == 2, result.out + result.err
    assert f"reading reviews of {REPO}#{PR}: 401 Bad credentials: token ***" in result.err
    assert not leaks(result.out + result.err)
    assert "Traceback" not in result.err


def test_a_config_error_naming_the_token_is_scrubbed_at_the_cli(tmp_path: Path) -> None:
    repo = build(tmp_path)
    env = {"GITHUB_TOKEN": TOKEN, "GITHUB_API_URL": f"ftp://{TOKEN}@example.com"}
    result = run_process(repo.root, "sweep", env=env)
    assert result.code == 2
    assert "GITHUB_API_URL='ftp://***@example.com' is not an http(s) URL" in result.err
    assert not leaks(result.out + result.err)


def test_scrub_knows_tokens_from_the_environment_and_their_shapes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from incident_ops.github import secrets

    monkeypatch.setenv("GITHUB_TOKEN", "  opaque-enterprise-token-value \n")
    monkeypatch.setenv("INCIDENT_OPS_SWEEP_TOKEN", TOKEN)
    text = "auth 'token opaque-enterprise-token-value' and Bearer " + TOKEN
    assert secrets.scrub(text) == "auth 'token ***' and Bearer ***"
    # a token other than ours, in GitHub's shapes, is blanked all the same
    other = "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz0123"
    assert secrets.scrub(f"x {other} y ghs_{'a' * 36} z") == "x *** y *** z"
    # a value registered by a command, and the escaped form a library may print
    secrets.remember("line-one-secret\nline-two-secret")
    printed = repr("token line-one-secret\nline-two-secret")
    assert "secret" not in secrets.scrub(printed)
    assert "line-one" not in secrets.scrub("header: line-one-secret")
    # values too short to be a token are not treated as one: they would blank out words
    monkeypatch.setenv("GITHUB_TOKEN", "t")
    assert secrets.scrub("the token must be set") == "the token must be set"


def test_scrub_handles_json_escaped_tokens(monkeypatch: pytest.MonkeyPatch) -> None:
    from incident_ops.github import secrets

    value = 'tok"en/with\\odd-chars-0123'
    monkeypatch.setenv("GH_TOKEN", value)
    assert secrets.scrub(json.dumps({"m": value})) == '{"m": "***"}'
