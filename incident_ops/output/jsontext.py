"""JSON as the commands print it: indented for a person, compact (C encoder) for a pipe."""

from __future__ import annotations

import json
import sys
from typing import Any


def dumps(document: Any) -> str:
    """Indented on a terminal; one line otherwise — `indent` forces Python's slow encoder,
    which costs seconds on 10,000 incidents."""
    indent = 2 if sys.stdout.isatty() else None
    return json.dumps(document, ensure_ascii=False, indent=indent)
