"""`incident-ops history`: the audit trail of one incident from a real Git history."""

from __future__ import annotations

import pytest

from tests.helpers import GitRepo, incident_text, run_cli

OLD = "incidents/2026/INC-2026-0001.md"
NEW = "incidents/2026/INC-2026-0001-billing.md"
V1 = incident_text(
    "\n## Summary\nBilling was down.\n",
    severity="SEV2",
    detected_at="2026-11-20T09:00:00+01:00",
    services=["billing-db"],
)
V2 = V1.replace("status: reported\n", "status: acknowledged\n").replace(
    "services: [billing-db]\n",
    "services: [billing-db]\nacknowledged_at: 2026-11-20T09:00:00+01:00\n",
)
V3 = V2.replace("severity: SEV2", "severity: SEV1").replace(
    "acknowledged_at:", "impact:\n  full_outage: true\nacknowledged_at:"
)
V4 = V3.replace("status: acknowledged", "status: resolved").replace(
    "---\n\n",
    "resolved_at: 2026-11-21T09:30:00+01:00\nroot_cause: {category: configuration}\n"
    "actions:\n  - {id: A1, title: Alert on lag, owner: '@carol', due: 2026-12-01}\n---\n\n",
)
V5 = V4.replace("status: resolved", "status: closed").replace(
    "root_cause:", "closed_at: 2026-11-22T09:55:00+01:00\nroot_cause:"
)
V6 = V5.replace("due: 2026-12-01}", "due: 2026-12-01, issue: acme/platform#5}")
V7 = V6.replace("title: Billing database unavailable", "title: Billing DB unavailable")


def policy_repo(make_repo) -> GitRepo:
    """A repo whose first commit is the SPEC policy, by alice on 2026-11-01."""
    repo = GitRepo(make_repo().root)
    repo.commit("Policies", "2026-11-01T09:00:00+01:00", "alice")
    return repo


@pytest.fixture
def trail(make_repo):
    """The incident's life: open, ack on a merged PR branch, rename, resolve, close, edits."""
    repo = policy_repo(make_repo)
    repo.write(OLD, V1)
    shas = [repo.commit("Open INC-2026-0001", "2026-11-20T09:10:00+01:00", "alice")]
    repo.branch("ack")
    repo.write(OLD, V2)
    shas.append(repo.commit("Acknowledge", "2026-11-20T15:00:00+01:00", "bob"))
    repo.git("checkout", "-q", "main")
    merge = "Merge pull request #7 from acme/ack"
    repo.git(
        "merge",
        "-q",
        "--no-ff",
        "ack",
        "-m",
        merge,
        author="alice",
        date="2026-11-20T15:10:00+01:00",
    )
    repo.git("mv", OLD, NEW)
    repo.write(NEW, V3)
    shas.append(repo.commit("Slug and severity (#8)", "2026-11-20T16:00:00+01:00", "alice"))
    for text, date, author in (
        (V4, "2026-11-21T10:00:00+01:00", "alice"),
        (V5, "2026-11-22T10:00:00+01:00", "alice"),
        (V6, "2026-11-22T11:00:00+01:00", "incident-ops-bot"),
        (V7, "2026-11-23T10:00:00+01:00", "dave"),
    ):
        repo.write(NEW, text)
        shas.append(repo.commit("Update", date, author))
    return repo, shas


def test_history_json_follows_the_rename_and_names_the_prs(trail):
    repo, shas = trail
    result = run_cli(repo.root, "history", "INC-2026-0001", "--format", "json")
    assert result.code == 0, result.err
    assert result.json() == {
        "id": "INC-2026-0001",
        "path": NEW,
        "changes": [
            {"commit": shas[0], "author": "alice", "at": "2026-11-20T09:10:00+01:00", "pr": None,
             "fields": {"id": [None, "INC-2026-0001"],
                        "title": [None, "Billing database unavailable"],
                        "status": [None, "reported"], "severity": [None, "SEV2"],
                        "category": [None, "service-failure"],
                        "detected_at": [None, "2026-11-20T09:00:00+01:00"],
                        "services": [None, ["billing-db"]]}},
            {"commit": shas[1], "author": "bob", "at": "2026-11-20T15:00:00+01:00", "pr": 7,
             "fields": {"status": ["reported", "acknowledged"],
                        "acknowledged_at": [None, "2026-11-20T09:00:00+01:00"]}},
            {"commit": shas[2], "author": "alice", "at": "2026-11-20T16:00:00+01:00", "pr": 8,
             "fields": {"severity": ["SEV2", "SEV1"], "impact.full_outage": [None, True]}},
            {"commit": shas[3], "author": "alice", "at": "2026-11-21T10:00:00+01:00", "pr": None,
             "fields": {"status": ["acknowledged", "resolved"],
                        "resolved_at": [None, "2026-11-21T09:30:00+01:00"],
                        "root_cause.category": [None, "configuration"],
                        "actions[0].id": [None, "A1"],
                        "actions[0].title": [None, "Alert on lag"],
                        "actions[0].owner": [None, "@carol"],
                        "actions[0].due": [None, "2026-12-01"]}},
            {"commit": shas[4], "author": "alice", "at": "2026-11-22T10:00:00+01:00", "pr": None,
             "fields": {"status": ["resolved", "closed"],
                        "closed_at": [None, "2026-11-22T09:55:00+01:00"]}},
            {"commit": shas[5], "author": "incident-ops-bot", "at": "2026-11-22T11:00:00+01:00",
             "pr": None, "fields": {"actions[0].issue": [None, "acme/platform#5"]}},
            {"commit": shas[6], "author": "dave", "at": "2026-11-23T10:00:00+01:00", "pr": None,
             "fields": {"title": ["Billing database unavailable", "Billing DB unavailable"]}},
        ],
    }  # fmt: skip


def test_history_text_highlights_status_and_severity(trail):
    repo, shas = trail
    result = run_cli(repo.root, "history", NEW)
    assert result.code == 0, result.err
    assert f"{shas[2][:10]}  2026-11-20T16:00:00+01:00  alice  PR #8" in result.out
    assert '  ! severity: "SEV2" → "SEV1"' in result.out
    assert "    impact.full_outage: null → true" in result.out


def test_history_check_flags_backdating_and_closed_edits(trail):
    repo, shas = trail
    result = run_cli(repo.root, "history", "--check", "--format", "json")
    assert result.code == 1
    found = [(f["line"], f["level"], f["message"]) for f in result.json()["findings"]]
    assert found == [
        (3, "error", f"commit {shas[6][:7]} (dave, 2026-11-23T10:00:00+01:00) edited the "
                     "closed incident: title"),
        (11, "warning", f"acknowledged_at 2026-11-20T09:00:00+01:00 was first recorded by commit "
                        f"{shas[1][:7]} at 2026-11-20T15:00:00+01:00, 6h later (tolerance 1h): "
                        "backdated?"),
    ]  # fmt: skip
    assert {f["rule"] for f in result.json()["findings"]} == {"history"}


def test_history_check_tolerance_and_config(trail):
    repo, _ = trail
    wide = run_cli(repo.root, "history", "--check", "--tolerance", "7h", "--format", "json")
    assert [f["level"] for f in wide.json()["findings"]] == ["error"]
    (repo.root / "incident-ops.yaml").write_text(
        "history_tolerance: 1d\nrules: {history: warning}\n"
    )
    relaxed = run_cli(repo.root, "history", "--check", "--format", "json")
    assert relaxed.code == 0
    assert [f["level"] for f in relaxed.json()["findings"]] == ["warning"]


def test_history_usage_errors(trail):
    repo, _ = trail
    assert run_cli(repo.root, "history", "INC-2026-0999").code == 2
    assert run_cli(repo.root, "history").code == 2
    assert run_cli(repo.root, "history", "--check", "--tolerance", "2bh").code == 2
    assert "Traceback" not in run_cli(repo.root, "history", "INC-2026-0999").err


def test_long_history_in_one_pass(tmp_path):
    """200 commits over 10 incidents: every edit of one incident, in order, one field each."""
    from tests.history.longrepo import build

    root = build(tmp_path / "repo", 200, 10)
    result = run_cli(root, "history", "INC-2026-0003", "--format", "json")
    changes = result.json()["changes"]
    assert len(changes) == 20
    assert changes[1]["fields"] == {
        "title": ["Incident 3 edit 0", "Incident 3 edit 1"],
        "updates[0].at": [None, "2026-11-20T09:00:00+01:00"],
        "updates[0].audience": [None, "internal"],
        "updates[0].channel": [None, "chat"],
        "updates[0].summary": [None, "step 0"],
    }
    assert [c["at"] for c in changes] == sorted(c["at"] for c in changes)


def test_history_check_counts_valid_incidents_and_needs_an_incidents_folder(make_repo):
    repo = make_repo({"INC-2026-0001-x.md": incident_text(), "INC-2026-0002-y.md": "no front"})
    result = repo.run("history", "--check", "--format", "json")
    assert result.code == 0, result.err
    assert result.json()["summary"]["files"] == 2
    assert result.json()["summary"]["incidents"] == 1
    import shutil

    shutil.rmtree(repo.root / "incidents")
    missing = repo.run("history", "--check")
    assert missing.code == 2 and "no incidents folder" in missing.err


BROKEN = V1.replace("title: Billing database unavailable", "title: [unclosed")


def test_an_unparseable_version_is_marked_and_skipped_in_comparisons(make_repo):
    repo = policy_repo(make_repo)
    shas = []
    for text, date in ((V1, "2026-11-20T09:10:00+01:00"), (BROKEN, "2026-11-20T09:20:00+01:00"),
                       (V2, "2026-11-20T09:30:00+01:00")):  # fmt: skip
        repo.write(NEW, text)
        shas.append(repo.commit("Edit", date, "alice"))
    result = run_cli(repo.root, "history", "INC-2026-0001", "--format", "json")
    assert result.code == 0, result.err
    changes = result.json()["changes"]
    assert [len(c["fields"]) for c in changes] == [7, 0, 2]
    assert changes[1] == {"commit": shas[1], "author": "alice", "at": "2026-11-20T09:20:00+01:00",
                          "pr": None, "fields": {}, "unparseable": True}  # fmt: skip
    assert changes[2]["fields"] == {  # compared with V1, the last version that parsed
        "status": ["reported", "acknowledged"],
        "acknowledged_at": [None, "2026-11-20T09:00:00+01:00"],
    }
    assert "unparseable" not in changes[0] and "unparseable" not in changes[2]
    text = run_cli(repo.root, "history", "INC-2026-0001")
    assert (
        f"{shas[1][:10]}  2026-11-20T09:20:00+01:00  alice\n    (front matter does not parse"
        in (text.out)
    )


def test_history_check_sees_no_edit_around_an_unparseable_version(make_repo):
    """A closed incident broken by one commit and fixed by the next: neither is a closed
    edit, and the timestamps the fix brings back are not first recorded by it."""
    repo = policy_repo(make_repo)
    broken = V5.replace("title: Billing", "title: [Billing")
    for text, date in ((V5, "2026-11-22T10:00:00+01:00"), (broken, "2026-11-29T10:00:00+01:00"),
                       (V5, "2026-11-30T10:00:00+01:00")):  # fmt: skip
        repo.write(NEW, text)
        repo.commit("Edit", date, "alice")
    result = run_cli(repo.root, "history", "--check", "--tolerance", "3d", "--format", "json")
    assert result.code == 0, result.out
    assert result.json()["findings"] == []


def test_history_outside_git_says_so(make_repo):
    repo = make_repo({"INC-2026-0001-x.md": incident_text()}, git=False)
    (repo.root / "incident-ops.yaml").write_text("incidents: incidents\n")
    for args in (("history", "INC-2026-0001"), ("history", "--check")):
        result = repo.run(*args)
        assert result.code == 2, (args, result.out)
        assert "is not in a Git repository: history is read from Git commits" in result.err
        assert "0 change(s)" not in result.out
