"""`incident-ops waive`: a waiver recorded with who, when and why; once."""

from __future__ import annotations

from tests.helpers import NOW, RepoFactory, incident

OPEN = incident("""
    id: INC-2026-0042
    title: Billing database unavailable
    status: investigating
    severity: SEV1
    category: service-failure
    detected_at: 2026-11-20T09:12:00+01:00
    acknowledged_at: 2026-11-20T09:20:00+01:00
    actions:
      - {id: A1, title: Alert, owner: "@carol", department: platform, due: 2026-12-05}
""")


def test_waive_appends_a_waiver_and_the_obligation_is_waived(make_repo: RepoFactory) -> None:
    repo = make_repo({"INC-2026-0042-billing.md": OPEN})
    args = ("waive", "INC-2026-0042", "escalate:management", "--reason", "in the bridge call",
            "--by", "dana", "--at", "2026-11-20T09:40:00+01:00", "--now", NOW)  # fmt: skip
    done = repo.run(*args)
    assert done.code == 0, done.err
    assert "escalate of management waived" in done.out
    assert "acme/sre-leads, acme/support-leads (waiver-approval)" in done.out
    text = (repo.root / "incidents/2026/INC-2026-0042-billing.md").read_text()
    assert "waivers:\n  - obligation: escalate\n    department: management\n" in text
    assert '    by: "@dana"\n    at: 2026-11-20T09:40:00+01:00\n' in text
    again = repo.run(*args)
    assert again.code == 0 and "already waived by @dana" in again.out
    deadlines = repo.run("deadlines", "--format", "json", "--now", NOW).json()
    states = {(o["kind"], o["department"]): o["state"]
              for o in deadlines["incidents"][0]["obligations"]}  # fmt: skip
    assert states[("escalate", "management")] == "waived"


def test_waive_refuses_what_is_not_a_waiver(make_repo: RepoFactory) -> None:
    repo = make_repo({"INC-2026-0042-billing.md": OPEN})
    base = ("waive", "INC-2026-0042", "--reason", "x", "--by", "dana", "--now", NOW)
    assert "unknown obligation 'sleep'" in repo.run(*base[:2], "sleep", *base[2:]).err
    assert "has no action A9" in repo.run(*base[:2], "action:A9", *base[2:]).err
    assert "unknown department" in repo.run(*base[:2], "escalate:nowhere", *base[2:]).err
    assert repo.run(*base[:2], "rca:x", *base[2:]).code == 2
