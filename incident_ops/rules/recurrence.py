"""`recurrence`: an incident that repeats an earlier one is pointed at it, as a warning.

Active when the policy has `recurrence: {window: 180d, match: [services, root_cause.category]}`.
An earlier incident is one detected before this one and at most `window` before it
(business units count in the default calendar). It *matches* when every `match` path
agrees: list fields (`services`) share at least one value, scalars are equal, and a
missing value never matches. Cancelled incidents neither match nor are checked. Match
paths: `services`, `root_cause.category`, `category`, `customers`, `severity` (the fields
the repository index carries; the policy loader refuses others).

Every finding is a **warning**: the person reporting a new incident cannot mend an
earlier incident's prevention plan, so the PR that declares it must not fail for it.
The recurrence lands where it can be acted on instead: the sweep comments on the earlier
incident's open action issues, and closing this incident needs `related` to name the
earlier one and the prevention plan to say why its prevention did not hold
(`closure-recurrence`).

Findings, on the `related` line (the `id` line when absent):
- a matching earlier incident is not listed in `related` (names every such id);
- on that earlier incident's `related` entry (else as above): its prevention actions are
  still open — the fix for the first failure has not landed yet;
- same line: all of its prevention actions were done before this incident was
  detected — prevention did not hold; review whether those actions work.

Passing (`match: [services, root_cause.category]`, INC-2026-0001 on 2026-10-06,
`services: [billing-db]`, `root_cause: {category: configuration}`, every action done
after 2026-11-16 or none open)::

    id: INC-2026-0007
    detected_at: 2026-11-16T10:05:00+01:00
    services: [billing-db, api]
    root_cause: {category: configuration}
    related: [INC-2026-0001]

Failing: the same without `related` (warning on the `id` line).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime

from incident_ops.domain.obligations import add_time
from incident_ops.finding import Finding
from incident_ops.policy.load import Policy
from incident_ops.rules._context import Context
from incident_ops.workspace.index import Entry, RepoIndex

ID = "recurrence"
DESCRIPTION = "repeats an earlier incident without relating it, or its prevention failed"
# match path → Entry attribute; fields the Entry lacks resolve to nothing (never match).
FIELDS: dict[str, str] = {
    "services": "services",
    "root_cause.category": "root_cause",
    "category": "category",
    "customers": "customers",
    "severity": "severity",
}


def values(entry: Entry, path: str) -> frozenset[str]:
    """The values of a match path in an index entry (empty: missing)."""
    attribute = FIELDS.get(path)
    value = getattr(entry, attribute, None) if attribute else None
    if value is None:
        return frozenset()
    if isinstance(value, tuple | list | set | frozenset):
        return frozenset(str(v) for v in value)
    return frozenset([str(value)])


def shares(entry: Entry, path: str, wanted: frozenset[str]) -> bool:
    """Whether `entry` has one of `wanted` under a match path (without building a set)."""
    attribute = FIELDS.get(path)
    value = getattr(entry, attribute, None) if attribute else None
    if value is None:
        return False
    if isinstance(value, tuple | list | set | frozenset):
        return any(str(v) in wanted for v in value)
    return str(value) in wanted


def _candidates(index: RepoIndex, current: Entry, paths: list[str]) -> Iterable[Entry]:
    """Entries sharing a value of the first match path: a lookup, not a scan of all files."""
    if not paths or paths[0] not in FIELDS:
        return index.entries.values()
    return index.sharing(FIELDS[paths[0]], values(current, paths[0]))


def earlier_matches(ctx: Context) -> list[Entry]:
    """Incidents the file's incident matches detected within the window before it, oldest
    first (computed once per file: `recurrence` and `closure-recurrence` both ask)."""
    return ctx.memo("recurrence", lambda: earlier_in(ctx.policy, ctx.index, ctx.record_entry()))


def earlier_in(policy: Policy, index: RepoIndex, current: Entry) -> list[Entry]:
    """`earlier_matches` over any index (the sweep builds one from the incidents it read)."""
    rule = policy.model.recurrence
    if rule is None or current.detected_at is None or current.status == "cancelled":
        return []
    calendar = policy.calendar()
    # The candidates share the first path's value already; the rest are checked per
    # candidate against this file's values, computed once.
    mine = [(path, values(current, path)) for path in rule.match[1:]]
    # A wall-clock window starts at a fixed instant; a business one depends on the calendar.
    start = None
    if not rule.window.business:
        try:
            start = current.detected_at - rule.window.as_timedelta()
        except OverflowError:
            start = datetime.min.replace(tzinfo=UTC)
    found = []
    for other in _candidates(index, current, rule.match):
        detected = other.detected_at
        if (
            other.path == current.path
            or other.id is None
            or other.id == current.id
            or detected is None
            or other.status == "cancelled"
            or not detected < current.detected_at
            or not all(shares(other, path, theirs) for path, theirs in mine)
        ):
            continue
        if start is not None:
            if detected >= start:
                found.append(other)
            continue
        end = add_time(calendar, detected, rule.window)
        if end is None or end >= current.detected_at:  # None: beyond year 9999
            found.append(other)
    return sorted(found, key=lambda e: (e.detected_at, e.id or ""))


def check(ctx: Context) -> Iterator[Finding]:
    incident = ctx.incident
    rule = ctx.policy.model.recurrence
    if incident is None or rule is None:
        return
    matches = earlier_matches(ctx)
    if not matches:
        return
    anchor = ctx.line("related") if "related" in (ctx.doc.data or {}) else ctx.line("id")
    unlisted = [e for e in matches if e.id not in incident.related]
    if unlisted:
        names = ", ".join(f"{e.id} ({e.detected_at:%Y-%m-%d})" for e in unlisted)
        message = (
            f"recurs {names}: same {', '.join(rule.match)} within {rule.window}; list it in related"
        )
        yield ctx.finding(ID, anchor, message, "warning")
    for other in matches:
        line = (
            ctx.line("related", incident.related.index(other.id))
            if other.id in incident.related
            else anchor
        )
        if other.open_actions:
            message = (
                f"recurs {other.id}, whose prevention actions are still open: "
                f"{', '.join(other.open_actions)}"
            )
            yield ctx.finding(ID, line, message, "warning")
        elif other.last_action_done is not None and other.last_action_done < (incident.detected_at):
            message = (
                f"recurs {other.id} although all its prevention actions were done "
                f"(last on {other.last_action_done:%Y-%m-%d}): prevention did not hold; "
                "review whether they work"
            )
            yield ctx.finding(ID, line, message, level="warning")
