"""Public holidays by country, remembered on disk so most runs never import `holidays`.

Importing the `holidays` package and building a country's table costs ~0.2 s — more
than the rest of a single-file `validate`. The dates of a (country, subdivision, year)
never change for a given package version, so they are kept in `holidays.json` in the
repository's cache folder (keyed by that version) and the package is imported only on a
miss. The file is an optimisation: unreadable, corrupt or foreign → ignored and rewritten.
"""

from __future__ import annotations

import json
import os
from datetime import date
from functools import cache
from typing import Any

FORMAT = 1


@cache
def package_version() -> str:
    """The installed `holidays` version, read from its metadata (no package import)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("holidays")
    except PackageNotFoundError:  # pragma: no cover - a dependency of ours
        return "unknown"


def _key(country: str, subdiv: str | int | None) -> str:
    return f"{country}/{'' if subdiv is None else subdiv}"


class HolidayStore:
    """Known-valid country/subdivision pairs and their holiday dates per year."""

    def __init__(self, path: str | None = None) -> None:
        self.path = path
        self.valid: set[str] = set()
        self.years: dict[str, dict[str, list[str]]] = {}
        if path:
            self._load(path)

    def _load(self, path: str) -> None:
        try:
            with open(path, encoding="utf-8") as handle:
                data: Any = json.load(handle)
        except (OSError, ValueError):
            return
        if (
            not isinstance(data, dict)
            or data.get("format") != FORMAT
            or data.get("package") != package_version()
            or not isinstance(data.get("valid"), list)
            or not isinstance(data.get("years"), dict)
        ):
            return
        self.valid = {v for v in data["valid"] if isinstance(v, str)}
        self.years = {
            key: {y: days for y, days in years.items() if isinstance(days, list)}
            for key, years in data["years"].items()
            if isinstance(years, dict)
        }

    def _save(self) -> None:
        if not self.path:
            return
        data = {"format": FORMAT, "package": package_version(), "valid": sorted(self.valid)}
        data["years"] = self.years
        from incident_ops.workspace.atomic import write_atomic  # tempfile: only when writing
        from incident_ops.workspace.cachedir import prepare

        try:
            prepare(os.path.dirname(self.path))
            write_atomic(self.path, json.dumps(data))
        except OSError:
            return  # a read-only checkout still works, just slower

    def check(self, country: str, subdiv: str | int | None) -> None:
        """Raise ValueError for a country/subdivision the `holidays` package does not know."""
        if _key(country, subdiv) in self.valid:
            return
        _table(country, subdiv)
        self.valid.add(_key(country, subdiv))
        self._save()

    def dates(self, country: str, subdiv: str | int | None, year: int) -> frozenset[date]:
        """The public holidays of one year."""
        years = self.years.setdefault(_key(country, subdiv), {})
        days = years.get(str(year))
        if days is None:
            table = _table(country, subdiv, year)
            days = sorted(d.isoformat() for d in table if d.year == year)
            years[str(year)] = days
            self._save()
        try:
            return frozenset(date.fromisoformat(d) for d in days)
        except (TypeError, ValueError):  # a tampered file: recompute this year
            del years[str(year)]
            return self.dates(country, subdiv, year)


def _table(country: str, subdiv: str | int | None, year: int | None = None) -> Any:
    import holidays

    try:
        sub = None if subdiv is None else str(subdiv)
        return holidays.country_holidays(country, subdiv=sub, years=year)
    except NotImplementedError as exc:
        raise ValueError(f"unknown holiday country/subdivision: {exc}") from exc


class HolidayDates:
    """`day in dates` for one country/subdivision, loading each year once."""

    def __init__(self, store: HolidayStore, country: str, subdiv: str | int | None) -> None:
        self.store, self.country, self.subdiv = store, country, subdiv
        self._years: dict[int, frozenset[date]] = {}

    def __contains__(self, day: object) -> bool:
        if not isinstance(day, date):
            return False
        year = self._years.get(day.year)
        if year is None:
            year = self._years[day.year] = self.store.dates(self.country, self.subdiv, day.year)
        return day in year


MEMORY = HolidayStore()  # calendars built without a repository: no file, same behaviour
