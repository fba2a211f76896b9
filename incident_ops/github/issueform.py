"""Declaring an incident from a GitHub issue form, for people who do not use Git.

The customer-support desk opens an issue with the form `.github/ISSUE_TEMPLATE/incident.yml`;
the `incident-declare` workflow runs `incident-ops new --pr --from-issue "$GITHUB_EVENT_PATH"`,
which reads the issue again from the API (never trusting the event's copy), checks that its
author may triage the repository, turns the form's answers into `new`'s options — all of
them untrusted text, checked by `new` exactly as typed options are, never passed through a
shell — declares the incident as its pull request and links it on the issue. Running it
again for the same issue finds the pull request it opened (a hidden mark in its body) and
declares nothing new.

GitHub renders a form's answers as `### <label>` sections; the labels below are the keys,
so an adapted form keeps them (dropdown options follow the policies: severities,
categories).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

LABELS = {
    "severity": "severity",
    "category": "category",
    "affected services": "services",
    "affected customers": "customers",
    "detected at": "detected_at",
    "how was it detected?": "source",
    "incident commander": "commander",
}
NO_RESPONSE = "_No response_"
DECLARERS = ("triage", "write", "maintain", "admin")  # roles that may declare from an issue
_HEADING = re.compile(r"^###[ \t]+(.+?)[ \t]*$", re.M)


@dataclass(frozen=True)
class Form:
    """The answers of an incident form, by `new` option name ("" when left empty)."""

    values: dict[str, str] = field(default_factory=dict)

    def get(self, name: str) -> str:
        return self.values.get(name, "")

    def names(self, name: str) -> list[str]:
        """A comma- or line-separated list answer."""
        return [part.strip() for part in re.split(r"[,\n]", self.get(name)) if part.strip()]


def parse_form(body: str) -> Form:
    """The answers under the known `### label` headings of an issue form's body."""
    values: dict[str, str] = {}
    found = list(_HEADING.finditer(body))
    for n, heading in enumerate(found):
        end = found[n + 1].start() if n + 1 < len(found) else len(body)
        name = LABELS.get(heading.group(1).strip().lower())
        if name is None:
            continue
        answer = body[heading.end() : end].strip()
        values[name] = "" if answer == NO_RESPONSE else answer
    return Form(values)
