"""The closure-approval gate: who approved the head commit, and which teams still must.

GitHub's own rule decides whose review counts: per reviewer, the latest review that is
not a comment (COMMENTED and PENDING do not change a reviewer's verdict; DISMISSED and
CHANGES_REQUESTED cancel an earlier approval). An approval counts only when it was given
on the PR's head commit, so a push after the approval needs a fresh one.

The teams come from the policy at the *base* revision and from the severity both before
and after the PR, so a PR can neither weaken its own gate nor dodge it by downgrading.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from incident_ops.finding import Finding
from incident_ops.policy.load import Policy
from incident_ops.prcheck.transitions import Transition

RULE = "closure-approval"
NEUTRAL = frozenset({"COMMENTED", "PENDING"})


@dataclass(frozen=True)
class Review:
    """One submitted review as the API lists it (oldest first)."""

    user: str
    state: str
    commit_id: str | None
    submitted_at: datetime | None = None


class ApprovalSource(Protocol):
    """Where reviews and team members come from (GitHub in production)."""

    head_sha: str

    def reviews(self) -> list[Review]: ...

    def team_members(self, team: str) -> frozenset[str]: ...


def current_approvers(reviews: Iterable[Review], head_sha: str) -> frozenset[str]:
    """Logins (lower-cased) whose latest non-comment review approves `head_sha`.

    `reviews` must be oldest first, as GitHub lists them.
    """
    latest: dict[str, Review] = {}
    for review in reviews:
        if review.state not in NEUTRAL:
            latest[review.user.lower()] = review
    return frozenset(
        user
        for user, review in latest.items()
        if review.state == "APPROVED" and review.commit_id == head_sha
    )


def required_teams(t: Transition, policy: Policy) -> list[str]:
    """`rca_approvers` of the incident's severity before and after the PR, in policy order."""
    teams: list[str] = []
    for name in (t.old_severity, t.new_severity):
        severity = policy.severity(name) if name else None
        if severity is not None:
            teams += [team for team in severity.rca_approvers if team not in teams]
    return teams


@dataclass
class Gate:
    """One closing incident: the teams it needs, who approved for each, what is missing."""

    transition: Transition
    teams: list[str]
    approved_by: dict[str, list[str]] = field(default_factory=dict)  # team -> approvers
    unverified: str | None = None  # why approvals could not be read

    @property
    def missing(self) -> list[str]:
        return [team for team in self.teams if not self.approved_by.get(team)]

    @property
    def passed(self) -> bool:
        return self.unverified is None and not self.missing


def evaluate(
    closing: list[Transition],
    policy: Policy,
    source: Callable[[], ApprovalSource | str],
) -> list[Gate]:
    """A Gate per closing incident; `source` is called only when some team must approve.

    `source` returns the approval source, or a sentence saying why there is none (no token,
    no PR number): the gate then fails instead of passing silently.
    """
    gates = [Gate(t, required_teams(t, policy)) for t in closing]
    needy = [gate for gate in gates if gate.teams]
    if not needy:
        return gates
    found = source()
    if isinstance(found, str):
        for gate in needy:
            gate.unverified = found
        return gates
    approvers = current_approvers(found.reviews(), found.head_sha)
    for gate in needy:
        for team in gate.teams:
            members = found.team_members(team) if approvers else frozenset()
            gate.approved_by[team] = sorted(approvers & members)
    return gates


def gate_findings(gates: Iterable[Gate]) -> list[Finding]:
    """A `closure-approval` error on the `status:` line of every gate that did not pass.

    The rule ignores `rules:` in incident-ops.yaml: that file is part of the PR, and a PR
    must not switch off its own gate. Drop `rca_approvers` from the policy instead.
    """
    found: list[Finding] = []
    for gate in gates:
        if gate.passed:
            continue
        t = gate.transition
        what = t.incident or t.path
        if gate.unverified is not None:
            message = (
                f"closing {what} needs an approving review from each of {', '.join(gate.teams)}, "
                f"but approvals could not be verified: {gate.unverified}"
            )
        else:
            message = (
                f"closing {what} needs an approving review on the PR's head commit from a member "
                f"of each of {', '.join(gate.teams)}; missing: {', '.join(gate.missing)}"
            )
        found.append(Finding(t.path, t.line, 1, RULE, "error", message, t.incident))
    return found
