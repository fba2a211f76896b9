"""The incident lifecycle of SPEC §3: order of statuses, legal moves, needed timestamps."""

from __future__ import annotations

ORDER = ("reported", "acknowledged", "investigating", "mitigated", "resolved", "closed")
RANK = {status: rank for rank, status in enumerate(ORDER)}
REOPEN = ("resolved", "investigating")


def can_transition(old: str, new: str) -> bool:
    """Forward (skipping allowed), to cancelled, or the one reopen `resolved → investigating`."""
    if old == new or new == "cancelled":
        return True
    if old == "cancelled":
        return False
    return RANK[new] > RANK[old] or (old, new) == REOPEN


def needed_timestamps(status: str) -> tuple[str, ...]:
    """Timestamps a status requires; closed implies resolved, mitigation may be implied."""
    if status == "cancelled" or status == "reported":
        return ()
    needed = ["acknowledged_at"]
    if status == "mitigated":
        needed.append("mitigated_at")
    if RANK[status] >= RANK["resolved"]:
        needed.append("resolved_at")
    if status == "closed":
        needed.append("closed_at")
    return tuple(needed)


def reached(status: str, milestone: str) -> bool:
    """Whether `status` is at or past `milestone` along the lifecycle (cancelled never is)."""
    if status == "cancelled":
        return milestone == "cancelled"
    return milestone in RANK and RANK[status] >= RANK[milestone]
