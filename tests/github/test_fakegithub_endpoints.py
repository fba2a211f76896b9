"""The fake's tokens, pulls, contents, permissions, reactions and hang/401 faults, via PyGithub."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import github
import pytest
import requests
from github import Auth, Github, GithubException, UnknownObjectException

from tests.fakegithub import FakeGitHub
from tests.fakegithub.render import blob_sha
from tests.github.test_fakegithub import REPO, client, raw
from tests.helpers import GitRepo, git

ALICE, BOB = "ghp_alice0000000000000000000000000000", "ghp_bob000000000000000000000000000000"


@pytest.fixture
def gh(fake_github: FakeGitHub) -> FakeGitHub:
    fake_github.add_repo(REPO)
    fake_github.add_token(ALICE, "alice")
    fake_github.add_token(BOB, "bob")
    return fake_github


def as_user(server: FakeGitHub, token: str, **kw: object) -> Github:
    return Github(
        base_url=server.url,
        auth=Auth.Token(token),
        retry=None,
        seconds_between_requests=None,
        seconds_between_writes=None,
        **kw,  # type: ignore[arg-type]
    )


# ---- tokens and users ----------------------------------------------------------------------
def test_each_token_acts_as_its_own_user(gh: FakeGitHub) -> None:
    alice, bot = as_user(gh, ALICE), client(gh)
    assert alice.get_user().login == "alice" and bot.get_user().login == "incident-bot"
    issue = alice.get_repo(REPO).create_issue(title="from alice")
    comment = bot.get_repo(REPO).get_issue(issue.number).create_comment("from the bot")
    as_user(gh, BOB).get_repo(REPO).get_issue(issue.number).edit(state="closed")
    assert issue.user.login == "alice" and comment.user.login == "incident-bot"
    stored = gh.issue(REPO, issue.number)
    assert stored.user.login == "alice" and stored.comments[0].user.login == "incident-bot"
    assert stored.closed_by is not None and stored.closed_by.login == "bob"


def test_unknown_missing_or_malformed_token_is_github_s_401(gh: FakeGitHub) -> None:
    for header in ("token ghp_unknown", "Bearer ", "Basic " + ALICE, ALICE, ""):
        resp = requests.get(f"{gh.url}/user", headers={"Authorization": header}, timeout=5)
        assert resp.status_code == 401, header
        assert resp.json() == {
            "message": "Bad credentials",
            "documentation_url": "https://docs.github.com/rest",
            "status": "401",
        }
    with pytest.raises(github.BadCredentialsException):
        as_user(gh, "ghp_revoked").get_repo(REPO)
    assert requests.get(f"{gh.url}/user", timeout=5).status_code == 401  # no header at all
    assert gh.violations == []


def test_an_installation_token_is_a_bot_that_cannot_ask_get_user(gh: FakeGitHub) -> None:
    gh.add_token("ghs_installation", "github-actions[bot]", type="Bot")
    bot = as_user(gh, "ghs_installation")
    with pytest.raises(GithubException) as exc:
        bot.get_user().login  # noqa: B018
    assert exc.value.status == 403
    assert exc.value.data["message"] == "Resource not accessible by integration"
    issue = bot.get_repo(REPO).create_issue(title="by the app")
    assert (issue.user.login, issue.user.type) == ("github-actions[bot]", "Bot")
    with pytest.raises(ValueError, match="'User' or 'Bot'"):
        gh.add_token("t", "someone", type="Organization")


def test_issues_filter_by_creator_labels_state_and_list_pulls_too(gh: FakeGitHub) -> None:
    alice, bob = as_user(gh, ALICE, per_page=2), as_user(gh, BOB)
    for n in range(3):
        alice.get_repo(REPO).create_issue(title=f"a{n}", labels=["incident"])
    bob.get_repo(REPO).create_issue(title="b0", labels=["incident"])
    gh.add_pull(REPO, title="alice's PR", user="alice", labels=["incident"])
    gh.issue(REPO, 2).state = "closed"
    repo = alice.get_repo(REPO)
    mine = repo.get_issues(creator="alice", labels=["incident"])
    assert [i.number for i in mine] == [5, 3, 1]
    assert mine[0].pull_request is not None and mine[1].pull_request is None
    assert [i.number for i in repo.get_issues(creator="alice", state="closed")] == [2]
    assert [i.number for i in repo.get_issues(creator="bob")] == [4]
    assert list(repo.get_issues(creator="nobody")) == []
    listed = [c for c in gh.calls if c.method == "GET" and c.path.endswith("/issues")]
    assert [c.query.get("page", "1") for c in listed][:2] == ["1", "2"]


# ---- pull requests --------------------------------------------------------------------------
def test_create_list_label_and_get_pull_requests(gh: FakeGitHub) -> None:
    gh.add_issue(REPO, "an issue first")
    gh.add_branch(REPO, "inc-1", "c" * 40)
    gh.add_branch(REPO, "inc-2")
    repo = as_user(gh, ALICE).get_repo(REPO)
    pr = repo.create_pull(base="main", head="inc-1", title="INC-1", body="text", draft=True)
    assert (pr.number, pr.user.login, pr.draft, pr.state) == (2, "alice", True, "open")
    assert (pr.head.ref, pr.head.sha, pr.head.label, pr.base.ref) == (
        "inc-1",
        "c" * 40,
        "acme:inc-1",
        "main",
    )
    other = repo.create_pull(base="main", head="acme:inc-2", title="INC-2")
    pr.add_to_labels("incident")  # a PR's labels go through the issues API
    assert [lb.name for lb in repo.get_issue(2).labels] == ["incident"]
    fetched = repo.get_pull(2)
    assert fetched.draft and fetched.mergeable_state == "draft"
    assert [lb.name for lb in fetched.labels] == ["incident"]
    assert [p.number for p in repo.get_pulls(state="open")] == [3, 2]
    assert [p.number for p in repo.get_pulls(head="acme:inc-1")] == [2]
    assert [p.number for p in repo.get_pulls(head="someone-else:inc-1")] == []
    # GitHub ignores a head without its owner: every open PR comes back
    assert [p.number for p in repo.get_pulls(head="inc-1")] == [3, 2]
    assert [p.number for p in repo.get_pulls(base="main", direction="asc")] == [2, 3]
    assert list(repo.get_pulls(base="release")) == []
    repo.get_issue(other.number).edit(state="closed")  # (PATCH .../pulls/{n}: not in the fake)
    assert [p.number for p in repo.get_pulls()] == [2]
    assert [p.number for p in repo.get_pulls(state="closed")] == [3]
    issues = list(repo.get_issues(state="all"))
    assert [(i.number, i.pull_request is not None) for i in issues] == [
        (3, True),
        (2, True),
        (1, False),
    ]


def test_pulls_paginate(gh: FakeGitHub) -> None:
    for n in range(5):
        gh.add_pull(REPO, head_ref=f"b{n}", head_sha=f"{n}" * 40)
    pulls = as_user(gh, ALICE, per_page=2).get_repo(REPO).get_pulls()
    assert [p.number for p in pulls] == [5, 4, 3, 2, 1]
    assert [c.query.get("page", "1") for c in gh.calls if c.path.endswith("/pulls")] == [
        "1",
        "2",
        "3",
    ]


def test_create_pull_is_rejected_like_github(gh: FakeGitHub) -> None:
    gh.add_branch(REPO, "inc-1")
    repo = as_user(gh, ALICE).get_repo(REPO)

    def errors(**kw: object) -> list[dict[str, str]]:
        with pytest.raises(GithubException) as exc:
            repo.create_pull(**kw)  # type: ignore[arg-type]
        assert exc.value.status == 422 and exc.value.data["message"] == "Validation Failed"
        return exc.value.data["errors"]

    assert errors(base="main", head="main", title="t") == [
        {"resource": "PullRequest", "code": "custom", "message": "No commits between main and main"}
    ]
    head_invalid = [{"resource": "PullRequest", "field": "head", "code": "invalid"}]
    assert errors(base="main", head="nope", title="t") == head_invalid
    assert errors(base="main", head="someone-else:inc-1", title="t") == head_invalid
    assert errors(base="nope", head="inc-1", title="t") == [
        {"resource": "PullRequest", "field": "base", "code": "invalid"}
    ]
    assert errors(base="main", head="inc-1") == [
        {"resource": "PullRequest", "field": "title", "code": "missing_field"}
    ]
    repo.create_pull(base="main", head="inc-1", title="first")
    duplicate = "A pull request already exists for acme:inc-1."
    assert errors(base="main", head="acme:inc-1", title="again") == [
        {"resource": "PullRequest", "code": "custom", "message": duplicate}
    ]
    gh.add_branch(REPO, "release")
    assert repo.create_pull(base="release", head="inc-1", title="to release").number == 2
    with pytest.raises(UnknownObjectException):
        as_user(gh, ALICE).get_repo("acme/nope").create_pull(base="main", head="inc-1", title="t")
    gh.add_issue(REPO, "plain issue")
    with pytest.raises(UnknownObjectException):
        repo.get_pull(3).title  # noqa: B018  (an issue, not a pull request)
    assert len(gh.issues(REPO)) == 3 and gh.violations == []


def test_create_pull_from_an_issue(gh: FakeGitHub) -> None:
    gh.add_branch(REPO, "fix")
    repo = as_user(gh, ALICE).get_repo(REPO)
    issue = repo.create_issue(title="turn me into a PR")
    pr = repo.create_pull(base="main", head="fix", issue=issue)
    assert (pr.number, pr.title) == (issue.number, "turn me into a PR")
    assert repo.get_issue(issue.number).pull_request is not None


def test_pull_request_body_is_checked_against_the_contract(gh: FakeGitHub) -> None:
    status, _, _ = raw(gh, "POST", f"/repos/{REPO}/pulls", {"base": "main", "title": "x"})
    assert status == 422 and "'head' is a required property" in gh.violations[-1]
    status, _, _ = raw(gh, "GET", f"/repos/{REPO}/pulls?state=merged")
    assert status == 422 and "query parameter 'state'" in gh.violations[-1]
    gh.app.violations.clear()


# ---- contents -------------------------------------------------------------------------------
def test_contents_of_seeded_files(gh: FakeGitHub) -> None:
    gh.add_file(REPO, "main", "incidents/INC-1.md", "# INC-1\n")
    gh.add_file(REPO, "main", "incidents/2026/INC-2.md", b"\x00binary\xff")
    gh.add_file(REPO, "d" * 40, "README.md", "at a commit")
    repo = client(gh).get_repo(REPO)
    f = repo.get_contents("incidents/INC-1.md")
    assert not isinstance(f, list)
    assert (f.type, f.encoding, f.size, f.name) == ("file", "base64", 8, "INC-1.md")
    assert f.decoded_content == b"# INC-1\n" and f.sha == blob_sha(b"# INC-1\n")
    f2 = repo.get_contents("incidents/2026/INC-2.md", ref="main")
    assert not isinstance(f2, list) and f2.decoded_content == b"\x00binary\xff"
    f3 = repo.get_contents("README.md", ref="d" * 40)
    assert not isinstance(f3, list) and f3.decoded_content == b"at a commit"
    listing = repo.get_contents("incidents")
    assert isinstance(listing, list)
    assert [(e.name, e.type) for e in listing] == [("2026", "dir"), ("INC-1.md", "file")]
    root = repo.get_contents("/")
    assert isinstance(root, list) and [e.path for e in root] == ["incidents"]
    with pytest.raises(UnknownObjectException) as exc:
        repo.get_contents("incidents/INC-9.md")
    assert exc.value.data["message"] == "Not Found"
    with pytest.raises(GithubException) as exc:
        repo.get_contents("incidents/INC-1.md", ref="nope")
    assert exc.value.status == 404
    assert exc.value.data["message"] == "No commit found for the ref nope"
    with pytest.raises(UnknownObjectException):
        client(gh, lazy=True).get_repo("acme/nope").get_contents("README.md")


def test_large_files_come_without_content(gh: FakeGitHub) -> None:
    gh.add_file(REPO, "main", "big.bin", b"x" * (1024 * 1024 + 1))
    status, body, _ = raw(gh, "GET", f"/repos/{REPO}/contents/big.bin")
    assert status == 200 and (body["encoding"], body["content"]) == ("none", "")
    assert body["size"] == 1024 * 1024 + 1


def test_contents_of_a_real_git_commit(gh: FakeGitHub, tmp_path: Path) -> None:
    local = GitRepo(tmp_path)
    local.write("incidents/INC-1.md", "first\n")
    (tmp_path / "incident-ops.yaml").write_text("version: 1\n")
    first = local.commit("one")
    local.write("incidents/INC-1.md", "second\n")
    second = local.commit("two")
    assert gh.add_tree_from_git(REPO, first, tmp_path, first) == 2
    assert gh.add_tree_from_git(REPO, "inc-1", tmp_path / ".git", "HEAD") == 2

    repo = as_user(gh, ALICE).get_repo(REPO)
    for ref, text in ((first, b"first\n"), (second, b"second\n"), ("inc-1", b"second\n")):
        f = repo.get_contents("incidents/INC-1.md", ref=ref)
        assert not isinstance(f, list) and f.decoded_content == text
    f = repo.get_contents("incidents/INC-1.md", ref=second[:7])
    assert not isinstance(f, list)
    assert f.sha == git(tmp_path, "rev-parse", f"{second}:incidents/INC-1.md").strip()
    pr = repo.create_pull(base="main", head="inc-1", title="INC-1")  # the branch exists now
    assert pr.head.sha == second


# ---- collaborator permission ------------------------------------------------------------
def test_collaborator_permission_and_role(gh: FakeGitHub) -> None:
    for login, role in (("ann", "admin"), ("max", "maintain"), ("wes", "write"), ("tia", "triage")):
        gh.set_permission(REPO, login, role)
    gh.add_user("pat")
    repo = client(gh).get_repo(REPO)
    legacy = {u: repo.get_collaborator_permission(u) for u in ("ann", "max", "wes", "tia", "pat")}
    assert legacy == {"ann": "admin", "max": "write", "wes": "write", "tia": "read", "pat": "read"}
    assert repo.get_collaborator_role_name("max") == "maintain"
    status, body, _ = raw(gh, "GET", f"/repos/{REPO}/collaborators/max/permission")
    assert status == 200 and (body["permission"], body["role_name"]) == ("write", "maintain")
    assert body["user"]["login"] == "max" and body["user"]["permissions"]["push"] is True
    assert body["user"]["permissions"]["admin"] is False
    assert repo.get_collaborator_permission("acme") == "admin"  # the owning user

    gh.add_repo("acme/private", private=True)
    private = client(gh).get_repo("acme/private")
    assert private.get_collaborator_permission("pat") == "none"  # public repos: everyone reads
    with pytest.raises(UnknownObjectException):
        repo.get_collaborator_permission("never-heard-of")
    with pytest.raises(UnknownObjectException):
        client(gh, lazy=True).get_repo("acme/nope").get_collaborator_permission("ann")
    with pytest.raises(ValueError, match="unknown repository role"):
        gh.set_permission(REPO, "x", "push")


# ---- issue comments and reactions -----------------------------------------------------------
def test_get_comment_and_react(gh: FakeGitHub) -> None:
    gh.add_issue(REPO, "INC-1")
    comment = as_user(gh, ALICE).get_repo(REPO).get_issue(1).create_comment("ack?")
    bot_view = client(gh).get_repo(REPO).get_issue(1).get_comment(comment.id)
    assert (bot_view.body, bot_view.user.login) == ("ack?", "alice")

    gh.reset_log()
    first = bot_view.create_reaction("+1")
    again = bot_view.create_reaction("+1")
    assert first.id == again.id and first.user.login == "incident-bot"
    assert [c.status for c in gh.write_calls()] == [201, 200]  # existing: 200, same reaction
    as_user(gh, BOB).get_repo(REPO).get_issue(1).get_comment(comment.id).create_reaction("+1")
    bot_view.create_reaction("eyes")
    got = [(r.content, r.user.login) for r in bot_view.get_reactions()]
    assert got == [("+1", "incident-bot"), ("+1", "bob"), ("eyes", "incident-bot")]
    status, body, _ = raw(
        gh, "GET", f"/repos/{REPO}/issues/comments/{comment.id}/reactions?content=eyes"
    )
    assert status == 200 and [r["content"] for r in body] == ["eyes"]
    refreshed = client(gh).get_repo(REPO).get_issue(1).get_comment(comment.id)
    assert refreshed.reactions["+1"] == 2 and refreshed.reactions["total_count"] == 3


def test_comment_and_reaction_rejections(gh: FakeGitHub) -> None:
    gh.add_issue(REPO, "INC-1")
    comment = gh.add_comment(REPO, 1, "hello")
    issue = client(gh).get_repo(REPO).get_issue(1)
    with pytest.raises(UnknownObjectException):
        issue.get_comment(999_999).body  # noqa: B018
    for method, suffix, body in (
        ("GET", "", None),
        ("GET", "/reactions", None),
        ("POST", "/reactions", {"content": "+1"}),
    ):
        status, answer, _ = raw(gh, method, f"/repos/{REPO}/issues/comments/999999{suffix}", body)
        assert status == 404 and answer["message"] == "Not Found"
        status, _, _ = raw(
            gh, method, f"/repos/acme/nope/issues/comments/{comment.id}{suffix}", body
        )
        assert status == 404
    assert gh.violations == []
    with pytest.raises(GithubException) as exc:
        issue.get_comment(comment.id).create_reaction("thumbsup")
    assert exc.value.status == 422 and "'thumbsup' is not one of" in gh.violations[-1]
    gh.app.violations.clear()


# ---- faults: hang and a 401 that echoes the token ------------------------------------------
def test_hang_holds_only_the_matching_request(gh: FakeGitHub) -> None:
    rule = gh.hang(method="POST", path=r"/issues$")
    repo = as_user(gh, ALICE, timeout=1).get_repo(REPO)
    started = time.monotonic()
    with pytest.raises(requests.exceptions.ReadTimeout):
        repo.create_issue(title="never answered")
    assert 1 <= time.monotonic() - started < 3
    assert rule.fired == 1 and gh.issues(REPO) == []  # held, so not performed
    quick = time.monotonic()
    assert repo.get_issues().totalCount == 0 and time.monotonic() - quick < 1  # others go on


def test_a_hung_request_ends_when_the_server_stops() -> None:
    server = FakeGitHub().start()
    server.add_repo(REPO)
    server.hang(path=r"/issues$")
    outcome: list[object] = []

    def call() -> None:
        try:
            outcome.append(raw(server, "POST", f"/repos/{REPO}/issues", {"title": "x"}))
        except Exception as exc:  # the connection is dropped
            outcome.append(exc)

    caller = threading.Thread(target=call)
    caller.start()
    while not server.app.faults.rules[0].fired:
        time.sleep(0.01)
    started = time.monotonic()
    server.stop()
    caller.join(timeout=5)
    assert time.monotonic() - started < 2 and not caller.is_alive()
    assert len(outcome) == 1 and isinstance(outcome[0], Exception)
    assert server.issues(REPO) == [] and server.calls[-1].status == 0


def test_a_released_or_delayed_hang_is_answered_late(gh: FakeGitHub) -> None:
    rule = gh.hang(path=r"/issues$", method="POST")
    answers: list[int] = []
    caller = threading.Thread(
        target=lambda: answers.append(raw(gh, "POST", f"/repos/{REPO}/issues", {"title": "x"})[0])
    )
    caller.start()
    while not rule.fired:
        time.sleep(0.01)
    assert answers == [] and gh.issues(REPO) == []
    rule.release()
    caller.join(timeout=5)
    assert answers == [201] and len(gh.issues(REPO)) == 1

    gh.clear_faults()
    gh.hang(path=r"/issues/1$", delay=0.5)
    started = time.monotonic()
    assert raw(gh, "GET", f"/repos/{REPO}/issues/1")[0] == 200
    assert time.monotonic() - started >= 0.5


def test_401_fault_echoes_the_authorization_header(gh: FakeGitHub) -> None:
    gh.fail("401_echo", nth=1)
    status, body, _ = raw(gh, "GET", f"/repos/{REPO}", token=ALICE)
    assert status == 401 and body["message"] == f"Bad credentials: Bearer {ALICE}"
    gh.fail("401_echo", path="/user")
    with pytest.raises(GithubException) as exc:
        as_user(gh, ALICE).get_user().login  # noqa: B018
    assert exc.value.status == 401
    assert ALICE in str(exc.value)  # what a client must scrub before printing anything
    gh.clear_faults()
    gh.fail("401", times=1)
    status, body, _ = raw(gh, "GET", f"/repos/{REPO}")
    assert status == 401 and body["message"] == "Bad credentials"
    assert raw(gh, "GET", f"/repos/{REPO}")[0] == 200


# ---- seeding ---------------------------------------------------------------------------------
def test_seed_with_tokens_branches_files_pulls_and_roles(fake_github: FakeGitHub) -> None:
    example = json.loads((Path(__file__).parents[1] / "fakegithub/example-seed.json").read_text())
    fake_github.load_seed(example)  # the hand-testing seed stays loadable
    fake_github.load_seed(
        {
            "tokens": [{"token": ALICE, "login": "alice"}],
            "repos": [
                {
                    "name": "acme/seeded",
                    "private": True,
                    "default_branch": "trunk",
                    "collaborators": {"alice": "maintain"},
                    "branches": {"inc-1": "e" * 40},
                    "files": {"trunk": {"README.md": "hi"}, "inc-1": {"a/b.txt": "x"}},
                    "issues": [{"title": "seeded issue", "user": "bob"}],
                    "pulls": [
                        {"title": "seeded PR", "head_ref": "inc-1", "head_sha": "e" * 40,
                         "base_ref": "trunk", "draft": True, "labels": ["incident"],
                         "reviews": [{"user": "carol", "state": "APPROVED"}]},
                    ],
                }
            ],
        }
    )  # fmt: skip
    repo = as_user(fake_github, ALICE).get_repo("acme/seeded")
    assert repo.get_collaborator_role_name("alice") == "maintain"
    assert repo.get_collaborator_permission("bob") == "none"  # private
    readme = repo.get_contents("README.md")
    assert not isinstance(readme, list) and readme.decoded_content == b"hi"
    pulls = list(repo.get_pulls(head="acme:inc-1"))
    assert [(p.number, p.draft, p.base.ref, p.head.sha) for p in pulls] == [
        (2, True, "trunk", "e" * 40)
    ]
    assert [lb.name for lb in repo.get_issue(2).labels] == ["incident"]
    assert [r.state for r in pulls[0].get_reviews()] == ["APPROVED"]
    assert [i.number for i in repo.get_issues(creator="bob")] == [1]
    assert as_user(fake_github, "ghp_example_alice").get_user().login == "alice"
