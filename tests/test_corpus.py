"""Bad-input corpus: every malformed incident or policy gives the right finding, never a traceback.

Each case runs the real CLI's `validate` on a throw-away repository built from
`tests/corpus/policies/base/` (a small valid policy), the valid baseline incident and the case
file.  A policy case's folder holds only the file(s) it breaks; each replaces the base file of
the same name.  Cases run in-process (`incident_ops.cli.main` with `--root`, started from an
unrelated folder) to keep the suite fast; the two SMOKE cases run as real `python -m
incident_ops` processes from the repository folder, as a user would, so the console path is
proven end to end.  Lines are 1-based file lines: the front matter starts at line 2, a finding
points at the offending key, a YAML error at the line the parser reports, a file-level problem
at line 1.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import NOW, GitRepo, Result, run_main, run_process

CORPUS = Path(__file__).parent / "corpus"
POLICIES = CORPUS / "policies"
PROJECT = Path(__file__).parent.parent
BASELINE = CORPUS / "baseline" / "INC-2026-0001-baseline.md"
ANY = None  # SPEC gives no position for something that is absent: any line will do
HUGE = "INC-2026-0911-huge.md"  # generated at test time, 50 MB, never committed
PWNED = "incident-ops-pwned"  # what the corpus' YAML tags would create if they ran
# One incident case and one policy case run as real processes (the rest in-process).
SMOKE = {"INC-2026-0907-python-tag.md", "python-tag"}

# (case file, expected exit code, [(rule, line), ...] expected among the case file's findings)
INCIDENT_CASES: list[tuple[str, int, list[tuple[str, int | None]]]] = [
    ("INC-2026-0901-no-front-matter.md", 1, [("syntax", 1)]),
    ("INC-2026-0902-unterminated-front-matter.md", 1, [("syntax", 1)]),
    ("INC-2026-0903-tab-indentation.md", 1, [("syntax", 11)]),
    ("INC-2026-0904-invalid-yaml.md", 1, [("syntax", 3)]),
    ("INC-2026-0905-duplicate-key.md", 1, [("syntax", 10)]),
    ("INC-2026-0906-billion-laughs.md", 1, [("syntax", 11)]),
    ("INC-2026-0907-python-tag.md", 1, [("syntax", 3)]),
    ("INC-2026-0908-non-utf8.md", 1, [("syntax", 3)]),
    ("INC-2026-0909-bom.md", 1, [("syntax", 1)]),
    ("INC-2026-0910-empty.md", 1, [("syntax", 1)]),
    (HUGE, 1, [("syntax", 1)]),
    ("INC-2026-0912-wrong-type.md", 1, [("schema", 3)]),
    ("INC-2026-0913-naive-timestamp.md", 1, [("schema", 7)]),
    ("INC-2026-0914-unknown-status.md", 1, [("schema", 4)]),
    ("INC-2026-0915-unknown-key.md", 1, [("schema", 9)]),
    ("INC-2026-0916-id-mismatch.md", 1, [("id-filename", 2)]),
    ("INC-2026-0917-impact-list.md", 1, [("schema", 10)]),
    ("INC-2026-0918-map-for-list.md", 1, [("schema", 9)]),
    ("INC-2026-0919-front-matter-list.md", 1, [("schema", 2)]),
    ("INC-2026-0920-front-matter-scalar.md", 1, [("schema", 2)]),
    ("INC-2026-0921-missing-required.md", 1, [("schema", ANY)]),
    ("INC-2026-922-bad-id-pattern.md", 1, [("schema", 2)]),
    ("INC-2026-0923-closed-action-without-owner.md", 1, [("closure-prevention", 17)]),
    ("INC-2026-0924-status-without-timestamp.md", 1, [("lifecycle", 4)]),
    ("INC-2026-0925-timestamps-backward.md", 1, [("lifecycle", 11)]),
    ("INC-2026-0926-unknown-severity.md", 1, [("unknown-reference", 5)]),
    ("INC-2026-0927-unknown-category.md", 1, [("unknown-reference", 6)]),
    ("INC-2026-0928-unknown-related.md", 1, [("unknown-reference", 10)]),
    ("INC-2026-0929-unknown-department.md", 1, [("unknown-reference", 11)]),
    ("INC-2026-0930-missing-section.md", 1, [("missing-section", ANY)]),
    ("INC-2026-0931-future-timestamp.md", 1, [("lifecycle", 7)]),
    ("INC-2026-0932-under-classified.md", 1, [("under-classified", 5)]),
    ("INC-2026-0001-duplicate-id.md", 1, [("duplicate-id", 2)]),
    ("INC-2026-0934-unknown-source.md", 1, [("schema", 8)]),
    ("INC-2026-0935-nested-wrong-type.md", 1, [("schema", 11)]),
    ("INC-2026-0936-not-a-timestamp.md", 1, [("schema", 7)]),
    ("INC-2026-0937-bad-update-audience.md", 1, [("schema", 12)]),
    ("INC-2026-0938-alias.md", 1, [("syntax", 11)]),
    ("INC-2026-0939-map-for-scalar.md", 1, [("schema", 5)]),
    ("INC-2026-0940-unknown-nested-key.md", 1, [("schema", 11)]),
]

# (case directory under corpus/policies, file with the defect, its line): exit 2, file:line named
POLICY_CASES: list[Any] = [  # tuples, or pytest.param for a known validator bug
    ("unknown-key", "departments.yaml", 4),
    ("unknown-top-level-key", "customers.yaml", 6),
    ("unknown-severity-in-classification", "classification.yaml", 7),
    ("unknown-department-in-severity", "severity.yaml", 11),
    ("bad-duration", "severity.yaml", 5),
    ("unknown-timezone", "calendars.yaml", 3),
    ("duplicate-top-level-key", "escalation.yaml", 6),
    ("invalid-yaml", "departments.yaml", 3),
    ("list-where-map", "severity.yaml", 4),
    ("map-where-list", "severity.yaml", 21),
    ("unknown-operator", "classification.yaml", 6),
    ("bad-days", "calendars.yaml", 4),
    ("bad-hours", "calendars.yaml", 5),
    ("unknown-calendar-in-department", "departments.yaml", 9),
    ("unknown-department-in-escalation", "escalation.yaml", 4),
    ("yaml-duplicate-key", "severity.yaml", 13),
    ("unknown-holiday-country", "calendars.yaml", 7),
    ("bad-recurrence-window", "customers.yaml", 4),
    ("unknown-until-status", "escalation.yaml", 6),
    ("unknown-during", "escalation.yaml", 6),
    ("python-tag", "departments.yaml", 3),
]

CONFIG = "incidents: incidents\npolicies: policies\nid_prefix: INC\n"


def corpus_repo(root: Path, case: str | None = None) -> Path:
    """A fresh incident repo: the base policies with a policy case's files over them, the
    config, the valid baseline incident."""
    repo = root / "repo"
    shutil.copytree(POLICIES / "base", repo / "policies")
    if case is not None:
        for path in (POLICIES / case).iterdir():
            shutil.copyfile(path, repo / "policies" / path.name)
    (repo / "incident-ops.yaml").write_text(CONFIG, encoding="utf-8")
    year = repo / "incidents" / "2026"
    year.mkdir(parents=True)
    shutil.copy(BASELINE, year / BASELINE.name)
    GitRepo(repo)
    return repo


@pytest.fixture
def elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty working folder outside every repository: in-process runs must find the
    repository through `--root` alone, and anything a YAML tag ran would land here."""
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    monkeypatch.chdir(folder)
    return folder


def validate(repo: Path, case: str | None = None) -> Result:
    """The real CLI on `repo`: a real process from the repo root for a SMOKE case, else
    in-process with `--root`."""
    args = ("validate", "--format", "json", "--now", NOW)
    if case in SMOKE:
        return run_process(repo, *args)
    return run_main(*args, "--root", str(repo))


def write_huge(path: Path) -> None:
    """50 MB of otherwise valid incident: the 1 MiB size cap must stop it before parsing."""
    head = BASELINE.read_text(encoding="utf-8").replace("INC-2026-0001", "INC-2026-0911")
    filler = ("Lorem ipsum dolor sit amet, consectetur adipiscing elit. " * 16 + "\n").encode()
    with path.open("wb") as fh:
        fh.write(head.encode())
        for _ in range(50 * 1024 * 1024 // len(filler) + 1):
            fh.write(filler)


def test_corpus_is_big_enough() -> None:
    committed = [p for p in (CORPUS / "incidents").iterdir() if p.is_file()]
    policy_files = list(POLICIES.glob("*/*.yaml"))
    assert len(committed) + len(POLICY_CASES) >= 34
    assert {p.name for p in committed} == {c for c, _, _ in INCIDENT_CASES} - {HUGE}
    names = {getattr(c, "values", c)[0] for c in POLICY_CASES}
    assert {p.parent.name for p in policy_files} == names | {"base"}
    assert SMOKE.issubset(names | {c for c, _, _ in INCIDENT_CASES})


def test_policy_cases_hold_only_what_they_break() -> None:
    """Each policy case's folder holds the file it names, and no unchanged base file."""
    for case, file, _ in (getattr(c, "values", c) for c in POLICY_CASES):
        files = sorted((POLICIES / case).iterdir())
        assert file in [path.name for path in files], case
        for path in files:
            base = POLICIES / "base" / path.name
            assert not base.exists() or base.read_bytes() != path.read_bytes(), path


def test_base_corpus_repo_is_clean(tmp_path: Path, elsewhere: Path) -> None:
    """The base policy and the baseline incident pass, so every case fails for its own defect."""
    result = validate(corpus_repo(tmp_path))
    assert "Traceback" not in result.out + result.err
    assert result.code == 0, result.out + result.err
    assert result.json()["summary"]["errors"] == 0


def test_example_repo_is_clean(tmp_path: Path, elsewhere: Path) -> None:
    """The shipped examples validate with no error at --now; the one finding is by design.

    INC-2026-0007 recurs INC-2026-0001 whose prevention actions were all done: the example
    shows the `recurrence` rule's "prevention failed" warning (a warning by the repo config).
    """
    repo = tmp_path / "repo"
    shutil.copytree(PROJECT / "policies", repo / "policies")
    shutil.copytree(PROJECT / "incidents", repo / "incidents")
    shutil.copy(PROJECT / "incident-ops.yaml", repo / "incident-ops.yaml")
    GitRepo(repo)
    result = validate(repo)
    assert "Traceback" not in result.out + result.err
    report = result.json()
    found = [(f["path"], f["rule"], f["level"]) for f in report["findings"]]
    recurring = "incidents/2026/INC-2026-0007-billing-db-slow-after-rebuild.md"
    assert found == [(recurring, "recurrence", "warning")], json.dumps(report, indent=1)
    assert result.code == 0
    assert report["summary"]["incidents"] == 9


@pytest.mark.parametrize(("case", "code", "expected"), INCIDENT_CASES, ids=lambda v: str(v))
def test_incident_case(
    tmp_path: Path, elsewhere: Path, case: str, code: int, expected: list[tuple[str, int | None]]
) -> None:
    repo = corpus_repo(tmp_path)
    target = repo / "incidents" / "2026" / case
    if case == HUGE:
        write_huge(target)
    else:
        shutil.copyfile(CORPUS / "incidents" / case, target)

    result = validate(repo, case)

    assert "Traceback" not in result.out + result.err
    assert result.code == code, result.out + result.err
    findings = result.json()["findings"]
    mine = [(f["rule"], f["line"]) for f in findings if f["path"] == f"incidents/2026/{case}"]
    for rule, line in expected:
        hits = [got for got in mine if got[0] == rule and (line is ANY or got[1] == line)]
        assert hits, f"expected {rule} at line {line}, got {mine}"
    for folder in (repo, elsewhere):
        assert not (folder / PWNED).exists(), "a YAML tag ran a command"


@pytest.mark.parametrize(("case", "file", "line"), POLICY_CASES, ids=lambda v: str(v))
def test_policy_case(tmp_path: Path, elsewhere: Path, case: str, file: str, line: int) -> None:
    repo = corpus_repo(tmp_path, case)

    result = validate(repo, case)

    assert "Traceback" not in result.out + result.err
    assert result.code == 2, result.out + result.err
    assert f"policies/{file}:{line}:" in result.err, result.err
    for folder in (repo, elsewhere):
        assert not (folder / PWNED).exists(), "a YAML tag ran a command"
