"""The whole record from the CLI: mitigate, investigate (and reopen), cancel, assign,
impact, root-cause, action add/done/wont-do, `--now` on every editing command, and a
`close` refusal that says how to fix each finding. Real repos, the real CLI."""

from __future__ import annotations

import pytest
import yaml

from tests.helpers import MINIMAL, NOW, git, identity, incident

ID = "INC-2026-0001"
NAME = "INC-2026-0001-billing.md"
AT_NOW = ("--now", NOW)
ACKED = MINIMAL.replace("status: reported", "status: acknowledged") + (
    "acknowledged_at: 2026-11-20T09:20:00+01:00\n"
)
GIT_ENV = identity()


def _path(repo):
    return repo.root / "incidents/2026" / NAME


def _front(repo) -> dict:
    return yaml.safe_load(_path(repo).read_text(encoding="utf-8").split("---\n")[1])


def _changed(old: str, new: str) -> list[str]:
    old_lines = old.split("\n")
    return [line for line in new.split("\n") if line not in old_lines]


def _twice(repo, *args: str) -> tuple[str, str]:
    """Run a command twice: the first output, and the second (which must change nothing)."""
    first = repo.run(*args)
    assert first.code == 0, first.err
    text = _path(repo).read_text()
    second = repo.run(*args)
    assert second.code == 0, second.err
    assert "nothing changed" in second.out
    assert _path(repo).read_text() == text
    return first.out, second.out


@pytest.fixture
def acked(make_repo):
    return make_repo({NAME: incident(ACKED)})


def test_mitigate_sets_status_and_time_once(acked):
    before = _path(acked).read_text()
    out, again = _twice(acked, "mitigate", ID, "--at", "2026-11-20T11:02", *AT_NOW)
    assert out == f"{ID}: mitigated at 2026-11-20T11:02:00+01:00\n"
    assert "already mitigated at 2026-11-20T11:02:00+01:00" in again
    assert _changed(before, _path(acked).read_text()) == [
        "status: mitigated", "mitigated_at: 2026-11-20T11:02:00+01:00",
    ]  # fmt: skip


def test_investigate_acknowledges_a_reported_incident_at_the_given_time(make_repo):
    repo = make_repo({NAME: incident(MINIMAL)})
    before = _path(repo).read_text()
    out, again = _twice(repo, "investigate", ID, "--at", "2026-11-20T09:30", *AT_NOW)
    assert out == f"{ID}: investigating (acknowledged at 2026-11-20T09:30:00+01:00)\n"
    assert "already investigating" in again
    assert _changed(before, _path(repo).read_text()) == [
        "status: investigating", "acknowledged_at: 2026-11-20T09:30:00+01:00",
    ]  # fmt: skip


def test_investigate_reopens_a_resolved_incident_and_refuses_other_steps_back(make_repo):
    resolved = ACKED.replace("status: acknowledged", "status: resolved") + (
        "resolved_at: 2026-11-20T11:00:00+01:00\n"
    )
    repo = make_repo({NAME: incident(resolved)})
    before = _path(repo).read_text()
    out, _ = _twice(repo, "investigate", ID, *AT_NOW)
    assert out == f"{ID}: reopened: investigating again\n"
    assert _changed(before, _path(repo).read_text()) == ["status: investigating"]
    assert _front(repo)["resolved_at"].isoformat() == "2026-11-20T11:00:00+01:00"  # kept
    assert repo.run("resolve", ID, "--at", "2026-11-20T11:45", *AT_NOW).code == 0
    assert _front(repo)["resolved_at"].isoformat() == "2026-11-20T11:45:00+01:00"
    mitigated = make_repo({NAME: incident(ACKED.replace("acknowledged\n", "mitigated\n") + (
        "mitigated_at: 2026-11-20T10:00:00+01:00\n"))})  # fmt: skip
    refused = mitigated.run("investigate", ID, *AT_NOW)
    assert refused.code == 1
    assert "cannot go from mitigated to investigating (only a resolved incident" in refused.err


def test_cancel_records_when_and_twice_changes_nothing(acked):
    before = _path(acked).read_text()
    out, _ = _twice(acked, "cancel", ID, "--at", "2026-11-20T09:40", *AT_NOW)
    assert out == f"{ID}: cancelled at 2026-11-20T09:40:00+01:00\n"
    assert _changed(before, _path(acked).read_text()) == [
        "status: cancelled", "cancelled_at: 2026-11-20T09:40:00+01:00",
    ]  # fmt: skip
    assert acked.run("validate", *AT_NOW).code == 0


def test_assign_writes_a_handle_and_refuses_what_is_not_a_login(acked):
    out, again = _twice(acked, "assign", ID, "--commander", "bob", *AT_NOW)
    assert out == f"{ID}: commander @bob\n" and "already @bob" in again
    assert 'commander: "@bob"\n' in _path(acked).read_text()
    assert acked.run("assign", ID, "--commander", "@bob", *AT_NOW).out.endswith("nothing changed\n")
    bad = acked.run("assign", ID, "--commander", "Bob Smith\x1b[2J", *AT_NOW)
    assert bad.code == 2 and "is not a GitHub login" in bad.err and "\x1b" not in bad.err


def test_impact_sets_flags_true_false_unknown_and_customers(make_repo):
    front = ACKED + "customers: [acme-bank]\nimpact:\n  full_outage: false   # first guess\n"
    repo = make_repo({NAME: incident(front)})
    before = _path(repo).read_text()
    args = ("impact", ID, "--customers-affected", "340", "--full-outage", "--no-data-loss",
            "--unknown", "sla-breached", "--customer", "city-gov", *AT_NOW)  # fmt: skip
    out, _ = _twice(repo, *args)
    assert out == (
        f"{ID}: impact: customers_affected 340; full_outage true; data_loss false; "
        "customers acme-bank, city-gov\n"
    )  # sla_breached was unknown already: nothing to say about it
    assert _changed(before, _path(repo).read_text()) == [
        "customers: [acme-bank, city-gov]",
        "  customers_affected: 340",
        "  full_outage: true    # first guess",  # the comment keeps its column
        "  data_loss: false",
    ]
    unknown = repo.run(
        "impact", ID, "--unknown", "full-outage", "--customers", "acme-bank", *AT_NOW
    )
    assert unknown.code == 0, unknown.err
    front = _front(repo)
    assert front["impact"]["full_outage"] is None and front["customers"] == ["acme-bank"]
    assert "  full_outage: null    # first guess\n" in _path(repo).read_text()
    found = repo.run("validate", "--format", "json", *AT_NOW).json()["findings"]
    assert [f["rule"] for f in found] == ["under-classified"]  # 340 customers: at least SEV2
    both = repo.run("impact", ID, "--full-outage", "--unknown", "full-outage", *AT_NOW)
    assert both.code == 2 and "both set and --unknown" in both.err
    assert repo.run("impact", ID, "--customers-affected", "-3", *AT_NOW).code == 2
    assert repo.run("impact", ID, *AT_NOW).code == 2  # nothing to set


def test_root_cause_takes_a_category_of_the_model_and_keeps_the_summary(acked):
    bad = acked.run("root-cause", ID, "--category", "gremlins", *AT_NOW)
    assert bad.code == 2
    assert "unknown root-cause category 'gremlins'" in bad.err
    assert "software, hardware, network, capacity, configuration, third-party" in bad.err
    args = ("root-cause", ID, "--category", "configuration", "--summary", "Stale replica")
    out, _ = _twice(acked, *args, *AT_NOW)
    assert out == f"{ID}: root cause configuration\n"
    assert "root_cause:\n  category: configuration\n  summary: Stale replica\n" in (
        _path(acked).read_text()
    )
    assert acked.run("root-cause", ID, "--category", "network", *AT_NOW).code == 0
    assert _front(acked)["root_cause"] == {"category": "network", "summary": "Stale replica"}


def test_action_add_takes_the_next_free_id_and_adds_a_title_once(make_repo):
    front = ACKED + "actions:\n  - {id: A2, title: Runbook, owner: '@dave', due: 2026-12-01}\n"
    repo = make_repo({NAME: incident(front)})
    args = ("action", "add", ID, "--title", "Alert on replica lag", "--owner", "carol",
            "--department", "platform", "--due", "2026-12-05", *AT_NOW)  # fmt: skip
    out, again = _twice(repo, *args)
    assert out == (
        f"{ID}: action A3 added: Alert on replica lag (@carol, platform, due 2026-12-05)\n"
    )
    assert "action A3 already plans 'Alert on replica lag'" in again
    assert '  - {id: A3, title: Alert on replica lag, kind: technical, owner: "@carol", ' in (
        _path(repo).read_text()
    )  # the list's own flow style
    action = _front(repo)["actions"][1]
    assert action["due"].isoformat() == "2026-12-05" and action["status"] == "open"
    taken = repo.run(
        "action", "add", ID, "--title", "Other", "--owner", "@dave", "--department", "platform",
        "--due", "2026-12-05", "--id", "A2", *AT_NOW,
    )  # fmt: skip
    assert taken.code == 2 and "action A2 already exists ('Runbook')" in taken.err
    unknown = repo.run("action", "add", ID, "--title", "x", "--owner", "@dave",
                       "--department", "marketing", "--due", "2026-12-05", *AT_NOW)  # fmt: skip
    assert unknown.code == 2 and "unknown department 'marketing'" in unknown.err
    chosen = repo.run("action", "add", ID, "--title", "Train", "--owner", "@dave", "--kind",
                      "training", "--department", "hr", "--due", "2026-12-09", "--id", "T1",
                      *AT_NOW)  # fmt: skip
    assert chosen.code == 0 and f"{ID}: action T1 added" in chosen.out


CLOSED = (
    MINIMAL.replace("status: reported", "status: closed")
    + """\
acknowledged_at: 2026-11-20T09:20:00+01:00
resolved_at: 2026-11-20T10:00:00+01:00
closed_at: 2026-11-20T11:00:00+01:00
actions:
  - id: A1
    title: Alert on replica lag
    owner: "@carol"
    due: 2026-12-05
  - id: A2
    title: Runbook
    owner: "@dave"
    due: 2026-12-06
"""
)


def test_action_progress_goes_on_after_closure_and_history_allows_it(make_repo, monkeypatch):
    for key, value in GIT_ENV.items():
        monkeypatch.setenv(key, value)
    repo = make_repo({NAME: incident(CLOSED)})
    git(repo.root, "add", "-A")
    git(repo.root, "commit", "-qm", "closed")
    before = _path(repo).read_text()
    done = ("action", "done", ID, "A1", "--at", "2026-11-20T11:30", "--commit", *AT_NOW)
    out, _ = _twice(repo, *done)
    assert out.startswith(f"{ID}: action A1 done at 2026-11-20T11:30:00+01:00\ncommitted ")
    wont = ("action", "wont-do", ID, "A2", "--reason", "Replaced by the SRE runbook", *AT_NOW)
    out, _ = _twice(repo, *wont[:-2], "--commit", *AT_NOW)
    assert out.startswith(f"{ID}: action A2 won't be done: Replaced by the SRE runbook\n")
    assert _changed(before, _path(repo).read_text()) == [
        "    status: done", "    done_at: 2026-11-20T11:30:00+01:00",
        "    status: wont-do", "    reason: Replaced by the SRE runbook",
    ]  # fmt: skip
    log = git(repo.root, "log", "--format=%s")
    assert log.splitlines()[:2] == [
        f"incident({ID}): action A2 won't do", f"incident({ID}): action A1 done",
    ]  # fmt: skip
    check = repo.run("history", "--check", "--tolerance", "30d", "--format", "json")
    assert check.code == 0 and check.json()["findings"] == []
    stays = repo.run("action", "wont-do", ID, "A1", "--reason", "x", *AT_NOW)
    assert stays.code == 1 and "action A1 is done at 2026-11-20T11:30:00+01:00" in stays.err
    added = repo.run("action", "add", ID, "--title", "More", "--owner", "@x",
                     "--department", "platform", "--due", "2026-12-05", *AT_NOW)  # fmt: skip
    assert added.code == 1 and "is closed" in added.err
    missing = repo.run("action", "done", ID, "A9", *AT_NOW)
    assert missing.code == 2 and "no action A9 (actions: A1, A2)" in missing.err


@pytest.mark.parametrize(
    "args",
    [
        ("ack", ID), ("investigate", ID), ("mitigate", ID), ("resolve", ID), ("cancel", ID),
        ("escalate", ID, "--department", "platform"),
        ("update", ID, "--audience", "internal", "--channel", "chat", "--summary", "x"),
        ("action", "done", ID, "A1"),
    ],
    ids=lambda a: " ".join(a[:2]) if a[0] == "action" else a[0],
)  # fmt: skip
def test_now_is_the_clock_of_the_future_check(make_repo, args):
    front = ACKED + "actions:\n  - {id: A1, title: Alert, owner: '@carol', due: 2026-12-05}\n"
    repo = make_repo({NAME: incident(front)})
    before = _path(repo).read_text()
    late = repo.run(*args, "--at", "2026-11-20T13:00:00+01:00", *AT_NOW)
    assert late.code == 2 and "is in the future (now is 2026-11-20T12:00:00+01:00)" in late.err
    assert _path(repo).read_text() == before
    ok = repo.run(*args, "--at", "2026-11-20T13:00:00+01:00", "--now", "2026-11-20T14:00+01:00")
    assert ok.code == 0, ok.err


def test_now_is_the_clock_of_the_gate(make_repo):
    """`close` gates with the rules as of --now: an RCA overdue long after is not at issue,
    a close at --now before resolved_at is."""
    resolved = MINIMAL.replace("status: reported", "status: resolved") + (
        "acknowledged_at: 2026-11-20T09:20:00+01:00\nresolved_at: 2026-11-20T10:00:00+01:00\n"
    )
    repo = make_repo({NAME: incident(resolved)})
    early = repo.run("close", ID, "--now", "2026-11-20T09:50:00+01:00")
    assert early.code == 1 and "closed_at 2026-11-20T09:50:00+01:00 is before resolved_at" in (
        early.err
    )
    closed = repo.run("close", ID, "--now", "2026-11-20T10:30:00+01:00")
    assert closed.code == 0, closed.err
    assert closed.out == f"{ID}: closed at 2026-11-20T10:30:00+01:00\n"  # SEV3: no approvers


SEV1_RESOLVED = MINIMAL.replace("SEV3", "SEV1").replace("status: reported", "status: resolved") + (
    "acknowledged_at: 2026-11-20T09:20:00+01:00\nresolved_at: 2026-11-20T11:00:00+01:00\n"
    "escalations:\n  - {department: platform, at: 2026-11-20T09:30:00+01:00}\n"
    "actions:\n  - {id: A1, title: Alert, due: 2026-12-05}\n"
)


def test_close_refusal_says_how_to_fix_each_finding(make_repo):
    repo = make_repo({NAME: incident(SEV1_RESOLVED)})
    before = _path(repo).read_text()
    result = repo.run("close", ID, *AT_NOW)
    assert result.code == 1
    err = result.err
    assert "To close it:" in err
    assert "set `root_cause: {category: CATEGORY, summary: …}` (CATEGORY one of software, " in err
    assert "security, process), e.g. incident-ops root-cause INC-2026-0001 --category" in err
    assert "write the '## Root cause analysis' section" in err
    assert 'give action A1 (actions[0]) `owner: "@login"`' in err
    assert "write the '## Prevention plan' section" in err
    assert f"incident-ops update {ID} --audience customers --channel email" in err
    for department in ("customer-support", "management"):
        assert f"engage {department}: incident-ops escalate {ID} --department {department}" in err
    assert "--department platform" not in err  # already engaged
    assert (
        "Then the pull request that closes it needs an approving review from a member of each "
        "of: acme/sre-leads, acme/support-leads (rca_approvers of SEV1)." in err
    )
    assert _path(repo).read_text() == before


def test_a_successful_close_names_the_approvals_the_pull_request_needs(make_repo):
    front = SEV1_RESOLVED.replace("{id: A1, title: Alert,", "{id: A1, title: Alert, owner: '@c',")
    front = front.replace("escalations:\n", "escalations:\n" + "".join(
        f"  - {{department: {d}, at: 2026-11-20T09:30:00+01:00}}\n"
        for d in ("customer-support", "management")
    )) + "root_cause: {category: configuration}\nupdates:\n" + (
        "  - {at: 2026-11-20T11:30:00+01:00, audience: customers, channel: email, summary: Done,"
        " final: true}\n"
    )  # fmt: skip
    body = "\n## Summary\nx\n\n## Impact\nx\n\n## Timeline\nx\n\n## Root cause analysis\nWhy.\n"
    body += "\n## Prevention plan\nAlert.\n\n## Customer communication\nMail.\n"
    repo = make_repo({NAME: incident(front, body)})
    result = repo.run("close", ID, *AT_NOW)
    assert result.code == 0, result.err
    assert result.out == (
        f"{ID}: closed at 2026-11-20T12:00:00+01:00\n"
        "note: the pull request that closes it needs an approving review from a member of each "
        "of: acme/sre-leads, acme/support-leads (rca_approvers of SEV1)\n"
    )


def test_new_editing_commands_commit_with_a_conventional_subject(make_repo, monkeypatch):
    for key, value in GIT_ENV.items():
        monkeypatch.setenv(key, value)
    repo = make_repo({NAME: incident(ACKED)})
    for args, subject in (
        (("assign", ID, "--commander", "@bob"), "commander @bob"),
        (("impact", ID, "--full-outage"), "impact"),
        (("root-cause", ID, "--category", "network"), "root cause network"),
        (("mitigate", ID, "--at", "2026-11-20T11:00"), "mitigated"),
    ):
        result = repo.run(*args, "--commit", *AT_NOW)
        assert result.code == 0, result.err
        assert result.out.splitlines()[-1].endswith(f" incident({ID}): {subject}")
        log = git(repo.root, "log", "-1", "--format=%s")
        assert log == f"incident({ID}): {subject}\n"


@pytest.mark.parametrize(
    "name", ["investigate", "mitigate", "cancel", "assign", "impact", "root-cause", "action"]
)
def test_every_new_command_documents_an_example(acked, name):
    result = acked.run(name, "--help")
    assert (result.code == 0 and "Example" in result.out and "--now" in result.out) or (
        name == "action" and "Examples" in result.out
    )
    for sub in ("add", "done", "wont-do") if name == "action" else ():
        sub_help = acked.run("action", sub, "--help")
        assert sub_help.code == 0 and "Example" in sub_help.out and "--now" in sub_help.out


def test_a_refused_close_of_a_recurrence_says_to_name_the_earlier_incident(make_repo):
    earlier = MINIMAL.replace("09:12", "09:00").replace("2026-11-20", "2026-11-02") + (
        "services: [billing-db]\nroot_cause: {category: configuration}\n"
    )
    again = MINIMAL.replace("0001", "0002").replace("status: reported", "status: resolved") + (
        "acknowledged_at: 2026-11-20T09:20:00+01:00\nresolved_at: 2026-11-20T10:00:00+01:00\n"
        "services: [billing-db]\nroot_cause: {category: configuration}\n"
    )
    repo = make_repo({NAME: incident(earlier), "INC-2026-0002-again.md": incident(again)})
    result = repo.run("close", "INC-2026-0002", *AT_NOW)
    assert result.code == 1 and "[closure-recurrence]" in result.err
    assert (
        "it recurs INC-2026-0001: list it in `related: [INC-2026-0001]` and say in "
        "'## Prevention plan' why its prevention did not hold, naming it there"
    ) in result.err
