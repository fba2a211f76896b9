"""yamltree resolves plain scalars exactly by the YAML 1.2 core schema's table."""

from __future__ import annotations

import re

from hypothesis import example, given
from hypothesis import strategies as st

from incident_ops.parse.yamltree import core_tag
from tests.yaml12 import CORE_SCHEMA

_TABLE = [("tag:yaml.org,2002:" + tag, re.compile(pattern)) for tag, pattern, _ in CORE_SCHEMA]


def spec_tag(text: str) -> str:
    """The tag the spec's table gives (first match in its order), else str."""
    for tag, pattern in _TABLE:
        if pattern.match(text):
            return tag
    return "tag:yaml.org,2002:str"


@given(st.text(alphabet="0123456789+-.eExXoabcdefABCDEFinINaAtTrRuUlsS~_:", max_size=8))
@example("yes")
@example("12:30")
@example("1_000")
@example("0b11")
@example("-.Inf")
@example(".NaN")
@example("-0x1")
@example("2026-11-20T09:12:00+01:00")
def test_core_tag_is_the_spec_table(text):
    assert core_tag(text) == spec_tag(text)
