"""The repository: where its root is and what `incident-ops.yaml` says."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, WithJsonSchema
from pydantic_core import PydanticCustomError

from incident_ops.domain.durations import parse_duration
from incident_ops.errors import ConfigError, PolicyError
from incident_ops.parse.validation import problems
from incident_ops.parse.yamltree import Path, YamlProblem, parse

CONFIG_FILE = "incident-ops.yaml"
RuleLevel = Literal["error", "warning", "off"]  # YAML 1.2: an unquoted `off` is text
WALL_CLOCK_PATTERN = r"^[0-9]+[mhd]$"
_WALL_CLOCK = re.compile(r"[0-9]+[mhd]\Z")


def _wall_clock(value: str) -> str:
    """A wall-clock duration (`30m`, `1h`, `2d`), checked when the config loads rather than
    when `history --check` first needs it; business units make no sense for it."""
    hint = "write N followed by m, h or d (e.g. 30m, 1h, 2d)"
    if _WALL_CLOCK.match(value) is None:
        raise PydanticCustomError(
            "wall_clock", "{value} is not a wall-clock duration; " + hint, {"value": repr(value)}
        )
    try:
        parse_duration(value)
    except ValueError as error:
        raise PydanticCustomError("wall_clock", str(error)) from None
    return value


WallClock = Annotated[
    str,
    AfterValidator(_wall_clock),
    WithJsonSchema({"type": "string", "pattern": WALL_CLOCK_PATTERN, "examples": ["1h"]}),
]


class ConfigModel(BaseModel):
    """`incident-ops.yaml`; every key optional."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    incidents: str = "incidents"
    policies: str = "policies"
    id_prefix: str = Field("INC", pattern=r"^[A-Z]+$")
    rules: dict[str, RuleLevel] = {}
    history_tolerance: WallClock = "1h"


@dataclass(frozen=True)
class Repo:
    """A repository root and its configuration, with absolute folder paths."""

    root: str
    config: ConfigModel = field(default_factory=lambda: ConfigModel())
    config_lines: Mapping[Path, int] = field(default_factory=dict, compare=False, repr=False)

    @property
    def incidents_dir(self) -> str:
        return os.path.join(self.root, self.config.incidents)

    @property
    def policies_dir(self) -> str:
        return os.path.join(self.root, self.config.policies)

    @cached_property
    def cache_dir(self) -> str:
        """Where this repository's caches live (see `workspace.cachedir`)."""
        from incident_ops.workspace.cachedir import cache_dir

        return cache_dir(self.root)

    def relpath(self, path: str) -> str:
        """A path relative to the root with '/' separators, as findings show it."""
        return os.path.relpath(os.path.abspath(path), self.root).replace(os.sep, "/")


def find_root(start: str) -> str:
    """The first directory upward holding `incident-ops.yaml` or `.git` (SPEC §2)."""
    current = os.path.abspath(start)
    while True:
        if os.path.exists(os.path.join(current, CONFIG_FILE)) or os.path.exists(
            os.path.join(current, ".git")
        ):
            return current
        parent = os.path.dirname(current)
        if parent == current:
            raise ConfigError(
                f"no incident repository found from {start}: "
                f"no {CONFIG_FILE} or .git in it or its parents (use --root DIR)"
            )
        current = parent


def open_repo(root: str | None = None, cwd: str | None = None) -> Repo:
    """The repo at `root`, or found upward from `cwd`, with its configuration loaded."""
    base = os.path.abspath(root) if root else find_root(cwd or os.getcwd())
    if root and not os.path.isdir(base):
        raise ConfigError(f"--root {root}: not a directory")
    path = os.path.join(base, CONFIG_FILE)
    if not os.path.exists(path):
        return Repo(base)
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{CONFIG_FILE}:1: cannot read: {error}") from None
    return repo_from_text(base, text)


def repo_from_text(root: str, text: str) -> Repo:
    """The repo at `root` configured by `text` (an `incident-ops.yaml`, e.g. as it is at a
    revision: pr-check reads the base branch's)."""
    try:
        tree = parse(text)
    except YamlProblem as problem:
        raise PolicyError.at(CONFIG_FILE, problem.line, problem.message) from None
    try:
        return Repo(root, ConfigModel.model_validate(tree.value or {}), tree.lines)
    except ValidationError as error:
        found = [(CONFIG_FILE, line, msg) for line, _loc, msg in problems(error, tree)]
        raise PolicyError(found) from None
