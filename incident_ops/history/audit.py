"""The `history` rule: what the Git history says about an incident's records.

- **backdated** (warning): a timestamp whose value lies more than the tolerance
  (`history_tolerance` in `incident-ops.yaml`, default 1h; `--tolerance`) before the author
  time of the commit that first recorded it, e.g. `acknowledged_at: 09:00` first committed
  at 15:00. Checked: `acknowledged_at`, `mitigated_at`, `resolved_at`, `closed_at`,
  `cancelled_at`, `escalations[].at`, `updates[].at`, `actions[].done_at`. Not
  `detected_at`: incident files are routinely written after the detection, and an
  earlier `detected_at` only makes every deadline stricter. A list item's timestamp counts
  as new only when no item of the same list held that instant before (reordering or
  inserting items records nothing new).
- **closed edit** (error): a commit that changes the front matter of an incident whose
  previous version was `closed`. The lifecycle allows no way out of `closed`, so this
  covers reopening too. Allowed after closure, because tracking continues: the issue
  links the sweep writes (`escalations[].issue`, `actions[].issue`) and the progress of
  prevention actions (`actions[].status`, `actions[].done_at`, and `actions[].reason`
  of a won't-do). Body edits are not checked. A version whose front matter does not
  parse is skipped: the next one that parses is compared with the last one that did.

Findings point at the field's line in the current file (else the `id` line) and name the
commit; `rules: {history: warning|off}` in `incident-ops.yaml` caps or disables them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime, timedelta
from typing import Any

from incident_ops.errors import ConfigError
from incident_ops.finding import Finding, Level
from incident_ops.history.changes import flatten, group_of, instants_plain, key_path
from incident_ops.history.trail import Change, History
from incident_ops.lint.levels import Levels
from incident_ops.workspace.config import Repo

ID = "history"
TIMESTAMPS = frozenset(
    ["acknowledged_at", "mitigated_at", "resolved_at", "closed_at", "cancelled_at",
     "escalations[].at", "updates[].at", "actions[].done_at"]
)  # fmt: skip
AFTER_CLOSURE = frozenset(
    ["escalations[].issue", "actions[].issue", "actions[].status", "actions[].done_at",
     "actions[].reason"]
)  # fmt: skip


def _instants(flat: Mapping[str, Any], group: str) -> set[datetime]:
    return {v for k, v in flat.items() if group_of(k) == group and isinstance(v, datetime)}


def backdated(change: Change, tolerance: timedelta) -> Iterator[tuple[str, datetime]]:
    """(field, value) of every timestamp this change first records too far in the past."""
    before: Mapping[str, Any] | None = None
    known: dict[str, set[datetime]] = {}  # group → instants the previous version held
    for name, (_old, new) in change.fields.items():
        group = group_of(name)
        if group not in TIMESTAMPS or not isinstance(new, datetime):
            continue
        if group not in known:
            if change.plain:
                known[group] = instants_plain(change.old, group)
            else:
                before = flatten(change.old or {}) if before is None else before
                known[group] = _instants(before, group)
        if new in known[group]:
            continue
        if change.at - new > tolerance:
            yield name, new


def closed_edits(change: Change) -> list[str]:
    """Fields changed although the previous version was closed (allowed ones left out)."""
    if not change.old or change.old.get("status") != "closed":
        return []
    return [name for name in change.fields if group_of(name) not in AFTER_CLOSURE]


def _span(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = [f"{days}d" if days else "", f"{hours}h" if hours else "", f"{mins}m" if mins else ""]
    return "".join(parts) or "0m"


def audit(
    history: History,
    tolerance: timedelta,
    lines: Mapping[tuple[str | int, ...], int] | None = None,
    levels: Levels | None = None,
) -> list[Finding]:
    """Findings of the `history` rule for one incident; `lines` is the current file's key map."""
    lines = lines or {}
    levels = levels or Levels()

    def line(name: str) -> int:
        path = key_path(name)
        for end in range(len(path), 0, -1):
            if path[:end] in lines:
                return lines[path[:end]]
        return lines.get(("id",), 1)

    def finding(name: str, level: Level, message: str) -> Finding:
        return levels.finding(history.path, line(name), ID, message, history.id, level)

    found: list[Finding] = []
    if not levels.enabled(ID):
        return found
    for change in history.changes:
        short = change.commit[:7]
        when = change.at.isoformat()
        for name, value in backdated(change, tolerance):
            message = (
                f"{name} {value.isoformat()} was first recorded by commit {short} at {when}, "
                f"{_span(change.at - value)} later (tolerance {_span(tolerance)}): backdated?"
            )
            found.append(finding(name, "warning", message))
        edited = closed_edits(change)
        if edited:
            message = (
                f"commit {short} ({change.author}, {when}) edited the closed incident: "
                f"{', '.join(edited)}"
            )
            found.append(finding(edited[0], "error", message))
    return sorted(found)


def parse_tolerance(text: str) -> timedelta:
    """A wall-clock duration (`30m`, `1h`, `2d`); business units make no sense here."""
    from incident_ops.domain.durations import parse_duration

    try:
        duration = parse_duration(text)
        return duration.as_timedelta()
    except ValueError as error:
        raise ConfigError(f"history tolerance: {error} (wall-clock units m, h, d)") from None


def check_repository(
    repo: Repo, references: tuple[str, ...], tolerance: timedelta
) -> tuple[list[Finding], int, int]:
    """`history` findings for the given incidents (default: all of the repository),
    with the number of files checked and of those that are valid incidents."""
    from incident_ops.history.trail import find_file, histories
    from incident_ops.workspace.workspace import Workspace

    workspace = Workspace(repo)
    if references:
        paths = [find_file(repo, ref) for ref in references]
    else:  # no incidents folder: exit 2, like validate
        paths = [relpath for _, relpath in workspace.files()]
    paths = list(dict.fromkeys(paths))
    found: list[Finding] = []
    valid = 0
    levels = Levels.of(repo)
    for path, history in histories(repo, paths).items():
        record = workspace.read(f"{repo.root}/{path}", path)
        valid += record.incident is not None
        lines = record.doc.front.lines if record.doc.front is not None else {}
        found += audit(history, tolerance, lines, levels)
    return sorted(found), len(paths), valid
