"""The timestamp and date forms files may hold, parsed strictly (SPEC §3).

YAML's core schema (1.2) has no timestamp type, so timestamps reach the models as text
and are parsed here — the same forms the JSON Schema accepts (`format: date-time` with
the pattern below), so an editor and `validate` agree on every value:

- a timestamp is RFC 3339's `date-time`: `2026-11-20T09:12:00+01:00`, seconds required,
  an optional fraction (`09:12:00.5`), `T` (or `t`) between date and time, and an offset
  `Z`/`z` or `±HH:MM`. A space for `T`, `T9:12`, `+01`, `+0100` and a missing offset are
  refused: each is read differently by some tool, and a missing offset is a guess;
- a date is `YYYY-MM-DD`.

Digits are ASCII only (`[0-9]`, never `\\d`, which matches any script's digits).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import PlainValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

_DATE = r"[0-9]{4}-(?:0[1-9]|1[0-2])-[0-9]{2}"
_TIME = r"(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]+)?"
_OFFSET = r"(?:[Zz]|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])"
TIMESTAMP_PATTERN = f"^{_DATE}[Tt]{_TIME}{_OFFSET}$"
DATE_PATTERN = f"^{_DATE}$"
_TIMESTAMP = re.compile(f"{_DATE}[Tt]{_TIME}{_OFFSET}\\Z")
_NAIVE = re.compile(f"{_DATE}[Tt]{_TIME}\\Z")
_DATE_ONLY = re.compile(f"{_DATE}\\Z")
TIMESTAMP_EXAMPLE = "2026-11-20T09:12:00+01:00"
DATE_EXAMPLE = "2026-12-05"


class TimestampError(ValueError):
    """Text that is not an RFC 3339 timestamp; `naive` when only the offset is missing."""

    def __init__(self, text: str, naive: bool = False) -> None:
        super().__init__(f"{text!r} is not a timestamp with an offset")
        self.naive = naive


def parse_timestamp(text: str) -> datetime:
    """An aware datetime from RFC 3339 text; anything else is a TimestampError."""
    if _TIMESTAMP.match(text) is None:
        raise TimestampError(text, naive=_NAIVE.match(text) is not None)
    try:
        # The pattern fixed the shape; fromisoformat (C) builds the value and checks the
        # day of the month. It wants upper-case T and Z.
        return datetime.fromisoformat(text if text.isupper() else text.upper())
    except ValueError:
        raise TimestampError(text) from None


def parse_date(text: str) -> date:
    """A date from `YYYY-MM-DD` text; anything else is a ValueError."""
    if _DATE_ONLY.match(text) is None:
        raise ValueError(f"{text!r} is not a date")
    return date.fromisoformat(text)


def suggestion(text: str) -> str | None:
    """The RFC 3339 spelling of a near miss (`2026-11-20 09:12+01:00`), if it has an offset."""
    try:
        value = datetime.fromisoformat(text.strip().replace(" ", "T", 1))
    except ValueError:
        return None
    if value.tzinfo is None or value.utcoffset() is None:
        return None
    return value.isoformat(timespec="seconds" if not value.microsecond else "auto")


def _timestamp(value: Any) -> datetime:
    if isinstance(value, str):
        try:
            return parse_timestamp(value)
        except TimestampError as error:
            kind = "timestamp_naive" if error.naive else "timestamp_type"
            raise PydanticCustomError(kind, "not a timestamp with an offset") from None
    if isinstance(value, datetime) and value.utcoffset() is not None:
        return value  # built in code (editing, tests): already a value, not text
    raise PydanticCustomError("timestamp_type", "not a timestamp with an offset")


def _date(value: Any) -> date:
    if isinstance(value, str):
        try:
            return parse_date(value)
        except ValueError:
            pass
    elif isinstance(value, date) and not isinstance(value, datetime):
        return value
    raise PydanticCustomError("date_type", "not a date")


TIMESTAMP_SCHEMA: dict[str, Any] = {
    "type": "string",
    "format": "date-time",
    "pattern": TIMESTAMP_PATTERN,
    "examples": [TIMESTAMP_EXAMPLE],
}
DATE_SCHEMA: dict[str, Any] = {
    "type": "string",
    "format": "date",
    "pattern": DATE_PATTERN,
    "examples": [DATE_EXAMPLE],
}
Timestamp = Annotated[datetime, PlainValidator(_timestamp), WithJsonSchema(TIMESTAMP_SCHEMA)]
"""An aware datetime written as RFC 3339 text (or given as an aware datetime in code)."""
Date = Annotated[date, PlainValidator(_date), WithJsonSchema(DATE_SCHEMA)]
"""A calendar date written as `YYYY-MM-DD`."""
