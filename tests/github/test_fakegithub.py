"""The fake GitHub server, driven by real PyGithub over real HTTP."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import github
import pytest
import requests
from github import Auth, Github, GithubException, GithubRetry

from tests.fakegithub import FakeGitHub
from tests.fakegithub.fixtures import fake_github  # noqa: F401

REPO = "acme/platform"
ROOT = Path(__file__).resolve().parents[2]


def client(server: FakeGitHub, retry: Any = "default", **kw: Any) -> Github:
    if retry == "default":
        retry = GithubRetry(total=3, backoff_factor=0.01)
    return Github(
        base_url=server.url,
        auth=Auth.Token(server.token),
        retry=retry,
        seconds_between_requests=None,
        seconds_between_writes=None,
        **kw,
    )


def raw(
    server: FakeGitHub, method: str, path: str, body: Any = None, token: str | None = None
) -> tuple[int, Any, Any]:
    """One request with urllib, so nothing between the test and the server fixes it up."""
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(server.url + path, data=data, method=method)
    req.add_header("Authorization", f"Bearer {token or server.token}")
    try:
        with urllib.request.urlopen(req, timeout=5) as resp:
            return resp.status, json.loads(resp.read()), resp.headers
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read()), err.headers


@pytest.fixture
def gh(fake_github: FakeGitHub) -> FakeGitHub:  # noqa: F811
    fake_github.add_repo(REPO)
    return fake_github


def test_issues_paginate_with_link_headers_on_the_request_host(gh: FakeGitHub) -> None:
    for n in range(7):
        gh.add_issue(REPO, f"issue {n}")
    status, body, headers = raw(gh, "GET", f"/repos/{REPO}/issues?per_page=3&page=2")
    assert status == 200 and [i["number"] for i in body] == [4, 3, 2]
    links = headers["Link"]
    for rel, page in (("next", 3), ("last", 3), ("prev", 1), ("first", 1)):
        assert f'{gh.url}/repos/{REPO}/issues?per_page=3&page={page}>; rel="{rel}"' in links
    assert body[0]["url"] == f"{gh.url}/repos/{REPO}/issues/4"

    gh.reset_log()
    issues = client(gh, per_page=3).get_repo(REPO).get_issues()
    assert [i.number for i in issues] == [7, 6, 5, 4, 3, 2, 1]
    pages = [c.query.get("page", "1") for c in gh.calls if c.path.endswith("/issues")]
    assert pages == ["1", "2", "3"]


def test_urls_follow_the_host_header(gh: FakeGitHub) -> None:
    resp = requests.get(
        f"{gh.url}/repos/{REPO}",
        headers={"Authorization": f"token {gh.token}", "Host": f"localhost:{gh.port}"},
        timeout=5,
    )
    assert resp.json()["issues_url"].startswith(f"http://localhost:{gh.port}/repos/{REPO}/")


def test_list_filters_state_labels_since_sort(gh: FakeGitHub) -> None:
    gh.add_issue(REPO, "a", labels=["incident", "sev1"])
    gh.add_issue(REPO, "b", labels=["incident"], state="closed")
    gh.add_issue(REPO, "c", labels=["Incident", "SEV1"])
    gh.add_comment(REPO, 1, "bump")
    repo = client(gh).get_repo(REPO)
    assert [i.number for i in repo.get_issues()] == [3, 1]
    assert [i.number for i in repo.get_issues(state="closed")] == [2]
    both = repo.get_issues(state="all", labels=["incident", "sev1"])  # all must match, any case
    assert [i.number for i in both] == [3, 1]
    by_comments = repo.get_issues(state="all", sort="comments", direction="desc")
    assert next(iter(by_comments)).number == 1
    asc = repo.get_issues(state="all", direction="asc")
    assert [i.number for i in asc] == [1, 2, 3]
    future = gh.state.clock().replace(year=2100)
    assert list(repo.get_issues(state="all", since=future)) == []


def test_create_comment_label_assign_and_close(gh: FakeGitHub) -> None:
    repo = client(gh).get_repo(REPO)
    issue = repo.create_issue(title="INC-1", body="<!-- m -->", labels=["incident"])
    issue.create_comment("first")
    issue.add_to_labels("sev1")
    issue.add_to_assignees("alice")
    issue.edit(state="closed", state_reason="not_planned")
    stored = gh.issue(REPO, issue.number)
    assert [lb.name for lb in stored.labels] == ["incident", "sev1"]
    assert [a.login for a in stored.assignees] == ["alice"]
    assert stored.state == "closed" and stored.state_reason == "not_planned"
    assert [c.body for c in repo.get_issue(issue.number).get_comments()] == ["first"]
    assert sorted(lb.name for lb in repo.get_labels()) == ["incident", "sev1"]
    assert [c.method for c in gh.write_calls()] == ["POST", "POST", "POST", "POST", "PATCH"]
    with pytest.raises(GithubException) as exc:
        repo.create_label("incident", "ff0000")
    assert exc.value.status == 422 and exc.value.data["errors"][0]["code"] == "already_exists"


def test_pull_files_reviews_team_members_permission(gh: FakeGitHub) -> None:
    pr = gh.add_pull(
        REPO, 12, "f" * 40, files=["incidents/INC-1.md", {"filename": "x", "status": "added"}]
    )
    gh.add_review(REPO, 12, "alice", "CHANGES_REQUESTED", commit_id="e" * 40)
    gh.add_review(REPO, 12, "alice", "APPROVED")
    gh.add_team("acme", "sre-leads", members=["alice", "bob"])
    gh.set_collaborator(REPO, "bob", "admin")
    g = client(gh, per_page=1, lazy=True)
    pull = g.get_repo(REPO).get_pull(pr.number)
    assert pull.head.sha == "f" * 40
    assert [(f.filename, f.status) for f in pull.get_files()] == [
        ("incidents/INC-1.md", "modified"),
        ("x", "added"),
    ]
    reviews = [(r.user.login, r.state, r.commit_id) for r in pull.get_reviews()]
    assert reviews == [("alice", "CHANGES_REQUESTED", "e" * 40), ("alice", "APPROVED", "f" * 40)]
    team = g.get_organization("acme").get_team_by_slug("sre-leads")
    assert [m.login for m in team.get_members()] == ["alice", "bob"]
    assert g.get_repo(REPO).get_collaborator_permission("bob") == "admin"
    assert g.get_repo(REPO).get_issue(12).pull_request is not None
    with pytest.raises(GithubException) as exc:
        g.get_repo(REPO).get_pull(999).title  # noqa: B018
    assert exc.value.status == 404 and exc.value.data["message"] == "Not Found"


def test_search_user_rate_limit_check_run(gh: FakeGitHub) -> None:
    gh.add_issue(REPO, "disk full", body="<!-- incident-ops:INC-1:department:sre -->")
    gh.add_issue(REPO, "other")
    g = client(gh)
    found = g.search_issues('repo:acme/platform is:issue "incident-ops:INC-1:department:sre"')
    assert [i.number for i in found] == [1]
    gh.state.search_lag = 3600
    assert g.search_issues("repo:acme/platform is:issue").totalCount == 0
    assert g.get_user().login == "incident-bot"
    assert g.get_rate_limit().resources.core.limit == 5000
    run = g.get_repo(REPO).create_check_run(
        name="incident-ops", head_sha="a" * 40, status="completed", conclusion="failure",
        output={"title": "1 finding", "summary": "RCA missing"},
    )  # fmt: skip
    assert (
        run.conclusion == "failure" and gh.state.get_repo(REPO).check_runs[0].name == "incident-ops"
    )


def test_bad_token_is_401_and_unknown_repo_is_404(gh: FakeGitHub) -> None:
    status, body, _ = raw(gh, "GET", f"/repos/{REPO}", token="wrong")
    assert status == 401 and body["message"] == "Bad credentials"
    with pytest.raises(github.BadCredentialsException):
        Github(base_url=gh.url, retry=None).get_repo(REPO)
    status, body, _ = raw(gh, "GET", "/repos/acme/nope")
    assert status == 404 and body["message"] == "Not Found" and "documentation_url" in body
    assert gh.violations == []


def test_invalid_request_body_is_a_violation(gh: FakeGitHub) -> None:
    status, _, _ = raw(gh, "POST", f"/repos/{REPO}/issues", {"body": 1})
    assert status == 422
    assert any("'title' is a required property" in v for v in gh.violations)
    assert any("body/body: 1 is not of type 'string'" in v for v in gh.violations)
    status, _, _ = raw(gh, "GET", f"/repos/{REPO}/issues?state=bogus&label=incident")
    assert status == 422 and "unknown query parameter 'label'" in gh.violations[-1]
    status, _, _ = raw(gh, "GET", "/orgs/acme")
    assert status == 404 and "no such operation" in gh.violations[-1]
    assert gh.state.get_repo(REPO).issues == {}
    gh.app.violations.clear()  # broken on purpose: keep the fixture's teardown check quiet


def test_invalid_response_is_a_violation_and_500(gh: FakeGitHub) -> None:
    gh.add_issue(REPO, "x").title = None  # type: ignore[assignment]
    status, _, _ = raw(gh, "GET", f"/repos/{REPO}/issues/1")
    assert status == 500 and "response/title: None is not of type 'string'" in gh.violations[0]
    gh.app.violations.clear()


def test_lost_answer_makes_pygithub_create_a_duplicate(gh: FakeGitHub) -> None:
    gh.fail("lost", method="POST", path=r"/issues$", nth=1)
    client(gh).get_repo(REPO).create_issue(title="INC-1 sre")
    assert [i.title for i in gh.issues(REPO)] == ["INC-1 sre", "INC-1 sre"]
    assert [c.status for c in gh.write_calls()] == [502, 201]


def test_502_is_retried_and_does_nothing(gh: FakeGitHub) -> None:
    gh.fail("502", method="POST", nth=1)
    client(gh).get_repo(REPO).create_issue(title="once")
    assert len(gh.issues(REPO)) == 1 and [c.status for c in gh.write_calls()] == [502, 201]


def test_every_matching_call_fails_until_cleared(gh: FakeGitHub) -> None:
    gh.fail("502", path=r"/issues/\d+$")
    repo = client(gh, retry=None).get_repo(REPO)
    gh.add_issue(REPO, "x")
    for _ in range(2):
        with pytest.raises(GithubException):
            repo.get_issue(1)
    gh.clear_faults()
    assert repo.get_issue(1).title == "x"


def test_429_retry_after_is_honoured(gh: FakeGitHub) -> None:
    gh.fail("rate_limit", path=r"/issues$", nth=1, status=429, retry_after=1)
    started = time.monotonic()
    client(gh).get_repo(REPO).create_issue(title="later")
    assert time.monotonic() - started >= 1
    assert [c.status for c in gh.write_calls()] == [429, 201] and len(gh.issues(REPO)) == 1


def test_primary_rate_limit_headers(gh: FakeGitHub) -> None:
    gh.fail("rate_limit", status=403, primary=True, retry_after=None)
    with pytest.raises(github.RateLimitExceededException) as exc:
        client(gh, retry=None).get_repo(REPO)
    assert exc.value.headers["x-ratelimit-remaining"] == "0"
    assert int(exc.value.headers["x-ratelimit-reset"]) > time.time()


def test_drop_closes_the_connection(gh: FakeGitHub) -> None:
    repo = client(gh, retry=None).get_repo(REPO)
    gh.fail("drop", method="POST", nth=1)
    with pytest.raises(requests.exceptions.ConnectionError):
        repo.create_issue(title="x")
    assert gh.issues(REPO) == [] and gh.write_calls()[0].status == 0


def test_timeout_still_performs_the_write(gh: FakeGitHub) -> None:
    repo = client(gh, retry=None, timeout=1).get_repo(REPO)
    gh.fail("timeout", method="POST", nth=1, delay=1.3)
    with pytest.raises(requests.exceptions.ReadTimeout):
        repo.create_issue(title="slow")
    time.sleep(0.6)
    assert [i.title for i in gh.issues(REPO)] == ["slow"]


def test_fixture_fails_the_test_on_violations(tmp_path: Path) -> None:
    test = tmp_path / "test_v.py"
    test.write_text(
        textwrap.dedent("""
        import urllib.request
        from tests.fakegithub.fixtures import fake_github  # noqa: F401

        def test_bad(fake_github):
            req = urllib.request.Request(fake_github.url + "/nowhere")
            req.add_header("Authorization", "token " + fake_github.token)
            try:
                urllib.request.urlopen(req)
            except Exception:
                pass
        """)
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    args = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(test)]
    proc = subprocess.run(args, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1, proc.stdout
    assert "1 passed, 1 error" in proc.stdout
    assert "GET /nowhere: no such operation in the OpenAPI subset" in proc.stdout


def test_command_line_server(tmp_path: Path) -> None:
    seed = tmp_path / "seed.json"
    seed.write_text(json.dumps({"repos": [{"name": REPO, "issues": [{"title": "seeded"}]}]}))
    args = [
        sys.executable,
        "-m",
        "tests.fakegithub",
        "--port",
        "0",
        "--token",
        "T",
        "--seed",
        str(seed),
    ]
    proc = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().split()[-1]
        assert proc.stdout.readline().strip() == f"export GITHUB_API_URL={url}"
        req = urllib.request.Request(
            f"{url}/repos/{REPO}/issues/1", headers={"Authorization": "token T"}
        )
        with urllib.request.urlopen(req, timeout=5) as resp:
            assert json.loads(resp.read())["title"] == "seeded"
    finally:
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=10) == 0
