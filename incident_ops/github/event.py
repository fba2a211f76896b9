"""The event file of a GitHub Actions run (`GITHUB_EVENT_PATH`), read as untrusted input.

Only what the handlers need is taken from it — which repository, which issue or pull
request, which comment — and everything that decides anything (who wrote a comment, what
it says, whether a pull request is an incident's) is read again from the API. The file is
size-capped, a nesting too deep for the JSON reader is a clear error, and only a positive
integer (not `true`) counts as a number.
"""

from __future__ import annotations

import json
from typing import Any

from incident_ops.errors import IncidentOpsError

MAX_EVENT_BYTES = 32 << 20  # GitHub caps webhook payloads at 25 MB


def read_event(path: str, what: str = "the event file") -> dict[str, Any]:
    """The event as a JSON object; anything else is a clear error (exit 2)."""
    data = load_event(path, what)
    if not isinstance(data, dict):
        raise IncidentOpsError(f"cannot read {what} {path}: not a JSON object")
    return data


def load_event(path: str, what: str = "the event file") -> Any:
    """The JSON of an event file, size-capped; unreadable or too deep is a clear error."""
    problem = f"cannot read {what} {path}"
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_EVENT_BYTES + 1)
        if len(raw) > MAX_EVENT_BYTES:
            raise IncidentOpsError(f"{problem}: larger than {MAX_EVENT_BYTES >> 20} MiB")
        data = json.loads(raw.decode("utf-8"))
    except RecursionError:
        raise IncidentOpsError(f"{problem}: JSON nested too deeply") from None
    except (OSError, ValueError) as error:
        raise IncidentOpsError(f"{problem}: {error}") from None
    return data


def section(data: Any, key: str) -> dict[str, Any]:
    """`data[key]` when both are JSON objects, else {}."""
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, dict) else {}


def number(data: Any, key: str) -> int | None:
    """A positive integer at `data[key]` (bool is an int in Python: `true` is no number)."""
    value = data.get(key) if isinstance(data, dict) else None
    return value if type(value) is int and value > 0 else None


def text(data: Any, key: str) -> str:
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, str) else ""
