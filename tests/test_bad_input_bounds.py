"""Bad input that crashed the first release: far-future times, calendars without working
time, durations beyond any horizon, `when:` operands of the wrong type, a corrupt index."""

from __future__ import annotations

import time
from pathlib import Path

from tests.helpers import NOW, SPEC_POLICY, front_matter, incident, incident_text


def test_a_timestamp_in_year_9999_is_a_finding_not_an_overflow(make_repo, tmp_path):
    far = front_matter(detected_at="9999-12-31T12:00:00+00:00")
    repo = make_repo({"INC-2026-0001-far.md": incident(far)})
    result = repo.run("validate", "--format", "json", "--now", NOW)
    assert result.code == 1, result.err
    assert [(f["rule"], f["line"]) for f in result.json()["findings"]] == [("lifecycle", 7)]
    assert "in the future" in result.json()["findings"][0]["message"]
    for args in (
        ("deadlines", "--format", "json"),
        ("stats", "--format", "json"),
        ("report",),
        ("site", str(tmp_path / "site")),
    ):
        run = repo.run(*args, "--now", NOW)
        assert run.code == 0, (args, run.err)
        assert "internal error" not in run.err


def test_a_calendar_without_working_time_is_a_policy_error_at_its_line(make_repo):
    from datetime import date, timedelta

    start = date.today() - timedelta(days=10)
    saturdays = [
        start + timedelta(days=n) for n in range(4 * 366) if (start.toordinal() + n) % 7 == 6
    ]
    dates = ", ".join(day.isoformat() for day in saturdays)
    policy = SPEC_POLICY.replace("    days: mon-fri\n", "    days: [sat]\n").replace(
        "dates: [2026-12-24]", f"dates: [{dates}]"
    )
    repo = make_repo({"INC-2026-0001-a.md": incident_text()}, policy=policy)
    result = repo.run("validate", "--now", NOW)
    assert result.code == 2, result.err
    line = 1 + policy.splitlines().index("  default:")
    assert f"policies/policy.yaml:{line}: calendar 'default' has no working time" in result.err


def test_a_duration_beyond_the_horizon_is_refused_at_once(make_repo):
    policy = SPEC_POLICY.replace('    hours: "09:00-18:00"\n', '    hours: "00:00-00:01"\n')
    policy = policy.replace("rca: 5bd\n", "rca: 100000bh\n")
    repo = make_repo({"INC-2026-0001-a.md": incident_text()}, policy=policy)
    started = time.monotonic()
    result = repo.run("validate", "--now", NOW)
    assert time.monotonic() - started < 10
    assert result.code == 2
    line = 1 + policy.splitlines().index("      rca: 100000bh")
    assert f"policies/policy.yaml:{line}: 100000bh spans about" in result.err
    assert "durations must fall due within 3 years" in result.err


def test_a_when_operand_of_the_wrong_type_is_a_policy_error(make_repo):
    policy = SPEC_POLICY.replace(
        "when: {impact.customers_affected: {gte: 100}}",
        'when: {impact.customers_affected: {gte: "100"}}',
    ).replace("when: {impact.full_outage: true}", 'when: {impact.full_outage: "yes"}')
    repo = make_repo({"INC-2026-0001-a.md": incident_text()}, policy=policy)
    result = repo.run("validate", "--now", NOW)
    assert result.code == 2
    lines = policy.splitlines()
    gte = 1 + next(i for i, line in enumerate(lines) if 'gte: "100"' in line)
    outage = 1 + next(i for i, line in enumerate(lines) if 'full_outage: "yes"' in line)
    assert f"policies/policy.yaml:{gte}: gte: impact.customers_affected holds whole numbers" in (
        result.err
    )
    assert f"policies/policy.yaml:{outage}: impact.full_outage holds true/false" in result.err


def test_an_enumerated_field_names_its_values(make_repo):
    policy = SPEC_POLICY.replace(
        "when: {impact.full_outage: true}", "when: {status: {in: [resolved, solved]}}"
    )
    repo = make_repo({"INC-2026-0001-a.md": incident_text()}, policy=policy)
    result = repo.run("validate", "--now", NOW)
    assert result.code == 2 and "'solved' can never match" in result.err


def test_a_corrupt_similar_index_is_rebuilt(make_repo):
    repo = make_repo({"INC-2026-0001-a.md": incident_text()})
    assert repo.run("similar", "--text", "billing").code == 0
    from incident_ops.workspace.config import open_repo

    index = Path(open_repo(str(repo.root)).cache_dir) / "similar.sqlite"
    index.write_bytes(b"this is not a database" * 100)
    result = repo.run("similar", "--text", "billing", "--format", "json")
    assert result.code == 0, result.err
    assert [r["id"] for r in result.json()["results"]] == ["INC-2026-0001"]
