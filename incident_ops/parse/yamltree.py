"""YAML → plain values plus a key-path → line map, from one libyaml node tree.

Composing once with the C parser and walking the nodes gives both the values and the
line of every key in a single pass (a `load` plus a separate `compose` would parse
twice). The walk is also where unsafe YAML is refused: only the core schema's tags are
allowed, aliases are rejected (no "billion laughs" can expand), duplicate keys and merge
keys are errors.

Plain scalars are resolved by the YAML 1.2 core schema, as editors and JSON Schema tools
read YAML — not by PyYAML's YAML 1.1 rules. So `yes`, `no`, `on`, `off`, `12:30`,
`1_000`, `0b11` and `2026-11-20T09:12:00+01:00` are text; `true`/`false` are booleans,
`~`/`null`/empty are null, `12`, `0o17`, `0x1F` integers, `1.5`, `1e3`, `.inf`, `.nan`
floats. The core schema has no timestamp type: the models parse timestamp text strictly
(`domain.timestamps`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

try:
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _BaseLoader

Path = tuple[str | int, ...]
_T = "tag:yaml.org,2002:"


class YamlProblem(Exception):
    """A YAML document we refuse; `line` is 1-based within the parsed text."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass
class Tree:
    """Parsed values and where each key path stands (1-based lines of the text)."""

    value: Any
    lines: dict[Path, int] = field(default_factory=dict)

    def line_of(self, path: Path, default: int = 1) -> int:
        """The line of `path`, else of its nearest ancestor that has one."""
        for end in range(len(path), 0, -1):
            line = self.lines.get(path[:end])
            if line is not None:
                return line
        return default


_STR, _SEQ, _MAP = _T + "str", _T + "seq", _T + "map"
_NULL, _BOOL, _INT, _FLOAT = _T + "null", _T + "bool", _T + "int", _T + "float"
# The YAML 1.2.2 core schema (spec §10.3.2), in its order; anything else is a string.
_CORE: tuple[tuple[str, re.Pattern[str]], ...] = (
    (_NULL, re.compile(r"(?:~|null|Null|NULL)\Z")),
    (_BOOL, re.compile(r"(?:true|True|TRUE|false|False|FALSE)\Z")),
    (_INT, re.compile(r"(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)\Z")),
    (
        _FLOAT,
        re.compile(
            r"(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
            r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))\Z"
        ),
    ),
)
_MERGE = _T + "merge"
# First characters a core-schema null, bool, int or float can start with (and `<` of the
# merge key); a plain scalar starting with anything else is a string without a pattern.
_RESOLVED_FIRST = frozenset("~nNtTfF-+.0123456789<")


# The same table, arranged to resolve with at most one pattern: the spellings of null,
# bool, .inf and .nan (and the merge key) looked up, numbers matched by one pattern.
_WORDS = {
    **dict.fromkeys(("~", "null", "Null", "NULL"), _NULL),
    **dict.fromkeys(("true", "True", "TRUE", "false", "False", "FALSE"), _BOOL),
    **{sign + inf: _FLOAT for sign in ("", "+", "-") for inf in (".inf", ".Inf", ".INF")},
    **dict.fromkeys((".nan", ".NaN", ".NAN"), _FLOAT),
    "<<": _MERGE,
}
_NUMBER = re.compile(
    r"(?:(?P<int>[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)"
    r"|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?)\Z"
)
_NUMBER_FIRST = frozenset("-+.0123456789")


def core_tag(value: str) -> str:
    """The core-schema tag of a plain scalar's text; a plain `<<` is marked as a merge
    key (not core YAML 1.2, but some tools merge it: refused as a key, text as a value)."""
    if not value:
        return _NULL
    tag = _WORDS.get(value)
    if tag is not None:
        return tag
    if value[0] in _NUMBER_FIRST:
        found = _NUMBER.match(value)
        if found is not None:
            return _INT if found.lastgroup == "int" else _FLOAT
    return _STR


class _Loader(_BaseLoader):
    """The C parser with the YAML 1.2 core schema as a memoised tag resolver.

    Resolving is a Python call per scalar and most values of incident files repeat
    (keys, enums, booleans), so a memo removes most of the pattern matching; the two
    path-resolver hooks PyYAML calls per node do nothing here.
    """

    def resolve(
        self,
        kind: type,
        value: str | None,
        implicit: tuple[bool, bool],
        _memo: dict[str, str] = {},  # noqa: B006 - shared on purpose: the memo
    ) -> str:
        if kind is not ScalarNode:
            return _SEQ if kind is SequenceNode else _MAP
        if not implicit[0]:  # quoted, or a block scalar: a string (`!` tags never get here)
            return _STR
        if value and value[0] not in _RESOLVED_FIRST:
            return _STR
        tag = _memo.get(value)  # type: ignore[arg-type]
        if tag is None:
            tag = core_tag(value or "")
            if len(_memo) < _MEMO_SIZE:
                _memo[value] = tag  # type: ignore[index]
        return tag

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        """No path resolvers in the core schema."""

    def ascend_resolver(self) -> None:
        """No path resolvers in the core schema."""


_MEMO_SIZE = 50_000
_PATTERNS = dict(_CORE)
_BOOLEANS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False}
_BOOLEANS["FALSE"] = False


def _checked(node: ScalarNode, tag: str) -> str:
    """The text of a scalar, which must be in the core schema's form for `tag`: a plain
    scalar resolved to it always is; an explicit tag (`!!int 1_000`) may not be."""
    text: str = node.value
    if _PATTERNS[tag].match(text) is None:
        raise ValueError(text)
    return text


def _null(node: ScalarNode) -> None:
    if node.value:
        _checked(node, _NULL)


def _bool(node: ScalarNode) -> bool:
    value = _BOOLEANS.get(node.value)
    if value is None:
        raise ValueError(node.value)
    return value


def _int(node: ScalarNode) -> int:
    text = _checked(node, _INT)
    if text.startswith("0o"):
        return int(text[2:], 8)
    if text.startswith("0x"):
        return int(text[2:], 16)
    return int(text)  # decimal even with leading zeros: `017` is 17 in YAML 1.2


def _float(node: ScalarNode) -> float:
    text = _checked(node, _FLOAT)
    body = text.lstrip("+-")
    if body[:1] == "." and body[1:2].isalpha():  # .inf .Inf .INF .nan .NaN .NAN
        if body[1] in "nN":
            return math.nan
        return -math.inf if text[0] == "-" else math.inf
    return float(text)


_SCALARS: dict[str, Callable[[ScalarNode], Any]] = {
    _STR: lambda n: n.value,
    _MERGE: lambda n: n.value,
    _NULL: _null,
    _BOOL: _bool,
    _INT: _int,
    _FLOAT: _float,
}


def _problem_line(error: yaml.YAMLError) -> int:
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    return mark.line + 1 if mark is not None else 1


def _describe(error: yaml.YAMLError) -> str:
    problem = getattr(error, "problem", None)
    context = getattr(error, "context", None)
    if problem:
        return f"invalid YAML: {problem}" + (f" ({context})" if context else "")
    return f"invalid YAML: {str(error).splitlines()[0]}"


def parse(text: str, first_line: int = 1) -> Tree:
    """Parse one YAML document whose first line is file line `first_line`.

    Raises YamlProblem (never a bare YAMLError), with file lines.
    """
    shift = first_line - 1
    loader = _Loader(text)
    try:
        try:
            node = loader.get_single_node()
        except yaml.YAMLError as error:
            raise YamlProblem(_problem_line(error) + shift, _describe(error)) from None
        if node is None:
            return Tree(None)
        # An alias needs a `*` in the text: without one, no node can be met twice.
        lines: dict[Path, int] = {}
        walk = _walker(lines, shift + 1, set() if "*" in text else None)
        try:
            value = walk(node, ())
        except _Alias:
            line = _first_alias_line(text) + shift
            raise YamlProblem(line, "YAML aliases (*name) are not allowed") from None
        except RecursionError:
            raise YamlProblem(first_line, "YAML nested too deeply") from None
        return Tree(value, lines)
    finally:
        loader.dispose()


class _Alias(Exception):
    """A node met twice: an alias. Its own line is found by a second, rare pass."""


def _first_alias_line(text: str) -> int:
    for event in yaml.parse(text, Loader=_BaseLoader):
        if isinstance(event, yaml.AliasEvent):
            return int(event.start_mark.line) + 1
    return 1  # pragma: no cover - only called when an alias exists


def _walker(
    lines: dict[Path, int], base: int, seen: set[int] | None
) -> Callable[[Node, Path], Any]:
    """A function turning nodes into values, recording key lines in `lines`.

    One closure instead of methods: this runs for every node of every file, so
    attribute and method lookups are kept out of the loops. `base` is added to
    libyaml's 0-based lines; `seen` (None when the text cannot hold an alias) refuses
    a node met twice.
    """
    str_tag, seq_tag, map_tag, merge_tag = _T + "str", _T + "seq", _T + "map", _T + "merge"
    scalars = _SCALARS

    def scalar(node: ScalarNode) -> Any:
        construct = scalars.get(node.tag)
        if construct is None:
            raise YamlProblem(node.start_mark.line + base, f"YAML tag {node.tag!r} is not allowed")
        try:
            return construct(node)
        except (ValueError, OverflowError, yaml.YAMLError):
            raise YamlProblem(
                node.start_mark.line + base,
                f"invalid {node.tag.rsplit(':', 1)[-1]} {node.value!r}",
            ) from None

    def value(node: Node, path: Path) -> Any:
        if seen is not None:
            if id(node) in seen:
                raise _Alias
            seen.add(id(node))
        kind = type(node)
        if kind is ScalarNode:
            return node.value if node.tag == str_tag else scalar(node)
        if kind is MappingNode:
            if node.tag != map_tag:
                raise YamlProblem(
                    node.start_mark.line + base, f"YAML tag {node.tag!r} is not allowed"
                )
            result: dict[str, Any] = {}
            for key_node, value_node in node.value:
                line = key_node.start_mark.line + base
                tag = key_node.tag
                if tag == merge_tag:
                    raise YamlProblem(line, "YAML merge keys (<<) are not allowed")
                if type(key_node) is not ScalarNode:
                    raise YamlProblem(line, "mapping keys must be plain scalars")
                if tag == str_tag:
                    key = key_node.value
                else:
                    key = scalar(key_node)
                    if not isinstance(key, str):
                        key = str(key).lower() if isinstance(key, bool) or key is None else str(key)
                key_path = (*path, key)
                if key in result:
                    first = lines[key_path]
                    raise YamlProblem(
                        line, f"duplicate key {key!r} (first defined on line {first})"
                    )
                lines[key_path] = line
                if seen is None and type(value_node) is ScalarNode:
                    tag = value_node.tag
                    result[key] = value_node.value if tag == str_tag else scalar(value_node)
                else:
                    result[key] = value(value_node, key_path)
            return result
        if kind is SequenceNode:
            if node.tag != seq_tag:
                raise YamlProblem(
                    node.start_mark.line + base, f"YAML tag {node.tag!r} is not allowed"
                )
            items = []
            for index, item in enumerate(node.value):
                item_path = (*path, index)
                lines[item_path] = item.start_mark.line + base
                items.append(value(item, item_path))
            return items
        raise YamlProblem(node.start_mark.line + base, "unsupported YAML node")  # pragma: no cover

    return value
