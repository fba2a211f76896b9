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

import contextlib
import os
import re
import stat
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from difflib import SequenceMatcher
from typing import TYPE_CHECKING, Any

from incident_ops.errors import IncidentOpsError
from incident_ops.parse.document import MAX_BYTES
from incident_ops.parse.yamltree import YamlProblem, parse

if TYPE_CHECKING:
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap

# SPEC §3 key order: where a key that is absent gets inserted.
KEY_ORDER = (
    "id", "title", "status", "severity", "category", "detected_at", "source", "reporter",
    "commander", "services", "customers", "impact", "acknowledged_at", "mitigated_at",
    "resolved_at", "closed_at", "cancelled_at", "escalations", "updates", "root_cause",
    "actions", "related",
)  # fmt: skip
Change = Callable[["CommentedMap"], None]
_LINES = re.compile(r"[^\n]*\n|[^\n]+$")


class Instant(str):
    """An ISO 8601 timestamp with offset, written as a plain (unquoted) YAML timestamp."""


def instant(value: datetime) -> Instant:
    """`value` (aware) as `2026-11-20T09:20:00+01:00`, seconds precision."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"timestamp {value.isoformat()} has no offset")
    return Instant(value.isoformat(timespec="seconds"))


@dataclass(frozen=True)
class Parts:
    """A file cut at its front-matter delimiters; `front` is the YAML between them."""

    head: str  # the opening '---' line with its newline
    front: str
    tail: str  # the closing delimiter line and the body, untouched

    @property
    def newline(self) -> str:
        return "\r\n" if self.head.endswith("\r\n") else "\n"


def split(text: str, path: str = "<text>") -> Parts:
    """Cut at the first line `---` and the next `---`/`...` line, as `parse.document` does."""
    first = text.find("\n")
    if first < 0 or text[:first].rstrip() != "---":
        raise IncidentOpsError(f"{path}: no front matter: the file must start with a '---' line")
    pos = first + 1
    while pos < len(text):
        end = text.find("\n", pos)
        end = len(text) if end < 0 else end + 1
        if text[pos:end].rstrip() in ("---", "..."):
            return Parts(text[: first + 1], text[first + 1 : pos], text[pos:])
        pos = end
    raise IncidentOpsError(f"{path}: front matter is not closed by a '---' line")


def read_text(abspath: str) -> str:
    """The file's text, refusing what `validate` would refuse to read."""
    try:
        size = os.stat(abspath).st_size
        if size > MAX_BYTES:
            raise IncidentOpsError(f"{abspath}: file is {size:,} bytes; the limit is {MAX_BYTES:,}")
        with open(abspath, "rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except OSError as error:
        raise IncidentOpsError(f"{abspath}: cannot read file: {error.strerror}") from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise IncidentOpsError(f"{abspath}: file is not valid UTF-8") from None


def write_atomic(abspath: str, text: str) -> None:
    """Replace the file in one step: a crash leaves the old or the new file, never half."""
    target = os.path.realpath(abspath)
    mode = stat.S_IMODE(os.stat(target).st_mode)
    directory, name = os.path.split(target)
    temp: str | None = None
    try:
        with tempfile.NamedTemporaryFile(
            dir=directory, prefix=f".{name}.", suffix=".tmp", delete=False
        ) as handle:
            temp = handle.name
            handle.write(text.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, mode)
        os.replace(temp, target)
    except BaseException:
        if temp is not None:
            with contextlib.suppress(OSError):
                os.unlink(temp)
        raise
    with contextlib.suppress(OSError):  # make the rename itself durable where possible
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def edit_text(text: str, change: Change, path: str = "<text>") -> str:
    """The text after `change` mutated the front matter (the same text if nothing changed)."""
    from ruamel.yaml.error import YAMLError

    parts = split(text, path)
    front = parts.front.replace("\r\n", "\n")
    yaml = _yaml(front)
    try:
        data = yaml.load(front)
    except YAMLError as error:
        raise IncidentOpsError(f"{path}: front matter is not valid YAML: {error}") from None
    if not _is_mapping(data):
        raise IncidentOpsError(f"{path}: front matter must be a mapping of keys")
    base = _dump(yaml, data)
    change(data)
    theirs = _dump(yaml, data)
    if theirs == base:
        return text
    merged = _merge(base, front, theirs)
    if _values(merged) != _values(theirs):  # the merge must mean what ruamel wrote
        merged = theirs
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


def set_escalation_issue(abspath: str, department: str, issue_ref: str) -> bool:
    """Record the issue of the first escalation to `department`; False if there is none
    (or it already records that issue)."""

    def change(data: CommentedMap) -> None:
        for item in data.get("escalations") or ():
            if _is_mapping(item) and item.get("department") == department:
                set_key(item, "issue", issue_ref)
                return

    return edit_front_matter(abspath, change)


def set_action_issue(abspath: str, action_id: str, issue_ref: str) -> bool:
    """Record the issue of prevention action `action_id`; False if absent or already set."""

    def change(data: CommentedMap) -> None:
        for item in data.get("actions") or ():
            if _is_mapping(item) and str(item.get("id")) == action_id:
                set_key(item, "issue", issue_ref)
                return

    return edit_front_matter(abspath, change)


def set_key(mapping: CommentedMap, key: str, value: Any) -> None:
    """Set `key`; a new key goes after the keys that precede it in SPEC order."""
    if key in mapping:
        if mapping[key] != value:
            mapping[key] = value
        return
    rank = KEY_ORDER.index(key) if key in KEY_ORDER else len(KEY_ORDER)
    position = 0
    for index, existing in enumerate(mapping):
        if existing in KEY_ORDER and KEY_ORDER.index(existing) < rank:
            position = index + 1
    if key not in KEY_ORDER:
        position = len(mapping)
    mapping.insert(position, key, value)


def append_item(mapping: CommentedMap, key: str, item: dict[str, Any]) -> None:
    """Append a mapping to the list `key`, in the list's own style (a new list is block)."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    new = CommentedMap(item)
    current = mapping.get(key)
    if not isinstance(current, CommentedSeq) or not current:
        seq = CommentedSeq([new])
        seq.fa.set_block_style()
        set_key(mapping, key, seq)
        return
    if current.fa.flow_style():
        new.fa.set_flow_style()
    else:
        _move_trailing_lines(current[-1], new)
    current.append(new)


def _move_trailing_lines(last: Any, new: CommentedMap) -> None:
    """Blank and comment lines after a list belong after the appended item, not before."""
    from ruamel.yaml.tokens import CommentToken

    if not _is_mapping(last) or not last or not new:
        return
    tail_key = list(last)[-1]
    slots = last.ca.items.get(tail_key)
    token = slots[2] if slots and len(slots) > 2 else None
    if token is None or isinstance(last[tail_key], dict | list):
        return
    first, _, rest = token.value.partition("\n")
    if not rest:
        return
    if first.strip():
        token.value = first + "\n"
    else:
        slots[2] = None
    new.ca.items[list(new)[-1]] = [None, None, CommentToken("\n" + rest, token.start_mark), None]


def _yaml(front: str) -> YAML:
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
    yaml.indent(**_guess_indent(front))
    return yaml


def _guess_indent(front: str) -> dict[str, int]:
    """Mapping indent, sequence indent and dash offset, as the file's first nestings show."""
    found: dict[str, int] = {}
    parent: int | None = None  # column of the last `key:` that opens a block
    for line in front.split("\n"):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        column = len(line) - len(line.lstrip(" "))
        if parent is not None and stripped.startswith("- ") and column >= parent:
            after = stripped[2:]
            found.setdefault("offset", column - parent)
            found.setdefault("sequence", column - parent + 2 + len(after) - len(after.lstrip()))
        elif parent is not None and column > parent:
            found.setdefault("mapping", column - parent)
        key = stripped.lstrip("- ")
        opens = re.fullmatch(r"[^\s#][^#]*:(\s+#.*)?", key) is not None
        parent = column + len(stripped) - len(key) if opens else None
    mapping = found.get("mapping", 2)
    offset = found.get("offset", 0)
    return {"mapping": mapping, "sequence": found.get("sequence", offset + 2), "offset": offset}


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


def _merge(base: str, ours: str, theirs: str) -> str:
    """Three-way line merge; where both sides changed a stretch, the edit (theirs) wins."""
    b, o, t = (_LINES.findall(text) for text in (base, ours, theirs))
    to_ours, to_theirs = _matches(b, o), _matches(b, t)
    anchors = [k for k in sorted(to_ours) if k in to_theirs]
    out: list[str] = []
    i = j = k = 0
    for anchor in [*anchors, len(b)]:
        oj, tk = (to_ours[anchor], to_theirs[anchor]) if anchor < len(b) else (len(o), len(t))
        out += o[j:oj] if b[i:anchor] == t[k:tk] else t[k:tk]
        if anchor < len(b):
            out.append(o[oj])
        i, j, k = anchor + 1, oj + 1, tk + 1
    return "".join(out)


def _matches(a: list[str], b: list[str]) -> dict[int, int]:
    found: dict[int, int] = {}
    for start_a, start_b, size in SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks():
        found.update((start_a + n, start_b + n) for n in range(size))
    return found
