"""Whose markers count, how the sweep finds its issues again, and the markers it records.

Markers count only in issues and comments the bot's own identity wrote (GET /user, or the
bot login for an app token); an issue is found by the reference in the incident file first,
then among the bot's own issues by marker; the breach markers the bot posted are recorded
in its issue's body, so a sweep with nothing new to say reads only the issue lists.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fakegithub import FakeGitHub
from tests.github.test_fakegithub import raw
from tests.github.test_sweep import (
    BOT,
    CLOSED_SEV2,
    M42,
    OPEN_SEV1,
    WRITES,
    _files,
    _numbers,
    build,
    marker_of,
    seed,
    state,
    sweep,
)
from tests.helpers import RepoFactory

MALLORY = "ghp_mallory0000000000000000000000000000"
LATER = "2026-11-20T14:00:00+01:00"  # customer update, mitigate and management update overdue
CUSTOMER = f"{M42}:breach:customer-update:20261120T1130Z"
PLATFORM = f"{M42}:department:platform"
A1 = f"{M42}:action:A1"
EXECUTIVES = f"{M42}:department:executives"


@pytest.fixture
def gh(fake_github: FakeGitHub) -> FakeGitHub:
    seed(fake_github)
    return fake_github


def number(server: FakeGitHub, repo: str, marker: str) -> int:
    return _numbers(server)[(repo, marker)]


def bot_notes(server: FakeGitHub, repo: str, n: int, login: str = "incident-bot") -> list[str]:
    return [marker_of(c.body) for c in server.issue(repo, n).comments if c.user.login == login]


def as_mallory(server: FakeGitHub, method: str, path: str, body: object = None) -> int:
    status, _, _ = raw(server, method, path, body, token=MALLORY)
    return status


# ---- item 4: only the bot's own markers count --------------------------------------------
def test_a_breach_marker_pasted_into_a_comment_does_not_silence_the_breach(
    gh: FakeGitHub, tmp_path: Path
) -> None:
    gh.add_token(MALLORY, "mallory")
    repo = build(tmp_path)
    assert sweep(repo, gh).code == 0
    n = number(gh, "acme/platform", PLATFORM)
    pasted = f"<!-- {CUSTOMER} -->\nCustomers were told by phone, no need to nag."
    assert as_mallory(gh, "POST", f"/repos/acme/platform/issues/{n}/comments", {"body": pasted})
    result = sweep(repo, gh, "--now", LATER)
    assert result.code == 0, result.out
    assert CUSTOMER in bot_notes(gh, "acme/platform", n)
    assert f"comment acme/platform#{n}: {CUSTOMER}" in result.out


def test_an_issue_a_person_opened_with_a_copied_marker_is_not_the_bots(
    gh: FakeGitHub, tmp_path: Path
) -> None:
    for marker, title in ((PLATFORM, "platform?"), (A1, "A1?")):
        body = f"<!-- {marker} -->\nopened by hand"
        gh.add_issue("acme/platform", title, body, labels=[BOT, "incident"], user="mallory")
    humans = {i.number: (i.title, i.body) for i in gh.issues("acme/platform")[1:]}
    repo = build(tmp_path)
    result = sweep(repo, gh)
    assert result.code == 0, result.out
    for n, (title, body) in humans.items():  # neither adopted nor rewritten nor commented
        issue = gh.issue("acme/platform", n)
        assert (issue.title, issue.body, issue.comments) == (title, body, [])
    bots = {
        marker_of(i.body): i.number
        for i in gh.issues("acme/platform")
        if i.user.login == "incident-bot"
    }
    assert {PLATFORM, A1} <= set(bots)
    text = (repo.root / "incidents/2026/INC-2026-0042-billing.md").read_text()
    assert f"issue: acme/platform#{bots[PLATFORM]}" in text
    assert f"issue: acme/platform#{bots[A1]}" in text
    gh.reset_log()
    assert sweep(repo, gh).code == 0 and gh.write_calls() == []


def test_a_persons_issue_named_in_the_incident_file_is_not_adopted(
    gh: FakeGitHub, tmp_path: Path
) -> None:
    human = gh.add_issue("acme/platform", "my own tracking issue", "mine", user="mallory")
    text = OPEN_SEV1.replace(
        "due: 2026-12-05}", f"due: 2026-12-05, issue: acme/platform#{human.number}}}", 1
    )
    repo = build(
        tmp_path, **{"INC-2026-0042-billing.md": text, "INC-2026-0040-slow.md": CLOSED_SEV2}
    )
    assert sweep(repo, gh).code == 0
    assert gh.issue("acme/platform", human.number).body == "mine"
    mine = number(gh, "acme/platform", A1)
    assert gh.issue("acme/platform", mine).user.login == "incident-bot"
    edited = (repo.root / "incidents/2026/INC-2026-0042-billing.md").read_text()
    assert f"issue: acme/platform#{mine}" in edited


def test_an_app_token_acts_as_github_actions_bot_by_default(gh: FakeGitHub, tmp_path: Path) -> None:
    gh.add_token("ghs_actions_installation_token_0000000", "github-actions[bot]", type="Bot")
    repo = build(tmp_path)
    env = {"GITHUB_TOKEN": "ghs_actions_installation_token_0000000"}
    first = sweep(repo, gh, **env)
    assert first.code == 0, first.out + first.err
    assert "bot login: github-actions[bot]" in first.out
    assert ("GET", "/user", 403) in [(c.method, c.path, c.status) for c in gh.calls]
    gh.reset_log()
    second = sweep(repo, gh, **env)
    assert second.code == 0 and gh.write_calls() == []
    listed = [c for c in gh.calls if c.path.endswith("/issues")]
    assert listed and all(c.query.get("creator") == "github-actions[bot]" for c in listed)


def test_an_app_with_its_own_login_is_named_with_bot_login(gh: FakeGitHub, tmp_path: Path) -> None:
    app = "ghs_app_installation_token_000000000000"
    gh.add_token(app, "incident-ops-app[bot]", type="Bot")
    repo = build(tmp_path)
    wrong = sweep(repo, gh, GITHUB_TOKEN=app)
    assert wrong.code == 2, wrong.out + wrong.err
    assert "created as incident-ops-app[bot], not github-actions[bot]" in wrong.err
    assert "--bot-login incident-ops-app[bot]" in wrong.err
    strays = [i.number for i in gh.issues("acme/platform") if i.user.login != "incident-bot"]
    assert len(strays) == 1  # the one issue that revealed the mismatch, found again below
    right = sweep(repo, gh, GITHUB_TOKEN=app, INCIDENT_OPS_BOT_LOGIN="incident-ops-app[bot]")
    assert right.code == 0, right.out + right.err
    state(gh)  # no duplicate issue or comment anywhere
    gh.reset_log()
    again = sweep(repo, gh, "--bot-login", "incident-ops-app[bot]", GITHUB_TOKEN=app)
    assert again.code == 0 and gh.write_calls() == []


def test_a_bot_login_that_is_not_the_tokens_user_is_a_usage_error(
    gh: FakeGitHub, tmp_path: Path
) -> None:
    repo = build(tmp_path)
    result = sweep(repo, gh, "--bot-login", "someone-else")
    assert result.code == 2
    assert "the token acts as incident-bot, not someone-else" in result.err
    assert gh.write_calls() == []
    bad = sweep(repo, gh, "--bot-login", "not a login!")
    assert bad.code == 2 and "--bot-login" in bad.err


# ---- item 11: a person editing the bot's issue does not make it duplicate it ---------------
def test_a_removed_marker_or_label_is_restored_on_the_same_issue(
    gh: FakeGitHub, tmp_path: Path
) -> None:
    gh.add_token(MALLORY, "mallory")
    repo = build(tmp_path)
    assert sweep(repo, gh).code == 0
    before, files = state(gh), _files(repo)
    platform = number(gh, "acme/platform", PLATFORM)
    action = number(gh, "acme/platform", A1)
    executives = number(gh, "acme/management", EXECUTIVES)  # no reference in the file
    path = "/repos/acme/{}/issues/{}"
    assert as_mallory(gh, "PATCH", path.format("platform", platform), {"body": "tidied up"}) == 200
    assert as_mallory(gh, "PATCH", path.format("platform", action), {"labels": ["incident"]}) == 200
    edit = {"labels": ["exec"]}  # its marker stays: it has no reference to be found by
    assert as_mallory(gh, "PATCH", path.format("management", executives), edit) == 200
    counts = {r: len(gh.issues(r)) for r in ("acme/platform", "acme/management")}
    result = sweep(repo, gh)
    assert result.code == 0, result.out
    assert {r: len(gh.issues(r)) for r in counts} == counts, result.out
    assert _files(repo) == files  # references unchanged
    after = state(gh)
    for key in (("acme/platform", PLATFORM), ("acme/platform", A1)):
        assert after[key][:4] == before[key][:4]  # marker, body and labels back
    assert after[("acme/management", EXECUTIVES)][:4] == before[("acme/management", EXECUTIVES)][:4]


# ---- the markers the bot posted are recorded in its issue's body ----------------------------
def test_a_second_sweep_with_nothing_new_reads_only_the_issue_lists(
    gh: FakeGitHub, tmp_path: Path
) -> None:
    repo = build(tmp_path)
    assert sweep(repo, gh).code == 0
    assert sweep(repo, gh, "--now", LATER).code == 0
    gh.reset_log()
    again = sweep(repo, gh, "--now", LATER)
    assert again.code == 0 and gh.write_calls() == []
    paths = [c.path for c in gh.calls]
    assert not [p for p in paths if p.endswith("/comments")], paths
    assert len(paths) == 1 + 3  # who am I, and one page per repo


def test_many_incidents_second_sweep_makes_no_comment_listing(
    gh: FakeGitHub, tmp_path: Path
) -> None:
    files = {}
    for i in range(100, 125):
        text = OPEN_SEV1.replace("INC-2026-0042", f"INC-2026-0{i}")
        files[f"INC-2026-0{i}-billing.md"] = text
    repo = RepoFactory(tmp_path)(files)
    assert sweep(repo, gh, "--now", LATER).code == 0
    gh.reset_log()
    again = sweep(repo, gh, "--now", LATER)
    assert again.code == 0 and gh.write_calls() == []
    assert [c.path for c in gh.calls if c.path.endswith("/comments")] == []
    assert len(gh.calls) == 1 + 3, [c.path for c in gh.calls]


def test_the_record_counts_only_in_the_bots_body(gh: FakeGitHub, tmp_path: Path) -> None:
    gh.add_token(MALLORY, "mallory")
    repo = build(tmp_path)
    assert sweep(repo, gh).code == 0
    n = number(gh, "acme/platform", PLATFORM)
    block = f"<!-- incident-ops:posted\n{CUSTOMER}\n-->"
    path = f"/repos/acme/platform/issues/{n}/comments"
    assert as_mallory(gh, "POST", path, {"body": block}) == 201
    human = f"<!-- {PLATFORM} -->\n{block}"
    gh.add_issue("acme/platform", "copy", human, labels=[BOT], user="mallory")
    assert sweep(repo, gh, "--now", LATER).code == 0
    assert CUSTOMER in bot_notes(gh, "acme/platform", n)


def test_a_removed_record_is_rebuilt_from_the_comments_without_reposting(
    gh: FakeGitHub, tmp_path: Path
) -> None:
    gh.add_token(MALLORY, "mallory")
    repo = build(tmp_path)
    assert sweep(repo, gh).code == 0
    assert sweep(repo, gh, "--now", LATER).code == 0
    expected = state(gh)
    n = number(gh, "acme/platform", PLATFORM)
    body = gh.issue("acme/platform", n).body or ""
    assert "<!-- incident-ops:posted" in body
    cut = body[: body.index("<!-- incident-ops:posted")].rstrip()
    path = f"/repos/acme/platform/issues/{n}"
    assert as_mallory(gh, "PATCH", path, {"body": cut}) == 200
    gh.reset_log()
    assert sweep(repo, gh, "--now", LATER).code == 0
    assert state(gh) == expected
    writes = [(c.method, c.path) for c in gh.write_calls()]
    assert writes == [("PATCH", path)]  # the record back, no comment again


def test_crash_after_each_write_of_a_later_sweep_leaves_one_comment_each(tmp_path: Path) -> None:
    """Comments on issues that have comments already, then the record: kill after any write."""

    def first_then_later(server: FakeGitHub, base: Path) -> RepoFactory:
        seed(server)
        repo = build(base)
        assert sweep(repo, server).code == 0
        return repo

    with FakeGitHub() as server:
        repo = first_then_later(server, tmp_path / "clean")
        server.reset_log()
        assert sweep(repo, server, "--now", LATER).code == 0
        writes = len(server.write_calls())
        expected, expected_files = state(server), _files(repo)
    assert writes >= 5  # 3 breach comments (once each, on the lead issue) and body rewrites
    for k in range(1, writes + 1):
        with FakeGitHub() as server:
            repo = first_then_later(server, tmp_path / f"k{k}")
            server.fail("drop", method=WRITES, nth=k, perform=True)
            server.fail("drop", method=WRITES, nth=k, times=10**6)
            crashed = sweep(repo, server, "--now", LATER)
            assert k == writes or crashed.code == 1, (k, crashed.out)
            server.clear_faults()
            assert sweep(repo, server, "--now", LATER).code == 0, k
            assert state(server) == expected, k
            assert _files(repo) == expected_files, k
            server.reset_log()
            assert sweep(repo, server, "--now", LATER).code == 0
            assert server.write_calls() == [], k
            assert not [c for c in server.calls if c.path.endswith("/comments")], k
