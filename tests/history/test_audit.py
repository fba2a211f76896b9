"""The `history` rule's pure parts: which changes are backdated or edit a closed incident."""

from __future__ import annotations

from datetime import datetime, timedelta

from incident_ops.history.audit import backdated, closed_edits
from incident_ops.history.changes import diff, key_path
from incident_ops.history.trail import Change

T = datetime.fromisoformat
HOUR = timedelta(hours=1)


def change(old: dict | None, new: dict, at: str = "2026-11-20T15:00:00+01:00") -> Change:
    return Change("c" * 40, "alice", T(at), None, "x.md", diff(old, new), old, new)


def test_detected_at_and_timestamps_within_tolerance_are_not_backdated():
    new = {"detected_at": T("2026-11-20T08:00:00+01:00"),
           "acknowledged_at": T("2026-11-20T14:30:00+01:00")}  # fmt: skip
    assert list(backdated(change(None, new), HOUR)) == []


def test_an_inserted_update_does_not_re_record_the_shifted_ones():
    first = {"at": T("2026-11-20T09:00:00+01:00"), "summary": "a"}
    late = {"at": T("2026-11-20T14:50:00+01:00"), "summary": "b"}
    old = {"updates": [first]}
    assert list(backdated(change(old, {"updates": [late, first]}), HOUR)) == []
    backdated_item = {"at": T("2026-11-20T10:00:00+01:00"), "summary": "c"}
    found = list(backdated(change(old, {"updates": [backdated_item, first]}), HOUR))
    assert found == [("updates[0].at", T("2026-11-20T10:00:00+01:00"))]


def test_after_closure_only_tracking_fields_may_change():
    closed = {"status": "closed", "actions": [{"id": "A1", "status": "open"}]}
    tracked = {"status": "closed", "actions": [{"id": "A1", "status": "done", "issue": "a/b#1"}]}
    assert closed_edits(change(closed, tracked)) == []
    reopened = {**closed, "status": "investigating"}
    assert closed_edits(change(closed, reopened)) == ["status"]
    assert closed_edits(change({**closed, "status": "resolved"}, reopened)) == []


def test_key_path_and_null_empty_absent():
    assert key_path("actions[0].status") == ("actions", 0, "status")
    assert key_path("impact.full_outage") == ("impact", "full_outage")
    assert diff({"related": [], "closed_at": None}, {}) == {}
    assert diff({"impact": {"full_outage": 1}}, {"impact": {"full_outage": True}}) == {
        "impact.full_outage": (1, True)
    }
