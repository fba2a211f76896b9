"""`incident-ops.yaml` is checked when it loads: strict values, durations included."""

from __future__ import annotations

import pytest

from tests.helpers import MINIMAL, incident


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ("incidents: incidents\nhistory_tolerance: soon\n",
         "incident-ops.yaml:2: history_tolerance: 'soon' is not a wall-clock duration; "
         "write N followed by m, h or d (e.g. 30m, 1h, 2d)"),
        ("history_tolerance: 5bd\n",  # business time: no calendar to count it in
         "incident-ops.yaml:1: history_tolerance: '5bd' is not a wall-clock duration"),
        ("history_tolerance: 60\n",
         "incident-ops.yaml:1: history_tolerance: 60 is a whole number, not text"),
        ("rules: {recurrence: false}\n",  # YAML 1.2: only the text `off` switches a rule off
         "incident-ops.yaml:1: rules.recurrence: false is not allowed"),
    ],
)  # fmt: skip
def test_a_bad_config_value_is_refused_at_load(make_repo, config, expected):
    repo = make_repo({"INC-2026-0001-x.md": incident(MINIMAL)}, config=config)
    result = repo.run("validate")
    assert result.code == 2
    assert expected in result.err
    assert "Traceback" not in result.err


def test_wall_clock_tolerances_and_unquoted_off_load(make_repo):
    config = "history_tolerance: 90m\nrules: {recurrence: off, missing-section: off}\n"
    repo = make_repo({"INC-2026-0001-x.md": incident(MINIMAL)}, config=config)
    result = repo.run("validate", "--now", "2026-11-20T09:13:00+01:00")
    assert result.code == 0, result.out + result.err
