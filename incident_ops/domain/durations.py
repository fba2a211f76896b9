"""Policy durations (`15m`, `4h`, `2d`, `8bh`, `5bd`) and wall-clock arithmetic.

Durations are parsed once, when policies load, so a typo such as `1.5h` or `soon`
becomes a clear policy error instead of a wrong deadline later. Business units need a
calendar to mean anything; their arithmetic lives in `incident_ops.policy.calendars`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal, get_args

Unit = Literal["m", "h", "d", "bh", "bd"]

WALL_CLOCK_MINUTES: dict[str, int] = {"m": 1, "h": 60, "d": 24 * 60}
MAX_AMOUNT = 100_000
"""Far beyond any sensible policy; keeps business-time walks and datetimes in range."""

_PATTERN = re.compile(r"([0-9]+)(m|h|d|bh|bd)")
_HINT = "use N followed by m, h, d, bh or bd (e.g. 15m, 4h, 5bd)"


@dataclass(frozen=True)
class Duration:
    """An amount of wall-clock (`m h d`) or business (`bh bd`) time."""

    amount: int
    unit: Unit

    def __post_init__(self) -> None:
        if self.unit not in get_args(Unit):
            raise ValueError(f"bad duration unit {self.unit!r}: {_HINT}")
        if isinstance(self.amount, bool) or not isinstance(self.amount, int):
            raise ValueError(f"bad duration amount {self.amount!r}: must be an integer")
        if not 0 <= self.amount <= MAX_AMOUNT:
            raise ValueError(f"bad duration amount {self.amount}: must be 0 to {MAX_AMOUNT}")

    @property
    def business(self) -> bool:
        """True for units that count only the working time of a calendar."""
        return self.unit in ("bh", "bd")

    @property
    def minutes(self) -> int:
        """Elapsed minutes of a wall-clock duration (`1d` is exactly 1440)."""
        if self.business:
            raise ValueError(f"{self} is business time: its length depends on a calendar")
        return self.amount * WALL_CLOCK_MINUTES[self.unit]

    def as_timedelta(self) -> timedelta:
        """The wall-clock duration as elapsed time."""
        return timedelta(minutes=self.minutes)

    def __str__(self) -> str:
        return f"{self.amount}{self.unit}"


def parse_duration(text: str) -> Duration:
    """Parse the policy text of a duration; anything but `N<unit>` is a ValueError.

    Only strings are accepted: a bare YAML number such as `15` has no unit and would be
    ambiguous, so it is refused with the same message as any other bad text.
    """
    match = _PATTERN.fullmatch(text.strip()) if isinstance(text, str) else None
    if match is None:
        raise ValueError(f"bad duration {text!r}: {_HINT}")
    amount = int(match.group(1))
    if amount > MAX_AMOUNT:
        raise ValueError(f"bad duration {text!r}: amount larger than {MAX_AMOUNT}")
    return Duration(amount, match.group(2))  # type: ignore[arg-type]


def require_aware(value: datetime, what: str = "time") -> None:
    """Refuse naive datetimes: every instant in incident-ops carries an offset."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{what} {value.isoformat()} has no timezone offset")


def wall_clock_add(start: datetime, duration: Duration) -> datetime:
    """Add exact elapsed time (computed in UTC) and return it in `start`'s timezone.

    `4h` across a DST change is four real hours, so the local clock may show 3 or 5
    hours later; `1d` is 24 real hours, not "same local time tomorrow".
    """
    require_aware(start, "start")
    if duration.business:
        raise ValueError(f"{duration} is business time and needs a calendar")
    try:
        end = start.astimezone(UTC) + duration.as_timedelta()
    except OverflowError as exc:
        raise ValueError(f"{start.isoformat()} + {duration} is out of range") from exc
    return end.astimezone(start.tzinfo)
