"""The one place that knows the tokens, and the one function that blanks them out of text.

A command that holds a token takes it with `token(environ)`, which remembers it. `scrub`
replaces every remembered value and the value of every token variable in the environment
(so the CLI's last line of defence knows them even when no command got that far), in the
forms a library may print them — as is, escaped (repr, JSON) and piece by piece — and then
anything shaped like a GitHub token (`ghp_…`, `ghs_…`, `github_pat_…`), whoever's it is.
It is applied where GitHub errors become messages (the sweep's client, pr-check's GitHub
source) and again at the CLI's error boundary.

Only the standard library: the CLI imports this on its error path, `validate` never.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping

MASK = "***"
TOKEN_VARIABLES = (
    "GITHUB_TOKEN",
    "GH_TOKEN",
    "GH_ENTERPRISE_TOKEN",
    "GITHUB_ENTERPRISE_TOKEN",
    "INCIDENT_OPS_SWEEP_TOKEN",
    "INCIDENT_OPS_TOKEN",
)
# Shorter values cannot be GitHub tokens; blanking them would blank out ordinary words.
MIN_LENGTH = 8
_SHAPES = re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{16,}|github_pat_[A-Za-z0-9_]{22,})")
_remembered: set[str] = set()


def token(environ: Mapping[str, str], name: str = "GITHUB_TOKEN") -> str:
    """The token in `environ[name]` (stripped; "" when unset), remembered for `scrub`."""
    value = (environ.get(name) or "").strip()
    remember(value)
    return value


def remember(value: str) -> None:
    """Treat `value` as a secret from now on (in this process)."""
    if value:
        _remembered.add(value)


def scrub(text: str) -> str:
    """`text` with every known token, and anything shaped like a GitHub token, as ***."""
    for secret in _forms():
        text = text.replace(secret, MASK)
    return _SHAPES.sub(MASK, text)


def _forms() -> list[str]:
    """Every printable form of every known secret, longest first (so parts go last)."""
    values = set(_remembered)
    values.update(os.environ.get(name, "") for name in TOKEN_VARIABLES)
    forms: set[str] = set()
    for value in values:
        escaped = (repr(value)[1:-1], json.dumps(value)[1:-1])
        for form in (value, value.strip(), *escaped, *value.split()):
            if len(form.strip()) >= MIN_LENGTH:
                forms.add(form)
    return sorted(forms, key=len, reverse=True)
