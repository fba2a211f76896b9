"""`incident-ops similar`: ranking, the FTS5 fallback and the cached index."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from incident_ops.reporting.similar import Index, similar
from incident_ops.workspace.config import open_repo
from tests.helpers import incident_text, run_cli

PROJECT = Path(__file__).resolve().parents[1]


@pytest.fixture
def examples(tmp_path):
    root = tmp_path / "repo"
    shutil.copytree(PROJECT / "incidents", root / "incidents")
    shutil.copytree(PROJECT / "policies", root / "policies")
    (root / ".git").mkdir()
    return root


def test_examples_rank_the_earlier_billing_outage_first(examples):
    result = run_cli(examples, "similar", "INC-2026-0007", "--format", "json")
    assert result.code == 0, result.err
    document = result.json()
    assert document["query"] == "INC-2026-0007"
    first = document["results"][0]
    assert first == {
        "id": "INC-2026-0001",
        "path": "incidents/2026/INC-2026-0001-billing-db-outage.md",
        "score": 2.0,  # best text match (1.0) + service, root cause and category (1.0)
        "title": "Billing database unavailable in eu-west",
        "root_cause": {
            "category": "configuration",
            "summary": "Failover script pointed at a decommissioned replica",
        },
    }
    ids = [r["id"] for r in document["results"]]
    assert "INC-2026-0007" not in ids and "INC-2026-0008" not in ids  # itself, later ones
    scores = [r["score"] for r in document["results"]]
    assert scores == sorted(scores, reverse=True) and len(ids) == 5


def test_text_output_shows_root_cause_and_prevention(examples):
    result = run_cli(examples, "similar", "INC-2026-0007", "--limit", "1")
    assert result.code == 0
    assert "1. INC-2026-0001  (score 2)  Billing database unavailable in eu-west" in result.out
    assert "root cause: configuration — Failover script pointed at a decommissioned" in result.out
    assert "A2 [done] Failover runbook checks the replica inventory before promotion" in result.out
    assert "\n2. " not in result.out


def test_free_text_query(examples):
    result = run_cli(examples, "similar", "--text", "fibre cut excavator", "--format", "json")
    results = result.json()["results"]
    assert [r["id"] for r in results] == ["INC-2026-0003", "INC-2026-0006"]  # 0006: "cut off"
    assert results[0]["score"] == 1.0 and results[1]["score"] < 0.5


def _synthetic(root: Path) -> Path:
    def front(n: int, title: str, services: str, cause: str, day: int) -> str:
        return incident_text(
            f"\n## Summary\n{title}.\n",
            id=f"INC-2026-000{n}",
            title=title,
            detected_at=f"2026-11-{day:02d}T09:00:00+01:00",
            services=[services],
            root_cause={"category": cause},
        )

    files = {
        1: front(1, "Mail relay queue stuck after certificate expiry", "mail", "configuration", 1),
        2: front(2, "Certificate expiry breaks the customer portal login", "portal", "process", 2),
        3: front(3, "Disk full on the metrics cluster", "metrics", "capacity", 3),
        4: front(4, "Mail relay certificate expired again", "mail", "configuration", 4),
    }
    for n, text in files.items():
        path = root / "incidents" / "2026" / f"INC-2026-000{n}-x.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (root / ".git").mkdir(exist_ok=True)
    return root


@pytest.mark.parametrize("fts", [True, False], ids=["fts5", "fallback"])
def test_synthetic_ranking(tmp_path, fts):
    repo = open_repo(str(_synthetic(tmp_path / "repo")))
    query, results = similar(repo, "INC-2026-0004", fts=fts)
    assert query.title == "Mail relay certificate expired again"
    # 1: same words, service and root cause; 2: shares "certificate"; 3: only the category
    assert [r.record.id for r in results] == ["INC-2026-0001", "INC-2026-0002", "INC-2026-0003"]
    assert results[0].score > 1.5 and results[2].score == 0.2
    assert Index(repo, fts).fts is fts


def test_cache_is_updated_only_for_changed_files(tmp_path):
    root = _synthetic(tmp_path / "repo")
    repo = open_repo(str(root))
    index = Index(repo)
    index.refresh()
    assert len(index.updated) == 4
    index.refresh()
    assert index.updated == []
    index.close()
    assert (Path(repo.cache_dir) / "similar.sqlite").exists()
    path = root / "incidents" / "2026" / "INC-2026-0003-x.md"
    path.write_text(path.read_text().replace("Disk full on the metrics cluster",
                                             "Mail relay certificate rotation missed"))  # fmt: skip
    os.utime(path, ns=(1, 1))
    _, results = similar(repo, text="certificate rotation")
    assert results[0].record.id == "INC-2026-0003"
    again = Index(repo)
    again.refresh()
    assert again.updated == []
    again.close()


def test_usage_errors(examples):
    assert run_cli(examples, "similar").code == 2
    assert run_cli(examples, "similar", "INC-2026-0001", "--text", "x").code == 2
    missing = run_cli(examples, "similar", "INC-2026-0999")
    assert missing.code == 2 and "no incident INC-2026-0999" in missing.err
