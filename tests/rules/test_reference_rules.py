"""id-filename, duplicate-id, unknown-reference, missing-section."""

from __future__ import annotations

import pytest

from tests.helpers import NOW, SECTIONS, front_matter, incident, incident_text
from tests.rules.util import lint


def test_minimal_incident_passes(make_repo):
    found, result = lint(make_repo, incident_text())
    assert (found, result.code) == ([], 0)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        pytest.param("INC-2026-0002-billing.md", [(2, "id-filename")], id="points-at-the-id-line"),
        pytest.param("INC-2026-00012-billing.md", [(2, "id-filename")], id="boundary-after-the-id"),
        pytest.param("INC-2026-0001.md", [], id="bare-id-accepted"),
    ],
)
def test_id_filename(make_repo, name, expected):
    """INC-2026-0001 saved under `name`."""
    found, _ = lint(make_repo, incident_text(), name=name)
    assert found == expected


def test_duplicate_id_names_the_other_file(make_repo):
    other = {"INC-2026-0001-copy.md": incident_text()}
    found, result = lint(make_repo, incident_text(), **other)
    assert found == [(2, "duplicate-id")]
    assert "incidents/2026/INC-2026-0001-copy.md" in result.json()["findings"][0]["message"]


def test_unknown_references(make_repo):
    front = front_matter(severity="SEV9", category="outage") + (
        "escalations:\n"
        "  - {department: platform, at: 2026-11-20T09:30:00+01:00}\n"
        "  - {department: plumbing, at: 2026-11-20T09:31:00+01:00}\n"
        "actions:\n"
        "  - {id: A1, title: Fix, department: nowhere}\n"
        "related: [INC-2026-0001, INC-2025-0099]\n"
    )
    found, result = lint(make_repo, incident(front))
    assert found == [
        (5, "unknown-reference"),
        (6, "unknown-reference"),
        (10, "unknown-reference"),
        (12, "unknown-reference"),
        (13, "unknown-reference"),
        (13, "unknown-reference"),
    ]
    messages = " ".join(f["message"] for f in result.json()["findings"])
    assert "SEV9" in messages and "plumbing" in messages and "INC-2025-0099" in messages
    assert "itself" in messages


def test_related_incident_that_exists_passes(make_repo):
    other = {"INC-2026-0002-x.md": incident_text(id="INC-2026-0002")}
    found, _ = lint(make_repo, incident_text(related=["INC-2026-0002"]), **other)
    assert found == []


def test_missing_section_points_at_the_body(make_repo):
    body = SECTIONS.replace("## Timeline\n- 09:12 alert fired\n", "")
    found, result = lint(make_repo, incident_text(body))
    assert found == [(9, "missing-section")]
    assert "Timeline" in result.json()["findings"][0]["message"]


def test_sections_match_case_insensitively_and_with_extra_words(make_repo):
    body = SECTIONS.replace("## Timeline", "## TIMELINE (all times CET)").replace(
        "## Impact", "## impact"
    )
    found, _ = lint(make_repo, incident_text(body))
    assert found == []


def test_headings_inside_code_fences_do_not_count(make_repo):
    body = SECTIONS.replace("## Timeline\n- 09:12 alert fired\n", "```\n## Timeline\n```\n")
    found, _ = lint(make_repo, incident_text(body))
    assert found == [(9, "missing-section")]


def test_rules_can_be_disabled_or_downgraded(make_repo):
    body = SECTIONS.replace("## Timeline\n- 09:12 alert fired\n", "")
    config = "rules: {missing-section: warning, id-filename: off}\n"  # unquoted off: YAML false
    repo = make_repo({"INC-2026-0001-x.md": incident_text(body)}, config=config)
    repo.write("INC-2026-0005-wrong-name.md", incident_text(id="INC-2026-0004"))
    result = repo.run("validate", "--format", "json", "--now", NOW)
    assert [(f["rule"], f["level"]) for f in result.json()["findings"]] == [
        ("missing-section", "warning")
    ]
    assert result.code == 0
