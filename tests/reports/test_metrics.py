"""Medians, nearest-rank p90 and the period / recurrence semantics, computed by hand."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import pytest

from incident_ops.domain.incident import Incident
from incident_ops.reporting.metrics import (
    compliance,
    durations,
    in_period,
    is_recurrence,
    median,
    number,
    p90,
    summary,
)

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.mark.parametrize(
    ("values", "expected_median", "expected_p90"),
    [
        ([], None, None),
        ([7], 7, 7),
        ([4, 1], 2.5, 4),  # even: mean of the middle two; p90 rank ceil(1.8) = 2
        ([3, 1, 2], 2, 3),  # rank ceil(2.7) = 3
        ([10, 20, 30, 40], 25, 40),  # rank ceil(3.6) = 4
        (list(range(1, 11)), 5.5, 9),  # rank ceil(9.0) = 9 exactly, not 10
        (list(range(1, 12)), 6, 10),  # rank ceil(9.9) = 10
        (list(range(1, 21)), 10.5, 18),  # rank ceil(18.0) = 18
        (list(range(1, 71)), 35.5, 63),  # 0.9 * 70 is 63.00000000000001 in floating point
    ],
)
def test_median_and_p90(values, expected_median, expected_p90):
    assert median(values) == expected_median
    assert p90(values) == expected_p90


def test_summary_numbers_are_json_friendly():
    assert summary([1, 2]) == {"median": 1.5, "p90": 2}
    assert summary([]) == {"median": None, "p90": None}
    assert isinstance(summary([2.0, 4.0])["median"], int)
    assert number(10 / 3) == 3.33


def make(rid: str, detected: str, **extra) -> Incident:
    return Incident.model_validate(
        {"id": rid, "title": "t", "status": "resolved", "severity": "SEV3",
         "category": "service-failure", "detected_at": detected, **extra}
    )  # fmt: skip


def test_durations_across_offsets_and_mitigation_fallback():
    one = make(
        "INC-2026-0001", "2026-11-02T10:00:00+01:00",
        acknowledged_at="2026-11-02T09:30:00+00:00",  # 10:30 in Berlin: 30 minutes
        resolved_at="2026-11-02T14:00:00+01:00",
    )  # fmt: skip
    two = make(
        "INC-2026-0002", "2026-11-03T09:00:00+01:00", mitigated_at="2026-11-03T09:40:00+01:00"
    )
    assert durations([one, two], "acknowledged") == [30]
    assert durations([one, two], "mitigated") == [240, 40]  # resolved_at stands in for one
    assert durations([one, two], "resolved") == [240]


def test_period_dates_are_local_to_the_calendar():
    late_utc = make("INC-2026-0001", "2026-10-31T23:30:00+00:00")  # 2026-11-01 00:30 Berlin
    assert in_period(late_utc, date(2026, 11, 1), date(2026, 11, 30), BERLIN)
    assert not in_period(late_utc, date(2026, 10, 1), date(2026, 10, 31), BERLIN)
    assert in_period(late_utc, None, None, BERLIN)
    assert in_period(late_utc, None, date(2026, 11, 1), BERLIN)  # until is inclusive


def test_recurrence_needs_an_earlier_known_incident():
    first = make("INC-2026-0001", "2026-10-01T10:00:00+02:00")
    later = make("INC-2026-0002", "2026-11-01T10:00:00+01:00", related=["INC-2026-0001"])
    back = make("INC-2026-0003", "2026-09-01T10:00:00+02:00", related=["INC-2026-0001"])
    ghost = make("INC-2026-0004", "2026-11-02T10:00:00+01:00", related=["INC-2026-0999"])
    known = {i.id: i for i in (first, later, back, ghost)}
    assert is_recurrence(later, known)
    assert not is_recurrence(back, known)  # related to a later incident: not a recurrence
    assert not is_recurrence(ghost, known)
    assert not is_recurrence(first, known)


def test_compliance_ignores_pending():
    assert compliance({"met": 3, "met-late": 1, "pending": 5, "overdue": 0}) == 0.75
    assert compliance({"met": 0, "met-late": 0, "pending": 2, "overdue": 0}) is None
