"""The on-disk holiday store: same answers as the `holidays` package, which a warm run skips."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date

import pytest

from incident_ops.policy.calendars import Calendar
from incident_ops.policy.holidaystore import HolidayStore
from tests.helpers import incident_text


def _calendar(store: HolidayStore) -> Calendar:
    return Calendar.build("default", "Europe/Berlin", "mon-fri", "09:00-18:00", "DE", "BE",
                          store=store)  # fmt: skip


def test_dates_are_remembered_and_reread(tmp_path):
    path = str(tmp_path / "holidays.json")
    first = _calendar(HolidayStore(path))
    assert first.is_holiday(date(2026, 12, 25)) and not first.is_holiday(date(2026, 12, 23))
    assert first.is_holiday(date(2026, 3, 8))  # International Women's Day: Berlin only
    saved = json.loads((tmp_path / "holidays.json").read_text())
    assert "2026-12-25" in saved["years"]["DE/BE"]["2026"] and saved["valid"] == ["DE/BE"]
    again = _calendar(HolidayStore(path))
    assert again.is_holiday(date(2026, 12, 25)) and again.is_holiday(date(2026, 3, 8))


@pytest.mark.parametrize(
    "garbage",
    ["", "{not json", "[]", '{"format": 1, "package": "0.0", "valid": [], "years": {}}',
     '{"format": 1, "valid": "x", "years": 3}'],
)  # fmt: skip
def test_a_corrupt_or_foreign_file_is_ignored(tmp_path, garbage):
    path = tmp_path / "holidays.json"
    path.write_text(garbage)
    assert _calendar(HolidayStore(str(path))).is_holiday(date(2026, 12, 25))


def test_tampered_dates_are_recomputed(tmp_path):
    store = HolidayStore(str(tmp_path / "h.json"))
    store.valid.add("DE/BE")
    store.years["DE/BE"] = {"2026": ["not-a-date"]}
    assert _calendar(store).is_holiday(date(2026, 12, 25))


def test_an_unknown_country_is_still_refused(tmp_path):
    with pytest.raises(ValueError, match="unknown holiday country"):
        Calendar.build("x", "UTC", "mon-fri", "09:00-17:00", "XX", store=HolidayStore())


def test_a_warm_validate_never_imports_the_holidays_package(make_repo):
    repo = make_repo({"INC-2026-0001-x.md": incident_text()})
    code = (
        "import sys; from incident_ops.cli import main; "
        "main(['validate', '--now', '2026-11-23T12:00:00+01:00']); "
        "print('HOLIDAYS' if 'holidays' in sys.modules else 'NONE')"
    )
    run = [sys.executable, "-c", code]
    cold = subprocess.run(run, cwd=repo.root, capture_output=True, text=True, check=False)
    assert cold.stdout.strip().endswith("HOLIDAYS")  # first run fills .incident-ops/holidays.json
    warm = subprocess.run(run, cwd=repo.root, capture_output=True, text=True, check=False)
    assert warm.stdout.strip().endswith("NONE"), warm.stdout + warm.stderr
