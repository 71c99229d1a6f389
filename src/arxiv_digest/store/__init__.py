"""The only module that touches SQLite.

Papers are keyed by arXiv id and keep every version seen (``paper_versions``);
``papers`` holds the newest. Listings are keyed by (date, category); their
entries point at the version that was announced, so a day reads back exactly
as arXiv announced it. Schema changes are named migrations recorded in
``schema_migrations``. Every write is one transaction.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

from arxiv_digest.errors import StoreError
from arxiv_digest.models import Listing, ListingEntry, Paper
from arxiv_digest.store.migrations import MIGRATIONS


_PAPER_FIELDS = ("title", "authors", "abstract", "categories", "comment", "journal_ref", "doi",
                 "links")


@dataclass
class SaveResult:
    categories_written: list[str]
    new_versions: int

    @property
    def changed(self) -> bool:
        return bool(self.categories_written) or bool(self.new_versions)


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _row(paper: Paper) -> tuple:
    return (paper.title, _json(paper.authors), paper.abstract, _json(paper.categories),
            paper.comment, paper.journal_ref, paper.doi, _json(paper.links))


def _paper(row: sqlite3.Row) -> Paper:
    return Paper(id=row["id"], version=row["version"], title=row["title"],
                 authors=json.loads(row["authors"]), abstract=row["abstract"],
                 categories=json.loads(row["categories"]), comment=row["comment"],
                 journal_ref=row["journal_ref"], doi=row["doi"], links=json.loads(row["links"]))


def _chunks(items: list, size: int = 500) -> Iterable[list]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


class Store:
    def __init__(self, path: Path):
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.conn = sqlite3.connect(self.path, isolation_level=None)
            self.conn.row_factory = sqlite3.Row
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA foreign_keys=ON")
            self.conn.execute("PRAGMA busy_timeout=10000")
            self.conn.execute("PRAGMA synchronous=NORMAL")
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"cannot open the database {self.path}: {exc}; check the "
                             "directory (ARXIV_DIGEST_HOME) is writable") from exc
        self.migrate()

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- schema ---------------------------------------------------------------------------

    def migrate(self) -> list[str]:
        """Apply pending migrations, each in its own transaction. Returns their names."""
        self.conn.execute("CREATE TABLE IF NOT EXISTS schema_migrations "
                          "(name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
        done = {r[0] for r in self.conn.execute("SELECT name FROM schema_migrations")}
        known = {name for name, _ in MIGRATIONS}
        if done - known:
            raise StoreError(f"{self.path} was written by a newer arxiv-digest (migrations "
                             f"{', '.join(sorted(done - known))}); upgrade arxiv-digest")
        applied = []
        for name, migration in MIGRATIONS:
            if name in done:
                continue
            with self.transaction():
                migration(self.conn)
                self.conn.execute("INSERT INTO schema_migrations VALUES (?, ?)",
                                  (name, _now()))
            applied.append(name)
        return applied

    def applied_migrations(self) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT name FROM schema_migrations ORDER BY name")]

    def transaction(self):
        return _Transaction(self.conn)

    # -- writes ---------------------------------------------------------------------------

    def save_listing(self, listing: Listing, origin: str) -> SaveResult:
        """Store a day's listing and its papers in one transaction.

        Idempotent: saving the same listing again changes nothing. A category's
        entries are replaced only when they differ from what is stored.
        """
        day = listing.date.isoformat()
        with self.transaction():
            papers = listing.papers()
            latest = self._latest_versions([p.id for p in papers])
            for paper in papers:
                if paper.version == 0:
                    paper.version = self._resolve_version(paper, latest.get(paper.id),
                                                          self.versions(paper.id))
            known = self._known_versions([p.id for p in papers])
            new_versions = sum((p.id, p.version) not in known for p in papers)
            rows = {p.id: _row(p) for p in papers}
            self._upsert_versions(papers, rows, day)
            self._upsert_papers(papers, rows)
            written = []
            by_category: dict[str, list[ListingEntry]] = {}
            for entry in listing.entries:
                by_category.setdefault(entry.category, []).append(entry)
            for category, entries in by_category.items():
                rows = [(day, category, e.paper.id, e.paper.version, e.announce_type, i)
                        for i, e in enumerate(entries)]
                stored = self.conn.execute(
                    "SELECT date, category, paper_id, version, announce_type, position "
                    "FROM listing_entries WHERE date = ? AND category = ? ORDER BY position",
                    (day, category)).fetchall()
                if [tuple(r) for r in stored] == rows:
                    continue
                self.conn.execute("DELETE FROM listing_entries WHERE date = ? AND category = ?",
                                  (day, category))
                self.conn.execute(
                    "INSERT INTO listings (date, category, origin, ingested_at) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT (date, category) DO UPDATE SET origin = excluded.origin, "
                    "ingested_at = excluded.ingested_at", (day, category, origin, _now()))
                self.conn.executemany("INSERT INTO listing_entries VALUES (?, ?, ?, ?, ?, ?)", rows)
                written.append(category)
        return SaveResult(categories_written=written, new_versions=new_versions)

    def _latest_versions(self, ids: list[str]) -> dict[str, Paper]:
        result = {}
        for chunk in _chunks(ids):
            marks = ",".join("?" * len(chunk))
            for row in self.conn.execute(f"SELECT * FROM papers WHERE id IN ({marks})", chunk):
                result[row["id"]] = _paper(row)
        return result

    def _known_versions(self, ids: list[str]) -> set[tuple[str, int]]:
        known = set()
        for chunk in _chunks(ids):
            marks = ",".join("?" * len(chunk))
            known.update((r[0], r[1]) for r in self.conn.execute(
                f"SELECT id, version FROM paper_versions WHERE id IN ({marks})", chunk))
        return known

    @staticmethod
    def _resolve_version(paper: Paper, latest: Paper | None, known: list[Paper]) -> int:
        """A replacement announced without a version: the stored version with the same
        text (re-ingesting a day changes nothing), else one after the newest."""
        text = (paper.title, paper.abstract, paper.comment)
        for version in reversed(known):
            if (version.title, version.abstract, version.comment) == text:
                return version.version
        return 2 if latest is None else latest.version + 1

    def _upsert_versions(self, papers: list[Paper], rows: dict[str, tuple], day: str) -> None:
        differs = " OR ".join(f"{f} IS NOT excluded.{f}" for f in _PAPER_FIELDS)
        self.conn.executemany(
            f"INSERT INTO paper_versions (id, version, {', '.join(_PAPER_FIELDS)}, first_listed) "
            f"VALUES (?, ?, {', '.join('?' * len(_PAPER_FIELDS))}, ?) "
            f"ON CONFLICT (id, version) DO UPDATE SET "
            f"{', '.join(f'{f} = excluded.{f}' for f in _PAPER_FIELDS)}, "
            f"first_listed = min(first_listed, excluded.first_listed) "
            f"WHERE {differs} OR excluded.first_listed < first_listed",
            [(p.id, p.version, *rows[p.id], day) for p in papers])

    def _upsert_papers(self, papers: list[Paper], rows: dict[str, tuple]) -> None:
        differs = " OR ".join(f"{f} IS NOT excluded.{f}" for f in _PAPER_FIELDS)
        self.conn.executemany(
            f"INSERT INTO papers (id, version, {', '.join(_PAPER_FIELDS)}, primary_category) "
            f"VALUES (?, ?, {', '.join('?' * len(_PAPER_FIELDS))}, ?) "
            f"ON CONFLICT (id) DO UPDATE SET version = excluded.version, "
            f"{', '.join(f'{f} = excluded.{f}' for f in _PAPER_FIELDS)}, "
            f"primary_category = excluded.primary_category "
            f"WHERE excluded.version > version OR (excluded.version = version AND ({differs}))",
            [(p.id, p.version, *rows[p.id], p.primary_category) for p in papers])

    # -- reads ----------------------------------------------------------------------------

    def stored_categories(self, day: date) -> list[str]:
        return [r[0] for r in self.conn.execute(
            "SELECT category FROM listings WHERE date = ? ORDER BY category", (day.isoformat(),))]

    def listing_dates(self, categories: list[str] | None = None) -> list[date]:
        if categories:
            marks = ",".join("?" * len(categories))
            rows = self.conn.execute(f"SELECT DISTINCT date FROM listings WHERE category IN "
                                     f"({marks}) ORDER BY date", categories)
        else:
            rows = self.conn.execute("SELECT DISTINCT date FROM listings ORDER BY date")
        return [date.fromisoformat(r[0]) for r in rows]

    def load_listing(self, day: date, categories: list[str]) -> Listing:
        """The stored listing of ``day`` for ``categories``, papers at their announced version."""
        listing = Listing(date=day, categories=list(categories))
        if not categories:
            return listing
        marks = ",".join("?" * len(categories))
        rows = self.conn.execute(
            f"SELECT e.category, e.announce_type, v.* FROM listing_entries e "
            f"JOIN paper_versions v ON v.id = e.paper_id AND v.version = e.version "
            f"WHERE e.date = ? AND e.category IN ({marks}) ORDER BY e.category, e.position",
            (day.isoformat(), *categories))
        papers: dict[str, Paper] = {}
        for row in rows:
            paper = papers.get(row["id"]) or papers.setdefault(row["id"], _paper(row))
            listing.entries.append(ListingEntry(day, row["category"], row["announce_type"], paper))
        order = {cat: i for i, cat in enumerate(categories)}
        listing.entries.sort(key=lambda e: order[e.category])
        return listing

    def papers_listed_between(self, start: date, end: date, categories: list[str]) -> list[Paper]:
        """Papers (newest known version) listed in ``categories`` between two dates, inclusive."""
        if not categories:
            return []
        marks = ",".join("?" * len(categories))
        rows = self.conn.execute(
            f"SELECT * FROM papers WHERE id IN (SELECT paper_id FROM listing_entries "
            f"WHERE date BETWEEN ? AND ? AND category IN ({marks})) ORDER BY id",
            (start.isoformat(), end.isoformat(), *categories))
        return [_paper(r) for r in rows]

    def previous_versions(self, papers: list[Paper]) -> dict[str, Paper]:
        """For each paper, the newest stored version older than the given one."""
        result = {}
        for paper in papers:
            row = self.conn.execute(
                "SELECT * FROM paper_versions WHERE id = ? AND version < ? "
                "ORDER BY version DESC LIMIT 1", (paper.id, paper.version)).fetchone()
            if row is not None:
                result[paper.id] = _paper(row)
        return result

    def cached_relevance(self, profile: str, fingerprint: str,
                         papers: list[Paper]) -> dict[str, str]:
        """Relevance tiers computed earlier for these paper versions under this profile text."""
        wanted = {(p.id, p.version) for p in papers}
        rows = self.conn.execute(
            "SELECT paper_id, version, tier FROM relevance_cache WHERE profile = ? "
            "AND fingerprint = ?", (profile, fingerprint))
        return {r[0]: r[2] for r in rows if (r[0], r[1]) in wanted}

    def save_relevance(self, profile: str, fingerprint: str,
                       rows: list[tuple[str, int, str, float]]) -> None:
        with self.transaction():
            self.conn.executemany(
                "INSERT INTO relevance_cache VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT "
                "(profile, paper_id, version) DO UPDATE SET fingerprint = excluded.fingerprint, "
                "tier = excluded.tier, value = excluded.value",
                [(profile, fingerprint, *row) for row in rows])

    # -- digests ------------------------------------------------------------------------------

    def save_digest(self, day: date, profile: str, writer: str, title: str, data: str,
                    featured: list[tuple[str, int, str | None]]) -> None:
        """Record a day's digest and the papers it features (replacing an earlier run)."""
        with self.transaction():
            self.conn.execute(
                "INSERT INTO digests VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (date, profile) DO "
                "UPDATE SET writer = excluded.writer, title = excluded.title, "
                "json = excluded.json, created_at = excluded.created_at "
                "WHERE json IS NOT excluded.json OR writer IS NOT excluded.writer",
                (day.isoformat(), profile, writer, title, data, _now()))
            self.conn.execute("DELETE FROM featured WHERE profile = ? AND date = ?",
                              (profile, day.isoformat()))
            self.conn.executemany("INSERT INTO featured VALUES (?, ?, ?, ?, ?)",
                                  [(profile, pid, version, day.isoformat(), news)
                                   for pid, version, news in featured])

    def digest_json(self, day: date, profile: str) -> str | None:
        row = self.conn.execute("SELECT json FROM digests WHERE date = ? AND profile = ?",
                                (day.isoformat(), profile)).fetchone()
        return row[0] if row else None

    def digests(self) -> list[tuple[date, str, str]]:
        """Every stored digest: (date, profile, JSON), oldest first."""
        return [(date.fromisoformat(r[0]), r[1], r[2]) for r in self.conn.execute(
            "SELECT date, profile, json FROM digests ORDER BY date, profile")]

    def digest_dates(self, profile: str | None = None) -> list[tuple[date, str]]:
        rows = self.conn.execute(
            "SELECT date, profile FROM digests" + (" WHERE profile = ?" if profile else "")
            + " ORDER BY date, profile", (profile,) if profile else ())
        return [(date.fromisoformat(r[0]), r[1]) for r in rows]

    def featured_before(self, profile: str, day: date) -> dict[str, set[str | None]]:
        """Papers featured in this profile's digests before ``day``, with the news each
        time (None for a first feature)."""
        result: dict[str, set[str | None]] = {}
        for pid, news in self.conn.execute(
                "SELECT paper_id, news FROM featured WHERE profile = ? AND date < ?",
                (profile, day.isoformat())):
            result.setdefault(pid, set()).add(news)
        return result

    # -- LLM responses -----------------------------------------------------------------------

    def llm_cached(self, model: str, request_hash: str) -> sqlite3.Row | None:
        return self.conn.execute(
            "SELECT response, prompt_tokens, completion_tokens, created_at FROM llm_cache "
            "WHERE model = ? AND request_hash = ?", (model, request_hash)).fetchone()

    def save_llm_response(self, model: str, request_hash: str, response: str | None,
                          prompt_tokens: int, completion_tokens: int) -> str:
        created = _now()
        with self.transaction():
            self.conn.execute(
                "INSERT OR REPLACE INTO llm_cache VALUES (?, ?, ?, ?, ?, ?)",
                (model, request_hash, response, prompt_tokens, completion_tokens, created))
        return created

    def log_llm_usage(self, digest_date: date, rows: list[tuple[str, str, int, int, bool]]) -> None:
        with self.transaction():
            self.conn.executemany(
                "INSERT INTO llm_usage VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(_now(), digest_date.isoformat(), part, model, pt, ct, int(cached))
                 for part, model, pt, ct, cached in rows])

    # -- publishing ---------------------------------------------------------------------------

    def sent_to(self, day: date, profile: str) -> set[str]:
        return {r[0] for r in self.conn.execute(
            "SELECT recipient FROM sent WHERE date = ? AND profile = ?",
            (day.isoformat(), profile))}

    def record_sent(self, day: date, profile: str, recipient: str, message_id: str) -> None:
        with self.transaction():
            self.conn.execute("INSERT OR REPLACE INTO sent VALUES (?, ?, ?, ?, ?)",
                              (day.isoformat(), profile, recipient, message_id, _now()))

    def is_published(self, day: date, profile: str, step: str) -> bool:
        return self.conn.execute(
            "SELECT 1 FROM published WHERE date = ? AND profile = ? AND step = ?",
            (day.isoformat(), profile, step)).fetchone() is not None

    def mark_published(self, day: date, profile: str, step: str) -> None:
        with self.transaction():
            self.conn.execute("INSERT OR IGNORE INTO published VALUES (?, ?, ?, ?)",
                              (day.isoformat(), profile, step, _now()))

    def paper(self, paper_id: str) -> Paper | None:
        row = self.conn.execute("SELECT * FROM papers WHERE id = ?", (paper_id,)).fetchone()
        return _paper(row) if row else None

    def versions(self, paper_id: str) -> list[Paper]:
        return [_paper(r) for r in self.conn.execute(
            "SELECT * FROM paper_versions WHERE id = ? ORDER BY version", (paper_id,))]

    def counts(self) -> dict[str, int]:
        return {table: self.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                for table in ("papers", "paper_versions", "listings", "listing_entries")}


class _Transaction:
    """``BEGIN IMMEDIATE`` … ``COMMIT``, or ``ROLLBACK`` on any exception."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def __enter__(self) -> sqlite3.Connection:
        self.conn.execute("BEGIN IMMEDIATE")
        return self.conn

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.conn.execute("COMMIT")
        else:
            self.conn.execute("ROLLBACK")


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
