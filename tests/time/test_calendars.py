"""Business-time calendars: parsing, holidays and hand-computed deadlines.

Every expected instant below was worked out by hand from the calendar's rules; the
comment on each row gives the reasoning.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from incident_ops.domain.durations import Duration, parse_duration
from incident_ops.policy.calendars import MIDNIGHT, Calendar, parse_days, parse_hours

BERLIN = Calendar.build(
    "default", "Europe/Berlin", "mon-fri", "09:00-18:00", country="DE", dates=[date(2026, 12, 24)]
)
LUNCH = Calendar.build("lunch", "Europe/Berlin", "mon-fri", "09:00-12:00,13:00-18:00", country="DE")
ALL_DAY = Calendar.build("noc", "Europe/Berlin", "mon-sun", "00:00-24:00")
NEW_YORK = Calendar.build("ny", "America/New_York", "mon-fri", "09:00-17:00", country="US")
BOSTON = Calendar.build("boston", "America/New_York", "mon-fri", "09:00-17:00", "US", subdiv="MA")
SEOUL = Calendar.build("seoul", "Asia/Seoul", "mon-fri", "09:00-18:00", country="KR")
CALENDARS = {c.name: c for c in (BERLIN, LUNCH, ALL_DAY, NEW_YORK, BOSTON, SEOUL)}

CASES = [
    # --- wall-clock units: exact elapsed time, result shown in the calendar's zone
    ("default", "2026-03-28T23:00:00+01:00", "4h", "2026-03-29T04:00:00+02:00"),  # spring fwd
    ("default", "2026-10-25T00:30:00+02:00", "4h", "2026-10-25T03:30:00+01:00"),  # fall back
    ("ny", "2026-03-08T00:00:00-05:00", "4h", "2026-03-08T05:00:00-04:00"),  # spring fwd
    ("ny", "2026-11-01T00:00:00-04:00", "4h", "2026-11-01T03:00:00-05:00"),  # fall back
    ("default", "2026-06-01T12:00:00+00:00", "15m", "2026-06-01T14:15:00+02:00"),  # UTC in
    ("default", "2026-06-06T12:00:00+02:00", "1d", "2026-06-07T12:00:00+02:00"),  # weekend ok
    # --- business hours, Berlin 09-18 Mon-Fri
    ("default", "2026-06-01T10:00:00+02:00", "2bh", "2026-06-01T12:00:00+02:00"),  # plain
    ("default", "2026-06-01T07:00:00+02:00", "1bh", "2026-06-01T10:00:00+02:00"),  # before
    ("default", "2026-06-01T19:00:00+02:00", "1bh", "2026-06-02T10:00:00+02:00"),  # after
    ("default", "2026-06-01T09:00:00+02:00", "9bh", "2026-06-01T18:00:00+02:00"),  # at start
    ("default", "2026-06-01T18:00:00+02:00", "1bh", "2026-06-02T10:00:00+02:00"),  # at end
    ("default", "2026-06-01T18:00:00+02:00", "0bh", "2026-06-01T18:00:00+02:00"),  # 0 at end
    ("default", "2026-06-01T11:17:00+02:00", "0bh", "2026-06-01T11:17:00+02:00"),  # 0 inside
    ("default", "2026-06-06T12:00:00+02:00", "0bh", "2026-06-08T09:00:00+02:00"),  # 0 on Sat
    ("default", "2026-06-05T17:00:00+02:00", "2bh", "2026-06-08T10:00:00+02:00"),  # Fri->Mon
    ("default", "2026-06-01T08:00:00+00:00", "1bh", "2026-06-01T11:00:00+02:00"),  # 10:00 local
    # Wed 23 Dec: 1h left; 24 Dec (extra date), 25 Dec (Fri), 26-27 weekend -> Mon 28 Dec.
    ("default", "2026-12-23T17:00:00+01:00", "2bh", "2026-12-28T10:00:00+01:00"),
    # 5bd = 45bh: 1h on 23 Dec, 9h on each of 28-31 Dec (37h), 1 Jan holiday, 2-3 Jan
    # weekend, 8h on Mon 4 Jan -> 17:00.
    ("default", "2026-12-23T17:00:00+01:00", "5bd", "2027-01-04T17:00:00+01:00"),
    # Year boundary: Wed 31 Dec 2025, 1h left; 1 Jan 2026 (Thu) holiday -> Fri 2 Jan 10:00.
    ("default", "2025-12-31T17:00:00+01:00", "2bh", "2026-01-02T10:00:00+01:00"),
    # DST in Berlin over the weekend: working hours stay 09-18 local on both sides.
    ("default", "2026-03-27T17:00:00+01:00", "2bh", "2026-03-30T10:00:00+02:00"),
    ("default", "2026-10-23T17:00:00+02:00", "2bh", "2026-10-26T10:00:00+01:00"),
    # 1000bh = 111 days x 9h + 1h -> 10:00 on the 112th working day from Mon 5 Jan 2026.
    # Weekday holidays on the way: 3 Apr, 6 Apr, 1 May, 14 May, 25 May -> 117 weekdays =
    # 23 weeks (up to Fri 12 Jun) + 2 days -> Tue 16 Jun.
    ("default", "2026-01-05T09:00:00+01:00", "1000bh", "2026-06-16T10:00:00+02:00"),
    # --- a day with every hour working: business time is real elapsed time, so the 23-hour
    # spring-forward Sunday holds 23 working hours and 24bh (= 1bd) ends at 01:00 Monday.
    ("noc", "2026-03-29T00:00:00+01:00", "24bh", "2026-03-30T01:00:00+02:00"),
    ("noc", "2026-03-29T00:00:00+01:00", "1bd", "2026-03-30T01:00:00+02:00"),
    ("noc", "2026-10-25T00:00:00+02:00", "24bh", "2026-10-25T23:00:00+01:00"),  # 25h day
    ("noc", "2026-06-06T23:30:00+02:00", "1bh", "2026-06-07T00:30:00+02:00"),  # over midnight
    # --- New York 09-17: DST weekends
    ("ny", "2026-03-06T16:00:00-05:00", "2bh", "2026-03-09T10:00:00-04:00"),
    ("ny", "2026-10-30T16:30:00-04:00", "1bh", "2026-11-02T09:30:00-05:00"),
    # --- US subdivision: Patriots' Day, Mon 20 Apr 2026, is a holiday in MA only.
    ("boston", "2026-04-17T16:00:00-04:00", "2bh", "2026-04-21T10:00:00-04:00"),
    ("ny", "2026-04-17T16:00:00-04:00", "2bh", "2026-04-20T10:00:00-04:00"),
    # --- Seoul: Chuseok 24-26 Sep 2026 (Thu-Sat), so Wed 17:00 + 2bh -> Mon 28 Sep 10:00.
    ("seoul", "2026-09-23T17:00:00+09:00", "2bh", "2026-09-28T10:00:00+09:00"),
    ("seoul", "2026-09-23T08:00:00+00:00", "2bh", "2026-09-28T10:00:00+09:00"),  # same in UTC
    # Seollal 16-18 Feb 2026 (Mon-Wed): Fri 13 Feb 17:00 + 1bd (9h) = 1h + 8h on Thu 19 Feb.
    ("seoul", "2026-02-13T17:00:00+09:00", "1bd", "2026-02-19T17:00:00+09:00"),
    # --- lunch break 12-13: 8 working hours a day
    ("lunch", "2026-06-01T11:00:00+02:00", "2bh", "2026-06-01T14:00:00+02:00"),
    ("lunch", "2026-06-01T12:30:00+02:00", "1bh", "2026-06-01T14:00:00+02:00"),  # in break
    ("lunch", "2026-06-01T09:00:00+02:00", "3bh", "2026-06-01T12:00:00+02:00"),  # at end
    ("lunch", "2026-06-01T10:00:00+02:00", "1bd", "2026-06-02T10:00:00+02:00"),  # 1bd = 8h
    ("lunch", "2026-06-01T12:30:00+02:00", "0bh", "2026-06-01T13:00:00+02:00"),  # 0 in break
]


@pytest.mark.parametrize(("calendar", "start", "duration", "expected"), CASES)
def test_add_hand_computed(calendar: str, start: str, duration: str, expected: str) -> None:
    cal = CALENDARS[calendar]
    result = cal.add(datetime.fromisoformat(start), parse_duration(duration))
    assert result.isoformat() == expected
    assert result.tzinfo is cal.tz


@pytest.mark.parametrize(("calendar", "start", "duration", "expected"), CASES)
def test_working_minutes_between_inverts_business_add(
    calendar: str, start: str, duration: str, expected: str
) -> None:
    cal, parsed = CALENDARS[calendar], parse_duration(duration)
    if not parsed.business:
        return
    minutes = cal.business_minutes(parsed)
    begin, end = datetime.fromisoformat(start), datetime.fromisoformat(expected)
    assert cal.working_minutes_between(begin, end) == minutes
    assert cal.working_minutes_between(end, begin) == -minutes


def test_holidays_and_working_time() -> None:
    assert BERLIN.is_holiday(date(2026, 12, 24))  # extra date
    assert BERLIN.is_holiday(date(2026, 12, 25)) and BERLIN.is_holiday(date(2026, 12, 26))
    assert BERLIN.is_holiday(date(2031, 12, 25))  # later years load lazily
    assert not BERLIN.is_holiday(date(2026, 12, 23))
    assert not BERLIN.is_working_day(date(2026, 6, 6))  # Saturday
    assert BERLIN.is_working_day(date(2026, 6, 5))
    assert SEOUL.is_holiday(date(2026, 9, 25)) and SEOUL.is_holiday(date(2026, 2, 17))
    assert BOSTON.is_holiday(date(2026, 4, 20)) and not NEW_YORK.is_holiday(date(2026, 4, 20))
    assert not ALL_DAY.is_holiday(date(2026, 12, 25))
    at = datetime.fromisoformat
    assert BERLIN.is_working_time(at("2026-06-01T09:00:00+02:00"))
    assert BERLIN.is_working_time(at("2026-06-01T15:59:00+00:00"))  # 17:59 local
    assert not BERLIN.is_working_time(at("2026-06-01T16:00:00+00:00"))  # 18:00 local
    assert not BERLIN.is_working_time(at("2026-06-01T08:59:59+02:00"))
    assert not BERLIN.is_working_time(at("2026-12-24T10:00:00+01:00"))
    assert not LUNCH.is_working_time(at("2026-06-01T12:30:00+02:00"))
    assert ALL_DAY.is_working_time(at("2026-03-29T03:30:00+02:00"))
    with pytest.raises(ValueError, match="no timezone offset"):
        BERLIN.is_working_time(datetime(2026, 6, 1, 10))


def test_calendar_facts() -> None:
    assert BERLIN.working_minutes_per_day == 540
    assert LUNCH.working_minutes_per_day == 480
    assert ALL_DAY.working_minutes_per_day == 1440
    assert BERLIN.timezone == "Europe/Berlin"
    assert BERLIN.business_minutes(parse_duration("2bd")) == 1080
    with pytest.raises(ValueError, match="wall-clock"):
        BERLIN.business_minutes(parse_duration("2h"))
    again = Calendar.build(
        "default", "Europe/Berlin", ["mon-fri"], "09:00-18:00", "de", dates=["2026-12-24"]
    )
    assert again == BERLIN and hash(again) == hash(BERLIN)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"timezone": "Mars/Olympus_Mons"}, "unknown timezone 'Mars/Olympus_Mons'"),
        ({"timezone": ""}, "unknown timezone ''"),
        ({"timezone": "../etc/passwd"}, "unknown timezone"),
        ({"country": "XX"}, "unknown holiday country/subdivision: Country XX"),
        ({"country": "US", "subdiv": "ZZ"}, "unknown holiday country/subdivision: .*ZZ"),
        ({"subdiv": "BY"}, "subdivision 'BY' needs a country"),
        ({"country": 49}, "bad holiday country 49"),
        ({"country": "DE", "subdiv": ["BY"]}, "bad holiday country 'DE' / subdivision"),
        ({"dates": ["24.12.2026"]}, "bad holiday date '24.12.2026'"),
        ({"dates": [datetime(2026, 12, 24)]}, "bad holiday date"),
        ({"days": ""}, "bad days"),
        ({"hours": "9-18"}, "bad hours"),
    ],
)
def test_build_rejects(kwargs: dict[str, object], message: str) -> None:
    args: dict[str, object] = {
        "name": "x",
        "timezone": "Europe/Berlin",
        "days": "mon-fri",
        "hours": "09:00-18:00",
    }
    with pytest.raises(ValueError, match=message):
        Calendar.build(**(args | kwargs))  # type: ignore[arg-type]


def test_calendar_without_working_time_does_not_loop() -> None:
    mondays = [date(2026, 1, 5) + timedelta(weeks=n) for n in range(52 * 4)]
    cal = Calendar.build("never", "UTC", "mon", "09:00-18:00", dates=mondays)
    with pytest.raises(ValueError, match="'never' has no working time"):
        cal.add(datetime(2026, 1, 1, tzinfo=UTC), parse_duration("1bh"))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("mon-fri", {0, 1, 2, 3, 4}),
        ("mon-sat", {0, 1, 2, 3, 4, 5}),
        ("sun-thu", {6, 0, 1, 2, 3}),
        ("fri-mon", {4, 5, 6, 0}),
        ("mon,wed,fri", {0, 2, 4}),
        (" Mon - Wed , Sat ", {0, 1, 2, 5}),
        (["monday", "Tue", "sun"], {0, 1, 6}),
        (["mon-tue", "thu"], {0, 1, 3}),
        ("wed", {2}),
        ("mon-sun", set(range(7))),
    ],
)
def test_parse_days(value: str | list[str], expected: set[int]) -> None:
    assert parse_days(value) == frozenset(expected)


@pytest.mark.parametrize("value", ["", "mon-", "funday", "mon-fri-sat", "mon;fri", [], [1], 5])
def test_parse_days_rejects(value: object) -> None:
    with pytest.raises(ValueError, match=r"^bad days .*mon\.\.sun"):
        parse_days(value)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("09:00-18:00", ((time(9), time(18)),)),
        ("9:30-17:45", ((time(9, 30), time(17, 45)),)),
        ("09:00-12:00,13:00-18:00", ((time(9), time(12)), (time(13), time(18)))),
        (["08:00-12:00", "12:00-16:00"], ((time(8), time(12)), (time(12), time(16)))),
        ("00:00-24:00", ((time(0), MIDNIGHT),)),
        (" 22:00 - 24:00 ", ((time(22), MIDNIGHT),)),
    ],
)
def test_parse_hours(value: str | list[str], expected: tuple[tuple[time, time], ...]) -> None:
    assert parse_hours(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "HH:MM-HH:MM"),
        ("09:00", "is not a range"),
        ("9-18", "bad time '9'"),
        ("09:00-25:00", "bad time '25:00'"),
        ("09:60-10:00", "bad time '09:60'"),
        ("24:00-24:00", "must end after it starts"),
        ("18:00-09:00", "must end after it starts"),
        ("09:00-09:00", "must end after it starts"),
        ("09:00-13:00,12:00-18:00", "in order and not overlap"),
        ("13:00-18:00,09:00-12:00", "in order and not overlap"),
        ("09:00-12:00,", "is not a range"),
        (9, "HH:MM-HH:MM"),
    ],
)
def test_parse_hours_rejects(value: object, message: str) -> None:
    with pytest.raises(ValueError, match=f"^bad hours .*{message}"):
        parse_hours(value)  # type: ignore[arg-type]


# --- properties -------------------------------------------------------------------------

STARTS = st.datetimes(
    datetime(2025, 6, 1), datetime(2028, 1, 1), timezones=st.sampled_from([UTC, BERLIN.tz])
)
NAMES = st.sampled_from(sorted(CALENDARS))


def _at_period_end(cal: Calendar, moment: datetime) -> bool:
    return cal.is_working_time(moment - timedelta(microseconds=1))


@settings(max_examples=200, deadline=None)
@given(NAMES, STARTS, st.integers(0, 60), st.integers(0, 60), st.sampled_from(["bh", "bd"]))
def test_business_add_is_monotonic(name: str, start: datetime, x: int, y: int, unit: str) -> None:
    cal = CALENDARS[name]
    low, high = sorted((x, y))
    assert cal.add(start, Duration(low, unit)) <= cal.add(start, Duration(high, unit))  # type: ignore[arg-type]


@settings(max_examples=200, deadline=None)
@given(NAMES, STARTS, st.integers(0, 40), st.integers(0, 40))
def test_business_hours_compose(name: str, start: datetime, x: int, y: int) -> None:
    cal = CALENDARS[name]
    first = cal.add(start, Duration(x, "bh"))
    assert cal.add(start, Duration(x + y, "bh")) == cal.add(first, Duration(y, "bh"))


@settings(max_examples=200, deadline=None)
@given(NAMES, STARTS, st.integers(0, 100), st.sampled_from(["bh", "bd"]))
def test_business_result_lands_in_working_time(
    name: str, start: datetime, amount: int, unit: str
) -> None:
    cal = CALENDARS[name]
    duration = Duration(amount, unit)  # type: ignore[arg-type]
    result = cal.add(start, duration)
    assert result >= start
    assert result.tzinfo is cal.tz
    assert cal.is_working_time(result) or _at_period_end(cal, result)
    assert cal.working_minutes_between(start, result) == cal.business_minutes(duration)


@settings(max_examples=200, deadline=None)
@given(NAMES, STARTS, st.integers(0, 100_000), st.sampled_from(["m", "h", "d"]))
def test_wall_clock_add_is_timedelta_in_utc(
    name: str, start: datetime, amount: int, unit: str
) -> None:
    duration = Duration(amount, unit)  # type: ignore[arg-type]
    result = CALENDARS[name].add(start, duration)
    assert result.astimezone(UTC) == start.astimezone(UTC) + timedelta(minutes=duration.minutes)
