"""Instants given on the command line (`--now`, `--at`)."""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo

import click

from incident_ops.errors import IncidentOpsError

CLOCK_SKEW = timedelta(minutes=5)
"""How far ahead of this machine's clock an event time may lie (another machine's clock)."""


def parse_instant(text: str | None, default_tz: tzinfo, option: str = "--now") -> datetime:
    """An aware datetime; a naive value is read in `default_tz`; None means now."""
    if text is None:
        return datetime.now(default_tz).replace(microsecond=0)
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise click.BadParameter(
            f"{text!r} is not an ISO 8601 time such as 2026-11-20T12:00:00+01:00",
            param_hint=option,
        ) from None
    return value if value.tzinfo else value.replace(tzinfo=default_tz)


def not_in_future(at: datetime, now: datetime, what: str = "--at") -> datetime:
    """`at` (seconds precision) when it is not after `now` (beyond CLOCK_SKEW): events
    are recorded when they have happened."""
    if at - now > CLOCK_SKEW:
        raise IncidentOpsError(
            f"{what} {at.isoformat()} is in the future (now is {now.isoformat()}); "
            "record events when they have happened"
        )
    return at.replace(microsecond=0)
