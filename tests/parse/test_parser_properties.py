"""Whatever text or YAML arrives, the parser returns findings — it never raises."""

from __future__ import annotations

import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from incident_ops.parse.document import Document, parse_text
from incident_ops.parse.yamltree import YamlProblem, parse
from incident_ops.workspace.load import load_incident

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

yaml_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=20),
    st.sampled_from(["2026-11-20T09:12:00+01:00", "2026-11-20T09:12:00", "2026-12-05", "~"]),
)
yaml_values = st.recursive(
    yaml_scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)
KEYS = ["id", "title", "status", "severity", "category", "detected_at", "impact", "actions",
        "escalations", "updates", "related", "root_cause", "services", "extra"]  # fmt: skip
YAML_PUNCTUATION = st.text(alphabet=string.printable + "\t\u00a0\ufeff—é", max_size=200)


def _check(text: str) -> None:
    doc = Document("incidents/x.md")
    parse_text(doc, text)
    load_incident(doc)
    for problem in doc.problems:
        assert problem.rule in ("syntax", "schema")
        assert problem.line >= 1
        assert problem.message


@SETTINGS
@given(st.text(max_size=400))
def test_arbitrary_text_yields_only_problems(text):
    _check(text)


@SETTINGS
@given(YAML_PUNCTUATION)
def test_arbitrary_front_matter_text_yields_only_problems(body):
    _check(f"---\n{body}\n---\n## Summary\n")


@SETTINGS
@given(st.dictionaries(st.sampled_from(KEYS), yaml_values, max_size=10))
def test_arbitrary_yaml_structures_yield_only_problems(data):
    import yaml

    _check("---\n" + yaml.safe_dump(data, allow_unicode=True) + "---\n")


@SETTINGS
@given(YAML_PUNCTUATION)
def test_yamltree_raises_only_yaml_problems(text):
    try:
        tree = parse(text)
    except YamlProblem as problem:
        assert problem.line >= 1
        return
    for line in tree.lines.values():
        assert line >= 1


def test_deep_nesting_is_a_problem_not_a_crash():
    doc = Document("incidents/x.md")
    parse_text(doc, "---\nid: " + "[" * 5000 + "]" * 5000 + "\n---\n")
    assert doc.problems and doc.problems[0].rule in ("syntax", "schema")
