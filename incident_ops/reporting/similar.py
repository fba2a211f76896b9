"""Similar earlier incidents: "has this failed before, and what did we do about it?"

Text similarity is SQLite FTS5 with BM25 (standard library `sqlite3`) over the title, the
Summary / Root cause analysis / Prevention plan sections, services and root cause, with the
title weighted 3, services and root cause 2, the sections 1. Where the SQLite build lacks
FTS5, an IDF-weighted token overlap computed in Python takes its place. The text score is
scaled to 0..1 (the best match is 1); field similarity adds a bonus: +0.5 for a shared
service, +0.3 for the same `root_cause.category`, +0.2 for the same `category`.

Only the text lives in the search index (`similar.sqlite` in the repository's cache
folder), updated file by file when a file's modification time or size changes (or it
appears or disappears); a corrupt or foreign index file is rebuilt. The facts compared
(ids, detection times, services, root causes) come from the workspace's cross-file index,
and the few incidents shown are read through the workspace like everywhere else.
"""

from __future__ import annotations

import contextlib
import math
import os
import re
import sqlite3
from dataclasses import dataclass

from incident_ops.errors import IncidentOpsError
from incident_ops.parse.sections import find_section
from incident_ops.workspace.config import Repo
from incident_ops.workspace.index import Entry
from incident_ops.workspace.load import Record
from incident_ops.workspace.workspace import Workspace

NAME = "similar.sqlite"
SCHEMA = "2"
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
Columns = tuple[str, str, str, str, str]  # path, title, body, services, root cause


@dataclass(frozen=True)
class Result:
    """An earlier incident and how like the query it is."""

    record: Record
    score: float

    def to_dict(self) -> dict[str, object]:
        incident = self.record.incident
        cause = incident.root_cause if incident is not None else None
        return {
            "id": self.record.id,
            "path": self.record.path,
            "score": self.score,
            "title": incident.title if incident is not None else "",
            "root_cause": cause.model_dump(mode="json") if cause is not None else None,
        }


@dataclass(frozen=True)
class Query:
    """What was searched for: an incident (its id) or free text."""

    id: str | None
    title: str
    entry: Entry | None = None


def tokens(text: str) -> list[str]:
    """Lower-case words of two or more characters, stop words left out, in order, unique."""
    words = re.findall(r"[^\W_]{2,}", text.lower())
    return list(dict.fromkeys(w for w in words if w not in _STOP))


def section_text(record: Record, name: str) -> str:
    """A body section's text when it is written, else ''."""
    section = find_section(record.doc.sections, name)
    return section.text.strip() if section is not None and section.written else ""


def columns(record: Record) -> Columns:
    """The searchable text of one incident file (whatever of it parses)."""
    body = "\n".join(section_text(record, name) for name in _SECTIONS)
    incident = record.incident
    if incident is None:
        return record.path, "", body, "", ""
    cause = incident.root_cause
    cause_text = f"{cause.category} {cause.summary or ''}" if cause else " "
    return record.path, incident.title, body, " ".join(incident.services), cause_text


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
        from incident_ops.workspace.cachedir import prepare

        self.repo = repo
        self.workspace = Workspace(repo)
        path = os.path.join(prepare(repo.cache_dir), NAME)
        self.updated: list[str] = []  # paths re-read by the last refresh
        try:
            self._open(path, fts)
        except sqlite3.DatabaseError:  # corrupt or not a database: start afresh
            with contextlib.suppress(OSError):
                os.unlink(path)
            self._open(path, fts)

    def _open(self, path: str, fts: bool | None) -> None:
        self.db = sqlite3.connect(path)
        try:
            self.fts = fts5_available(self.db) if fts is None else fts
            self._schema()
        except sqlite3.DatabaseError:
            self.db.close()
            raise

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
            "(path TEXT PRIMARY KEY, mtime INTEGER, size INTEGER, words TEXT)"
        )
        if self.fts:
            db.execute(
                "CREATE VIRTUAL TABLE IF NOT EXISTS docs USING fts5(path UNINDEXED, title, "
                "body, services, root_cause, tokenize='porter unicode61')"
            )
        db.commit()

    def refresh(self) -> None:
        """Re-read new and changed files, forget deleted ones."""
        if not os.path.isdir(self.repo.incidents_dir):
            raise IncidentOpsError(f"no incidents folder {self.repo.config.incidents!r}")
        known = {p: (m, s) for p, m, s in self.db.execute("SELECT path, mtime, size FROM files")}
        seen = set()
        self.updated = []
        for abspath, relpath in self.workspace.files():
            seen.add(relpath)
            try:
                info = os.stat(abspath)
            except OSError:
                continue
            if known.get(relpath) != (info.st_mtime_ns, info.st_size):
                self._store(columns(self.workspace.read(abspath, relpath)), info)
        for gone in set(known) - seen:
            self._forget(gone)
        self.db.commit()

    def _forget(self, path: str) -> None:
        self.db.execute("DELETE FROM files WHERE path = ?", (path,))
        if self.fts:
            self.db.execute("DELETE FROM docs WHERE path = ?", (path,))

    def _store(self, row: Columns, info: os.stat_result) -> None:
        path = row[0]
        self._forget(path)
        self.updated.append(path)
        words = " ".join(tokens(" ".join(row[1:])))
        self.db.execute(
            "INSERT INTO files VALUES (?, ?, ?, ?)", (path, info.st_mtime_ns, info.st_size, words)
        )
        if self.fts:
            self.db.execute("INSERT INTO docs VALUES (?, ?, ?, ?, ?)", row)

    def text_scores(self, words: list[str]) -> dict[str, float]:
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
        vocab = {p: set(w.split()) for p, w in self.db.execute("SELECT path, words FROM files")}
        return overlap_scores(words, vocab)

    def close(self) -> None:
        self.db.close()


def overlap_scores(words: list[str], vocab: dict[str, set[str]]) -> dict[str, float]:
    """The fallback: IDF-weighted count of query words each file contains."""
    total = len(vocab)
    scores: dict[str, float] = {}
    for word in words:
        having = [p for p, v in vocab.items() if word in v]
        for path in having:
            scores[path] = scores.get(path, 0.0) + math.log(1 + total / len(having))
    return scores


def bonus(query: Entry, other: Entry) -> float:
    """Field similarity: shared service, same root-cause category, same category."""
    points = 0.0
    if set(query.services) & set(other.services):
        points += BONUS["services"]
    if query.root_cause and query.root_cause == other.root_cause:
        points += BONUS["root_cause"]
    if query.category and query.category == other.category:
        points += BONUS["category"]
    return points


def similar(
    repo: Repo, reference: str | None = None, text: str | None = None, limit: int = 5,
    fts: bool | None = None,
) -> tuple[Query, list[Result]]:  # fmt: skip
    """Earlier incidents most like incident `reference` (by id), or like free `text`.

    Returns the query and results best first; never the queried incident itself, and for
    an incident only those detected before it.
    """
    index = Index(repo, fts)
    try:
        index.refresh()
        workspace = index.workspace
        entries = workspace.index({}).entries
        if reference is not None:
            paths = sorted(e.path for e in entries.values() if e.id == reference)
            record = workspace.read(os.path.join(repo.root, paths[0]), paths[0]) if paths else None
            if record is None or record.incident is None:
                raise IncidentOpsError(f"no incident {reference} (or it does not parse)")
            query = Query(record.incident.id, record.incident.title, record.entry)
            words = tokens(" ".join(columns(record)[1:]))
        else:
            query = Query(None, text or "")
            words = tokens(query.title)
        scores = index.text_scores(words)
    finally:
        index.close()
    mine = query.entry
    candidates = [
        entry
        for entry in entries.values()
        if not (mine is not None and entry.id == mine.id)
        and not (
            mine is not None
            and mine.detected_at is not None
            and (entry.detected_at is None or not entry.detected_at < mine.detected_at)
        )
    ]
    best = max((scores.get(e.path, 0.0) for e in candidates), default=0.0) or 1.0
    ranked = []
    for entry in candidates:
        score = scores.get(entry.path, 0.0) / best + (bonus(mine, entry) if mine else 0.0)
        if score > 0:
            ranked.append((round(score, 4), entry))
    ranked.sort(key=lambda pair: (-pair[0], pair[1].id or "", pair[1].path))
    return query, [
        Result(workspace.read(os.path.join(repo.root, e.path), e.path), score)
        for score, e in ranked[:limit]
    ]
