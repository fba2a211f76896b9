"""Similar earlier incidents: "has this failed before, and what did we do about it?"

Text similarity is SQLite FTS5 with BM25 (standard library `sqlite3`) over the title, the
Summary / Root cause analysis / Prevention plan sections, services and root cause, with the
title weighted 3, services and root cause 2, the sections 1. Where the SQLite build lacks
FTS5, an IDF-weighted token overlap computed in Python takes its place. The text score is
scaled to 0..1 (the best match is 1); field similarity adds a bonus: +0.5 for a shared
service, +0.3 for the same `root_cause.category`, +0.2 for the same `category`.

The index is cached in `.incident-ops/similar.sqlite` and updated file by file when a
file's modification time or size changes (or it appears or disappears).
"""

from __future__ import annotations

import json
import math
import os
import re
import sqlite3
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from incident_ops.errors import IncidentOpsError
from incident_ops.workspace.config import Repo

CACHE = os.path.join(".incident-ops", "similar.sqlite")
SCHEMA = "1"
BONUS = {"services": 0.5, "root_cause": 0.3, "category": 0.2}
_WEIGHTS = (0.0, 3.0, 1.0, 2.0, 2.0)  # path, title, body, services, root_cause
_STOP = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "has",
        "have",
        "in",
        "into",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "that",
        "the",
        "this",
        "to",
        "was",
        "were",
        "will",
        "with",
        "not",
        "no",
        "our",
        "we",
    ]
)
_SECTIONS = ("Summary", "Root cause analysis", "Prevention plan")


@dataclass
class Record:
    """What the index keeps of one incident file."""

    path: str
    id: str | None
    title: str = ""
    detected_at: str | None = None
    category: str | None = None
    services: list[str] = field(default_factory=list)
    root_cause: dict[str, Any] | None = None
    body: str = ""
    rca: str = ""
    actions: list[dict[str, Any]] = field(default_factory=list)

    def columns(self) -> tuple[str, str, str, str, str]:
        cause = self.root_cause or {}
        cause_text = f"{cause.get('category') or ''} {cause.get('summary') or ''}"
        return self.path, self.title, self.body, " ".join(self.services), cause_text

    def query_text(self) -> str:
        return " ".join(self.columns()[1:])


@dataclass(frozen=True)
class Result:
    record: Record
    score: float

    def to_dict(self) -> dict[str, Any]:
        r = self.record
        return {"id": r.id, "path": r.path, "score": self.score, "title": r.title,
                "root_cause": r.root_cause}  # fmt: skip


def tokens(text: str) -> list[str]:
    """Lower-case words of two or more characters, stop words left out, in order, unique."""
    words = re.findall(r"[^\W_]{2,}", text.lower())
    return list(dict.fromkeys(w for w in words if w not in _STOP))


def record_of(abspath: str, relpath: str) -> Record:
    """Read one incident file into a Record (whatever of it parses)."""
    from incident_ops.lint.validate import parse_file
    from incident_ops.parse.sections import find_section

    parsed = parse_file(abspath, relpath)
    data = parsed.doc.data if isinstance(parsed.doc.data, dict) else {}
    incident = parsed.incident
    texts = {}
    for name in _SECTIONS:
        section = find_section(parsed.doc.sections, name)
        texts[name] = section.text.strip() if section is not None and section.written else ""
    record = Record(relpath, str(data["id"]) if data.get("id") else None)
    record.body = "\n".join(texts.values())
    record.rca = texts["Root cause analysis"]
    if incident is not None:
        record.title = incident.title
        record.detected_at = incident.detected_at.isoformat()
        record.category = incident.category
        record.services = list(incident.services)
        cause = incident.root_cause
        record.root_cause = cause.model_dump(mode="json") if cause else None
        record.actions = [
            {"id": a.id, "title": a.title, "status": a.status} for a in incident.actions
        ]
    return record


def fts5_available(connection: sqlite3.Connection) -> bool:
    try:
        connection.execute("CREATE VIRTUAL TABLE temp.probe USING fts5(x)")
        connection.execute("DROP TABLE temp.probe")
    except sqlite3.OperationalError:
        return False
    return True


class Index:
    """The cached search index of one repository."""

    def __init__(self, repo: Repo, fts: bool | None = None) -> None:
        os.makedirs(os.path.join(repo.root, ".incident-ops"), exist_ok=True)
        self.repo = repo
        self.db = sqlite3.connect(os.path.join(repo.root, CACHE))
        self.fts = fts5_available(self.db) if fts is None else fts
        self.updated: list[str] = []  # paths re-read by the last refresh
        self._schema()

    def _schema(self) -> None:
        db = self.db
        db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
        version = f"{SCHEMA}:{'fts5' if self.fts else 'plain'}"  # a switch rebuilds it all
        row = db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
        if row is None or row[0] != version:
            db.execute("DROP TABLE IF EXISTS files")
            db.execute("DROP TABLE IF EXISTS docs")
            db.execute("INSERT OR REPLACE INTO meta VALUES ('schema', ?)", (version,))
        db.execute(
            "CREATE TABLE IF NOT EXISTS files "
            "(path TEXT PRIMARY KEY, mtime INTEGER, size INTEGER, record TEXT)"
        )
        if self.fts:
            db.execute(
                "CREATE VIRTUAL TABLE IF NOT EXISTS docs USING fts5(path UNINDEXED, title, "
                "body, services, root_cause, tokenize='porter unicode61')"
            )
        db.commit()

    def refresh(self) -> None:
        """Re-read new and changed files, forget deleted ones."""
        from incident_ops.lint.validate import incident_files

        if not os.path.isdir(self.repo.incidents_dir):
            raise IncidentOpsError(f"no incidents folder {self.repo.config.incidents!r}")
        known = {p: (m, s) for p, m, s in self.db.execute("SELECT path, mtime, size FROM files")}
        seen = set()
        self.updated = []
        for abspath in incident_files(self.repo.incidents_dir):
            relpath = self.repo.relpath(abspath)
            seen.add(relpath)
            stat = os.stat(abspath)
            if known.get(relpath) != (stat.st_mtime_ns, stat.st_size):
                self._store(record_of(abspath, relpath), stat.st_mtime_ns, stat.st_size)
        for gone in set(known) - seen:
            self._forget(gone)
        self.db.commit()

    def _forget(self, path: str) -> None:
        self.db.execute("DELETE FROM files WHERE path = ?", (path,))
        if self.fts:
            self.db.execute("DELETE FROM docs WHERE path = ?", (path,))

    def _store(self, record: Record, mtime: int, size: int) -> None:
        self._forget(record.path)
        self.updated.append(record.path)
        self.db.execute(
            "INSERT INTO files VALUES (?, ?, ?, ?)",
            (record.path, mtime, size, json.dumps(asdict(record))),
        )
        if self.fts:
            self.db.execute("INSERT INTO docs VALUES (?, ?, ?, ?, ?)", record.columns())

    def records(self) -> dict[str, Record]:
        rows = self.db.execute("SELECT path, record FROM files ORDER BY path")
        return {path: Record(**json.loads(text)) for path, text in rows}

    def text_scores(self, words: list[str], records: dict[str, Record]) -> dict[str, float]:
        """path → text relevance (higher is better, unscaled)."""
        if not words:
            return {}
        if self.fts:
            query = " OR ".join(f'"{w}"' for w in words)
            weights = ", ".join(str(w) for w in _WEIGHTS)
            rows = self.db.execute(
                f"SELECT path, bm25(docs, {weights}) FROM docs WHERE docs MATCH ?", (query,)
            )
            return {path: -rank for path, rank in rows}
        return overlap_scores(words, records)

    def close(self) -> None:
        self.db.close()


def overlap_scores(words: list[str], records: dict[str, Record]) -> dict[str, float]:
    """The fallback: IDF-weighted count of query words each file contains."""
    vocab = {path: set(tokens(r.query_text())) for path, r in records.items()}
    total = len(vocab)
    scores: dict[str, float] = {}
    for word in words:
        having = [p for p, v in vocab.items() if word in v]
        for path in having:
            scores[path] = scores.get(path, 0.0) + math.log(1 + total / len(having))
    return scores


def _earlier(first: str | None, second: str) -> bool:
    return first is not None and datetime.fromisoformat(first) < datetime.fromisoformat(second)


def bonus(query: Record, other: Record) -> float:
    """Field similarity: shared service, same root-cause category, same category."""
    points = 0.0
    if set(query.services) & set(other.services):
        points += BONUS["services"]
    cause, other_cause = query.root_cause or {}, other.root_cause or {}
    if cause.get("category") and cause.get("category") == other_cause.get("category"):
        points += BONUS["root_cause"]
    if query.category and query.category == other.category:
        points += BONUS["category"]
    return points


def similar(
    repo: Repo, reference: str | None = None, text: str | None = None, limit: int = 5,
    fts: bool | None = None,
) -> tuple[Record, list[Result]]:  # fmt: skip
    """Earlier incidents most like incident `reference` (by id), or like free `text`.

    Returns the query (a Record; for text, one with only `title`) and results best first;
    never the queried incident itself, and for an incident only those detected before it.
    """
    index = Index(repo, fts)
    try:
        index.refresh()
        records = index.records()
        if reference is not None:
            found = [r for r in records.values() if r.id == reference]
            if not found:
                raise IncidentOpsError(f"no incident {reference} (or it does not parse)")
            query = found[0]
        else:
            query = Record("", None, title=text or "")
        scores = index.text_scores(tokens(query.query_text()), records)
    finally:
        index.close()
    candidates = [
        record
        for record in records.values()
        if not (query.id is not None and record.id == query.id)
        and not (query.detected_at and not _earlier(record.detected_at, query.detected_at))
    ]
    best = max((scores.get(r.path, 0.0) for r in candidates), default=0.0) or 1.0
    results = []
    for record in candidates:
        score = scores.get(record.path, 0.0) / best + (bonus(query, record) if query.id else 0.0)
        if score > 0:
            results.append(Result(record, round(score, 4)))
    results.sort(key=lambda r: (-r.score, r.record.id or "", r.record.path))
    return query, results[:limit]
