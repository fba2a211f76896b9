"""`--include-open-prs`: deadlines, stats, report and site count the open incident PRs' versions.

A bare origin served by the fake GitHub as acme/incidents; the reports run in the default
branch's checkout.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fakegithub import FakeGitHub
from tests.github.test_sweep import CLOSED_SEV2, OPEN_SEV1
from tests.helpers import NOW, run_cli
from tests.origin import INCIDENTS, Origin, make_origin

PATH = "incidents/2026/INC-2026-0042-billing.md"
OTHER = "incidents/2026/INC-2026-0040-slow.md"


@pytest.fixture
def origin(fake_github: FakeGitHub, tmp_path: Path) -> Origin:
    origin = make_origin(tmp_path, fake_github, {"INC-2026-0040-slow.md": CLOSED_SEV2})
    sha = origin.push_branch("incident/INC-2026-0042", {PATH: OPEN_SEV1})
    fake_github.add_pull(INCIDENTS, head_sha=sha, head_ref="incident/INC-2026-0042")
    # an open PR that edits the closed incident: its version counts (a later resolved_at)
    edited = CLOSED_SEV2.replace("title: Slow invoices", "title: Slow invoices (edited)")
    sha = origin.push_branch("incident/INC-2026-0040", {OTHER: edited})
    fake_github.add_pull(INCIDENTS, head_sha=sha, head_ref="incident/INC-2026-0040")
    return origin


def env(server: FakeGitHub, **more: str | None) -> dict[str, str | None]:
    return {"GITHUB_TOKEN": server.token, "GITHUB_API_URL": server.url,
            "GITHUB_REPOSITORY": INCIDENTS, "INCIDENT_OPS_RETRY_BASE": "0.001", **more}  # fmt: skip


def test_deadlines_includes_an_incident_that_exists_only_in_an_open_pr(
    fake_github: FakeGitHub, origin: Origin
) -> None:
    root = origin.checkout.root
    plain = run_cli(root, "deadlines", "--format", "json", "--now", NOW, env=env(fake_github))
    assert [i["id"] for i in plain.json()["incidents"]] == ["INC-2026-0040"]
    result = run_cli(root, "deadlines", "--include-open-prs", "--format", "json", "--now", NOW,
                     env=env(fake_github))  # fmt: skip
    assert result.code == 0, result.err
    found = {i["id"]: i for i in result.json()["incidents"]}
    assert set(found) == {"INC-2026-0040", "INC-2026-0042"}
    assert found["INC-2026-0042"]["path"] == PATH
    kinds = {o["kind"] for o in found["INC-2026-0042"]["obligations"]}
    assert {"acknowledge", "mitigate", "escalate"} <= kinds
    by_id = run_cli(root, "deadlines", "INC-2026-0042", "--include-open-prs", "--now", NOW,
                    env=env(fake_github))  # fmt: skip
    assert by_id.code == 0 and "INC-2026-0042" in by_id.out and "INC-2026-0040" not in by_id.out
    missing = run_cli(root, "deadlines", "INC-2026-0042", "--now", NOW, env=env(fake_github))
    assert missing.code == 2  # without the flag it exists nowhere


def test_stats_report_and_site_count_open_pr_incidents(
    fake_github: FakeGitHub, origin: Origin, tmp_path: Path
) -> None:
    root = origin.checkout.root
    args = ("--include-open-prs", "--now", NOW)
    stats = run_cli(root, "stats", "--format", "json", *args, env=env(fake_github))
    assert stats.code == 0, stats.err
    assert stats.json()["incidents"] == 2
    assert stats.json()["by_severity"]["SEV1"]["count"] == 1
    report = run_cli(root, "report", *args, env=env(fake_github))
    assert report.code == 0 and "INC-2026-0042" in report.out
    site = run_cli(root, "site", str(tmp_path / "site"), *args, env=env(fake_github))
    assert site.code == 0, site.err
    page = (tmp_path / "site" / "incidents" / "INC-2026-0042.html").read_text()
    assert "Billing database unavailable" in page
    edited = (tmp_path / "site" / "incidents" / "INC-2026-0040.html").read_text()
    assert "Slow invoices (edited)" in edited  # the PR's version wins


def test_without_a_token_or_a_repository_it_says_what_to_set(
    fake_github: FakeGitHub, origin: Origin
) -> None:
    root = origin.checkout.root
    for command in ("deadlines", "stats", "report"):
        result = run_cli(root, command, "--include-open-prs", "--now", NOW,
                         env=env(fake_github, GITHUB_TOKEN=None))  # fmt: skip
        assert result.code == 2, (command, result.out)
        assert "set GITHUB_TOKEN" in result.err and "Traceback" not in result.err
    result = run_cli(root, "stats", "--include-open-prs", "--now", NOW,
                     env=env(fake_github, GITHUB_REPOSITORY=None))  # fmt: skip
    assert result.code == 2 and "set GITHUB_REPOSITORY=owner/name" in result.err


def test_a_failing_read_is_a_clear_error_without_the_token(
    fake_github: FakeGitHub, origin: Origin
) -> None:
    fake_github.fail("401_echo", path="/pulls")
    result = run_cli(origin.checkout.root, "deadlines", "--include-open-prs", "--now", NOW,
                     env=env(fake_github))  # fmt: skip
    assert result.code == 2
    assert "cannot read the open pull requests of acme/incidents" in result.err
    assert fake_github.token not in result.err + result.out
