"""Working calendars and business-time arithmetic (`8bh`, `5bd`) for deadlines.

A calendar is a timezone, working weekdays, daily working hours and holidays (from the
`holidays` package by country/subdivision, plus extra dates). Business time is counted
as real elapsed time inside working periods; each period is built from local wall times
(fold=0) converted with zoneinfo, so 09:00-18:00 on a DST day is still 09:00-18:00
local. Sums walk period by period, never minute by minute.

Conventions:
- a working period is half-open [start, end): `is_working_time(18:00)` is False;
- a business deadline that uses up its last minute at a period end is that end (9bh
  from 09:00 is 18:00 the same day, not 09:00 the next working day);
- `add(t, 0bh)` is `t` inside a period (its end included, so that
  `add(add(a, x), 0bh) == add(a, x)`), else the start of the next period;
- `Nbd` is N x `working_minutes_per_day` of working time.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from incident_ops.domain.durations import Duration, require_aware, wall_clock_add
from incident_ops.policy.holidaystore import MEMORY, HolidayDates, HolidayStore

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
FULL_DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MAX_IDLE_DAYS = 3 * 366
"""A walk that finds no working period for this long gives up instead of looping."""

_ONE_DAY = timedelta(days=1)
MIDNIGHT = time(0, 0)
"""As the end of a range, MIDNIGHT means the end of the day (written `24:00`)."""

_DAYS_HINT = "use day names mon..sun, a range like mon-fri or sun-thu, or a list like mon,wed,fri"
_HOURS_HINT = "use HH:MM-HH:MM ranges, e.g. 09:00-18:00 or 09:00-12:00,13:00-18:00"
_CLOCK = re.compile(r"([0-9]{1,2}):([0-9]{2})")


def _day_index(name: str, value: object) -> int:
    key = name.strip().lower()
    for names in (DAY_NAMES, FULL_DAY_NAMES):
        if key in names:
            return names.index(key)
    raise ValueError(f"bad days {value!r}: unknown day {name.strip()!r}; {_DAYS_HINT}")


def parse_days(value: str | list[str]) -> frozenset[int]:
    """Parse working weekdays (0 = Monday); ranges may wrap around the week end."""
    if isinstance(value, str):
        items = value.split(",")
    elif isinstance(value, list) and all(isinstance(item, str) for item in value):
        items = value
    else:
        raise ValueError(f"bad days {value!r}: {_DAYS_HINT}")
    days: set[int] = set()
    for item in items:
        first, dash, last = item.partition("-")
        start = _day_index(first, value)
        end = _day_index(last, value) if dash else start
        days.update((start + offset) % 7 for offset in range((end - start) % 7 + 1))
    if not days:
        raise ValueError(f"bad days {value!r}: no working days; {_DAYS_HINT}")
    return frozenset(days)


def _minutes_of_day(text: str, value: object) -> int:
    match = _CLOCK.fullmatch(text.strip())
    hour, minute = (int(match.group(1)), int(match.group(2))) if match else (-1, 0)
    if not (0 <= hour <= 23 and minute <= 59) and (hour, minute) != (24, 0):
        raise ValueError(f"bad hours {value!r}: bad time {text.strip()!r}; {_HOURS_HINT}")
    return hour * 60 + minute


def _clock(minutes: int) -> time:
    return MIDNIGHT if minutes == 24 * 60 else time(minutes // 60, minutes % 60)


def _span(start: time, end: time) -> tuple[int, int]:
    """A range in minutes of the day, with an end of MIDNIGHT read as 24:00."""
    end_minutes = 24 * 60 if end == MIDNIGHT else end.hour * 60 + end.minute
    return start.hour * 60 + start.minute, end_minutes


def parse_hours(value: str | list[str]) -> tuple[tuple[time, time], ...]:
    """Parse daily working hours; `00:00-24:00` is the whole day (end stored as MIDNIGHT)."""
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        value = ",".join(value)
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"bad hours {value!r}: {_HOURS_HINT}")
    ranges: list[tuple[int, int]] = []
    for item in value.split(","):
        first, dash, last = item.partition("-")
        if not dash:
            raise ValueError(f"bad hours {value!r}: {item.strip()!r} is not a range; {_HOURS_HINT}")
        start, end = _minutes_of_day(first, value), _minutes_of_day(last, value)
        if start >= end:
            raise ValueError(f"bad hours {value!r}: {item.strip()!r} must end after it starts")
        if ranges and start < ranges[-1][1]:
            raise ValueError(f"bad hours {value!r}: ranges must be in order and not overlap")
        ranges.append((start, end))
    return tuple((_clock(start), _clock(end)) for start, end in ranges)


def _holiday_table(
    country: str | None, subdiv: str | int | None, store: HolidayStore
) -> HolidayDates | None:
    """Holiday dates of a country/subdivision (checked now, filled year by year on lookup)."""
    if country is None:
        if subdiv is not None:
            raise ValueError(f"holiday subdivision {subdiv!r} needs a country")
        return None
    if not isinstance(country, str) or not isinstance(subdiv, str | int | None):
        raise ValueError(f"bad holiday country {country!r} / subdivision {subdiv!r}")
    store.check(country, subdiv)
    return HolidayDates(store, country, subdiv)


def _as_date(value: date | str) -> date:
    if isinstance(value, datetime) or not isinstance(value, date | str):
        raise ValueError(f"bad holiday date {value!r}: use YYYY-MM-DD")
    try:
        return value if isinstance(value, date) else date.fromisoformat(value)
    except ValueError as exc:
        raise ValueError(f"bad holiday date {value!r}: use YYYY-MM-DD") from exc


@dataclass(frozen=True)
class Calendar:
    """Working time of one department or policy: build it with `Calendar.build`."""

    name: str
    tz: ZoneInfo
    days: frozenset[int]
    hours: tuple[tuple[time, time], ...]
    country: str | None = None
    subdiv: str | int | None = None
    dates: frozenset[date] = frozenset()
    _table: HolidayDates | None = field(default=None, compare=False, repr=False)
    # Each day's working periods, computed once: deadlines of 10,000 incidents ask for
    # the same few hundred days again and again (the calendar never changes).
    _days: dict[date, tuple[tuple[datetime, datetime], ...]] = field(
        default_factory=dict, compare=False, repr=False
    )

    @classmethod
    def build(
        cls,
        name: str,
        timezone: str,
        days: str | list[str],
        hours: str | list[str],
        country: str | None = None,
        subdiv: str | int | None = None,
        dates: Iterable[date | str] = (),
        store: HolidayStore = MEMORY,
    ) -> Calendar:
        """Validate every part and raise ValueError with a message fit for a policy error.

        `store` remembers holiday dates (on disk for a repository) so that most runs
        never import the `holidays` package.
        """
        try:
            tz = ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError, TypeError) as exc:
            raise ValueError(f"unknown timezone {timezone!r} (use an IANA name)") from exc
        country = country.upper() if isinstance(country, str) else country
        table = _holiday_table(country, subdiv, store)
        extra = frozenset(_as_date(value) for value in dates)
        return cls(name, tz, parse_days(days), parse_hours(hours), country, subdiv, extra, table)

    @property
    def timezone(self) -> str:
        """The IANA name of the calendar's timezone."""
        return self.tz.key

    @property
    def working_minutes_per_day(self) -> int:
        """Nominal working minutes of one working day (what `1bd` stands for)."""
        return sum(end - start for start, end in (_span(*hours) for hours in self.hours))

    def business_minutes(self, duration: Duration) -> int:
        """Working minutes a business duration asks for."""
        if duration.unit == "bh":
            return duration.amount * 60
        if duration.unit == "bd":
            return duration.amount * self.working_minutes_per_day
        raise ValueError(f"{duration} is wall-clock time, not business time")

    def is_holiday(self, day: date) -> bool:
        """True on a public holiday of the country/subdivision or an extra date."""
        return day in self.dates or (self._table is not None and day in self._table)

    def is_working_day(self, day: date) -> bool:
        """A working weekday that is not a holiday."""
        return day.weekday() in self.days and not self.is_holiday(day)

    def is_working_time(self, moment: datetime) -> bool:
        """True when `moment` (any offset) lies inside a working period."""
        require_aware(moment, "time")
        instant = moment.astimezone(UTC)
        local_day = instant.astimezone(self.tz).date()
        return any(start <= instant < end for start, end in self._periods_of(local_day))

    def add(self, start: datetime, duration: Duration) -> datetime:
        """The instant `duration` after `start`, in the calendar's timezone."""
        require_aware(start, "start")
        if not duration.business:
            return wall_clock_add(start, duration).astimezone(self.tz)
        remaining = timedelta(minutes=self.business_minutes(duration))
        instant = start.astimezone(UTC)
        # Day by day (each day's periods are remembered), not period by period through a
        # generator: deadlines of 10,000 incidents make this one of validate's hot loops.
        day, idle, periods_of = instant.astimezone(self.tz).date(), 0, self._periods_of
        while True:
            periods = periods_of(day)
            for period_start, period_end in periods:
                if period_end < instant or (period_end == instant and remaining):
                    continue
                begin = period_start if period_start > instant else instant
                if begin + remaining <= period_end:
                    return (begin + remaining).astimezone(self.tz)
                remaining -= period_end - begin
            idle = 0 if periods else idle + 1
            day = self._next_day(day, idle)

    def working_minutes_between(self, first: datetime, second: datetime) -> int:
        """Whole working minutes from `first` to `second` (negative when reversed)."""
        require_aware(first, "first")
        require_aware(second, "second")
        low, high = sorted((first.astimezone(UTC), second.astimezone(UTC)))
        total = timedelta()
        for period_start, period_end in self._periods_from(low):
            if period_start >= high:
                break
            total += max(timedelta(), min(period_end, high) - max(period_start, low))
        minutes = total // timedelta(minutes=1)
        return minutes if first <= second else -minutes

    def _periods_of(self, day: date) -> tuple[tuple[datetime, datetime], ...]:
        """The UTC bounds of a day's working periods (none on a non-working day)."""
        found = self._days.get(day)
        if found is None:
            found = self._days[day] = self._compute_periods(day)
        return found

    def _compute_periods(self, day: date) -> tuple[tuple[datetime, datetime], ...]:
        if not self.is_working_day(day):
            return ()
        periods = []
        for start, end in self.hours:
            end_day = day + timedelta(days=1) if end == MIDNIGHT else day
            begin = datetime.combine(day, start, self.tz).astimezone(UTC)
            finish = datetime.combine(end_day, end, self.tz).astimezone(UTC)
            if begin < finish:  # a range swallowed by a DST gap has no working time
                periods.append((begin, finish))
        return tuple(periods)

    def _periods_from(self, instant: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Working periods in order from the local day of `instant`, without end."""
        day = instant.astimezone(self.tz).date()
        idle = 0
        while True:
            periods = self._periods_of(day)
            yield from periods
            idle = 0 if periods else idle + 1
            day = self._next_day(day, idle)

    def _next_day(self, day: date, idle: int) -> date:
        """The day after `day`; a walk `idle` days without working time gives up."""
        if idle > MAX_IDLE_DAYS:
            raise ValueError(
                f"calendar {self.name!r} has no working time between"
                f" {day - timedelta(days=idle - 1)} and {day}"
            )
        try:
            return day + _ONE_DAY
        except OverflowError as exc:
            raise ValueError(f"calendar {self.name!r}: date out of range") from exc
