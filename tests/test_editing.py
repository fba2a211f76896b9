"""Round-trip editing: only the changed keys' lines differ, and writes are atomic."""

from __future__ import annotations

import os
import stat
from datetime import UTC, datetime, timedelta, timezone

import pytest

from incident_ops.domain.timestamps import parse_timestamp
from incident_ops.edit.frontmatter import (
    append_item,
    edit_front_matter,
    edit_text,
    instant,
    set_action_issue,
    set_escalation_issue,
    set_key,
)
from incident_ops.errors import IncidentOpsError
from incident_ops.parse.document import MAX_BYTES, read_document

CET = timezone(timedelta(hours=1))

FRONT = """\
---
# Incident record: keep this comment
title:   'Billing database unavailable'   # odd spacing and quotes
id: "INC-2026-0042"
status: reported                   # see lifecycle
severity: SEV1
category: service-failure
detected_at: 2026-11-20T09:12:00+01:00
services: [ billing-db, billing-api ]
customers: []
impact: {full_outage: true, vip_affected: true}
acknowledged_at: ~
closed_at: null
escalations:                       # who was engaged, when
  - department: management         # the first escalation
    at: 2026-11-20T09:35:00+01:00
    by: "@bob"

  # more escalations go here
updates: [{at: 2026-11-20T09:50:00+01:00, audience: customers, channel: email, summary: Down}]
actions:
- id: A1
  title: Alert on replica lag
  owner: '@carol'
  due: 2026-12-05
- id: A2
  title: Runbook
related: [INC-2026-0031]
---
"""
BODY = """
## Summary
Text with a --- line below

---

```yaml
---
status: closed
```
## Root cause analysis
No final newline"""
TEXT = FRONT + BODY


def _changed(old: str, new: str) -> list[tuple[str, str]]:
    """(old line, new line) pairs that differ, for same-length texts."""
    old_lines, new_lines = old.split("\n"), new.split("\n")
    assert len(old_lines) == len(new_lines)
    return [(a, b) for a, b in zip(old_lines, new_lines, strict=True) if a != b]


def _read(path: str) -> str:
    with open(path, encoding="utf-8", newline="") as handle:
        return handle.read()


def _write(tmp_path, text: str = TEXT, name: str = "INC-2026-0042-x.md") -> str:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return str(path)


def test_unchanged_file_is_not_rewritten(tmp_path):
    path = _write(tmp_path)
    before = os.stat(path).st_mtime_ns
    assert edit_front_matter(path, lambda data: set_key(data, "status", "reported")) is False
    assert os.stat(path).st_mtime_ns == before
    with open(path, "rb") as handle:
        assert handle.read() == TEXT.encode()


def test_setting_scalars_changes_only_their_lines(tmp_path):
    path = _write(tmp_path)

    def change(data):
        set_key(data, "status", "acknowledged")
        set_key(data, "acknowledged_at", instant(datetime(2026, 11, 20, 9, 20, tzinfo=CET)))
        set_key(data, "closed_at", instant(datetime(2026, 11, 20, 8, 0, tzinfo=UTC)))

    assert edit_front_matter(path, change) is True
    new = _read(path)
    assert _changed(TEXT, new) == [
        (
            "status: reported                   # see lifecycle",
            "status: acknowledged               # see lifecycle",
        ),
        ("acknowledged_at: ~", "acknowledged_at: 2026-11-20T09:20:00+01:00"),
        ("closed_at: null", "closed_at: 2026-11-20T08:00:00+00:00"),
    ]  # fmt: skip
    assert new.endswith(BODY)
    doc = read_document(path, "x.md")
    assert not doc.problems
    # YAML 1.2 has no timestamp type: the text is what the models parse, strictly
    assert parse_timestamp(doc.data["acknowledged_at"]) == datetime(2026, 11, 20, 9, 20, tzinfo=CET)
    assert parse_timestamp(doc.data["acknowledged_at"]).utcoffset() == timedelta(hours=1)
    assert parse_timestamp(doc.data["closed_at"]).tzinfo is not None


def test_new_key_goes_in_spec_order():
    def change(data):
        set_key(data, "mitigated_at", instant(datetime(2026, 11, 20, 11, 2, tzinfo=CET)))

    new = edit_text(TEXT, change)
    lines = new.split("\n")
    at = lines.index("mitigated_at: 2026-11-20T11:02:00+01:00")
    assert lines[at - 1] == "acknowledged_at: ~" and lines[at + 1] == "closed_at: null"
    assert new.replace("mitigated_at: 2026-11-20T11:02:00+01:00\n", "", 1) == TEXT


def test_appending_to_a_block_list_keeps_its_indent_and_trailing_lines():
    item = {"department": "platform", "at": instant(datetime(2026, 11, 20, 9, 40, tzinfo=CET))}
    new = edit_text(TEXT, lambda data: append_item(data, "escalations", item))
    expected = TEXT.replace(
        '    by: "@bob"\n',
        '    by: "@bob"\n  - department: platform\n    at: 2026-11-20T09:40:00+01:00\n',
    )
    assert new == expected
    front = read_document_text(new)
    assert parse_timestamp(front["escalations"][1]["at"]) == datetime(
        2026, 11, 20, 9, 40, tzinfo=CET
    )


def test_appending_to_a_flow_list_stays_flow():
    item = {"at": instant(datetime(2026, 11, 20, 10, 0, tzinfo=CET)), "audience": "management"}
    item |= {"channel": "chat", "summary": "Update: still down", "final": False}
    new = edit_text(TEXT, lambda data: append_item(data, "updates", item))
    changed = _changed(TEXT, new)
    assert len(changed) == 1
    assert changed[0][1].startswith("updates: [{at: 2026-11-20T09:50:00+01:00, audience: customers")
    assert changed[0][1].endswith(
        ", {at: 2026-11-20T10:00:00+01:00, audience: management, channel: chat, "
        "summary: 'Update: still down', final: false}]"
    )
    assert read_document_text(new)["updates"][1]["summary"] == "Update: still down"


def test_appending_to_an_empty_or_absent_list_makes_a_block_list():
    text = TEXT.replace("escalations:", "old_escalations:")  # no escalations key any more
    item = {"department": "legal", "at": instant(datetime(2026, 11, 20, 9, 40, tzinfo=CET))}
    new = edit_text(text, lambda data: append_item(data, "escalations", item))
    assert (
        "closed_at: null\nescalations:\n  - department: legal\n    at: 2026-11-20T09:40:00+01:00\n"
        in new
    )
    new = edit_text(TEXT, lambda data: append_item(data, "customers", {"name": "x"}))
    assert _changed(TEXT, new.replace("customers:\n  - name: x\n", "customers: []\n")) == []


def test_sweep_helpers_set_issue_on_existing_entries_only(tmp_path):
    path = _write(tmp_path)
    assert set_escalation_issue(path, "legal", "acme/legal#1") is False
    assert set_action_issue(path, "A9", "acme/platform#1") is False
    assert _read(path) == TEXT
    assert set_escalation_issue(path, "management", "acme/management#12") is True
    assert set_action_issue(path, "A1", "acme/platform#88") is True
    assert set_action_issue(path, "A1", "acme/platform#88") is False  # idempotent
    new = _read(path)
    expected = TEXT.replace('    by: "@bob"\n', '    by: "@bob"\n    issue: acme/management#12\n')
    expected = expected.replace(
        "  due: 2026-12-05\n", "  due: 2026-12-05\n  issue: acme/platform#88\n"
    )
    assert new == expected


def test_crlf_files_keep_their_newlines(tmp_path):
    text = TEXT.replace("\n", "\r\n")
    path = _write(tmp_path, text)
    assert edit_front_matter(path, lambda data: set_key(data, "status", "acknowledged"))
    with open(path, "rb") as handle:
        new = handle.read().decode()
    assert new == text.replace("status: reported    ", "status: acknowledged", 1)


def test_refuses_files_without_front_matter_or_too_big(tmp_path):
    with pytest.raises(IncidentOpsError, match="no front matter"):
        edit_text("# just markdown\n", lambda data: None)
    with pytest.raises(IncidentOpsError, match="not closed"):
        edit_text("---\nid: X\n", lambda data: None)
    with pytest.raises(IncidentOpsError, match="must be a mapping"):
        edit_text("---\n- a\n---\n", lambda data: None)
    big = _write(tmp_path, FRONT + "x" * MAX_BYTES, "big.md")
    with pytest.raises(IncidentOpsError, match="limit"):
        edit_front_matter(big, lambda data: set_key(data, "status", "acknowledged"))


def test_a_failing_change_leaves_the_file_alone(tmp_path):
    path = _write(tmp_path)

    def change(data):
        set_key(data, "status", "resolved")
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        edit_front_matter(path, change)
    assert _read(path) == TEXT
    assert os.listdir(tmp_path) == ["INC-2026-0042-x.md"]


def test_crash_at_replace_keeps_original_and_removes_temp_file(tmp_path, monkeypatch):
    path = _write(tmp_path)
    os.chmod(path, 0o640)

    def fail(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("os.replace", fail)
    with pytest.raises(OSError, match="No space"):
        edit_front_matter(path, lambda data: set_key(data, "status", "acknowledged"))
    assert _read(path) == TEXT
    assert os.listdir(tmp_path) == ["INC-2026-0042-x.md"]
    monkeypatch.undo()
    assert edit_front_matter(path, lambda data: set_key(data, "status", "acknowledged"))
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o640  # mode preserved by the rewrite
    assert os.listdir(tmp_path) == ["INC-2026-0042-x.md"]


def read_document_text(text: str) -> dict:
    from incident_ops.parse.document import Document, parse_text

    doc = Document("x.md")
    parse_text(doc, text)
    assert not doc.problems
    return doc.data
