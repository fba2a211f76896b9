"""`incident-ops stats`: the exact SPEC §6 document on a small repo, computed by hand."""

from __future__ import annotations

from tests.helpers import NOW

NULLS = {"median": None, "p90": None}
EMPTY = {"count": 0, "mtta_minutes": NULLS, "mttr_minutes": NULLS, "mttm_minutes": NULLS}
ZERO = {"met": 0, "met-late": 0, "pending": 0, "overdue": 0, "missed": 0, "waived": 0}

# INC-0001..0004 are in November; 0005 is cancelled; 0006 is in October.
# MTTA 30 (09:30Z = 10:30 local), 10, 45 -> median 30, p90 rank ceil(2.7)=3 -> 45.
# MTTR 240, 120 -> median 180, p90 rank 2 -> 240.
# MTTM 240 (resolved_at stands in), 40 -> median 140, p90 240.
EXPECTED = {
    "since": "2026-11-01",
    "until": "2026-11-30",
    "incidents": 4,
    "cancelled": 1,
    "by_severity": {
        "SEV1": EMPTY,
        "SEV2": EMPTY,
        "SEV3": {
            "count": 4,
            "mtta_minutes": {"median": 30, "p90": 45},
            "mttr_minutes": {"median": 180, "p90": 240},
            "mttm_minutes": {"median": 140, "p90": 240},
        },
    },
    "by_category": {"service-failure": 4, "security": 0, "staffing": 0},
    "by_service": {"mail": 2, "web": 2},
    "by_department": {},  # SEV3 and service-failure require no department in SPEC_POLICY
    "obligations": {
        # 0001-0003 acknowledged within 4 business hours; 0004 (Thu 10:00) was due 14:00
        "acknowledge": {**ZERO, "met": 3, "overdue": 1},
        "mitigate": ZERO,
        "escalate": ZERO,
        "customer-update": ZERO,
        "management-update": ZERO,
        "rca": ZERO,
        # 0001 A1 due 11-10 open (overdue), A2 done early (met); 0002 A1 due 12-01 (pending)
        "action": {**ZERO, "met": 1, "pending": 1, "overdue": 1},
    },
    "open_actions": {"customer-support": 1, "platform": 1},
    "overdue_actions": {"platform": 1},
    "recurrences": 1,
    "recurrence_rate": 0.25,  # 0002 lists the earlier 0001
    "prevention_failed": 0,  # 0001's A1 is still open: its plan was not carried out yet
    "policy": "as-detected",
    "graded": "Graded by the policies in effect at detection: the current ones.",
}


def test_stats_json_exact(small_repo):
    result = small_repo.run(
        "stats", "--since", "2026-11-01", "--until", "2026-11-30", "--now", NOW, "--format", "json"
    )
    assert result.code == 0, result.err
    assert result.json() == EXPECTED


def test_stats_defaults_to_everything_until_today(small_repo):
    result = small_repo.run("stats", "--now", NOW, "--format", "json")
    data = result.json()
    assert (data["since"], data["until"]) == (None, "2026-11-20")
    assert data["incidents"] == 5  # October's incident joins
    sev3 = data["by_severity"]["SEV3"]
    assert sev3["mtta_minutes"] == {"median": 20, "p90": 45}  # 5, 10, 30, 45
    assert data["recurrence_rate"] == 0.2


def test_stats_empty_period_gives_nulls(small_repo):
    result = small_repo.run(
        "stats", "--since", "2025-01-01", "--until", "2025-01-31", "--now", NOW, "--format", "json"
    )
    data = result.json()
    assert data["incidents"] == 0
    assert data["recurrence_rate"] is None
    assert data["by_severity"]["SEV3"] == EMPTY


def test_stats_rejects_a_reversed_period(small_repo):
    result = small_repo.run("stats", "--since", "2026-12-01", "--until", "2026-11-01")
    assert result.code == 2
    assert "is after --until" in result.err


def test_stats_text_is_plain_off_a_tty(small_repo):
    result = small_repo.run("stats", "--since", "2026-11-01", "--now", NOW)
    assert result.code == 0
    assert "\x1b[" not in result.out  # no colour codes when not a terminal
    assert "recurrence rate: 25.0 %" in result.out
    row = next(line for line in result.out.splitlines() if line.startswith("| SEV3"))
    assert row.split("|")[2].strip() == "4"
    assert "30 min" in row and "3 h" in row  # MTTA median; MTTR median 180 min


def test_stats_counts_each_file_of_a_duplicate_id_with_its_own_deadlines(make_repo):
    from tests.helpers import incident_text

    late = incident_text()  # SEV3 detected 09:12, acknowledge due 13:12: overdue at 14:00
    acked = incident_text(status="acknowledged", acknowledged_at="2026-11-20T09:20:00+01:00")
    repo = make_repo({"INC-2026-0001-a.md": late, "INC-2026-0001-b.md": acked})
    result = repo.run("stats", "--now", "2026-11-20T14:00:00+01:00", "--format", "json")
    assert result.code == 0, result.err
    assert result.json()["obligations"]["acknowledge"] == {
        "met": 1, "met-late": 0, "pending": 0, "overdue": 1, "missed": 0, "waived": 0,
    }  # fmt: skip


def test_a_recurrence_after_the_whole_plan_was_done_is_prevention_that_did_not_hold(make_repo):
    from tests.helpers import front_matter, incident

    first = front_matter(detected_at="2026-11-02T09:12:00+01:00") + (
        "actions:\n  - {id: A1, title: Alert, owner: '@carol', due: 2026-11-10, status: done,"
        " done_at: 2026-11-09T10:00:00+01:00}\n"
    )
    later = front_matter(id="INC-2026-0002", related=["INC-2026-0001"])
    repo = make_repo({"INC-2026-0001-a.md": incident(first), "INC-2026-0002-b.md": incident(later)})
    figures = repo.run("stats", "--now", NOW, "--format", "json").json()
    assert (figures["recurrences"], figures["prevention_failed"]) == (1, 1)
    report = repo.run("report", "--now", NOW).out
    assert "INC-2026-0002 (after INC-2026-0001; prevention did not hold: INC-2026-0001)" in report
