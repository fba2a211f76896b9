"""Parsing of policy durations and exact wall-clock addition."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from incident_ops.domain.durations import Duration, parse_duration, wall_clock_add

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")


@pytest.mark.parametrize(
    ("text", "amount", "unit", "business", "canonical"),
    [
        ("15m", 15, "m", False, "15m"),
        ("4h", 4, "h", False, "4h"),
        ("2d", 2, "d", False, "2d"),
        ("8bh", 8, "bh", True, "8bh"),
        ("5bd", 5, "bd", True, "5bd"),
        ("0m", 0, "m", False, "0m"),
        ("  30m\n", 30, "m", False, "30m"),
        ("007h", 7, "h", False, "7h"),
    ],
)
def test_parse_duration(text: str, amount: int, unit: str, business: bool, canonical: str) -> None:
    duration = parse_duration(text)
    assert duration == Duration(amount, unit)  # type: ignore[arg-type]
    assert duration.business is business
    assert str(duration) == canonical
    assert parse_duration(str(duration)) == duration


@pytest.mark.parametrize(
    "text",
    [
        "soon",
        "1.5h",
        "-1h",
        "+1h",
        "15",
        "",
        "   ",
        "h",
        "15 m",
        "15M",
        "1w",
        "15mm",
        "1h30m",
        "bd",
        "٣h",
        "15s",
    ],
)
def test_parse_duration_rejects_bad_text(text: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_duration(text)
    message = str(info.value)
    assert message.startswith(f"bad duration {text!r}: ")
    assert "use N followed by m, h, d, bh or bd (e.g. 15m, 4h, 5bd)" in message


@pytest.mark.parametrize("value", [15, 1.5, None, True, ["15m"]])
def test_parse_duration_rejects_non_strings(value: object) -> None:
    with pytest.raises(ValueError, match=r"bad duration .*use N followed by m, h, d, bh or bd"):
        parse_duration(value)  # type: ignore[arg-type]


def test_parse_duration_rejects_huge_amount() -> None:
    with pytest.raises(ValueError, match="larger than 100000"):
        parse_duration("100001m")
    assert parse_duration("100000d").amount == 100_000


def test_minutes_of_wall_clock_units() -> None:
    assert parse_duration("15m").minutes == 15
    assert parse_duration("4h").minutes == 240
    assert parse_duration("2d").minutes == 2880
    assert parse_duration("2d").as_timedelta() == timedelta(days=2)


@pytest.mark.parametrize("text", ["8bh", "5bd"])
def test_business_units_have_no_fixed_minutes(text: str) -> None:
    with pytest.raises(ValueError, match="depends on a calendar"):
        _ = parse_duration(text).minutes


def test_duration_constructor_validates() -> None:
    with pytest.raises(ValueError, match="unit"):
        Duration(1, "w")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="0 to 100000"):
        Duration(-1, "m")
    with pytest.raises(ValueError, match="integer"):
        Duration(1.5, "h")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("start", "text", "expected"),
    [
        # Berlin spring forward 2026-03-29 01:00 UTC: 23:00 CET + 4 real hours = 04:00 CEST.
        (datetime(2026, 3, 28, 23, 0, tzinfo=BERLIN), "4h", "2026-03-29T04:00:00+02:00"),
        # Berlin fall back 2026-10-25 01:00 UTC: 00:30 CEST + 4 real hours = 03:30 CET.
        (datetime(2026, 10, 25, 0, 30, tzinfo=BERLIN), "4h", "2026-10-25T03:30:00+01:00"),
        # New York spring forward 2026-03-08 07:00 UTC: 00:00 EST + 4h = 05:00 EDT.
        (datetime(2026, 3, 8, 0, 0, tzinfo=NEW_YORK), "4h", "2026-03-08T05:00:00-04:00"),
        # New York fall back 2026-11-01 06:00 UTC: 00:00 EDT + 4h = 03:00 EST.
        (datetime(2026, 11, 1, 0, 0, tzinfo=NEW_YORK), "4h", "2026-11-01T03:00:00-05:00"),
        # 1d is 24 real hours, so across spring forward the local clock moves on by 25.
        (datetime(2026, 3, 28, 10, 0, tzinfo=BERLIN), "1d", "2026-03-29T11:00:00+02:00"),
        # A fixed offset stays a fixed offset.
        (
            datetime(2026, 5, 1, 23, 50, tzinfo=timezone(timedelta(hours=5))),
            "15m",
            "2026-05-02T00:05:00+05:00",
        ),
    ],
)
def test_wall_clock_add_across_dst(start: datetime, text: str, expected: str) -> None:
    assert wall_clock_add(start, parse_duration(text)).isoformat() == expected


def test_wall_clock_add_refuses_business_and_naive() -> None:
    with pytest.raises(ValueError, match="needs a calendar"):
        wall_clock_add(datetime(2026, 1, 1, tzinfo=UTC), parse_duration("1bh"))
    with pytest.raises(ValueError, match="no timezone offset"):
        wall_clock_add(datetime(2026, 1, 1), parse_duration("1h"))


def test_wall_clock_add_out_of_range_is_value_error() -> None:
    with pytest.raises(ValueError, match="out of range"):
        wall_clock_add(datetime(9999, 12, 31, tzinfo=UTC), parse_duration("2d"))


ZONES = st.sampled_from(
    [UTC, BERLIN, NEW_YORK, ZoneInfo("Asia/Seoul"), ZoneInfo("Australia/Lord_Howe")]
)


@settings(max_examples=200, deadline=None)
@given(
    start=st.datetimes(datetime(2000, 1, 1), datetime(2040, 1, 1), timezones=ZONES),
    amount=st.integers(0, 100_000),
    unit=st.sampled_from(["m", "h", "d"]),
)
def test_wall_clock_add_is_elapsed_time_in_utc(start: datetime, amount: int, unit: str) -> None:
    duration = Duration(amount, unit)  # type: ignore[arg-type]
    end = wall_clock_add(start, duration)
    assert end.tzinfo is start.tzinfo
    assert end.astimezone(UTC) - start.astimezone(UTC) == timedelta(minutes=duration.minutes)
