"""lifecycle: timestamps each status needs, order, the future, stale later-stage stamps."""

from __future__ import annotations

import pytest

from incident_ops.domain.stages import can_transition, needed_timestamps
from tests.helpers import MINIMAL, front_matter, incident
from tests.rules.util import lint

BASE = MINIMAL  # SEV3, detected 2026-11-20T09:12+01:00
LATER = "2026-11-20T09:40:00+01:00"  # before every SEV3 deadline of SPEC_POLICY


def front(status: str, **stamps: str) -> str:
    """BASE at `status` (line 4), the `stamps` from line 8 on."""
    return front_matter(status=status, **stamps)


@pytest.mark.parametrize(
    ("status", "stamps", "expected"),
    [
        ("reported", {}, []),
        ("acknowledged", {}, [(4, "lifecycle")]),
        ("acknowledged", {"acknowledged_at": "2026-11-20T09:15:00+01:00"}, []),
        ("mitigated", {"acknowledged_at": "2026-11-20T09:15:00+01:00"}, [(4, "lifecycle")]),
        ("resolved", {"acknowledged_at": "2026-11-20T09:15:00+01:00",
                      "resolved_at": "2026-11-20T09:30:00+01:00"}, []),
        ("closed", {"acknowledged_at": "2026-11-20T09:15:00+01:00",
                    "resolved_at": "2026-11-20T09:30:00+01:00"}, [(4, "lifecycle")]),
        ("cancelled", {}, []),
    ],
)  # fmt: skip
def test_status_needs_its_timestamps(make_repo, status, stamps, expected):
    found, _ = lint(make_repo, incident(front(status, **stamps)), now=LATER)
    assert found == expected


def test_timestamps_out_of_order_point_at_the_later_key(make_repo):
    text = front(
        "resolved",
        acknowledged_at="2026-11-20T09:15:00+01:00",
        mitigated_at="2026-11-20T09:10:00+01:00",
        resolved_at="2026-11-20T09:30:00+01:00",
    )
    found, result = lint(make_repo, incident(text), now=LATER)
    assert found == [(9, "lifecycle")]
    assert "before acknowledged_at" in result.json()["findings"][0]["message"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(front("acknowledged", acknowledged_at="2026-11-20T09:00:00+01:00"),
                     [(8, "lifecycle")], id="acknowledged-before-detected"),
        pytest.param(front("acknowledged", acknowledged_at="2026-11-20T08:15:00Z"),  # 09:15 CET
                     [], id="offsets-compare-as-instants"),
        pytest.param(BASE + "escalations:\n"
                            "  - {department: platform, at: 2026-11-20T09:00:00+01:00}\n",
                     [(9, "lifecycle")], id="escalation-before-detection"),
        pytest.param(BASE + "actions:\n  - id: A1\n    title: Fix\n    status: done\n",
                     [(11, "lifecycle")], id="done-action-needs-done-at"),
    ],
)  # fmt: skip
def test_lifecycle_points_at_the_key(make_repo, text, expected):
    """The one finding, on the line of the key at fault."""
    assert lint(make_repo, incident(text), now=LATER)[0] == expected


def test_nothing_lies_after_now(make_repo):
    text = front("acknowledged", acknowledged_at="2026-11-20T09:50:00+01:00") + (
        "updates:\n"
        "  - {at: 2026-11-20T10:00:00+01:00, audience: internal, channel: chat, summary: x}\n"
    )
    found, result = lint(make_repo, incident(text), now=LATER)
    assert found == [(8, "lifecycle"), (10, "lifecycle")]
    assert all("future" in f["message"] for f in result.json()["findings"])


def test_stale_later_stage_timestamp_is_a_warning(make_repo):
    text = front(
        "investigating",
        acknowledged_at="2026-11-20T09:15:00+01:00",
        resolved_at="2026-11-20T09:30:00+01:00",
    )
    found, result = lint(make_repo, incident(text), now=LATER)
    assert found == [(9, "lifecycle")]
    assert result.json()["findings"][0]["level"] == "warning"
    assert result.code == 0


@pytest.mark.parametrize(
    ("old", "new", "ok"),
    [
        ("reported", "acknowledged", True),
        ("reported", "resolved", True),
        ("investigating", "closed", True),
        ("resolved", "investigating", True),
        ("resolved", "acknowledged", False),
        ("closed", "investigating", False),
        ("closed", "cancelled", True),
        ("cancelled", "investigating", False),
        ("mitigated", "mitigated", True),
    ],
)
def test_transitions(old, new, ok):
    assert can_transition(old, new) is ok


def test_needed_timestamps():
    assert needed_timestamps("reported") == ()
    assert needed_timestamps("mitigated") == ("acknowledged_at", "mitigated_at")
    assert needed_timestamps("closed") == ("acknowledged_at", "resolved_at", "closed_at")
