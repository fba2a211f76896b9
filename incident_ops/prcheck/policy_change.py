"""`policy-and-status`: a PR that changes the policies or `incident-ops.yaml` must not also
move an incident's status.

pr-check takes everything that decides the gate from the base revision, so a policy
change cannot weaken the PR that carries it. Mixing the two still hides a rule change
inside an incident's review (and head's policy does check head's files' schema and
references): the policy goes in a pull request of its own, reviewed as such, then the
incident. A gate, like `closure-approval`: `rules:` cannot switch it off.
"""

from __future__ import annotations

from collections.abc import Iterable

from incident_ops.finding import Finding
from incident_ops.prcheck.transitions import Transition

RULE = "policy-and-status"


def moves_status(t: Transition) -> bool:
    """An existing incident's status changes, or the PR closes one (added as closed too)."""
    return (t.old is not None and t.old != t.new) or t.closes


def policy_status_findings(transitions: Iterable[Transition], changed: list[str]
                           ) -> list[Finding]:  # fmt: skip
    """An error on the `status:` line of every status the PR moves, when it changes `changed`."""
    if not changed:
        return []
    files = ", ".join(changed)
    found = []
    for t in transitions:
        if moves_status(t):
            message = (
                f"this pull request changes {files} and moves {t.incident or t.path} "
                f"{t.old or 'new'} → {t.new}: change the policy in its own pull request, "
                "then the incident"
            )
            found.append(Finding(t.path, t.line, 1, RULE, "error", message, t.incident))
    return found
