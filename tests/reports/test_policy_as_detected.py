"""Past incidents are graded by the policies in effect when they were detected."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import SPEC_POLICY, GitRepo, front_matter, incident

GRADED_AT = "2026-11-25T12:00:00+01:00"  # the --now: after the policy got stricter (11-24)
FRONT = front_matter(severity="SEV2") + (
    "escalations:\n  - {department: management, at: 2026-11-20T09:37:00+01:00}\n"
)


def _commit(root: Path, message: str, when: str) -> None:
    GitRepo(root).commit(message, when)


def _escalation_state(repo, *extra: str) -> tuple[str, str]:
    result = repo.run("deadlines", "--format", "json", "--now", GRADED_AT, *extra).json()
    incident_ = result["incidents"][0]
    state = next(o["state"] for o in incident_["obligations"] if o["kind"] == "escalate")
    return state, result["graded"]


def test_a_stricter_policy_today_does_not_regrade_the_past(make_repo):
    repo = make_repo({}, policy=SPEC_POLICY)
    _commit(repo.root, "policies", "2026-11-01T10:00:00+01:00")
    repo.write("INC-2026-0001-billing.md", incident(FRONT))
    _commit(repo.root, "incident", "2026-11-20T10:00:00+01:00")
    stricter = SPEC_POLICY.replace("    department: management\n    within: 30m\n",
                                   "    department: management\n    within: 20m\n")  # fmt: skip
    assert stricter != SPEC_POLICY
    (repo.root / "policies" / "policy.yaml").write_text(stricter, encoding="utf-8")
    _commit(repo.root, "stricter escalation", "2026-11-24T10:00:00+01:00")

    state, graded = _escalation_state(repo)
    assert state == "met"  # 25 minutes: on time under the 30m rule in force at detection
    assert "1 by commit" in graded and "--policy current" in graded
    state, graded = _escalation_state(repo, "--policy", "current")
    assert state == "met-late"  # re-graded on purpose by today's 20m rule
    assert graded == "Graded by the current policies (--policy current)."

    stats = repo.run("stats", "--now", GRADED_AT, "--format", "json").json()
    assert stats["obligations"]["escalate"]["met"] == 1 and stats["policy"] == "as-detected"
    current = repo.run(
        "stats", "--now", GRADED_AT, "--format", "json", "--policy", "current"
    ).json()
    assert current["obligations"]["escalate"]["met-late"] == 1
    assert (
        "Graded by the policies in effect at detection"
        in repo.run("report", "--now", GRADED_AT).out
    )


def test_an_incident_older_than_the_policies_is_graded_by_the_current_ones(make_repo):
    repo = make_repo({"INC-2026-0001-billing.md": incident(FRONT)}, policy=SPEC_POLICY)
    _commit(repo.root, "all", "2026-11-24T10:00:00+01:00")  # after the detection
    state, graded = _escalation_state(repo)
    assert state == "met"
    assert graded == "Graded by the policies in effect at detection: the current ones."
