"""`incident-ops command`: responding to an incident from a comment on its pull request.

A bare origin served by the fake GitHub as acme/incidents; the incident's PR branch is
checked out as the workflow checks it out, the comment lives on the fake, and the command
runs in-process with the event file Actions would give it.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.fakegithub import FakeGitHub
from tests.helpers import NOW, Result, incident, run_cli
from tests.origin import INCIDENTS, Origin, git, make_origin

PATH = "incidents/2026/INC-2026-0042-billing.md"
BRANCH = "incident/INC-2026-0042"
REPORTED = incident("""
    id: INC-2026-0042
    title: Billing database unavailable
    status: reported
    severity: SEV2
    category: service-failure
    detected_at: 2026-11-20T09:12:00+01:00
    services: [billing-db]
""")
WRITTEN = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)  # the comments' time: 11:00 in Berlin


@pytest.fixture
def gh(fake_github: FakeGitHub) -> FakeGitHub:
    fake_github.state.clock = lambda: WRITTEN
    return fake_github


@pytest.fixture
def origin(gh: FakeGitHub, tmp_path: Path) -> Origin:
    origin = make_origin(tmp_path, gh)
    gh.set_permission(INCIDENTS, "alice", "write")
    gh.set_permission(INCIDENTS, "mallory", "read")
    origin.push_branch(BRANCH, {PATH: REPORTED}, "incident(INC-2026-0042): opened")
    gh.add_pull(INCIDENTS, head_ref=BRANCH, title="[INC-2026-0042][SEV2] Billing")
    return origin


def checkout(origin: Origin, branch: str = BRANCH) -> Path:
    """The PR's branch as the workflow checks it out (data only)."""
    path = origin.base / "incident"
    git(origin.base, "clone", "-q", "--branch", branch, str(origin.bare), str(path))
    return path


def event(tmp_path: Path, number: int, note: Any, **over: Any) -> str:
    data = {
        "action": "created",
        "issue": {"number": number, "pull_request": {"url": f"https://x/pulls/{number}"}},
        "comment": {"id": note.id, "body": note.body, "user": {"login": note.user.login}},
        "repository": {"full_name": INCIDENTS},
    } | over
    path = tmp_path / f"event-{note.id}-{len(over)}.json"
    path.write_text(json.dumps(data))
    return str(path)


def run(gh: FakeGitHub, root: Path, path: str, *args: str, **env: str | None) -> Result:
    environ = {"GITHUB_TOKEN": gh.token, "GITHUB_API_URL": gh.url, "GITHUB_REPOSITORY": INCIDENTS,
               "INCIDENT_OPS_RETRY_BASE": "0.001", **env}  # fmt: skip
    return run_cli(root, "command", "--event", path, "--root", str(root), "--now", NOW, *args,
                   env=environ)  # fmt: skip


def comment(gh: FakeGitHub, body: str, user: str = "alice", number: int = 1) -> Any:
    return gh.add_comment(INCIDENTS, number, body, user=user)


def replies(gh: FakeGitHub, number: int = 1) -> list[str]:
    return [c.body for c in gh.issue(INCIDENTS, number).comments if c.user.login == "incident-bot"]


def reactions(gh: FakeGitHub, note: Any) -> list[str]:
    return [r.content for r in note.reactions]


def test_ack_from_a_writer_commits_to_the_pr_branch_and_replies(
    gh: FakeGitHub, origin: Origin, tmp_path: Path
) -> None:
    root = checkout(origin)
    note = comment(gh, "Looking into it.\n/ack")
    result = run(gh, root, event(tmp_path, 1, note), "--push")
    assert result.code == 0, result.out + result.err
    text = origin.show(BRANCH, PATH)
    assert "status: acknowledged" in text
    assert "acknowledged_at: 2026-11-20T11:00:00+01:00" in text  # the comment's time
    message = git(root, "log", "-1", "--format=%B", f"origin/{BRANCH}")
    alice = gh.state.user("alice")
    assert message.startswith("incident(INC-2026-0042): acknowledged (/ack by @alice)")
    assert "> /ack" in message
    assert message.rstrip().endswith(
        f"Co-authored-by: alice <{alice.id}+alice@users.noreply.github.com>"
    )
    assert git(root, "rev-parse", "HEAD") == origin.head(BRANCH)  # pushed
    (reply,) = replies(gh)
    assert reply.startswith("@alice: done, committed ") and BRANCH in reply
    assert "INC-2026-0042: acknowledged at 2026-11-20T11:00:00+01:00" in reply
    assert reactions(gh, note) == ["+1"]


def test_the_same_from_a_reader_changes_nothing_and_says_why(
    gh: FakeGitHub, origin: Origin, tmp_path: Path
) -> None:
    root = checkout(origin)
    head = origin.head(BRANCH)
    note = comment(gh, "/ack", user="mallory")
    result = run(gh, root, event(tmp_path, 1, note), "--push")
    assert result.code == 1
    assert origin.head(BRANCH) == head and git(root, "status", "--porcelain") == ""
    (reply,) = replies(gh)
    assert reply.startswith("@mallory: commands need write access to acme/incidents")
    assert "(you have: read)" in reply and "nothing changed" in reply
    assert reactions(gh, note) == ["-1"]


def test_several_commands_apply_in_order_as_one_commit(
    gh: FakeGitHub, origin: Origin, tmp_path: Path
) -> None:
    root = checkout(origin)
    note = comment(gh, "\n".join([
        "/ack 10:50",
        "/status investigating",
        '/update customers status-page "Payments restored for 80 %"',
        "/escalate management bridge call at 11:30",
        "/commander @alice",
        '/action add "Alert on replica lag" --owner @carol --department platform '
        "--due 2026-12-05",
    ]))  # fmt: skip
    head = origin.head(BRANCH)
    result = run(gh, root, event(tmp_path, 1, note), "--push")
    assert result.code == 0, result.out + result.err
    assert git(root, "rev-list", "--count", f"{head}..{BRANCH}") == "1"
    text = origin.show(BRANCH, PATH)
    assert "acknowledged_at: 2026-11-20T10:50:00+01:00" in text
    assert "status: investigating" in text
    assert "summary: Payments restored for 80 %" in text
    assert "department: management" in text and 'by: "@alice"' in text
    assert 'commander: "@alice"' in text
    assert "title: Alert on replica lag" in text and 'owner: "@carol"' in text
    (reply,) = replies(gh)
    assert "customer update (status-page)" in reply
    assert "note: /escalate management: bridge call at 11:30" in reply
    subject = git(root, "log", "-1", "--format=%s", BRANCH)
    assert subject.startswith("incident(INC-2026-0042): acknowledged, investigating")
    assert run_cli(root, "validate", "--now", NOW).code == 0


def test_an_unknown_command_changes_nothing_and_replies_the_usage(
    gh: FakeGitHub, origin: Origin, tmp_path: Path
) -> None:
    root = checkout(origin)
    head = origin.head(BRANCH)
    note = comment(gh, "/ack\n/resolve-everything now")
    result = run(gh, root, event(tmp_path, 1, note), "--push")
    assert result.code == 1
    assert origin.head(BRANCH) == head
    (reply,) = replies(gh)
    assert "unknown command /resolve-everything" in reply
    assert "/status investigating|mitigated|resolved|cancelled [TIME]" in reply
    assert reactions(gh, note) == ["confused"]


def test_a_failing_command_puts_every_file_back(
    gh: FakeGitHub, origin: Origin, tmp_path: Path
) -> None:
    root = checkout(origin)
    head = origin.head(BRANCH)
    note = comment(gh, "/ack\n/escalate nowhere")
    result = run(gh, root, event(tmp_path, 1, note), "--push")
    assert result.code == 1
    assert origin.head(BRANCH) == head and git(root, "status", "--porcelain") == ""
    assert git(root, "rev-parse", "HEAD") == head
    (reply,) = replies(gh)
    assert reply.startswith("@alice: nothing changed.")
    assert "/escalate nowhere: unknown department 'nowhere'" in reply
    assert "usage: /escalate DEPARTMENT [NOTE]" in reply


def test_shell_syntax_in_a_comment_is_text(gh: FakeGitHub, origin: Origin, tmp_path: Path) -> None:
    root = checkout(origin)
    canary = tmp_path / "pwned"
    body = f'/update internal chat "$(touch {canary}) `touch {canary}` ${{{{ secrets.X }}}}"'
    note = comment(gh, body + "\n/ack")
    result = run(gh, root, event(tmp_path, 1, note), "--push")
    assert result.code == 0, result.out + result.err
    assert not canary.exists()
    text = origin.show(BRANCH, PATH)
    assert f"$(touch {canary}) `touch {canary}` ${{{{ secrets.X }}}}" in text
    # what the commenter wrote comes back only inside a code block no backtick run can close
    bad = comment(gh, '/escalate "x```y @everyone"')
    assert run(gh, root, event(tmp_path, 1, bad)).code == 1
    head, block = replies(gh)[-1].split("\n\n", 1)
    assert head == "@alice: nothing changed." and block.startswith("````text\n")
    assert block.rstrip().endswith("\n````") and "@everyone" in block


def test_a_forged_event_is_read_again_from_github(
    gh: FakeGitHub, origin: Origin, tmp_path: Path
) -> None:
    """The event says an admin wrote /ack; GitHub says mallory (a reader) did."""
    root = checkout(origin)
    note = comment(gh, "/ack", user="mallory")
    forged = {"id": note.id, "body": "/ack", "user": {"login": "alice"}}
    result = run(gh, root, event(tmp_path, 1, note, comment=forged), "--push")
    assert result.code == 1 and "@mallory" in replies(gh)[0]
    other = event(tmp_path, 1, note, repository={"full_name": "mallory/elsewhere"})
    assert run(gh, root, other).code == 2


def test_only_new_comments_on_open_incident_prs_of_this_repository_count(
    gh: FakeGitHub, origin: Origin, tmp_path: Path
) -> None:
    root = checkout(origin)
    head = origin.head(BRANCH)
    edited = comment(gh, "/ack")
    assert run(gh, root, event(tmp_path, 1, edited, action="edited")).code == 0
    # an ordinary PR: ignored, no reply
    gh.add_pull(INCIDENTS, head_ref="docs-fix")
    plain = comment(gh, "/ack", number=2)
    assert run(gh, root, event(tmp_path, 2, plain)).code == 0
    # a fork's incident branch: refused, with a reply
    gh.add_repo("mallory/incidents")
    gh.add_pull(INCIDENTS, head_ref=BRANCH, head_repo="mallory/incidents")
    forked = comment(gh, "/ack", number=3)
    result = run(gh, root, event(tmp_path, 3, forked))
    assert result.code == 1 and "(a fork)" in replies(gh, 3)[0]
    # a branch name no incident-ops would give: refused before it is used anywhere
    odd = "incident/x$(id)"
    origin.push_branch(odd, {PATH: REPORTED})
    gh.add_pull(INCIDENTS, head_ref=odd)
    weird = comment(gh, "/ack", number=4)
    assert run(gh, root, event(tmp_path, 4, weird), "--resolve").code == 1
    assert "branch name is not one incident-ops gives" in replies(gh, 4)[0]
    # a bot's comment: never a command (no loops)
    gh.add_token("ghs_app0000000000000000000000000000000", "helper[bot]", "Bot")
    bot = comment(gh, "/ack", user="helper[bot]")
    assert run(gh, root, event(tmp_path, 1, bot)).code == 0
    assert replies(gh) == [] and replies(gh, 2) == []
    assert origin.head(BRANCH) == head


def test_resolve_prints_the_branch_only_when_the_commands_may_run(
    gh: FakeGitHub, origin: Origin, tmp_path: Path
) -> None:
    root = origin.checkout.root  # the default branch: --resolve edits nothing
    good = run(gh, root, event(tmp_path, 1, comment(gh, "/ack")), "--resolve")
    assert good.code == 0 and good.out == f"{BRANCH}\n"
    chat = run(gh, root, event(tmp_path, 1, comment(gh, "thanks all")), "--resolve")
    assert chat.code == 0 and chat.out == "" and replies(gh) == []
    reader = run(gh, root, event(tmp_path, 1, comment(gh, "/ack", "mallory")), "--resolve")
    assert reader.code == 1 and reader.out == "" and len(replies(gh)) == 1
    helped = run(gh, root, event(tmp_path, 1, comment(gh, "/help")), "--resolve")
    assert helped.code == 0 and helped.out == "" and "/waive" in replies(gh)[-1]


def test_a_push_that_lost_a_race_is_redone_on_the_new_head(
    gh: FakeGitHub, origin: Origin, tmp_path: Path
) -> None:
    root = checkout(origin)
    theirs = REPORTED.replace("services: [billing-db]", "services: [billing-db, api]")
    origin.push_branch(BRANCH, {PATH: theirs}, "someone else's edit")  # after our checkout
    note = comment(gh, "/ack")
    result = run(gh, root, event(tmp_path, 1, note), "--push")
    assert result.code == 0, result.out + result.err
    text = origin.show(BRANCH, PATH)
    assert "services: [billing-db, api]" in text and "status: acknowledged" in text
    assert git(root, "log", "-2", "--format=%s", BRANCH).splitlines()[1] == "someone else's edit"


def test_waive_from_a_comment_records_who_and_needs_approval(
    gh: FakeGitHub, origin: Origin, tmp_path: Path
) -> None:
    root = checkout(origin)
    note = comment(gh, "/waive escalate:management already in the bridge call")
    result = run(gh, root, event(tmp_path, 1, note), "--push")
    assert result.code == 0, result.out + result.err
    text = origin.show(BRANCH, PATH)
    assert "obligation: escalate" in text and "department: management" in text
    assert 'by: "@alice"' in text and "reason: already in the bridge call" in text
    assert "counts once its pull request has an approving review" in replies(gh)[0]
