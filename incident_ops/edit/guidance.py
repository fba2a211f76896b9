"""How to fix a refused `close`: for each closure finding, the field layout to write or
the command to run, and which team approvals the closing pull request will still need.

A refusal that only says "closed without a root_cause" sends the commander to SPEC; this
says `root_cause: {category: …, summary: …}`, lists the categories the model accepts,
the escalations still missing and the `rca_approvers` of the severity.
"""

from __future__ import annotations

import re
from typing import get_args

from incident_ops.domain.incident import Incident, RootCauseCategory
from incident_ops.finding import Finding
from incident_ops.policy.classify import required_departments
from incident_ops.policy.load import Policy

ROOT_CAUSE_CATEGORIES: tuple[str, ...] = get_args(RootCauseCategory)
_ID = re.compile(r"\b[A-Z]+-\d{4}-\d{4,}\b")


def _unwritten(findings: list[Finding], rule: str) -> bool:
    return any(f.rule == rule and "section" in f.message for f in findings)


def close_hints(incident: Incident, findings: list[Finding], policy: Policy) -> list[str]:
    """One line per thing to do, in the order of the closure rules."""
    rules = {f.rule for f in findings}
    iid, hints = incident.id, []
    if "closure-rca" in rules:
        cause = incident.root_cause
        if cause is None or cause.category == "unknown":
            known = ", ".join(c for c in ROOT_CAUSE_CATEGORIES if c != "unknown")
            hints.append(
                f"set `root_cause: {{category: CATEGORY, summary: …}}` (CATEGORY one of {known}), "
                f'e.g. incident-ops root-cause {iid} --category configuration --summary "…"'
            )
        if _unwritten(findings, "closure-rca"):
            hints.append("write the '## Root cause analysis' section (more than TODO or hints)")
    if "closure-prevention" in rules:
        if not incident.actions:
            departments = ", ".join(sorted(policy.model.departments))
            hints.append(
                'add prevention actions: `actions: [{id: A1, title: …, owner: "@login", '
                f"department: DEPT, due: YYYY-MM-DD}}]` (DEPT one of {departments}), e.g. "
                f'incident-ops action add {iid} --title "…" --owner @login --department DEPT '
                "--due YYYY-MM-DD"
            )
        for i, action in enumerate(incident.actions):
            missing = [
                '`owner: "@login"`' if action.owner is None else "",
                "`due: YYYY-MM-DD`" if action.due is None else "",
            ]
            if any(missing):
                hints.append(
                    f"give action {action.id} (actions[{i}]) "
                    + " and ".join(m for m in missing if m)
                )
        if _unwritten(findings, "closure-prevention"):
            hints.append("write the '## Prevention plan' section (more than TODO or hints)")
    if "closure-follow-up" in rules:
        hints.append(
            "record the final customer update, after resolved_at: incident-ops update "
            f'{iid} --audience customers --channel email --summary "…" --final'
        )
    if "closure-recurrence" in rules:
        earlier = sorted(
            {i for f in findings if f.rule == "closure-recurrence" for i in _ID.findall(f.message)}
            - {iid}
        )
        names = ", ".join(earlier)
        hints.append(
            f"it recurs {names}: list it in `related: [{names}]` and say in '## Prevention "
            "plan' why its prevention did not hold, naming it there"
        )
    if "closure-departments" in rules:
        engaged = {e.department for e in incident.escalations}
        for department in required_departments(incident, policy):
            if department not in engaged:
                hints.append(f"engage {department}: incident-ops escalate {iid} --department "
                             f"{department} --at WHEN")  # fmt: skip
    return hints


def approvals_note(incident: Incident, policy: Policy) -> str | None:
    """Which teams must approve the pull request that closes the incident (pr-check)."""
    severity = policy.severity(incident.severity)
    teams = list(severity.rca_approvers) if severity else []
    if not teams:
        return None
    return (
        "the pull request that closes it needs an approving review from a member of each of: "
        f"{', '.join(teams)} (rca_approvers of {incident.severity})"
    )


def refusal(incident: Incident, findings: list[Finding], policy: Policy) -> str:
    """The text after the listed findings of a refused close."""
    lines = [f"\n  - {hint}" for hint in close_hints(incident, findings, policy)]
    text = "\nTo close it:" + "".join(lines) if lines else ""
    note = approvals_note(incident, policy)
    return text + (f"\nThen {note}." if note else "")
