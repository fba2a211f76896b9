"""Policy and configuration problems: exit 2 with file:line, every problem listed."""

from __future__ import annotations

from tests.helpers import SPEC_POLICY, incident_text

INCIDENTS = {"INC-2026-0001-x.md": incident_text()}


def _errors(make_repo, policy, config=None):
    repo = make_repo(INCIDENTS, policy=policy, config=config)
    result = repo.run("validate")
    assert result.code == 2
    assert "Traceback" not in result.out + result.err
    return result.err


def test_policies_merge_across_files(make_repo):
    head, tail = SPEC_POLICY.split("classification:\n")
    repo = make_repo(INCIDENTS, policy={"a.yaml": head, "b.yaml": "classification:\n" + tail})
    assert repo.run("validate", "--now", "2026-11-20T09:13:00+01:00").code == 0


def test_the_same_key_in_two_files_names_both(make_repo):
    err = _errors(make_repo, {"a.yaml": SPEC_POLICY, "b.yaml": "\ncustomers: {vip: []}\n"})
    assert "policies/b.yaml:2: 'customers' is already defined in policies/a.yaml" in err


def test_a_default_calendar_is_required(make_repo):
    err = _errors(
        make_repo, SPEC_POLICY.replace("  default:\n    timezone", "  office:\n    timezone")
    )
    assert "policies/policy.yaml:" in err and "'default' is required" in err
    assert "unknown calendar 'default'" in err  # departments fall back to it


def test_several_problems_are_reported_together_in_file_order(make_repo):
    policy = SPEC_POLICY.replace("    severity: SEV2\n", "    severity: SEV7\n").replace(
        "    department: executives\n", "    department: board\n"
    )
    lines = _errors(make_repo, policy).strip().splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("incident-ops: policies/policy.yaml:43: unknown severity 'SEV7'")
    assert lines[1].startswith("policies/policy.yaml:56: unknown department 'board'")


def test_escalation_from_must_name_a_timestamp(make_repo):
    policy = SPEC_POLICY.replace("    within: 30m\n", "    within: 30m\n    from: whenever\n")
    assert "policies/policy.yaml:53: 'from' must be one of" in _errors(make_repo, policy)


def test_recurrence_match_paths_are_checked(make_repo):
    policy = SPEC_POLICY.replace("match: [services, root_cause.category]", "match: [servces]")
    assert "policies/policy.yaml:36: recurrence cannot match on 'servces'" in _errors(
        make_repo, policy
    )


def test_condition_on_an_unknown_field(make_repo):
    policy = SPEC_POLICY.replace("impact.full_outage: true", "impact.full_outtage: true")
    assert "policies/policy.yaml:39: unknown field 'impact.full_outtage'" in _errors(
        make_repo, policy
    )


def test_bad_config_file_is_exit_2_with_its_line(make_repo):
    err = _errors(make_repo, SPEC_POLICY, config="incidents: incidents\nrulez: {}\n")
    assert "incident-ops.yaml:2: unknown key 'rulez'" in err
    err = _errors(make_repo, SPEC_POLICY, config="rules: {syntax: loud}\n")
    assert "incident-ops.yaml:1:" in err


def test_no_policy_files(make_repo):
    repo = make_repo(INCIDENTS)
    (repo.root / "policies" / "policy.yaml").unlink()
    result = repo.run("validate")
    assert result.code == 2 and "no policy files" in result.err


def test_missing_incidents_folder_and_paths(make_repo):
    repo = make_repo(INCIDENTS)
    assert repo.run("validate", "nowhere.md").code == 2
    assert "nowhere.md: no such file" in repo.run("validate", "nowhere.md").err
