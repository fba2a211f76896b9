"""Hidden markers: how the sweep finds its own issues and comments again.

A marker is an HTML comment GitHub does not render, e.g.
`<!-- incident-ops:INC-2026-0042:department:platform -->`. Titles are for humans and
may be edited; search is eventually consistent; the marker in the body is the identity.
A marker counts only where the bot's own identity wrote it (see `sweep`): anyone who can
comment can paste one.

The bot's issue body also records the markers of the comments posted on it, in one hidden
block after the text, so a sweep need not list comments to know what it said already (an
action issue's block also says whether the bot last synced the action as finished,
`…:action:A1:closed`, see `sweep`):

    <!-- incident-ops:posted
    incident-ops:INC-2026-0042:breach:escalate:executives
    -->
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


def lapsed(incident_id: str, dept: str) -> str:
    """The comment closing the issue of an escalation tier that is no longer needed."""
    return key(incident_id, "lapsed", dept)


def recurred(incident_id: str, action_id: str, later_id: str) -> str:
    """The comment on an open action's issue: incident `later_id` repeats this one."""
    return key(incident_id, "action", action_id, "recurred", later_id)


def synced_closed(action_marker: str) -> str:
    """In an action issue's record: the bot last saw the issue and the file agree that
    the action is finished (closed). Absent: they last agreed that it is open."""
    return f"{action_marker}:closed"


def html(marker_key: str) -> str:
    """The marker as it is written into a body."""
    return f"<!-- {marker_key} -->"


def found_in(body: str | None) -> list[str]:
    """Every marker key in a body, in order of appearance."""
    return _MARKER.findall(body or "")


def found_in_all(bodies: list[str]) -> list[str]:
    """Every marker key in several bodies (an issue's comments)."""
    return [key for body in bodies for key in found_in(body)]


# ---- the record of posted markers, kept in the bot's own issue body ----------------------
POSTED = f"{PREFIX}:posted"
_POSTED = re.compile(r"<!--\s*incident-ops:posted\s(.*?)-->", re.DOTALL)


def posted_block(keys: set[str]) -> str:
    """The hidden block listing the marker keys of the comments posted on an issue."""
    return "\n".join([f"<!-- {POSTED}", *sorted(keys), "-->"])


def posted_in(body: str | None) -> set[str]:
    """The marker keys a body's record block(s) list (trust it only in the bot's issue)."""
    blocks = _POSTED.findall(body or "")
    return {k for block in blocks for k in block.split() if k.startswith(PREFIX + ":")}


def with_posted(body: str, keys: set[str]) -> str:
    """`body` followed by the record of `keys` (none: the body alone)."""
    return f"{body}\n\n{posted_block(keys)}" if keys else body
