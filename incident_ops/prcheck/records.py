"""Which incident record went where: base versions paired with head versions, by id.

Git pairs files by path and content similarity (`git diff -M`); a record is identified by
its id. A base incident file *survives* when Git pairs it with a head incident file that
keeps its id (a rename inside the incidents folder, an edit). A record Git sees deleted
but whose id an added head file carries (rewritten beyond rename detection) is paired
with that file, so its status before the PR still counts. Every other base record is
*removed*: deleted, moved out of the incidents folder or to a name incident-ops does not
read (a hidden folder, not `*.md`), or its file now holds another id — the audit record
is gone, which needs approval (`record-removed`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from incident_ops.parse.document import Document
from incident_ops.prcheck.changes import Change
from incident_ops.workspace.load import raw_id

RULE = "record-removed"


@dataclass(frozen=True)
class Removal:
    """A base record the PR removes, as it was at base."""

    change: Change
    incident: str | None
    severity: str | None
    how: str  # "deleted", "moved to …", "now holds …"

    @property
    def path(self) -> str:
        """Where the finding points: the file at head when it still exists, else at base."""
        return self.change.new or self.change.old or ""

    @property
    def action(self) -> str:
        what = self.incident or self.change.old
        return f"removing {what} ({self.change.old} {self.how})"

    @property
    def paths(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(p for p in (self.change.old, self.change.new) if p))


@dataclass
class Pairing:
    """Head incident path → the base path of the same record (None: a new record)."""

    base_of: dict[str, str | None]
    removals: list[Removal]


def _field(doc: Document | None, key: str) -> str | None:
    data = doc.data if doc is not None else None
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, str) else None


def pair(
    changes: list[Change],
    is_incident: Callable[[str | None], bool],
    base_docs: Mapping[str, Document],
    head_docs: Mapping[str, Document],
) -> Pairing:
    """Pair the changed records of base and head; what is left of base was removed."""
    base_of: dict[str, str | None] = {}
    orphans: list[Change] = []
    for change in changes:
        old = change.old if is_incident(change.old) else None
        new = change.new if is_incident(change.new) else None
        if new is not None:
            base_of[new] = old
        if old is None:
            continue
        old_id, new_id = _id(base_docs.get(old)), _id(head_docs.get(new)) if new else None
        if new is not None and (old_id is None or new_id is None or new_id == old_id):
            continue  # the same record (a file that no longer parses is reported as such)
        if new is not None:
            base_of[new] = None  # the file now holds another record
        orphans.append(change)
    added: dict[str, str] = {}
    for path, base in base_of.items():
        head_id = _id(head_docs.get(path))
        if base is None and head_id is not None:
            added.setdefault(head_id, path)
    removals: list[Removal] = []
    for change in orphans:
        assert change.old is not None
        doc = base_docs.get(change.old)
        old_id = _id(doc)
        moved_to = added.pop(old_id, None) if old_id else None
        if moved_to is not None:
            base_of[moved_to] = change.old
            continue
        removals.append(Removal(change, old_id, _field(doc, "severity"), _how(change, head_docs)))
    return Pairing(base_of, removals)


def _id(doc: Document | None) -> str | None:
    return raw_id(doc) if doc is not None else None


def _how(change: Change, head_docs: Mapping[str, Document]) -> str:
    if change.new is None:
        return "deleted"
    if change.new in head_docs:
        return f"now holds {_id(head_docs[change.new]) or 'no id'}"
    return f"moved to {change.new}, where incident-ops does not read it"
