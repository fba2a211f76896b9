"""`ack`, `escalate`, `update`, `resolve`, `close` through the real CLI on real repos."""

from __future__ import annotations

import pytest

from tests.helpers import front_matter, git, identity, incident

NAME = "INC-2026-0001-billing.md"
FRONT = front_matter(title="Billing database unavailable   # short title", services=["billing-db"])


def _changed(old: str, new: str) -> list[str]:
    """Lines of `new` that are not in `old` (the file keeps its other lines as they were)."""
    old_lines = old.split("\n")
    return [line for line in new.split("\n") if line not in old_lines]


@pytest.fixture
def repo(make_repo):
    return make_repo({NAME: incident(FRONT)})


def _text(repo) -> str:
    return (repo.root / "incidents/2026" / NAME).read_text(encoding="utf-8")


def test_ack_sets_status_and_time_with_naive_at_in_default_zone(repo):
    before = _text(repo)
    result = repo.run("ack", "INC-2026-0001", "--at", "2026-11-20T09:20")
    assert result.code == 0, result.err
    assert result.out == "INC-2026-0001: acknowledged at 2026-11-20T09:20:00+01:00\n"
    after = _text(repo)
    assert _changed(before, after) == [
        "status: acknowledged",
        "acknowledged_at: 2026-11-20T09:20:00+01:00",
    ]
    assert after.count("\n") == before.count("\n") + 1
    assert "title: Billing database unavailable   # short title" in after
    again = repo.run("ack", "INC-2026-0001", "--at", "2026-11-20T10:00:00+01:00")
    assert again.code == 0
    assert "already acknowledged at 2026-11-20T09:20:00+01:00; nothing changed" in again.out
    assert _text(repo) == after
    assert repo.run("validate", "--format", "json").json()["summary"]["errors"] == 0


def test_ack_before_detection_is_refused(repo):
    before = _text(repo)
    result = repo.run("ack", "INC-2026-0001", "--at", "2026-11-20T09:00:00+01:00")
    assert result.code == 1
    assert "[lifecycle] acknowledged_at" in result.err and "before detected_at" in result.err
    assert _text(repo) == before


def test_escalate_appends_an_entry_and_rejects_unknown_departments(repo):
    at = "2026-11-20T09:35:00+01:00"
    result = repo.run(
        "escalate", "INC-2026-0001", "--department", "management", "--by", "@bob", "--at", at
    )
    assert result.code == 0, result.err
    assert result.out == f"INC-2026-0001: escalated to management at {at}\n"
    assert "escalations:\n  - department: management\n" in _text(repo)
    assert f'    at: {at}\n    by: "@bob"\n' in _text(repo)
    unknown = repo.run("escalate", "INC-2026-0001", "--department", "marketing")
    assert unknown.code == 2
    assert "unknown department 'marketing'" in unknown.err and "management, platform" in unknown.err


def test_update_appends_a_communication(repo):
    args = ["--audience", "customers", "--channel", "status-page", "--summary", "Billing: restored"]
    result = repo.run("update", "INC-2026-0001", *args, "--final", "--at", "2026-11-20T11:00+01:00")
    assert result.code == 0, result.err
    assert result.out.startswith(
        "INC-2026-0001: final customer update (status-page) at 2026-11-20T11:00:00+01:00"
    )
    assert _changed(incident(FRONT), _text(repo)) == [
        "updates:",
        "  - at: 2026-11-20T11:00:00+01:00",
        "    audience: customers",
        "    channel: status-page",
        "    summary: 'Billing: restored'",
        "    final: true",
    ]
    bad = repo.run(
        "update", "INC-2026-0001", "--audience", "press", "--channel", "email", "--summary", "x"
    )
    assert bad.code == 2


def test_resolve_then_close(repo):
    assert repo.run("ack", "INC-2026-0001", "--at", "2026-11-20T09:20:00+01:00").code == 0
    resolved = repo.run("resolve", "INC-2026-0001", "--at", "2026-11-20T12:30:00+01:00")
    assert resolved.code == 0, resolved.err
    assert "status: resolved\n" in _text(
        repo
    ) and "resolved_at: 2026-11-20T12:30:00+01:00\n" in _text(repo)
    early = repo.run("close", "INC-2026-0001", "--at", "2026-11-20T12:00:00+01:00")
    assert early.code == 1 and "closed_at" in early.err and "before resolved_at" in early.err
    closed = repo.run("close", "INC-2026-0001", "--at", "2026-11-21T10:00:00+01:00")
    assert closed.code == 0, closed.err
    assert closed.out == "INC-2026-0001: closed at 2026-11-21T10:00:00+01:00\n"
    assert "status: closed\n" in _text(repo) and "closed_at: 2026-11-21T10:00:00+01:00\n" in _text(
        repo
    )


def test_illegal_transition_is_refused(make_repo):
    repo = make_repo({NAME: incident(FRONT.replace("status: reported", "status: cancelled"))})
    before = _text(repo)
    result = repo.run("resolve", "INC-2026-0001", "--at", "2026-11-20T12:30:00+01:00")
    assert result.code == 1
    assert "cannot go from cancelled to resolved" in result.err
    assert _text(repo) == before


def test_close_without_rca_lists_the_findings_and_changes_nothing(make_repo):
    front = FRONT.replace("SEV3", "SEV1").replace("status: reported", "status: resolved")
    front += "acknowledged_at: 2026-11-20T09:20:00+01:00\nresolved_at: 2026-11-20T12:30:00+01:00\n"
    repo = make_repo({NAME: incident(front)})
    before = _text(repo)
    result = repo.run("close", "INC-2026-0001", "--at", "2026-11-21T10:00:00+01:00")
    assert result.code == 1
    assert "INC-2026-0001: not closed:" in result.err
    for rule in ("closure-rca", "closure-prevention", "closure-follow-up", "closure-departments"):
        assert f"[{rule}]" in result.err
    assert f"incidents/2026/{NAME}:" in result.err
    assert _text(repo) == before


def test_unknown_and_ambiguous_ids_exit_2(make_repo):
    repo = make_repo({NAME: incident(FRONT), "INC-2026-0001-copy.md": incident(FRONT)})
    assert "INC-2026-0001 is ambiguous" in repo.run("ack", "INC-2026-0001").err
    unknown = repo.run("ack", "INC-2026-0999")
    assert unknown.code == 2 and "no incident INC-2026-0999" in unknown.err


def test_commit_records_just_that_file_with_a_conventional_message(repo, monkeypatch):
    for key, value in identity().items():
        monkeypatch.setenv(key, value)
    git(repo.root, "add", "policies")
    result = repo.run("ack", "INC-2026-0001", "--at", "2026-11-20T09:20:00+01:00", "--commit")
    assert result.code == 0, result.err
    log = git(repo.root, "log", "--format=%s")
    assert log == "incident(INC-2026-0001): acknowledged\n"
    files = git(repo.root, "show", "--name-only", "--format=", "HEAD")
    assert files == f"incidents/2026/{NAME}\n"
    assert git(repo.root, "status", "--porcelain", "--", f"incidents/2026/{NAME}") == ""
    assert "A  policies/policy.yaml" in git(repo.root, "status", "--porcelain")  # still staged
    args = ["--department", "management", "--at", "2026-11-20T09:35:00+01:00", "--commit"]
    assert repo.run("escalate", "INC-2026-0001", *args).code == 0
    assert (
        git(repo.root, "log", "-1", "--format=%s")
        == "incident(INC-2026-0001): escalated to management\n"
    )


def test_every_command_documents_an_example(repo):
    for name in ("ack", "escalate", "update", "resolve", "close"):
        result = repo.run(name, "--help")
        assert result.code == 0 and "Example" in result.out and "--at" in result.out


def test_ack_past_acknowledged_only_fills_the_missing_time(make_repo):
    repo = make_repo({NAME: incident(FRONT.replace("status: reported", "status: investigating"))})
    before = _text(repo)
    result = repo.run("ack", "INC-2026-0001", "--at", "2026-11-20T08:25:00Z")
    assert result.code == 0, result.err
    assert result.out == "INC-2026-0001: acknowledged at 2026-11-20T08:25:00+00:00\n"
    assert _changed(before, _text(repo)) == ["acknowledged_at: 2026-11-20T08:25:00+00:00"]
    assert "status: investigating\n" in _text(repo)
