"""SARIF and GitHub annotations point at real files: paths relative to the Git top level,
percent-encoded URIs; rules carry help and docs links; fingerprints survive line moves;
every finding reaches the step summary."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

import jsonschema
import pytest

from incident_ops.output.ruledocs import markdown, rule_docs
from incident_ops.output.sarif import fingerprint
from incident_ops.output.step_summary import findings_markdown
from tests.helpers import MINIMAL, NOW, incident, run_cli

PROJECT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((PROJECT / "tests" / "data" / "sarif-schema-2.1.0.json").read_text())
# RFC 3986 URI-reference, from the RFC's ABNF (§3, §4.1). jsonschema checks the format only
# when rfc3987 or rfc3986-validator is installed, and either would turn on `uri` checks for
# every FormatChecker of the test run (the fake GitHub's too), so it is checked here.
_PCHAR = r"(?:[A-Za-z0-9\-._~!$&'()*+,;=:@]|%[0-9A-Fa-f]{2})"
_PCHAR_NC = r"(?:[A-Za-z0-9\-._~!$&'()*+,;=@]|%[0-9A-Fa-f]{2})"  # no ':' (path-noscheme)
_HOST = r"(?:\[[0-9A-Fa-f:.]+\]|(?:[A-Za-z0-9\-._~!$&'()*+,;=]|%[0-9A-Fa-f]{2})*)"
_AUTHORITY = rf"(?:(?:[A-Za-z0-9\-._~!$&'()*+,;=:]|%[0-9A-Fa-f]{{2}})*@)?{_HOST}(?::[0-9]*)?"
_TAIL = rf"(?:\?(?:{_PCHAR}|[/?])*)?(?:#(?:{_PCHAR}|[/?])*)?"
_PART = rf"(?://{_AUTHORITY}(?:/{_PCHAR}*)*|/(?:{_PCHAR}+(?:/{_PCHAR}*)*)?|FIRST(?:/{_PCHAR}*)*|)"
URI_REFERENCE = re.compile(
    rf"(?:[A-Za-z][A-Za-z0-9+\-.]*:{_PART.replace('FIRST', _PCHAR + '+')}"
    rf"|{_PART.replace('FIRST', _PCHAR_NC + '+')}){_TAIL}\Z"
)
CHECKER = jsonschema.FormatChecker()
CHECKER.checks("uri-reference")(
    lambda value: not isinstance(value, str) or bool(URI_REFERENCE.match(value))
)
ODD_NAME = "a #1 100%.md"
CONFIG = "incidents: incidents\n"  # so the repo root is the folder, not the Git top level


def _below_git_top(make_repo, tmp_path: Path, incidents: dict[str, str]):
    """A repo at tmp_path/repo inside a Git repository whose top level is tmp_path."""
    repo = make_repo(incidents, config=CONFIG, git=False)
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    return repo


def _odd(make_repo, tmp_path):
    bad = MINIMAL.replace("detected_at: 2026-11-20T09:12:00+01:00", "detected_at: 20261120")
    return _below_git_top(make_repo, tmp_path, {ODD_NAME: incident(bad)})


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("repo/incidents/2026/a%20%231%20100%25.md", True),
        ("file:///tmp/top/", True),
        ("https://example.com/a?b=c#d", True),
        ("../x/y.md", True),
        ("", True),
        ("incidents/2026/" + ODD_NAME, False),  # a space and a bare %
        ("a%2.md", False),
        ("1a:b/c.md", False),  # no scheme, and a relative path's first segment has no :
        ("x y", False),
        ("ünï.md", False),
    ],
)
def test_uri_reference_is_really_checked(value, valid):
    """Guard: the SARIF schema's `format: uri-reference` is checked, strictly."""
    assert CHECKER.conforms(value, "uri-reference") is valid


def test_sarif_below_the_git_top_level_is_valid_and_points_at_the_real_file(make_repo, tmp_path):
    repo = _odd(make_repo, tmp_path)
    result = repo.run("validate", "--format", "sarif", "--now", NOW)
    assert result.code == 1
    log = json.loads(result.out)
    jsonschema.validate(log, SCHEMA, format_checker=CHECKER)
    run = log["runs"][0]
    base = run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    assert base == tmp_path.resolve().as_uri() + "/" or base == tmp_path.as_uri() + "/"
    locations = [r["locations"][0]["physicalLocation"]["artifactLocation"] for r in run["results"]]
    assert locations, "expected findings"
    for location in locations:
        assert location == {
            "uri": "repo/incidents/2026/a%20%231%20100%25.md",
            "uriBaseId": "%SRCROOT%",
        }
        real = Path(unquote(urlparse(urljoin(base, location["uri"])).path))
        assert real.samefile(repo.root / "incidents" / "2026" / ODD_NAME)


def test_github_annotations_are_relative_to_the_git_top_level(make_repo, tmp_path):
    repo = _odd(make_repo, tmp_path)
    result = run_cli(repo.root, "validate", "--format", "github", "--now", NOW)
    annotations = result.out.splitlines()[:-1]
    assert [line.split(",col=")[0] for line in annotations] == [
        # workflow-command escaping of properties: % → %25
        "::error file=repo/incidents/2026/a #1 100%25.md,line=2",  # id-filename
        "::error file=repo/incidents/2026/a #1 100%25.md,line=7",  # schema
    ]


def test_text_and_json_keep_repo_relative_paths(make_repo, tmp_path):
    repo = _odd(make_repo, tmp_path)
    result = repo.run("validate", "--format", "json", "--now", NOW)
    assert {f["path"] for f in result.json()["findings"]} == {f"incidents/2026/{ODD_NAME}"}
    text = repo.run("validate", "--now", NOW).out
    assert text.startswith(f"incidents/2026/{ODD_NAME}:")


def test_outside_git_paths_are_relative_to_the_repo_root(make_repo):
    repo = make_repo({ODD_NAME: incident(MINIMAL)}, config=CONFIG, git=False)
    log = json.loads(repo.run("validate", "--format", "sarif", "--now", NOW).out)
    jsonschema.validate(log, SCHEMA, format_checker=CHECKER)
    run = log["runs"][0]
    location = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location["uri"] == "incidents/2026/a%20%231%20100%25.md"
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"].endswith("/repo/")


def test_every_rule_has_help_a_docs_link_and_a_default_level(make_repo):
    log = json.loads(make_repo({}).run("validate", "--format", "sarif", "--now", NOW).out)
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    headings = {line[3:] for line in (PROJECT / "docs" / "rules.md").read_text().splitlines()
                if line.startswith("## ")}  # fmt: skip
    assert {rule["id"] for rule in rules} == headings
    for rule in rules:
        assert rule["name"][0].isupper() and "-" not in rule["name"]
        assert rule["fullDescription"]["text"] and rule["help"]["text"]
        assert rule["help"]["markdown"]
        assert rule["defaultConfiguration"] == {"level": "error"}
        assert rule["helpUri"].endswith(f"/docs/rules.md#{rule['id']}")


def test_docs_rules_md_is_current():
    """`incident-ops rules --format markdown > docs/rules.md` regenerates it."""
    assert (PROJECT / "docs" / "rules.md").read_text(encoding="utf-8") == markdown()
    assert len(rule_docs()) == len({doc.id for doc in rule_docs()})


def test_fingerprints_survive_lines_moving(make_repo):
    front = MINIMAL.replace("detected_at: 2026-11-20T09:12:00+01:00", "detected_at: 20261120")
    repo = make_repo({"INC-2026-0001-x.md": incident(front + "severty: SEV1\n")})

    def results() -> list[tuple[int, str]]:
        log = json.loads(repo.run("validate", "--format", "sarif", "--now", NOW).out)
        return [
            (r["locations"][0]["physicalLocation"]["region"]["startLine"],
             r["partialFingerprints"]["incidentOps/v1"])
            for r in log["runs"][0]["results"]
        ]  # fmt: skip

    before = results()
    repo.write(
        "INC-2026-0001-x.md", incident("# a comment\n# and another\n" + front + "severty: SEV1\n")
    )
    after = results()
    assert [line + 2 for line, _ in before] == [line for line, _ in after]
    assert [fp for _, fp in before] == [fp for _, fp in after]
    assert len({fp for _, fp in before}) == len(before)


def test_fingerprints_leave_out_line_numbers_only():
    one = fingerprint("syntax", "a.md", None, "duplicate key 'x' (first defined on line 3)")
    moved = fingerprint("syntax", "a.md", None, "duplicate key 'x' (first defined on line 9)")
    other = fingerprint("syntax", "a.md", None, "duplicate key 'y' (first defined on line 3)")
    assert one == moved != other


# --- the step summary ------------------------------------------------------------------


def test_validate_github_lists_every_finding_in_the_step_summary(make_repo, tmp_path):
    bad = {f"INC-2026-{n:04d}-x.md": incident(MINIMAL.replace("0001", f"{n:04d}").replace(
        "status: reported", "status: sleeping")) for n in range(1, 16)}  # fmt: skip
    repo = _below_git_top(make_repo, tmp_path, bad)
    summary = tmp_path / "summary.md"
    result = run_cli(
        repo.root, "validate", "--format", "github", "--now", NOW,
        env={"GITHUB_STEP_SUMMARY": str(summary), "GITHUB_SERVER_URL": "https://github.com",
             "GITHUB_REPOSITORY": "acme/incidents", "GITHUB_SHA": "abc123"},
    )  # fmt: skip
    assert result.code == 1
    text = summary.read_text()
    assert text.startswith("## incident-ops validate: failed\n")
    rows = [line for line in text.splitlines() if line.startswith("| error |")]
    assert len(rows) == 15 == result.out.count("::error ")
    assert (
        "[`repo/incidents/2026/INC-2026-0003-x.md:4`](https://github.com/acme/incidents/blob/"
        "abc123/repo/incidents/2026/INC-2026-0003-x.md#L4)" in text
    )


def test_an_unwritable_step_summary_is_a_warning_not_a_crash(make_repo, tmp_path):
    repo = make_repo({"INC-2026-0001-x.md": incident(MINIMAL)})
    folder = tmp_path / "not-a-file"
    folder.mkdir()
    result = run_cli(
        repo.root, "validate", "--format", "github", "--now", "2026-11-20T09:13:00+01:00",
        env={"GITHUB_STEP_SUMMARY": str(folder)},
    )  # fmt: skip
    assert result.code == 0
    assert "cannot write GITHUB_STEP_SUMMARY" in result.err
    assert "Traceback" not in result.err


@pytest.mark.parametrize("count", [0, 3])
def test_step_summary_markdown_escapes_cells(count):
    from incident_ops.finding import Finding
    from incident_ops.output.base import Summary

    findings = [
        Finding("a|b.md", n + 1, 1, "schema", "error", "x | y\nz", "INC-2026-0001")
        for n in range(count)
    ]
    text = findings_markdown(findings, Summary(1, 0, count, 0), None, env={})
    assert text.count("\n| error |") == count
    if count:
        assert "| x \\| y z |" in text and "`a\\|b.md:1`" in text
