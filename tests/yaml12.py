"""YAML as an editor reads it: the YAML 1.2 core schema, independent of incident_ops.

ruamel.yaml parses (a second parser next to libyaml); tags are resolved by the core
schema's own table (YAML 1.2.2, §10.3.2). ruamel's stock "1.2" resolver is not used: it
goes beyond the core schema (timestamps, `1_000`, `0b11`), which the `yaml` library behind
editors' YAML support does not do, so agreement with it would prove the wrong thing.
"""

from __future__ import annotations

import re
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.resolver import VersionedResolver

_T = "tag:yaml.org,2002:"
# (tag, pattern, first characters) exactly as the spec's table lists them
CORE_SCHEMA = [
    ("null", r"(?:null|Null|NULL|~|)\Z", ["", "n", "N", "~"]),
    ("bool", r"(?:true|True|TRUE|false|False|FALSE)\Z", list("tTfF")),
    ("int", r"[-+]?[0-9]+\Z", list("-+0123456789")),
    ("int", r"0o[0-7]+\Z", ["0"]),
    ("int", r"0x[0-9a-fA-F]+\Z", ["0"]),
    (
        "float",
        r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?\Z",
        list("-+.0123456789"),
    ),
    ("float", r"[-+]?(?:\.inf|\.Inf|\.INF)\Z", list("-+.")),
    ("float", r"(?:\.nan|\.NaN|\.NAN)\Z", ["."]),
]
_BY_FIRST: dict[str, list[tuple[str, re.Pattern[str]]]] = {}
for _tag, _pattern, _first in CORE_SCHEMA:
    for _char in _first:
        _BY_FIRST.setdefault(_char, []).append((_T + _tag, re.compile(_pattern)))


class CoreResolver(VersionedResolver):
    """Plain scalars resolved by the core schema only."""

    @property
    def versioned_resolver(self) -> dict[str, list[tuple[str, re.Pattern[str]]]]:
        return _BY_FIRST


def load(text: str) -> Any:
    """One YAML document as plain Python values (ruamel errors propagate)."""
    yaml = YAML(typ="safe", pure=True)
    yaml.Resolver = CoreResolver
    yaml.version = (1, 2)
    return yaml.load(text)
