"""`incident-ops report`: the management report's sections and numbers."""

from __future__ import annotations

import json

from tests.helpers import NOW, run_cli

PERIOD = ("--since", "2026-11-01", "--until", "2026-11-30", "--now", NOW)


def section(text: str, heading: str) -> str:
    """The text of one `## heading` section."""
    start = text.index(f"\n## {heading}")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else None]


def test_report_sections_and_numbers(small_repo):
    result = small_repo.run("report", *PERIOD)
    assert result.code == 0, result.err
    text = result.out
    assert text.startswith("# Incident report 2026-11-01 to 2026-11-30\n")
    for heading in ("Summary", "Significant incidents (SEV1, SEV2)", "Complaints",
                    "SLA compliance", "Needs management attention"):  # fmt: skip
        assert f"\n## {heading}\n" in text
    summary = section(text, "Summary")
    assert "4 incidents in the period, 2 still open." in summary
    recurring = "relate to an earlier incident: INC-2026-0002 (after INC-2026-0001)."
    assert f"Recurrences: 1 of 4 (25 %) {recurring}" in summary
    assert "| SEV3 | 4 | 30 min | 45 min | 3 h | 4 h |" in summary
    assert "| service-failure | 4 |" in summary
    assert "cancelled incidents (1)" in text
    assert "No significant incident in the period." in text
    complaints = section(text, "Complaints")  # source: customer; the `|` in the title escaped
    assert (
        "| INC-2026-0002 | Mail and web slow \\| again | SEV3 | resolved | customer |" in complaints
    )
    sla = section(text, "SLA compliance")
    assert "| acknowledge | 3 | 0 | 0 | 1 | 75 % |" in sla
    assert "| action | 1 | 0 | 1 | 1 | 50 % |" in sla
    assert "| mitigate |" not in sla  # kinds without any deadline are left out
    attention = section(text, "Needs management attention")
    assert (
        "- **INC-2026-0001**: prevention action A1 (owner @carol) overdue since 2026-11-10"
        in attention
    )
    assert "- **INC-2026-0004**: acknowledge deadline overdue since 2026-11-19 14:00" in attention
    assert "INC-2026-0005" not in text  # cancelled
    assert "Nothing needs attention." not in text


def test_report_names_files_left_out(small_repo):
    small_repo.write("INC-2026-0099-broken.md", "---\nid: INC-2026-0099\n---\n")
    text = small_repo.run("report", *PERIOD).out
    assert "- `incidents/2026/INC-2026-0099-broken.md` does not validate" in text


def test_report_significant_incidents_of_the_example_repo(example_repo, tmp_path):
    out = tmp_path / "out" / "report.md"
    args = ("--since", "2026-10-01", "--until", "2026-11-30", "--now", NOW)
    result = run_cli(example_repo, "report", *args, "--output", str(out))
    assert result.code == 0, result.err
    assert result.out == ""
    text = out.read_text(encoding="utf-8")
    significant = section(text, "Significant incidents (SEV1, SEV2)")
    assert [line[4:17] for line in significant.splitlines() if line.startswith("### ")] == [
        "INC-2026-0001", "INC-2026-0002", "INC-2026-0003", "INC-2026-0007",
    ]  # fmt: skip
    assert "340 customers affected; full outage; VIP affected (acme-bank); SLA breached" in text
    assert "acknowledged after 8 min, mitigated after 1 h 50 min, resolved after 3 h 18 min" in text
    assert "3 actions: 3 done, 0 open (0 overdue); plan written" in text
    assert "| A3 | Secure code review training for the portal team | @lim-kd | security |" in text
    assert "RCA not written" in significant  # INC-2026-0007's RCA section is a TODO
    assert "- **INC-2026-0007**: resolved without a written root-cause analysis" in text
    complaints = section(text, "Complaints")
    assert "INC-2026-0006" in complaints and "INC-2026-0008" not in complaints  # 0008 cancelled
    # SLA rows agree with `stats` over the same period
    stats = json.loads(run_cli(example_repo, "stats", *args, "--format", "json").out)
    counts = stats["obligations"]["acknowledge"]
    row = f"| acknowledge | {counts['met']} | {counts['met-late']} | {counts['pending']} | "
    assert row in section(text, "SLA compliance")
    # deterministic for a fixed --now
    again = run_cli(example_repo, "report", *args)
    assert again.out == text
