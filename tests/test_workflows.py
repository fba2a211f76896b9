"""Structural checks of the shipped workflows, composite action and pre-commit hooks.

The linters (`.ci/lint-workflows`) need network on first use; these tests hold the
invariants users rely on (pinned actions, least permissions, no template injection) and
run the shell the workflows and the action carry, with real processes and git repos.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
WORKFLOWS = ROOT / ".github" / "workflows"
WORKFLOW_NAMES = (
    "incident-pr.yml",
    "incident-sweep.yml",
    "incident-validate.yml",
    "incident-command.yml",
    "incident-declare.yml",
)

# The most each workflow's jobs may ask for; every job must declare its own.
ALLOWED_PERMISSIONS: dict[str, dict[str, set[str]]] = {
    "incident-pr.yml": {"contents": {"read"}, "pull-requests": {"read"}},
    "incident-sweep.yml": {
        "contents": {"read", "write"},
        "issues": {"read", "write"},
        "pull-requests": {"read", "write"},
    },
    "incident-validate.yml": {"contents": {"read"}, "security-events": {"write"}},
    "incident-command.yml": {"contents": {"write"}, "pull-requests": {"write"}},
    "incident-declare.yml": {
        "contents": {"write"},
        "pull-requests": {"write"},
        "issues": {"write"},
    },
}
SHA_PIN = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")
VERSION_COMMENT = re.compile(r"@[0-9a-f]{40} # v\d+\.\d+\.\d+$")


def load(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def triggers(workflow: dict[str, Any]) -> dict[str, Any]:
    """The `on:` block; YAML 1.1 (PyYAML) reads the bare key `on` as True."""
    on = workflow.get("on", workflow.get(True))
    return on if isinstance(on, dict) else {name: None for name in [on] if on}


def steps(document: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every step of every job of a workflow, or of a composite action."""
    if "runs" in document:
        yield from document["runs"].get("steps", [])
    for job in document.get("jobs", {}).values():
        yield from job.get("steps", [])


def documents() -> list[tuple[str, dict[str, Any]]]:
    found = [(name, load(WORKFLOWS / name)) for name in WORKFLOW_NAMES]
    return [*found, ("action.yml", load(ROOT / "action.yml"))]


def doc_workflows() -> list[dict[str, Any]]:
    """The workflow YAML blocks of the adoption guide (users copy them verbatim)."""
    text = (ROOT / "docs" / "adopting.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", text, flags=re.DOTALL)
    return [doc for doc in map(yaml.safe_load, blocks) if isinstance(doc, dict) and "jobs" in doc]


def test_shipped_workflows_are_exactly_the_five_of_the_spec() -> None:
    assert sorted(p.name for p in WORKFLOWS.glob("*.y*ml")) == sorted(WORKFLOW_NAMES)


@pytest.mark.parametrize(("name", "document"), documents())
def test_every_action_is_pinned_by_commit_sha_with_version_comment(
    name: str, document: dict[str, Any]
) -> None:
    uses = [step["uses"] for step in steps(document) if "uses" in step]
    assert uses, f"{name} uses no action at all"
    text = (ROOT / name if name == "action.yml" else WORKFLOWS / name).read_text()
    for ref in uses:
        if ref.startswith("./"):
            continue
        assert SHA_PIN.match(ref), f"{name}: {ref} is not pinned by a full commit SHA"
        line = next(line for line in text.splitlines() if ref in line)
        assert VERSION_COMMENT.search(line), f"{name}: {ref} lacks a `# vX.Y.Z` comment"


@pytest.mark.parametrize("name", WORKFLOW_NAMES)
def test_workflow_declares_no_default_permissions_and_a_concurrency_group(name: str) -> None:
    workflow = load(WORKFLOWS / name)
    assert "pull_request_target" not in triggers(workflow)
    assert workflow["permissions"] == {}
    assert workflow["concurrency"]["group"]


@pytest.mark.parametrize("name", WORKFLOW_NAMES)
def test_job_permissions_stay_within_the_allow_list(name: str) -> None:
    allowed = ALLOWED_PERMISSIONS[name]
    for job_id, job in load(WORKFLOWS / name)["jobs"].items():
        assert isinstance(job.get("permissions"), dict), f"{name}:{job_id} declares none"
        for scope, level in job["permissions"].items():
            assert level in allowed.get(scope, set()), f"{name}:{job_id} {scope}: {level}"
        assert 0 < job["timeout-minutes"] <= 30


@pytest.mark.parametrize(("name", "document"), documents())
def test_checkouts_do_not_persist_credentials(name: str, document: dict[str, Any]) -> None:
    checkouts = [s for s in steps(document) if s.get("uses", "").startswith("actions/checkout@")]
    assert checkouts or name == "action.yml"
    for step in checkouts:
        assert step["with"]["persist-credentials"] is False, name


@pytest.mark.parametrize(("name", "document"), documents())
def test_run_scripts_expand_no_expressions(name: str, document: dict[str, Any]) -> None:
    # Stricter than "no untrusted context": values reach scripts only through `env:`.
    runs = [step["run"] for step in steps(document) if "run" in step]
    assert runs
    for script in runs:
        assert "${{" not in script, f"{name}: expression inside run: {script[:60]!r}"


def test_pr_workflow_checks_the_pr_against_its_base_with_full_history() -> None:
    # Also on reviews, so that an approval turns the required check green by itself;
    # github.base_ref is empty for review events, the event's base ref is not.
    workflow = load(WORKFLOWS / "incident-pr.yml")
    on = triggers(workflow)
    assert set(on) == {"pull_request", "pull_request_review"}
    assert on["pull_request_review"]["types"] == ["submitted", "dismissed"]
    assert workflow["concurrency"]["cancel-in-progress"] is True
    assert "pull_request.number" in workflow["concurrency"]["group"]
    checkout, *_ = steps(workflow)
    assert checkout["with"]["fetch-depth"] == 0
    check = next(s for s in steps(workflow) if "pr-check" in s.get("run", ""))
    assert '--base "origin/${BASE_REF}"' in check["run"]
    assert check["env"]["BASE_REF"] == "${{ github.event.pull_request.base.ref }}"
    assert "secrets.INCIDENT_OPS_TOKEN || github.token" in check["env"]["GITHUB_TOKEN"]


def test_adoption_guide_pr_workflow_also_runs_on_reviews() -> None:
    (workflow,) = [w for w in doc_workflows() if w["name"] == "incident-pr"]
    on = triggers(workflow)
    assert on["pull_request_review"]["types"] == ["submitted", "dismissed"]
    (step,) = [s for s in steps(workflow) if s.get("with", {}).get("command") == "pr-check"]
    assert "github.event.pull_request.base.ref" in step["with"]["args"]
    assert "github.base_ref" not in step["with"]["args"]


def test_sweep_runs_every_15_minutes_and_is_never_cancelled_halfway() -> None:
    workflow = load(WORKFLOWS / "incident-sweep.yml")
    on = triggers(workflow)
    assert on["schedule"] == [{"cron": "*/15 * * * *"}]
    assert on["workflow_dispatch"]["inputs"]["dry-run"]["type"] == "boolean"
    assert workflow["concurrency"]["cancel-in-progress"] is False
    scripts = "\n".join(s.get("run", "") for s in steps(workflow))
    assert "incident-ops sweep --write-back pull-request" in scripts
    assert "incident-ops sweep --dry-run" in scripts


def test_sweep_pushes_nothing_to_the_default_branch() -> None:
    """The sweep's write-back goes through the API onto PR branches and its own PR; the
    protected default branch is never pushed to (the push step of old is gone)."""
    workflow = load(WORKFLOWS / "incident-sweep.yml")
    scripts = "\n".join(s.get("run", "") for s in steps(workflow))
    assert "git push" not in scripts and "--commit" not in scripts
    (job,) = workflow["jobs"].values()
    assert job["permissions"]["pull-requests"] == "write"
    assert not any("GIT_CONFIG" in str(s.get("env", "")) for s in steps(workflow))


def test_command_workflow_runs_no_code_from_the_pull_request() -> None:
    workflow = load(WORKFLOWS / "incident-command.yml")
    assert triggers(workflow) == {"issue_comment": {"types": ["created"]}}
    text = (WORKFLOWS / "incident-command.yml").read_text()
    assert "issue_comment: # zizmor: ignore[dangerous-triggers]" in text
    assert "github.event.comment.id" in workflow["concurrency"]["group"]
    (job,) = workflow["jobs"].values()
    assert "github.event.issue.pull_request" in job["if"]
    tool, pr = [s for s in steps(workflow) if s.get("uses", "").startswith("actions/checkout@")]
    assert "ref" not in tool["with"] and tool["with"]["path"] == "tool"  # the default branch
    assert pr["with"] == {"ref": "${{ steps.check.outputs.branch }}", "path": "incident",
                          "persist-credentials": False}  # fmt: skip
    assert pr["if"] == "${{ steps.check.outputs.branch != '' }}"
    scripts = [s["run"] for s in steps(workflow) if "run" in s]
    assert "pip install --disable-pip-version-check ./tool" in scripts[0]
    assert '--event "${GITHUB_EVENT_PATH}" --resolve' in scripts[1]
    assert "--root incident --push" in scripts[2]
    for script in scripts:  # nothing of ./incident is run, installed or sourced
        assert not re.search(r"(\./)?incident/|pip install \S*incident\b", script)


def test_command_check_step_writes_only_a_checked_branch(tmp_path: Path) -> None:
    """The check step as Actions runs it, with an incident-ops that prints a branch."""
    workflow = load(WORKFLOWS / "incident-command.yml")
    step = next(s for s in steps(workflow) if s.get("id") == "check")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "incident-ops"
    fake.write_text('#!/bin/sh\necho "incident/INC-2026-0042"\n')
    fake.chmod(0o755)
    output = tmp_path / "output"
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "GITHUB_OUTPUT": str(output),
           "GITHUB_EVENT_PATH": str(tmp_path / "event.json")}  # fmt: skip
    bash = ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]]
    done = subprocess.run(bash, env=env, capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    assert output.read_text() == "branch=incident/INC-2026-0042\n"
    fake.write_text("#!/bin/sh\necho refused >&2\nexit 1\n")
    refused = subprocess.run(bash, env=env, capture_output=True, text=True, timeout=30)
    assert refused.returncode == 1


def test_declare_workflow_hands_the_form_to_incident_ops_only_as_the_event_file() -> None:
    workflow = load(WORKFLOWS / "incident-declare.yml")
    assert triggers(workflow) == {"issues": {"types": ["opened", "labeled"]}}
    (job,) = workflow["jobs"].values()
    assert "declare-incident" in job["if"]
    scripts = "\n".join(s.get("run", "") for s in steps(workflow))
    assert 'incident-ops new --pr --from-issue "${GITHUB_EVENT_PATH}"' in scripts
    envs = "\n".join(str(s.get("env", "")) for s in steps(workflow))
    assert "issue.body" not in envs and "issue.title" not in envs
    form = yaml.safe_load((ROOT / ".github" / "ISSUE_TEMPLATE" / "incident.yml").read_text())
    assert form["labels"] == ["declare-incident"]
    labels = {item["attributes"]["label"] for item in form["body"] if item["type"] != "markdown"}
    from incident_ops.github.issueform import LABELS

    assert {label.lower() for label in labels} - {"what is happening?"} <= set(LABELS)


def test_validate_runs_on_push_and_only_the_sarif_job_writes_security_events() -> None:
    workflow = load(WORKFLOWS / "incident-validate.yml")
    assert {"push", "workflow_dispatch"} <= set(triggers(workflow))
    jobs = workflow["jobs"]
    assert jobs["validate"]["permissions"] == {"contents": "read"}
    assert "--format github" in "\n".join(s.get("run", "") for s in jobs["validate"]["steps"])
    writers = [job_id for job_id, job in jobs.items() if "security-events" in job["permissions"]]
    assert writers == ["sarif"]


def test_action_is_composite_and_installs_itself() -> None:
    action = load(ROOT / "action.yml")
    assert action["runs"]["using"] == "composite"
    assert set(action["inputs"]) == {"command", "args", "python-version", "token"}
    assert action["inputs"]["command"]["default"] == "validate"
    assert any('"${GITHUB_ACTION_PATH}"' in s.get("run", "") for s in steps(action))


def run_action_step(tmp_path: Path, command: str, args: str) -> subprocess.CompletedProcess[str]:
    """Run the action's command step with bash as the runner does, against a stand-in
    `incident-ops` that reports the argv it received."""
    bindir = tmp_path / "incident-ops-venv" / "bin"
    bindir.mkdir(parents=True, exist_ok=True)
    (bindir / "python").unlink(missing_ok=True)
    (bindir / "python").symlink_to(sys.executable)
    echo = bindir / "incident-ops"
    echo.write_text(
        f"#!{sys.executable}\nimport json, os, sys\n"
        "print(json.dumps({'argv': sys.argv[1:], 'token': 'GITHUB_TOKEN' in os.environ}))\n"
        "sys.exit(3)\n"
    )
    echo.chmod(0o755)
    action = load(ROOT / "action.yml")
    step = next(s for s in steps(action) if "INCIDENT_OPS_ARGS" in s.get("run", ""))
    env = {
        "PATH": os.environ["PATH"],
        "RUNNER_TEMP": str(tmp_path),
        "INCIDENT_OPS_COMMAND": command,
        "INCIDENT_OPS_ARGS": args,
        "GITHUB_TOKEN": "not-a-real-token",
    }
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )


def test_action_splits_args_like_a_shell_without_expanding_them(tmp_path: Path) -> None:
    result = run_action_step(tmp_path, "pr-check", "--base \"origin/main\" --pr 7 '$(id)' *")
    assert result.returncode == 3  # the command's own exit code comes through
    assert json.loads(result.stdout) == {
        "argv": ["pr-check", "--base", "origin/main", "--pr", "7", "$(id)", "*"],
        "token": True,
    }


def test_action_refuses_an_unknown_command(tmp_path: Path) -> None:
    result = run_action_step(tmp_path, "rm", "-rf /")
    assert result.returncode == 2
    assert "command must be validate, pr-check or sweep" in result.stdout


def test_pre_commit_hook_validates_incident_files() -> None:
    listed: list[dict[str, Any]] = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    hooks = {hook["id"]: hook for hook in listed}
    hook = hooks["incident-ops-validate"]
    assert hook["entry"] == "incident-ops validate"
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is True
    files = re.compile(hook["files"])
    assert files.search("incidents/2026/INC-2026-0042-billing-db-outage.md")
    assert not files.search("policies/severity.yaml")
    assert not files.search("docs/incidents/x.md")


def test_adoption_guide_workflows_hold_the_same_invariants() -> None:
    workflows = doc_workflows()
    assert len(workflows) == 5
    for workflow in workflows:
        assert "pull_request_target" not in triggers(workflow)
        assert workflow["permissions"] == {}
        assert workflow["concurrency"]
        for step in steps(workflow):
            ref = step.get("uses", "")
            assert not ref or ref.startswith("<owner>/incident-ops@") or SHA_PIN.match(ref)
            assert "${{" not in step.get("run", "")
