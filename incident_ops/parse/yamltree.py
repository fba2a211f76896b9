"""YAML → plain values plus a key-path → line map, from one libyaml node tree.

Composing once with the C parser and walking the nodes gives both the values and the
line of every key in a single pass (a `load` plus a separate `compose` would parse
twice). The walk is also where unsafe YAML is refused: only the core schema's tags are
allowed, aliases are rejected (no "billion laughs" can expand), duplicate keys and merge
keys are errors.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
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
# First characters for which PyYAML has implicit resolvers (null, bool, int, float, …);
# a plain scalar starting with anything else is a string.
_RESOLVED_FIRST = frozenset(k for k in _BaseLoader.yaml_implicit_resolvers if k)
assert None not in _BaseLoader.yaml_implicit_resolvers  # no wildcard resolvers


class _Loader(_BaseLoader):
    """The C parser with a memoised tag resolver.

    PyYAML resolves every plain scalar by trying regular expressions in Python, and
    calls two path-resolver hooks per node that the safe schema never uses; most values
    of incident files repeat (keys, enums, booleans), so a memo removes most of that cost.
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
        if not implicit[0] or (value and value[0] not in _RESOLVED_FIRST):
            return _STR
        tag = _memo.get(value)  # type: ignore[arg-type]
        if tag is None:
            tag = _BaseLoader.resolve(self, kind, value, implicit)
            if len(_memo) < _MEMO_SIZE:
                _memo[value] = tag  # type: ignore[index]
        return tag

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        """No path resolvers in the safe schema."""

    def ascend_resolver(self) -> None:
        """No path resolvers in the safe schema."""


_MEMO_SIZE = 50_000
_CONSTRUCTOR = SafeConstructor()
# The common timestamp shapes go to the C `fromisoformat`; the rest to PyYAML's regex.
_ISO_DATETIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:Z|[+-]\d\d:\d\d)\Z")
_ISO_DATE = re.compile(r"\d{4}-\d\d-\d\d\Z")


def _timestamp(node: ScalarNode) -> Any:
    text = node.value
    try:
        if _ISO_DATETIME.match(text):
            return datetime.fromisoformat(text)
        if _ISO_DATE.match(text):
            return date.fromisoformat(text)
    except ValueError:
        pass  # PyYAML decides (and words the error) for anything unusual
    return _CONSTRUCTOR.construct_yaml_timestamp(node)


_SCALARS: dict[str, Callable[[ScalarNode], Any]] = {
    _T + "str": lambda n: n.value,
    _T + "null": _CONSTRUCTOR.construct_yaml_null,
    _T + "bool": _CONSTRUCTOR.construct_yaml_bool,
    _T + "int": _CONSTRUCTOR.construct_yaml_int,
    _T + "float": _CONSTRUCTOR.construct_yaml_float,
    _T + "timestamp": _timestamp,
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
