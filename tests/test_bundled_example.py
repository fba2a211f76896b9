"""The bundled example repo as a user meets it, with Git history added in steps.

The examples are committed one by one; INC-2026-0009 is then driven through its
lifecycle with the editing commands (`--commit`), so `history`, `stats`, `similar` and
`report` all run on a real, multi-commit repository.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.helpers import NOW, GitRepo, identity, run_cli

PROJECT = Path(__file__).resolve().parent.parent
KIM = "Kim Dohyun"


@pytest.fixture(scope="module")
def example(tmp_path_factory) -> Path:
    repo = GitRepo(tmp_path_factory.mktemp("example") / "repo")
    root = repo.root
    shutil.copytree(PROJECT / "policies", root / "policies")
    shutil.copy(PROJECT / "incident-ops.yaml", root / "incident-ops.yaml")
    repo.commit("policies", "2026-10-01T09:00:00+02:00", KIM)
    (root / "incidents" / "2026").mkdir(parents=True)
    for source in sorted((PROJECT / "incidents" / "2026").glob("*.md")):
        if source.name.startswith("INC-2026-0009"):
            continue
        shutil.copy(source, root / "incidents" / "2026" / source.name)
        repo.commit(
            f"Add {source.name[:13]} (#{source.name[9:13]})", "2026-11-19T18:00:00+01:00", KIM
        )
    # INC-2026-0009 as first reported, then its acknowledgement and an update, by command.
    text = (PROJECT / "incidents" / "2026" / "INC-2026-0009-mail-relay-delays.md").read_text()
    head, body = text.split("\n---\n", 1)
    first = head.split("acknowledged_at:")[0].replace("status: investigating", "status: reported")
    target = root / "incidents" / "2026" / "INC-2026-0009-mail-relay-delays.md"
    target.write_text(first + "---\n" + body)
    repo.commit("Open INC-2026-0009 (#31)", "2026-11-20T08:35:00+01:00", KIM)
    for args in (
        ["ack", "INC-2026-0009", "--at", "2026-11-20T09:05:00+01:00"],
        ["escalate", "INC-2026-0009", "--department", "platform", "--by", "@kim-dh",
         "--at", "2026-11-20T09:05:00+01:00"],
        ["update", "INC-2026-0009", "--audience", "customers", "--channel", "status-page",
         "--summary", "Outgoing e-mail is delayed; no mail is lost",
         "--at", "2026-11-20T09:40:00+01:00"],
    ):  # fmt: skip
        result = run_cli(
            root, *args, "--commit", env={**identity(KIM), "GIT_AUTHOR_DATE": args[-1]}
        )
        assert result.code == 0, result.out + result.err
    return root


def test_validate_passes_at_the_examples_now(example):
    result = run_cli(example, "validate", "--format", "json", "--now", NOW)
    assert result.code == 0, result.out
    assert result.json()["summary"]["incidents"] == 9


def test_history_lists_each_step_oldest_first(example):
    result = run_cli(example, "history", "INC-2026-0009", "--format", "json")
    assert result.code == 0, result.err
    doc = result.json()
    assert doc["id"] == "INC-2026-0009"
    assert doc["path"] == "incidents/2026/INC-2026-0009-mail-relay-delays.md"
    changes = doc["changes"]
    assert len(changes) == 4
    assert changes[0]["pr"] == 31
    assert changes[0]["fields"]["status"] == [None, "reported"]
    assert changes[0]["author"].startswith("Kim Dohyun")
    assert changes[1]["fields"]["status"] == ["reported", "acknowledged"]
    assert changes[1]["fields"]["acknowledged_at"] == [None, "2026-11-20T09:05:00+01:00"]
    assert changes[2]["fields"]["escalations[0].department"] == [None, "platform"]
    assert changes[3]["fields"]["updates[0].audience"] == [None, "customers"]


def test_history_check_flags_only_the_files_imported_after_the_fact(example):
    result = run_cli(example, "history", "--check", "--format", "json")
    assert result.code == 0, result.out + result.err  # backdating is a warning
    findings = result.json()["findings"]
    # INC-2026-0009 was recorded as it happened: nothing to say.
    assert not [f for f in findings if f["incident"] == "INC-2026-0009"]
    # The October incidents were committed on 2026-11-19: their timestamps are backdated.
    flagged = {f["incident"] for f in findings}
    assert "INC-2026-0003" in flagged and "INC-2026-0001" in flagged
    assert {(f["rule"], f["level"]) for f in findings} == {("history", "warning")}


def test_stats_on_the_examples(example):
    result = run_cli(example, "stats", "--format", "json", "--now", NOW)
    assert result.code == 0, result.err
    stats = result.json()
    assert stats["incidents"] == 8  # nine files, one cancelled
    assert stats["by_severity"]["SEV1"]["count"] == 2
    assert stats["obligations"]["acknowledge"]["overdue"] == 0
    assert 0 < stats["recurrence_rate"] < 1


def test_similar_finds_the_earlier_billing_outage(example):
    result = run_cli(example, "similar", "INC-2026-0007", "--format", "json")
    assert result.code == 0, result.err
    results = result.json()["results"]
    assert results[0]["id"] == "INC-2026-0001"
    assert all(r["id"] != "INC-2026-0007" for r in results)


def test_report_covers_the_period(example):
    result = run_cli(example, "report", "--format", "md", "--now", NOW, "--since", "2026-11-01")
    assert result.code == 0, result.err
    assert "INC-2026-0007" in result.out
    assert "INC-2026-0003" not in result.out.split("## ")[1]  # detected in October
