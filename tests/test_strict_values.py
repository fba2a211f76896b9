"""Strict values: a value of the wrong type is a `schema` finding at its line that says
what to write, never silently converted; plain scalars are read by the YAML 1.2 core
schema (as editors read them), and timestamps only in RFC 3339 form (SPEC §3)."""

from __future__ import annotations

import pytest

from incident_ops.domain.timestamps import parse_timestamp
from incident_ops.workspace.load import read_record
from tests.helpers import MINIMAL, NOW, SPEC_POLICY, incident

TIMESTAMP_HINT = "write a timestamp with an offset, e.g. 2026-11-20T09:12:00+01:00"
FULL = """\
id: INC-2026-0001
title: Billing database unavailable
status: reported
severity: SEV1
category: service-failure
detected_at: 2026-11-20T09:12:00+01:00
impact:
  customers_affected: 12
  full_outage: true
updates:
  - at: 2026-11-20T09:50:00+01:00
    audience: customers
    channel: status-page
    summary: Investigating
    final: false
actions:
  - id: A1
    title: Alert on replica lag
    due: 2026-12-05
"""


def _schema(make_repo, front: str) -> list[tuple[int, str]]:
    """(line, message) of the `schema` and `syntax` findings of one incident file."""
    repo = make_repo({"INC-2026-0001-x.md": incident(front)})
    result = repo.run("validate", "--format", "json", "--now", NOW)
    assert "Traceback" not in result.err
    return [
        (f["line"], f["message"])
        for f in result.json()["findings"]
        if f["rule"] in ("schema", "syntax")
    ]


@pytest.mark.parametrize(
    ("old", "new", "line", "message"),
    [
        # integer and float timestamps were epochs (1970) in lax mode
        ("detected_at: 2026-11-20T09:12:00+01:00", "detected_at: 20261120", 7,
         f"detected_at: 20261120 is a whole number, not a timestamp; {TIMESTAMP_HINT}"),
        ("detected_at: 2026-11-20T09:12:00+01:00", "detected_at: 1764892800.5", 7,
         f"detected_at: 1764892800.5 is a number, not a timestamp; {TIMESTAMP_HINT}"),
        ("customers_affected: 12", 'customers_affected: "12"', 9,
         "impact.customers_affected: '12' is text; write a whole number"),
        ("customers_affected: 12", "customers_affected: true", 9,
         "impact.customers_affected: true is a boolean; write a whole number"),
        ("full_outage: true", 'full_outage: "true"', 10,
         "impact.full_outage: 'true' is text; write true or false"),
        ("full_outage: true", "full_outage: 1", 10,
         "impact.full_outage: 1 is a whole number; write true or false"),
        ("final: false", 'final: "no"', 16,
         "updates[0].final: 'no' is text; write true or false"),
        ("due: 2026-12-05", "due: 1764892800", 20,
         "actions[0].due: 1764892800 is a whole number; write a date, e.g. 2026-12-05"),
        ("due: 2026-12-05", "due: 2026-12-05T10:00:00+01:00", 20,
         "actions[0].due: '2026-12-05T10:00:00+01:00' is text; write a date, e.g. 2026-12-05"),
        # YAML 1.1 booleans are text in YAML 1.2: in a boolean field, say what to write
        ("full_outage: true", "full_outage: yes", 10,
         "impact.full_outage: 'yes' is text; write true or false"),
        ("full_outage: true", "full_outage: on", 10,
         "impact.full_outage: 'on' is text; write true or false"),
        ("title: Billing database unavailable", "title: 12", 3,
         'title: 12 is a whole number, not text; write text (in quotes: "12")'),
        ("id: INC-2026-0001", "id: INC-٢٠٢٦-0001", 2,
         "id: 'INC-٢٠٢٦-0001' does not match ^[A-Z]+-[0-9]{4}-[0-9]{4,}$"),
    ],
)  # fmt: skip
def test_a_value_of_the_wrong_type_says_what_to_write(make_repo, old, new, line, message):
    assert old in FULL
    assert _schema(make_repo, FULL.replace(old, new)) == [(line, message)]


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("2026-11-20 09:12:00+01:00",
         "detected_at: '2026-11-20 09:12:00+01:00' is not an RFC 3339 timestamp; "
         "write 2026-11-20T09:12:00+01:00"),
        ("2026-11-20T9:12:00+01:00",
         f"detected_at: '2026-11-20T9:12:00+01:00' is text, not a timestamp; {TIMESTAMP_HINT}"),
        ("2026-11-20T09:12:00+01",
         "detected_at: '2026-11-20T09:12:00+01' is not an RFC 3339 timestamp; "
         "write 2026-11-20T09:12:00+01:00"),
        ("2026-11-20T09:12+01:00",
         "detected_at: '2026-11-20T09:12+01:00' is not an RFC 3339 timestamp; "
         "write 2026-11-20T09:12:00+01:00"),
        ("2026-11-20T09:12:00+0100",
         "detected_at: '2026-11-20T09:12:00+0100' is not an RFC 3339 timestamp; "
         "write 2026-11-20T09:12:00+01:00"),
        ("2026-11-20",
         f"detected_at: '2026-11-20' is text, not a timestamp; {TIMESTAMP_HINT}"),
        ("2026-02-30T09:12:00+01:00",
         f"detected_at: '2026-02-30T09:12:00+01:00' is text, not a timestamp; {TIMESTAMP_HINT}"),
        # the naive-timestamp message quotes what was written, not Python's rendering
        ("2026-11-20T09:12:00",
         f"detected_at: '2026-11-20T09:12:00' has no UTC offset; {TIMESTAMP_HINT} (Z for UTC)"),
    ],
)  # fmt: skip
def test_timestamps_only_in_rfc3339_form(make_repo, written, message):
    front = MINIMAL.replace("2026-11-20T09:12:00+01:00", written)
    assert _schema(make_repo, front) == [(7, message)]


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("2026-11-20T09:12:00+01:00", "2026-11-20T09:12:00+01:00"),
        ("2026-11-20t08:12:00z", "2026-11-20T08:12:00+00:00"),
        ("2026-11-20T08:12:00Z", "2026-11-20T08:12:00+00:00"),
        ("2026-11-20T09:12:00.250+01:00", "2026-11-20T09:12:00.250000+01:00"),
        ("'2026-11-20T09:12:00+01:00'", "2026-11-20T09:12:00+01:00"),  # quoted: same text
    ],
)
def test_rfc3339_forms_are_accepted(tmp_path, written, expected):
    path = tmp_path / "INC-2026-0001-x.md"
    path.write_text(incident(MINIMAL.replace("2026-11-20T09:12:00+01:00", written)))
    parsed = read_record(str(path), path.name)
    assert not parsed.doc.problems
    assert parsed.incident is not None
    assert parsed.incident.detected_at.isoformat() == expected


def test_yaml_1_1_only_scalars_are_text(tmp_path):
    """`title: yes`, `services: [mail, on]` and `summary: 12:30` are text to an editor
    (YAML 1.2), so they are text to validate too — not booleans or the integer 750."""
    front = (
        MINIMAL.replace("title: Billing database unavailable", "title: yes")
        + "services: [mail, on, off, no]\n"
        + "root_cause: {category: network, summary: 12:30}\n"
        + "customers: [0b11, 1_000, 0o17x]\n"
    )
    path = tmp_path / "INC-2026-0001-x.md"
    path.write_text(incident(front))
    parsed = read_record(str(path), path.name)
    assert not parsed.doc.problems
    assert parsed.incident is not None
    assert parsed.incident.title == "yes"
    assert parsed.incident.services == ["mail", "on", "off", "no"]
    assert parsed.incident.root_cause is not None
    assert parsed.incident.root_cause.summary == "12:30"
    assert parsed.incident.customers == ["0b11", "1_000", "0o17x"]


def test_an_integer_timestamp_no_longer_makes_a_1970_deadline(make_repo):
    front = MINIMAL.replace("2026-11-20T09:12:00+01:00", "20261120")
    repo = make_repo({"INC-2026-0001-x.md": incident(front)})
    result = repo.run("deadlines", "--format", "json", "--now", NOW)
    assert "1970" not in result.out
    assert result.json()["incidents"] == []


def test_a_whole_float_is_a_whole_number_as_in_json(tmp_path):
    """JSON (and so the JSON Schema's `integer`) cannot tell 12.0 from 12."""
    path = tmp_path / "INC-2026-0001-x.md"
    path.write_text(incident(MINIMAL + "impact: {customers_affected: 12.0}\n"))
    parsed = read_record(str(path), path.name)
    assert parsed.incident is not None and parsed.incident.impact.customers_affected == 12


def test_editing_writes_timestamps_validate_accepts():
    from datetime import datetime, timedelta, timezone

    from incident_ops.edit.frontmatter import instant

    value = datetime(2026, 11, 20, 9, 20, tzinfo=timezone(timedelta(hours=1)))
    assert parse_timestamp(instant(value)) == value


# --- policies: strict too, and `when:` values must fit their field ---------------------


def _policy_error(make_repo, policy: str) -> str:
    repo = make_repo({"INC-2026-0001-x.md": incident(MINIMAL)}, policy=policy)
    result = repo.run("validate")
    assert result.code == 2, result.out
    assert "Traceback" not in result.err
    return result.err


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("dates: [2026-12-24]", "dates: [20261224]",
         "policies/policy.yaml:33: calendars.default.holidays.dates[0]: 20261224 is a whole "
         "number; write a date, e.g. 2026-12-05"),
        ("    name: Minor\n", "    name: 3\n",
         "policies/policy.yaml:20: severities.SEV3.name: 3 is a whole number, not text; "
         'write text (in quotes: "3")'),
        # YAML 1.2 reads `yes` as text: it can never equal a boolean
        ("when: {impact.full_outage: true}", "when: {impact.full_outage: yes}",
         "policies/policy.yaml:39: impact.full_outage holds true/false, so 'yes' can never "
         "match"),
        ("when: {impact.full_outage: true}", "when: {detected_at: {gte: 2026-11-01}}",
         "policies/policy.yaml:39: gte: detected_at holds timestamps, so '2026-11-01' can "
         "never match; write e.g. 2026-11-20T09:12:00+01:00"),
        ("when: {impact.full_outage: true}", "when: {actions.due: {lte: 2026-11-01T00:00:00Z}}",
         "policies/policy.yaml:39: lte: actions.due holds dates, so '2026-11-01T00:00:00Z' can "
         "never match; write e.g. 2026-12-05"),
    ],
)  # fmt: skip
def test_policy_values_are_strict(make_repo, old, new, expected):
    assert old in SPEC_POLICY
    assert expected in _policy_error(make_repo, SPEC_POLICY.replace(old, new, 1))


def test_timestamp_conditions_still_compare_as_instants(make_repo):
    """A `when:` timestamp is text in YAML 1.2; it must still compare with the incident's."""
    policy = SPEC_POLICY.replace(
        "when: {impact.full_outage: true}", "when: {detected_at: {gte: 2026-11-20T08:00:00Z}}"
    )
    repo = make_repo({"INC-2026-0001-x.md": incident(MINIMAL)}, policy=policy)
    result = repo.run("validate", "--format", "json", "--now", NOW)
    rules = [f["rule"] for f in result.json()["findings"]]
    assert "under-classified" in rules  # 09:12+01:00 is after 08:00Z: total-outage matched
