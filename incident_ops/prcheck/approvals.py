"""The approval gates: who approved what, and which teams still must.

A gate is one thing a PR does that a person must approve: closing an incident
(`closure-approval`), removing an incident's record (`record-removed`), adding a waiver
(`waiver-approval`). Each names the teams that must approve (the `rca_approvers` of the
incident's severity in the *base* revision's policy, before and after the PR, so a PR can
neither weaken its own gate nor dodge it by downgrading) and the files whose content the
approval is about.

GitHub's own rule decides whose review counts: per reviewer, the latest review that is
not a comment (COMMENTED and PENDING do not change a reviewer's verdict; DISMISSED and
CHANGES_REQUESTED cancel an earlier approval). An approval counts when the gate's files,
the policies and `incident-ops.yaml` at the approved commit are byte-identical to the
head's: merging unrelated changes (an up-to-date branch) keeps it, any change to what
was approved voids it. Approvals that do not count are named with the reason.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from incident_ops.finding import Finding
from incident_ops.policy.load import Policy

NEUTRAL = frozenset({"COMMENTED", "PENDING"})
ANYONE = "any reviewer"  # the "team" of a gate whose severity names no approvers
FETCH_HINT = "fetch the full history, fetch-depth: 0"


@dataclass(frozen=True)
class Review:
    """One submitted review as the API lists it (oldest first)."""

    user: str
    state: str
    commit_id: str | None
    submitted_at: datetime | None = None


class ApprovalSource(Protocol):
    """Where reviews and team members come from (GitHub in production)."""

    def reviews(self) -> list[Review]: ...

    def team_members(self, team: str) -> frozenset[str]: ...


@dataclass(frozen=True)
class Mismatch:
    """Why an approval on another commit does not count: `path` differs there, or (None)
    the commit cannot be read in this clone."""

    path: str | None


# (approved commit, the gate's files) -> None when the approval counts, else why not.
SameContent = Callable[[str | None, tuple[str, ...]], Mismatch | None]


@dataclass(frozen=True)
class Void:
    """An approval by a relevant reviewer that does not count, and why."""

    user: str
    commit: str | None
    mismatch: Mismatch

    def text(self, code: bool = False) -> str:
        where = f"approved {self.commit[:7]}" if self.commit else "approved"
        if self.commit is None:
            why = "but GitHub names no commit for it"
        elif self.mismatch.path is None:
            why = f"but that commit is not in the local clone: {FETCH_HINT}"
        else:
            path = f"`{self.mismatch.path}`" if code else self.mismatch.path
            why = f"but {path} differs there"
        return f"@{self.user} {where}, {why}"


def latest_approvals(reviews: Iterable[Review]) -> dict[str, str | None]:
    """{login (lower-cased): approved commit} of reviewers whose latest non-comment
    review approves. `reviews` must be oldest first, as GitHub lists them."""
    latest: dict[str, Review] = {}
    for review in reviews:
        if review.state not in NEUTRAL:
            latest[review.user.lower()] = review
    return {user: review.commit_id for user, review in latest.items() if review.state == "APPROVED"}


def required_teams(severities: Iterable[str | None], policy: Policy) -> list[str]:
    """`rca_approvers` of the given severities (before and after the PR), in policy order."""
    teams: list[str] = []
    for name in severities:
        severity = policy.severity(name) if name else None
        if severity is not None:
            teams += [team for team in severity.rca_approvers if team not in teams]
    return teams


@dataclass
class Gate:
    """One thing the PR does that needs approval: the teams, who approved, what is missing.

    `anyone`: the severity names no team, yet a person must approve (removals): any
    approving review counts.
    """

    rule: str
    action: str  # "closing INC-2026-0001", "removing INC-2026-0001 (… deleted)"
    path: str
    line: int
    incident: str | None
    teams: list[str]
    paths: tuple[str, ...]  # the files the approval is about (compared byte for byte)
    anyone: bool = False
    approved_by: dict[str, list[str]] = field(default_factory=dict)  # team -> approvers
    voided: dict[str, list[Void]] = field(default_factory=dict)  # team -> approvals not counted
    unverified: str | None = None  # why approvals could not be read

    @property
    def needs(self) -> list[str]:
        """The teams to hear from (ANYONE for a gate open to any reviewer)."""
        return [ANYONE] if self.anyone and not self.teams else self.teams

    @property
    def missing(self) -> list[str]:
        return [team for team in self.needs if not self.approved_by.get(team)]

    @property
    def passed(self) -> bool:
        return not self.needs or (self.unverified is None and not self.missing)


def evaluate(gates: list[Gate], source: Callable[[], ApprovalSource | str], same: SameContent
             ) -> list[Gate]:  # fmt: skip
    """Fill in every gate's approvals; `source` is called only when some team must approve.

    `source` returns the approval source, or a sentence saying why there is none (no token,
    no PR number): the gate then fails instead of passing silently.
    """
    needy = [gate for gate in gates if gate.needs]
    if not needy:
        return gates
    found = source()
    if isinstance(found, str):
        for gate in needy:
            gate.unverified = found
        return gates
    approvals = latest_approvals(found.reviews())
    for gate in needy:
        verdicts = {user: same(commit, gate.paths) for user, commit in approvals.items()}
        for team in gate.needs:
            members = approvals.keys() if team == ANYONE else _members(found, team, approvals)
            gate.approved_by[team] = sorted(u for u in members if verdicts[u] is None)
            gate.voided[team] = [
                Void(user, approvals[user], mismatch)
                for user in sorted(members)
                if (mismatch := verdicts[user]) is not None
            ]
    return gates


def _members(found: ApprovalSource, team: str, approvals: dict[str, str | None]) -> set[str]:
    """The approvers who belong to `team` (the team is read only when someone approved)."""
    if not approvals:
        return set()
    return set(approvals) & found.team_members(team)


def void_notes(gate: Gate, team: str, code: bool = False) -> str:
    """' (…)' naming the approvals by the team's members that do not count, or ''."""
    voided = gate.voided.get(team) or []
    return f" ({'; '.join(v.text(code) for v in voided)})" if voided else ""


def _who(gate: Gate) -> str:
    if not gate.teams:
        return "an approving review from someone (its severity names no rca_approvers)"
    return f"an approving review from a member of each of {', '.join(gate.teams)}"


def gate_findings(gates: Iterable[Gate]) -> list[Finding]:
    """An error of the gate's rule on its line for every gate that did not pass.

    Gates ignore `rules:` in incident-ops.yaml: a PR must not switch off its own gate,
    and the base branch's policy already says who must approve (drop `rca_approvers`
    there, in a pull request of its own, to need no approval for closing).
    """
    found: list[Finding] = []
    for gate in gates:
        if gate.passed:
            continue
        if gate.unverified is not None:
            message = (
                f"{gate.action} needs {_who(gate)}, "
                f"but approvals could not be verified: {gate.unverified}"
            )
        else:
            missing = ", ".join(team + void_notes(gate, team) for team in gate.missing)
            message = f"{gate.action} needs {_who(gate)}; missing: {missing}"
        found.append(Finding(gate.path, gate.line, 1, gate.rule, "error", message, gate.incident))
    return found
