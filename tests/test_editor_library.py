"""`Editor` as a library (what a comment-command handler calls): results, not prints;
the same call twice changes nothing; bad arguments are errors before any plan."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from incident_ops.edit.operations import Editor
from incident_ops.errors import GateRefused, IncidentOpsError
from incident_ops.policy.load import load_policy
from incident_ops.workspace.config import open_repo
from tests.helpers import MINIMAL, NOW, incident

ID = "INC-2026-0001"
CLOCK = datetime.fromisoformat(NOW)
ACKED = MINIMAL.replace("status: reported", "status: acknowledged") + (
    "acknowledged_at: 2026-11-20T09:20:00+01:00\n"
)


@pytest.fixture
def editor(make_repo):
    made = make_repo({"INC-2026-0001-billing.md": incident(ACKED)})
    repo = open_repo(str(made.root))
    policy = load_policy(repo.policies_dir, repo.root, repo.cache_dir)
    return Editor(repo, policy, clock=lambda: CLOCK)


def test_operations_return_results_and_are_idempotent(editor):
    first = editor.set_impact(ID, {"full_outage": True, "customers_affected": 12},
                              add_customers=["acme-bank"])  # fmt: skip
    assert (first.changed, first.summary, first.subject) == (
        True, "impact", "incident(INC-2026-0001): impact",
    )  # fmt: skip
    assert first.message == "impact: customers_affected 12; full_outage true; customers acme-bank"
    assert (
        editor.set_impact(ID, {"full_outage": True}, add_customers=["acme-bank"]).changed is False
    )
    added = editor.add_action(ID, "Alert on lag", "carol", "platform", date(2026, 12, 5))
    assert (added.changed, added.summary) == (True, "action A1 added")
    assert (
        editor.add_action(ID, "Alert on lag", "@carol", "platform", date(2026, 12, 5)).changed
        is False
    )
    done = editor.action_done(ID, "A1", datetime.fromisoformat("2026-11-20T11:00:00+01:00"))
    assert done.message == "action A1 done at 2026-11-20T11:00:00+01:00"
    assert editor.action_done(ID, "A1").changed is False  # keeps its first done_at
    assert editor.assign(ID, "@bob").message == "commander @bob"
    assert editor.set_root_cause(ID, "capacity", "Disk full").summary == "root cause capacity"
    assert editor.investigate(ID).message == "investigating"
    assert editor.mitigate(ID).message == "mitigated at 2026-11-20T12:00:00+01:00"  # the clock
    assert editor.cancel(ID).changed is True and editor.cancel(ID).changed is False


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda e: e.set_impact(ID, {"full_outage": "yes"}), "must be true, false or null"),
        (lambda e: e.set_impact(ID, {"customers_affected": -1}), "whole number >= 0"),
        (lambda e: e.set_impact(ID, {"outage": True}), "unknown impact field 'outage'"),
        (lambda e: e.set_impact(ID, {}), "nothing to set"),
        (lambda e: e.set_root_cause(ID, "gremlins"), "unknown root-cause category"),
        (lambda e: e.add_action(ID, "t", "@c", "platform", date(2026, 12, 5), kind="x"),
         "unknown action kind 'x'"),
        (lambda e: e.add_action(ID, " ", "@c", "platform", date(2026, 12, 5)), "needs a title"),
        (lambda e: e.action_wont_do(ID, "A1", " "), "--reason must say why"),
        (lambda e: e.assign(ID, "not a login"), "is not a GitHub login"),
        (lambda e: e.escalate(ID, "platform", by="a b"), "--by: 'a b' is not a GitHub login"),
        (lambda e: e.mitigate(ID, datetime.fromisoformat("2026-11-20T13:00:00+01:00")),
         "is in the future"),
    ],
)  # fmt: skip
def test_bad_arguments_are_refused_before_anything_is_planned(editor, call, message):
    path = Path(editor.repo.root) / "incidents/2026/INC-2026-0001-billing.md"
    before = path.read_text()
    with pytest.raises(IncidentOpsError, match=message.replace("(", r"\(")):
        call(editor)
    assert path.read_text() == before


def test_a_reopen_is_the_only_way_back(editor):
    editor.resolve(ID)
    assert editor.investigate(ID).summary == "reopened"
    editor.mitigate(ID)
    with pytest.raises(GateRefused, match="cannot go from mitigated to investigating"):
        editor.investigate(ID)
