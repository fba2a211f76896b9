"""Edit an incident's front matter in place: only the changed keys' lines differ.

ruamel.yaml's round trip keeps comments, key order, quoting and flow/block style, but it
still normalises a few things (`null`/`~`, spacing after `:` or inside `[ ]`). So the
edit is applied as a three-way line merge: ruamel's rendering of the unchanged data is
the base, the file as written is "ours", the rendering after the change is "theirs";
lines the change did not touch keep their original bytes. The body after the closing
`---` is never parsed or rewritten. Writes are atomic (temp file + fsync + os.replace).

ruamel is imported inside functions: `validate` must not pay for it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from incident_ops.edit.linemerge import distance, indent_styles, merge
from incident_ops.errors import IncidentOpsError
from incident_ops.parse.source import Parts, SourceError, decode, read_bytes, split_front
from incident_ops.parse.yamltree import YamlProblem, parse
from incident_ops.workspace.atomic import write_atomic

if TYPE_CHECKING:
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap

# SPEC §3 key order: where a key that is absent gets inserted.
KEY_ORDER = (
    "id", "title", "status", "severity", "category", "detected_at", "source", "reporter",
    "commander", "services", "customers", "impact", "acknowledged_at", "mitigated_at",
    "resolved_at", "closed_at", "cancelled_at", "escalations", "updates", "root_cause",
    "actions", "waivers", "related",
)  # fmt: skip
IMPACT_ORDER = (
    "customers_affected", "full_outage", "data_loss", "security_breach", "vip_affected",
    "media_attention", "sla_breached",
)  # fmt: skip
ROOT_CAUSE_ORDER = ("category", "summary")
ACTION_ORDER = (
    "id", "title", "kind", "owner", "department", "due", "status", "done_at", "reason", "issue",
)  # fmt: skip
Change = Callable[["CommentedMap"], None]


class Instant(str):
    """An ISO 8601 timestamp with offset, written as a plain (unquoted) YAML timestamp."""


def instant(value: datetime) -> Instant:
    """`value` (aware) as `2026-11-20T09:20:00+01:00`, seconds precision."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"timestamp {value.isoformat()} has no offset")
    return Instant(value.isoformat(timespec="seconds"))


def split(text: str, path: str = "<text>") -> Parts:
    """The text cut at its front-matter delimiters (`parse.source.split_front`), or a
    clear error naming the file."""
    try:
        return split_front(text)
    except SourceError as error:
        raise IncidentOpsError(f"{path}: {error.problem.message}") from None


def read_text(abspath: str) -> str:
    """The file's text, refusing what `validate` would refuse to read (BOM included)."""
    try:
        raw = read_bytes(abspath)
    except SourceError as error:
        raise IncidentOpsError(f"{abspath}: {error.problem.message}") from None
    return strict_text(raw, abspath)


def strict_text(data: bytes, path: str) -> str:
    """The text of `data` read from `path`, refusing what `validate` would refuse (invalid
    UTF-8, a byte-order mark): an edit must not rewrite a file validate rejects."""
    try:
        text, problems = decode(data)
    except SourceError as error:
        raise IncidentOpsError(f"{path}: {error.problem.message}") from None
    if problems:
        raise IncidentOpsError(f"{path}: {problems[0].message}")
    return text


def edit_text(text: str, change: Change, path: str = "<text>") -> str:
    """The text after `change` mutated the front matter (the same text if nothing changed)."""
    from ruamel.yaml.error import YAMLError

    parts = split(text, path)
    front = parts.front.replace("\r\n", "\n")
    yamls = [_yaml(style) for style in indent_styles(front)]
    try:
        data = yamls[0].load(front)
    except YAMLError as error:
        raise IncidentOpsError(f"{path}: front matter is not valid YAML: {error}") from None
    if not _is_mapping(data):
        raise IncidentOpsError(f"{path}: front matter must be a mapping of keys")
    bases = [_dump(yaml, data) for yaml in yamls]
    change(data)
    edits = [_dump(yaml, data) for yaml in yamls]
    if edits[0] == bases[0]:
        return text
    # Try each indentation style the file uses; keep the merge closest to the file whose
    # values are exactly what ruamel wrote, else ruamel's own rendering.
    target = _values(edits[0])
    merges = [merge(base, front, edit) for base, edit in zip(bases, edits, strict=True)]
    merged = min(
        (m for m in merges if _values(m) == target),
        key=lambda m: distance(front, m),
        default=edits[0],
    )
    if merged == front:
        return text
    if parts.newline != "\n":
        merged = merged.replace("\n", parts.newline)
    return parts.head + merged + parts.tail


def edit_front_matter(abspath: str, change: Change) -> bool:
    """Apply `change` to the file's front matter; write (atomically) only if it changed."""
    text = read_text(abspath)
    new = edit_text(text, change, abspath)
    if new == text:
        return False
    write_atomic(abspath, new)
    return True


def escalation_issue(department: str, issue_ref: str) -> Change:
    """The change recording the issue of the first escalation to `department` (none when
    there is no such escalation)."""

    def change(data: CommentedMap) -> None:
        for item in data.get("escalations") or ():
            if _is_mapping(item) and item.get("department") == department:
                set_key(item, "issue", issue_ref)
                return

    return change


def action_issue(action_id: str, issue_ref: str) -> Change:
    """The change recording the issue of prevention action `action_id` (none if absent)."""

    def change(data: CommentedMap) -> None:
        for item in data.get("actions") or ():
            if _is_mapping(item) and str(item.get("id")) == action_id:
                set_key(item, "issue", issue_ref)
                return

    return change


def set_escalation_issue(abspath: str, department: str, issue_ref: str) -> bool:
    """Record the issue of the first escalation to `department`; False if there is none
    (or it already records that issue)."""
    return edit_front_matter(abspath, escalation_issue(department, issue_ref))


def set_action_issue(abspath: str, action_id: str, issue_ref: str) -> bool:
    """Record the issue of prevention action `action_id`; False if absent or already set."""
    return edit_front_matter(abspath, action_issue(action_id, issue_ref))


def set_key(
    mapping: CommentedMap, key: str, value: Any, order: tuple[str, ...] = KEY_ORDER
) -> None:
    """Set `key`; a new key goes after the keys that precede it in `order` (SPEC order of
    the front matter's top level, `ACTION_ORDER` in an action, ...)."""
    if key in mapping:
        if mapping[key] != value:
            mapping[key] = value
        return
    position = len(mapping)
    if key in order:
        rank = order.index(key)
        earlier = [i for i, k in enumerate(mapping) if k in order[:rank]]
        position = earlier[-1] + 1 if earlier else 0
    mapping.insert(position, key, value)
    if position > 0 and not mapping.fa.flow_style():
        _carry_trailing_lines((mapping, list(mapping)[position - 1]), (mapping, key))


def append_item(mapping: CommentedMap, key: str, item: dict[str, Any]) -> None:
    """Append a mapping to the list `key`, in the style of the list and of its last item
    (a new list is block)."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    new = CommentedMap(item)
    current = mapping.get(key)
    if not isinstance(current, CommentedSeq) or not current:
        seq = CommentedSeq([new])
        seq.fa.set_block_style()
        set_key(mapping, key, seq)
        return
    last = current[-1]
    if current.fa.flow_style() or (isinstance(last, CommentedMap) and last.fa.flow_style()):
        new.fa.set_flow_style()  # like its siblings: `- {id: A2, …}` items get `- {id: A3, …}`
    current.append(new)
    if not current.fa.flow_style():
        _carry_trailing_lines((current, len(current) - 2), (current, len(current) - 1))


Slot = tuple[Any, Any]  # (container, key or index)


def _last_slot(slot: Slot) -> Slot:
    """The deepest last entry under a slot: where ruamel keeps the lines that follow it."""
    container, key = slot
    value = container[key]
    # ruamel's CommentedMap/CommentedSeq carry `fa` (flow style) and `ca` (comments).
    while isinstance(value, dict | list) and value and not value.fa.flow_style():  # type: ignore[union-attr]
        container, key = value, (list(value)[-1] if isinstance(value, dict) else len(value) - 1)
        value = container[key]
    return container, key


def _carry_trailing_lines(before: Slot, inserted: Slot) -> None:
    """Blank and comment lines that followed the entry before an insertion stay below the
    inserted entry (ruamel would leave them between the two)."""
    from ruamel.yaml.tokens import CommentToken

    source, source_key = _last_slot(before)
    target, target_key = _last_slot(inserted)
    index = 2 if isinstance(source, dict) else 0
    slots = source.ca.items.get(source_key)
    token = slots[index] if slots and len(slots) > index else None
    if token is None or not isinstance(token, CommentToken):
        return
    first, _, rest = token.value.partition("\n")
    if not rest:
        return
    if first.strip():
        token.value = first + "\n"
    else:
        slots[index] = None
    moved = CommentToken("\n" + rest, token.start_mark)
    comments = cast(Any, target).ca.items  # a ruamel CommentedMap or CommentedSeq
    if isinstance(target, dict):
        comments[target_key] = [None, None, moved, None]
    else:
        comments[target_key] = [moved, None, None, None]


def _yaml(indent: dict[str, int]) -> YAML:
    from ruamel.yaml import YAML
    from ruamel.yaml.representer import RoundTripRepresenter

    class Representer(RoundTripRepresenter):
        """`null` spelled out (SPEC style) and Instants as plain timestamps."""

    Representer.add_representer(
        type(None), lambda r, _: r.represent_scalar("tag:yaml.org,2002:null", "null")
    )
    Representer.add_representer(
        Instant, lambda r, d: r.represent_scalar("tag:yaml.org,2002:timestamp", str(d))
    )
    yaml = YAML(typ="rt")
    yaml.Representer = Representer
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap a long title or summary
    yaml.indent(**indent)
    return yaml


def _dump(yaml: YAML, data: Any) -> str:
    import io

    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def _is_mapping(value: Any) -> bool:
    return isinstance(value, dict)


def _values(front: str) -> Any:
    try:
        return parse(front).value
    except YamlProblem:
        return object()  # never equal: fall back to ruamel's own rendering
