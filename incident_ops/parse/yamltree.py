"""YAML → plain values plus a key-path → line map, from one libyaml node tree.

Composing once with the C parser and walking the nodes gives both the values and the
line of every key in a single pass (a `load` plus a separate `compose` would parse
twice). The walk is also where unsafe YAML is refused: only the core schema's tags are
allowed, aliases are rejected (no "billion laughs" can expand), duplicate keys and merge
keys are errors.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

try:
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

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


def _scalar_constructors(loader: Any) -> dict[str, Callable[[ScalarNode], Any]]:
    return {
        _T + "str": lambda n: n.value,
        _T + "null": loader.construct_yaml_null,
        _T + "bool": loader.construct_yaml_bool,
        _T + "int": loader.construct_yaml_int,
        _T + "float": loader.construct_yaml_float,
        _T + "timestamp": loader.construct_yaml_timestamp,
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
        walker = _Walker(_scalar_constructors(loader), shift + 1)
        try:
            value = walker.value(node, ())
        except _Alias:
            line = _first_alias_line(text) + shift
            raise YamlProblem(line, "YAML aliases (*name) are not allowed") from None
        except RecursionError:
            raise YamlProblem(first_line, "YAML nested too deeply") from None
        return Tree(value, walker.lines)
    finally:
        loader.dispose()


class _Alias(Exception):
    """A node met twice: an alias. Its own line is found by a second, rare pass."""


def _first_alias_line(text: str) -> int:
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.AliasEvent):
            return event.start_mark.line + 1
    return 1  # pragma: no cover - only called when an alias exists


class _Walker:
    """Turns nodes into values, recording key lines and refusing unsafe constructs."""

    def __init__(self, scalars: dict[str, Callable[[ScalarNode], Any]], base: int) -> None:
        self.scalars = scalars
        self.base = base  # added to libyaml's 0-based line numbers
        self.lines: dict[Path, int] = {}
        self.seen: set[int] = set()

    def value(self, node: Node, path: Path) -> Any:
        if id(node) in self.seen:
            raise _Alias
        self.seen.add(id(node))
        if isinstance(node, ScalarNode):
            return self.scalar(node)
        if isinstance(node, SequenceNode):
            self.check_tag(node, _T + "seq")
            items = []
            for index, item in enumerate(node.value):
                self.lines[(*path, index)] = self.line(item)
                items.append(self.value(item, (*path, index)))
            return items
        if isinstance(node, MappingNode):
            self.check_tag(node, _T + "map")
            return self.mapping(node, path)
        raise YamlProblem(self.line(node), "unsupported YAML node")  # pragma: no cover

    def line(self, node: Node) -> int:
        return node.start_mark.line + self.base

    def check_tag(self, node: Node, expected: str) -> None:
        if node.tag != expected:
            raise YamlProblem(self.line(node), f"YAML tag {node.tag!r} is not allowed")

    def scalar(self, node: ScalarNode) -> Any:
        construct = self.scalars.get(node.tag)
        if construct is None:
            raise YamlProblem(self.line(node), f"YAML tag {node.tag!r} is not allowed")
        try:
            return construct(node)
        except (ValueError, OverflowError, yaml.YAMLError):
            raise YamlProblem(
                node.start_mark.line + self.base,
                f"invalid {node.tag.rsplit(':', 1)[-1]} {node.value!r}",
            ) from None

    def mapping(self, node: MappingNode, path: Path) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            line = self.line(key_node)
            if key_node.tag == _T + "merge":
                raise YamlProblem(line, "YAML merge keys (<<) are not allowed")
            if not isinstance(key_node, ScalarNode):
                raise YamlProblem(line, "mapping keys must be plain scalars")
            key = self.scalar(key_node)
            if not isinstance(key, str):
                key = str(key).lower() if isinstance(key, bool) or key is None else str(key)
            if key in result:
                first = self.lines.get((*path, key), line)
                raise YamlProblem(line, f"duplicate key {key!r} (first defined on line {first})")
            self.lines[(*path, key)] = line
            result[key] = self.value(value_node, (*path, key))
        return result
