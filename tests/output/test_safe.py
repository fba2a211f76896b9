"""Terminal escapes from a crafted incident never reach a terminal raw (text outputs);
JSON keeps the data (JSON escapes it)."""

from __future__ import annotations

import json
import os
import subprocess

import pytest
import yaml

from incident_ops.output.safe import printable
from tests.helpers import MINIMAL, NOW, incident, run_cli

OSC8 = "\x1b]8;;https://evil.example/\x1b\\click here\x1b]8;;\x1b\\"
OSC52 = "\x1b]52;c;cm0gLXJmIH4=\x07"  # writes "rm -rf ~" to the clipboard
# The same as YAML double-quoted escapes (\e ESC, \a BEL), plus a C1 CSI and a DEL.
YAML_TITLE = (
    r'"Billing \e]8;;https://evil.example/\e\\click here\e]8;;\e\\ down'
    r'\e]52;c;cm0gLXJmIH4=\a \x9b2J\x7f"'
)
CLEAN_TITLE = "Billing click here down"  # the C1 CSI "2J" (clear screen) goes too
BAD = ("\x1b", "\x07", "\x9b", "\x9d", "\x7f")


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        (f"a{OSC8}b", "aclick hereb"),
        (f"a{OSC52}b", "ab"),
        ("a\x1b]52;c;cm0=\x1b\\b", "ab"),  # OSC ended by ST
        ("a\x9d8;;http://x\x9cb", "ab"),  # the one-byte C1 forms
        ("a\x1b[2J\x1b[1;31mb\x1b[0m", "ab"),  # CSI
        ("a\x9b2Jb", "ab"),
        ("a\x1bPq#0;2;0;0;0\x1b\\b", "ab"),  # DCS (sixel)
        ("a\x1b7b\x1b(Bc", "abc"),  # two-byte escapes
        ("a\x00\x08\r\x7f\x85b", "ab"),  # C0, DEL, C1
        ("tab\tand\nnewline stay", "tab\tand\nnewline stay"),
        ("Сбой биллинга — 한글 ✓", "Сбой биллинга — 한글 ✓"),
        ("dangling \x1b]52;c;abc", "dangling "),  # unterminated: dropped to the end
        ("dangling \x1b", "dangling "),
    ],
)
def test_printable_strips_escape_sequences_and_control_characters(raw, clean):
    assert printable(raw) == clean


def _clean(text: str) -> bool:
    return not any(ch in text for ch in BAD)


def _front(title: str = YAML_TITLE, extra: str = "") -> str:
    return MINIMAL.replace("title: Billing database unavailable", f"title: {title}") + extra


@pytest.fixture
def crafted(make_repo):
    front = _front(extra="services: [billing-db]\n")
    return make_repo({"INC-2026-0001-billing.md": incident(front)})


def test_similar_text_prints_no_escape_and_json_keeps_the_title(crafted):
    text = crafted.run("similar", "--text", "billing")
    assert text.code == 0, text.err
    assert CLEAN_TITLE in text.out and _clean(text.out)
    data = crafted.run("similar", "--text", "billing", "--format", "json").json()
    assert OSC8 in data["results"][0]["title"] and OSC52 in data["results"][0]["title"]


def test_deadlines_table_prints_no_escape(crafted):
    result = crafted.run("deadlines", "--now", NOW)
    assert result.code == 0 and CLEAN_TITLE in result.out and _clean(result.out)


def test_validate_text_prints_no_escape_from_a_path(make_repo):
    name = f"INC-2026-0002-{OSC52}.md"  # a file name is a path any PR may add
    repo = make_repo(
        {
            "INC-2026-0001-billing.md": incident(_front(title="x")),
            name: incident(MINIMAL.replace("0001", "0002").replace("SEV3", "SEV9")),
        }
    )
    result = repo.run("validate", "--now", NOW)
    assert result.code == 1 and "unknown-reference" in result.out
    assert "incidents/2026/INC-2026-0002-.md:5:1: error" in result.out and _clean(result.out)
    data = repo.run("validate", "--now", NOW, "--format", "json").json()
    assert any(OSC52 in f["path"] for f in data["findings"])


def test_history_text_prints_no_escape_from_values_or_authors(make_repo):
    repo = make_repo({"INC-2026-0001-billing.md": incident(_front())})
    env = {**os.environ, "GIT_AUTHOR_NAME": f"eve{OSC52}x", "GIT_AUTHOR_EMAIL": "e@example.com",
           "GIT_COMMITTER_NAME": "c", "GIT_COMMITTER_EMAIL": "c@example.com"}  # fmt: skip
    subprocess.run(["git", "-C", str(repo.root), "add", "-A"], check=True, env=env)
    subprocess.run(["git", "-C", str(repo.root), "commit", "-qm", "x"], check=True, env=env)
    result = repo.run("history", "INC-2026-0001")
    assert result.code == 0, result.err
    assert "eve" in result.out and "click here" in result.out and _clean(result.out)
    data = repo.run("history", "INC-2026-0001", "--format", "json").json()
    assert data["changes"][0]["author"] == f"eve{OSC52}x"


def test_stats_and_report_text_print_no_escape(make_repo):
    front = _front(extra=r'services: ["db\e]8;;https://evil.example/\e\\"]' + "\n")
    front = front.replace("SEV3", "SEV1")
    broken = f"INC-2026-0002-{OSC52}.md"  # skipped by stats, named on stderr
    repo = make_repo({"INC-2026-0001-billing.md": incident(front), broken: "no front matter"})
    stats = repo.run("stats", "--now", NOW)
    assert stats.code == 0 and "db" in stats.out and _clean(stats.out)
    assert "skipped incidents/2026/INC-2026-0002-.md" in stats.err and _clean(stats.err)
    report = repo.run("report", "--now", NOW)
    assert report.code == 0 and CLEAN_TITLE in report.out and _clean(report.out)
    data = json.loads(repo.run("stats", "--now", NOW, "--format", "json").out)
    assert any("\x1b]8" in name for name in data["by_service"])


def test_edit_messages_and_refusals_print_no_escape(make_repo):
    acked = MINIMAL.replace("status: reported", "status: acknowledged") + (
        "acknowledged_at: 2026-11-20T09:20:00+01:00\n"
    )
    repo = make_repo({"INC-2026-0001-billing.md": incident(acked)})
    added = repo.run("action", "add", "INC-2026-0001", "--title", f"Fix {OSC8}", "--owner", "@c",
                     "--department", "platform", "--due", "2026-12-05", "--now", NOW)  # fmt: skip
    assert added.code == 0, added.err
    assert "Fix click here" in added.out and _clean(added.out)
    text = (repo.root / "incidents/2026/INC-2026-0001-billing.md").read_text()
    assert yaml.safe_load(text.split("---\n")[1])["actions"][0]["title"] == f"Fix {OSC8}"
    bad = repo.run("action", "done", "INC-2026-0001", f"A9{OSC52}", "--now", NOW)
    assert bad.code == 2 and "no action A9" in bad.err and _clean(bad.err)


def test_cli_errors_quoting_a_file_print_no_escape(make_repo):
    repo = make_repo({"INC-2026-0001-billing.md": incident(_front())})
    result = run_cli(repo.root, "deadlines", f"nosuch{OSC52}")
    assert result.code == 2 and "nosuch" in result.err and _clean(result.err)
