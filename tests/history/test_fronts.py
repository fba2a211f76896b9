"""`Fronts.front` (pieces parsed once) must equal `front_of` (whole parse) on any input."""

from __future__ import annotations

import math
import random
from datetime import datetime

import pytest

from incident_ops.history.audit import _instants
from incident_ops.history.changes import diff, diff_plain, flatten, front_of, instants_plain, plain
from incident_ops.history.fronts import Fronts
from tests.history.longrepo import version

BASE = """\
---
# leading comment
id: INC-2026-0001
title: "Billing: down"
status: closed
severity: SEV2
impact: {full_outage: true}
services: [billing-db]
escalations:
  - department: dba
    at: 2026-11-20T09:10:00+01:00
    issue: acme/dba#1
updates:
  - {at: 2026-11-20T09:00:00+01:00, audience: internal, channel: chat, summary: one}
  # a comment between items
  - at: 2026-11-20T10:00:00+01:00
    summary: |
      two lines
      of text

  - at: 2026-11-20T11:00:00+01:00
    summary: >-
      folded
actions:
- {id: A1, title: Alert, owner: '@carol', due: 2026-12-01}
- id: A2
  title: Plain
    continued
---

## Summary
Text.
"""

ODD = [
    "k: |+\n  a\n\n\nj: 1",
    "k:\n  - |+\n    a\n\n  - b\nj: [1]",
    "k:\n  - |+\n    a\n\n",
    "k:\n  - &x {a: 1}\n  - *x",
    "a: &x 1\nb: *x",
    "k:\n  - 1\nk: 2",
    'k:\n  - "multi\n  - line"\n',
    "k:\n  - [a,\n  - b]\n",
    'k: "quoted\nj: continued"',
    "k: [a,\nj: b]",
    "- a\n- b",
    "%TAG ! tag:x:\nk: 1",
    "k: !custom 1",
    "k:\n  - 1\n - 2",
    "k:\n  - 1\n x: 2",
    "k:\n    - 1\n  - 2",
    "k:\n  - 1\n  -\t2",
    "k:\n  - a: 1\n    <<: {b: 2}",
    "yes:\n  - 1\n  - 2\nno: 3",
    "k:\n  - .nan\n  - 2",
    "k:\n  # only a comment\n  - 1\n  - 2",
    "k:\n- a\n- b\nj: 1",
    "k:\n  - a\n\tj: 1",
    "key :\n  - 1\nk2: 2",
    "k:\n  - 1\n  - 2\n...",
    "",
    "   ",
    "k:\r\n  - 1\r\n  - 2\r\nj: x\r",
]


def _same(a: object, b: object) -> bool:
    """Equality that also holds for NaN and checks types (True is not 1)."""
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)  # type: ignore[index]
    if isinstance(a, list):
        return len(a) == len(b) and all(map(_same, a, b))  # type: ignore[arg-type]
    return a == b


def _check(fronts: Fronts, raw: bytes) -> None:
    expected, got = front_of(raw), fronts.front(raw)
    assert _same(got, expected), raw


@pytest.mark.parametrize("body", ODD)
def test_odd_front_matters_match_the_whole_parse(body):
    fronts = Fronts()
    _check(fronts, f"---\n{body}\n---\nbody\n".encode())
    _check(fronts, f"---\n{body}\n...\n".encode())


def test_framing_problems_match():
    fronts = Fronts()
    for raw in (None, b"", b"\xef\xbb\xbf---\nk: 1\n---\n", b"k: 1\n", b"---\nk: 1\n", b"\xff\xfe"):
        _check(fronts, raw)  # type: ignore[arg-type]
    assert fronts.front(BASE.encode())["updates"][1]["summary"] == "two lines\nof text\n"


def test_random_line_edits_match_the_whole_parse():
    """Lines dropped, duplicated, swapped, re-indented and cut: same value or same None."""
    rng = random.Random(20261120)
    lines = BASE.split("\n")
    pool = [*lines, "  - 1", "- x", "  -", "? k", ": v", "# c", "   ", "k: |+", "  - |", "\t- a"]
    fronts = Fronts()
    for _ in range(1500):
        edited = list(lines)
        for _ in range(rng.randint(1, 3)):
            at = rng.randrange(1, len(edited))
            move = rng.randrange(5)
            if move == 0:
                del edited[at]
            elif move == 1:
                edited.insert(at, rng.choice(pool))
            elif move == 2:
                edited[at] = " " * rng.randint(0, 3) + edited[at].lstrip()
            elif move == 3:
                other = rng.randrange(1, len(edited))
                edited[at], edited[other] = edited[other], edited[at]
            else:
                edited[at] = edited[at][: rng.randrange(len(edited[at]) + 1)]
        _check(fronts, "\n".join(edited).encode())


def test_versions_share_parsed_pieces():
    fronts = Fronts()
    for step in range(30):
        _check(fronts, version(1, step).encode())
    assert fronts.plain(fronts.front(version(1, 30).encode()))
    assert not fronts.plain(fronts.front(b"---\nk: .nan\n---\n"))
    pieces = len(fronts._pieces)
    assert pieces < 30 * 3  # one per update item and per changed line, not per version


def _random_value(rng: random.Random, depth: int = 0) -> object:
    leaves = [None, [], True, 1, "a", "b", float("nan"), T1, T2, ["x"], ["x", "y"]]
    roll = rng.random()
    if depth < 3 and roll < 0.3:
        keys = rng.sample(["at", "id", "status", "a.b", "x[0]", "", "done_at", "n"], 3)
        return {k: _random_value(rng, depth + 1) for k in keys if rng.random() < 0.7}
    if depth < 3 and roll < 0.5:
        return [_random_value(rng, depth + 1) for _ in range(rng.randint(0, 3))]
    return rng.choice(leaves)


T1 = datetime.fromisoformat("2026-11-20T09:00:00+01:00")
T2 = datetime.fromisoformat("2026-11-20T10:00:00+01:00")


def _mutate(rng: random.Random, value: object) -> object:
    """A copy sharing most subtrees with `value` (as consecutive versions do), some changed."""
    if isinstance(value, dict):
        out = {k: (v if rng.random() < 0.6 else _mutate(rng, v)) for k, v in value.items()}
        if rng.random() < 0.3:
            out[rng.choice(["at", "status", "extra"])] = _random_value(rng, 2)
        if out and rng.random() < 0.2:
            del out[rng.choice(list(out))]
        return out
    if isinstance(value, list):
        out_list = [v if rng.random() < 0.6 else _mutate(rng, v) for v in value]
        if rng.random() < 0.3:
            out_list.insert(rng.randint(0, len(out_list)), _random_value(rng, 2))
        return out_list
    return value if rng.random() < 0.5 else _random_value(rng, 3)


def test_structured_diff_and_instants_equal_the_flat_ones_on_plain_values():
    rng = random.Random(7)
    checked = 0
    for _ in range(4000):
        old = {k: _random_value(rng, 1) for k in ("updates", "status", "actions", "at")}
        new = _mutate(rng, old)
        if not (plain(old) and plain(new)):
            continue
        checked += 1
        assert list(diff_plain(old, new).items()) == list(diff(old, new).items())
        for group in ("at", "updates[].at", "actions[].done_at", "updates[].at[]"):
            assert instants_plain(old, group) == _instants(flatten(old), group)
    assert checked > 500
    assert not plain({"a.b": 1}) and not plain({"": 1}) and not plain([{"x": float("nan")}])
