"""pr-check decides from the base revision, and a PR cannot remove an incident's record.

Real Git repositories and the real CLI, no GitHub: where a gate needs approvals, they
cannot be verified without a token, so the gate's finding says so (the GitHub side is in
`tests/github/test_pr_check_gate.py`).
"""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from incident_ops.workspace import cache
from tests.helpers import NOW, SPEC_POLICY, front_matter, git, incident, incident_text, run_cli
from tests.test_pr_check_git import NAME, NO_GITHUB, PATH, PrRepo, pr_repo

BUNDLED = Path(__file__).parents[1] / "incidents" / "2026" / NAME
CLOSED = BUNDLED.read_text(encoding="utf-8")
RESOLVED = CLOSED.replace("status: closed", "status: resolved").replace(
    "closed_at: 2026-10-12T16:00:00+02:00", "closed_at: null"
)
_RCA_START = CLOSED.index("## Root cause analysis\n") + len("## Root cause analysis\n")
_RCA_END = CLOSED.index("## Prevention plan")
NO_RCA = CLOSED[:_RCA_START] + "\nTODO\n\n" + CLOSED[_RCA_END:]
WEAK_POLICY = SPEC_POLICY.replace(
    "    rca_approvers: [acme/sre-leads, acme/support-leads]\n", ""
).replace("    rca_approvers: [acme/sre-leads]\n", "")
WEAK_POLICY = WEAK_POLICY.replace("    requires: [rca, prevention_plan, customer_follow_up]\n", "")
WEAK_POLICY = WEAK_POLICY.replace("    requires: [rca, prevention_plan]\n", "")
SEV1 = front_matter(severity="SEV1")
TODAY = "2026-11-20T09:12:00+01:00"


def rules(result) -> list[tuple[str, str]]:
    return sorted({(f["path"], f["rule"]) for f in result.json()["findings"]})


def messages(result, rule: str) -> list[str]:
    return [f["message"] for f in result.json()["findings"] if f["rule"] == rule]


# ---- everything that decides the gate comes from the base revision ----------------------


def test_policy_folder_switched_in_the_pr_is_not_the_gate(make_repo) -> None:
    repo = pr_repo(make_repo, {NAME: RESOLVED})
    (repo.root / "weak").mkdir()
    (repo.root / "weak" / "policy.yaml").write_text(WEAK_POLICY)
    (repo.root / "incident-ops.yaml").write_text("policies: weak\n")
    repo.write(NAME, NO_RCA)
    repo.commit("close without an RCA, under a weaker policy")
    result = repo.check()
    assert result.code == 1
    assert rules(result) == [
        (PATH, "closure-approval"),
        (PATH, "closure-rca"),
        (PATH, "policy-and-status"),
    ]
    assert "GITHUB_TOKEN is not set" in messages(result, "closure-approval")[0]


def test_incidents_folder_switched_in_the_pr_does_not_hide_the_closure(make_repo) -> None:
    repo = pr_repo(make_repo, {NAME: RESOLVED})
    (repo.root / "incident-ops.yaml").write_text("incidents: archive\n")
    repo.write(NAME, NO_RCA)
    repo.commit("close without an RCA, incidents 'elsewhere'")
    result = repo.check()
    assert result.code == 1
    assert rules(result) == [
        (PATH, "closure-approval"),
        (PATH, "closure-rca"),
        (PATH, "policy-and-status"),
    ]


def test_rule_levels_come_from_the_base_config(make_repo) -> None:
    repo = pr_repo(make_repo, {NAME: RESOLVED})
    (repo.root / "incident-ops.yaml").write_text('rules: {closure-rca: "off"}\n')
    repo.write(NAME, NO_RCA)
    repo.commit("close without an RCA, rule switched off")
    result = repo.check()
    assert result.code == 1
    assert (PATH, "closure-rca") in rules(result)
    assert (PATH, "policy-and-status") in rules(result)


def test_base_rule_levels_apply(make_repo) -> None:
    repo = pr_repo(make_repo, {NAME: RESOLVED}, config='rules: {closure-rca: "off"}\n')
    repo.write(NAME, NO_RCA)
    repo.commit("close without an RCA; main switched the rule off")
    result = repo.check()
    assert (PATH, "closure-rca") not in rules(result)
    assert (PATH, "closure-approval") in rules(result)


def test_closure_requirements_of_the_base_policy_apply(make_repo) -> None:
    # The PR only weakens `requires` of the policy in place: no config switch involved.
    repo = pr_repo(make_repo, {NAME: RESOLVED})
    (repo.root / "policies" / "policy.yaml").write_text(WEAK_POLICY)
    repo.write(NAME, NO_RCA)
    repo.commit("close, and drop the requirement")
    result = repo.check()
    assert result.code == 1
    assert (PATH, "closure-rca") in rules(result)
    assert (PATH, "policy-and-status") in rules(result)


def test_policy_change_with_a_status_change_is_refused(make_repo) -> None:
    repo = pr_repo(make_repo, {NAME: incident_text()})
    (repo.root / "policies" / "policy.yaml").write_text(SPEC_POLICY + "# reviewed\n")
    acknowledged = incident_text(status="acknowledged", acknowledged_at="2026-11-20T09:20:00+01:00")
    repo.write(NAME, acknowledged)
    repo.commit("touch the policy and acknowledge")
    result = repo.check()
    assert result.code == 1
    assert [(f["line"], f["rule"], f["level"]) for f in result.json()["findings"]] == [
        (4, "policy-and-status", "error")
    ]
    (message,) = messages(result, "policy-and-status")
    assert "policies/policy.yaml" in message
    assert "reported → acknowledged" in message
    assert "change the policy in its own pull request" in message


def test_config_change_with_a_status_change_is_refused_even_if_rules_say_off(make_repo) -> None:
    repo = pr_repo(make_repo, {NAME: incident_text()}, config="id_prefix: INC\n")
    (repo.root / "incident-ops.yaml").write_text('rules: {policy-and-status: "off"}\n')
    repo.write(NAME, incident_text(status="cancelled"))
    repo.commit("switch the rule off and cancel")
    result = repo.check()
    assert result.code == 1
    assert [f["rule"] for f in result.json()["findings"]] == ["policy-and-status"]
    assert "incident-ops.yaml" in messages(result, "policy-and-status")[0]


def test_policy_change_without_status_change_passes_and_head_policy_validates(
    make_repo,
) -> None:
    # A PR may add a severity and use it in a new incident: head's policy checks the
    # schema and references of head's files.
    repo = pr_repo(make_repo, {NAME: incident_text()})
    sev4 = "  SEV4:\n    name: Cosmetic\n    targets: {acknowledge: 1bd}\n"
    policy = SPEC_POLICY.replace("categories:\n", sev4 + "categories:\n", 1)
    (repo.root / "policies" / "policy.yaml").write_text(policy)
    new = front_matter(id="INC-2026-0002", severity="SEV4")
    repo.write("INC-2026-0002-typo.md", incident(new))
    repo.commit("add SEV4 and a SEV4 incident")
    result = repo.check()
    assert result.code == 0, result.out
    assert result.json()["findings"] == []


def test_head_config_must_still_be_valid(make_repo) -> None:
    repo = pr_repo(make_repo, {NAME: incident_text()})
    (repo.root / "incident-ops.yaml").write_text("rules: {recurence: warning}\n")
    repo.commit("typo")
    result = repo.check()
    assert result.code == 2
    assert "incident-ops.yaml:1: unknown rule 'recurence'" in result.err


# ---- records cannot be removed without approval -----------------------------------------


@pytest.mark.parametrize(
    "target",
    [
        None,  # git rm
        "archive/INC-2026-0001-billing-db-outage.md",
        "incidents/.old/INC-2026-0001-billing-db-outage.md",
        "incidents/2026/INC-2026-0001-billing-db-outage.md.txt",
    ],
)
def test_removing_or_moving_out_a_closed_incident_is_refused(make_repo, target) -> None:
    repo = pr_repo(make_repo, {NAME: CLOSED})
    if target is None:
        repo.git("rm", "-q", PATH)
    else:
        (repo.root / target).parent.mkdir(parents=True, exist_ok=True)
        repo.git("mv", PATH, target)
    repo.commit("make the record disappear")
    result = repo.check()
    assert result.code == 1, result.out
    found = result.json()["findings"]
    assert [(f["path"], f["rule"], f["level"]) for f in found] == [
        (target or PATH, "record-removed", "error")
    ]
    message = found[0]["message"]
    assert message.startswith("removing INC-2026-0001 ")
    assert "acme/sre-leads, acme/support-leads" in message
    assert "could not be verified: GITHUB_TOKEN is not set" in message


def test_text_output_of_a_removal_is_not_zero_files(make_repo) -> None:
    repo = pr_repo(make_repo, {NAME: CLOSED})
    repo.git("rm", "-q", PATH)
    repo.commit("drop")
    result = repo.check("--format", "text")
    assert result.code == 1
    assert f"{PATH}:1:1: error [record-removed]" in result.out


def test_renaming_inside_the_folder_keeps_the_record(make_repo) -> None:
    repo = pr_repo(make_repo, {NAME: CLOSED})
    (repo.root / "incidents" / "2026-q4").mkdir()
    repo.git("mv", PATH, "incidents/2026-q4/INC-2026-0001-billing.md")
    repo.commit("reorganise")
    result = repo.check()
    assert result.code == 0, result.out
    assert result.json()["findings"] == []


def test_changing_the_id_in_place_removes_the_old_record(make_repo) -> None:
    repo = pr_repo(make_repo, {NAME: CLOSED})
    repo.write(NAME, CLOSED.replace("id: INC-2026-0001", "id: INC-2026-0009"))
    repo.commit("new id")
    result = repo.check()
    assert result.code == 1
    assert (PATH, "record-removed") in rules(result)
    assert (PATH, "id-filename") in rules(result)


def test_delete_and_re_add_under_the_same_id_is_a_rename_with_its_status(make_repo) -> None:
    # Rewritten beyond Git's rename detection: still the same record, so the lifecycle
    # sees closed → reported (illegal) instead of a new file at any status.
    repo = pr_repo(make_repo, {NAME: CLOSED})
    repo.git("rm", "-q", PATH)
    rewritten = incident_text(title="Another story")
    repo.write("INC-2026-0001-another-story.md", rewritten)
    repo.commit("rewrite the record")
    result = repo.check()
    assert result.code == 1
    assert rules(result) == [("incidents/2026/INC-2026-0001-another-story.md", "lifecycle")]
    assert "closed → reported" in messages(result, "lifecycle")[0]


def test_files_relating_a_removed_id_are_rechecked(make_repo) -> None:
    other = front_matter(id="INC-2026-0002", related=["INC-2026-0001"])
    repo = pr_repo(make_repo, {NAME: incident_text(), "INC-2026-0002-later.md": incident(other)})
    repo.git("rm", "-q", PATH)
    repo.commit("drop the first")
    result = repo.check()
    assert result.code == 1
    assert rules(result) == [
        (PATH, "record-removed"),
        ("incidents/2026/INC-2026-0002-later.md", "unknown-reference"),
    ]
    assert "related incident INC-2026-0001 not found" in messages(result, "unknown-reference")[0]


def test_moving_the_incidents_folder_by_config_removes_the_records(make_repo) -> None:
    repo = pr_repo(make_repo, {NAME: incident_text()})
    (repo.root / "records").mkdir()
    repo.git("mv", "incidents", "records/incidents")
    (repo.root / "incident-ops.yaml").write_text("incidents: records/incidents\n")
    repo.commit("move everything")
    result = repo.check()
    assert result.code == 1
    assert [f["rule"] for f in result.json()["findings"]] == ["record-removed"]


def test_pr_check_reads_the_head_revision_not_the_work_tree_for_the_index(make_repo) -> None:
    # Run from main's work tree against the feature branch: the removed file is still on
    # disk, yet the file relating it is flagged.
    other = front_matter(id="INC-2026-0002", related=["INC-2026-0001"])
    repo = pr_repo(make_repo, {NAME: incident_text(), "INC-2026-0002-later.md": incident(other)})
    repo.git("rm", "-q", PATH)
    repo.commit("drop the first")
    repo.git("checkout", "-q", "main")
    result = repo.check("--head", "feature")
    assert ("incidents/2026/INC-2026-0002-later.md", "unknown-reference") in rules(result)


# ---- caches: never from a commit, never filled from a revision ---------------------------


def _clone(repo: PrRepo, dest: Path) -> PrRepo:
    git(repo.root, "clone", "-q", str(repo.root), str(dest))
    clone = PrRepo(dest)
    clone.git("checkout", "-q", "feature")
    clone.git("branch", "-q", "main", "origin/main")
    return clone


def test_committed_index_cache_is_not_believed_in_a_fresh_clone(make_repo, tmp_path) -> None:
    repo = pr_repo(make_repo)
    repo.write("INC-2026-0001-copy.md", incident_text())
    # A crafted cache that claims the existing file holds another id, keyed by its blob.
    blob = repo.git("rev-parse", f"main:{PATH}")
    row = (PATH, "INC-2026-9999", "x", "reported", None, (), None, (), (), None, None, None, ())
    assert len(row) == len(cache.FIELDS)
    crafted = repo.root / ".incident-ops" / cache.NAME
    crafted.parent.mkdir()
    data = (cache.MAGIC, cache.VERSION, (blob,), tuple((value,) for value in row))
    crafted.write_bytes(pickle.dumps(data, protocol=5))
    assert cache.read(str(crafted)) is not None  # a well-formed cache a reader would accept
    repo.git("add", "-f", ".incident-ops")
    repo.commit("copy, and a cache that hides it")
    clone = _clone(repo, tmp_path / "clone")
    for _ in range(2):  # also once the clone's own cache exists
        result = clone.check()
        assert result.code == 1
        assert ("incidents/2026/INC-2026-0001-copy.md", "duplicate-id") in rules(result)


def test_pr_check_of_another_revision_leaves_no_entry_in_the_work_tree_cache(make_repo) -> None:
    # pr-check --head feature from main's work tree parses feature's version of the file;
    # were it cached under the work tree's key, `validate` on main would believe it.
    repo = pr_repo(make_repo)
    repo.write(NAME, incident_text(id="INC-2026-0002"))
    repo.commit("renumber")
    repo.git("checkout", "-q", "main")
    repo.check("--head", "feature")
    repo.write("INC-2026-0002-new.md", incident_text(id="INC-2026-0002"))
    result = run_cli(repo.root, "validate", "--format", "json", "--now", NOW, env=NO_GITHUB)  # type: ignore[arg-type]
    assert result.code == 0, result.out
