"""Who is in the record: GitHub logins written as SPEC writes handles, `"@erin"`, and
the names of customers and services.

A bare login (`erin`, from a command line or a comment's author) gets its `@`; anything
that is not a login (spaces, control characters, an e-mail address) is refused, so a
handle is always something GitHub can notify and a terminal can print.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from incident_ops.errors import IncidentOpsError

# A GitHub login (letters, digits, hyphens; 39 at most), an app's `name[bot]`, or a team
# `org/team-slug`.
_LOGIN = re.compile(r"@?([A-Za-z0-9][A-Za-z0-9-]{0,38}(?:\[bot\]|/[A-Za-z0-9][\w.-]*)?)")


def login(text: str, option: str = "login") -> str:
    """`@login` from `login` or `@login`; an IncidentOpsError (exit 2) for anything else."""
    found = _LOGIN.fullmatch(text.strip())
    if found is None:
        raise IncidentOpsError(
            f"{option}: {text!r} is not a GitHub login (e.g. @erin, erin or @acme/sre-leads)"
        )
    return f"@{found.group(1)}"


def handle(text: str, option: str = "login") -> Any:
    """`login(text)` as a double-quoted YAML scalar (a plain `@` cannot start a scalar)."""
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    return DoubleQuotedScalarString(login(text, option))


def names(values: Sequence[str], option: str) -> list[str]:
    """Customer or service names: each stripped, none empty or holding a control
    character, each kept once, in order."""
    found: list[str] = []
    for value in values:
        name = value.strip()
        if not name or not name.isprintable():
            raise IncidentOpsError(f"{option}: {value!r} is not a name")
        if name not in found:
            found.append(name)
    return found
