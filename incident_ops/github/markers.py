"""Hidden markers: how the sweep finds its own issues and comments again.

A marker is an HTML comment GitHub does not render, e.g.
`<!-- incident-ops:INC-2026-0042:department:platform -->`. Titles are for humans and
may be edited; search is eventually consistent; the marker in the body is the identity.
A marker counts only where the bot's own identity wrote it (see `sweep`): anyone who can
comment can paste one.
"""

from __future__ import annotations

import re

PREFIX = "incident-ops"
_MARKER = re.compile(r"<!--\s*(incident-ops:[^\s>]+)\s*-->")


def key(incident_id: str, *parts: str) -> str:
    """The identity `incident-ops:ID:part:part` (without the comment brackets)."""
    return ":".join((PREFIX, incident_id, *parts))


def department(incident_id: str, dept: str) -> str:
    return key(incident_id, "department", dept)


def action(incident_id: str, action_id: str) -> str:
    return key(incident_id, "action", action_id)


def breach(incident_id: str, kind: str, *qualifiers: str) -> str:
    return key(incident_id, "breach", kind, *qualifiers)


def closed(incident_id: str) -> str:
    return key(incident_id, "closed")


def html(marker_key: str) -> str:
    """The marker as it is written into a body."""
    return f"<!-- {marker_key} -->"


def found_in(body: str | None) -> list[str]:
    """Every marker key in a body, in order of appearance."""
    return _MARKER.findall(body or "")


def found_in_all(bodies: list[str]) -> list[str]:
    """Every marker key in several bodies (an issue's comments)."""
    return [key for body in bodies for key in found_in(body)]
