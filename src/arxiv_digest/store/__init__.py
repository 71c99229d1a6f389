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
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timezone
from pathlib import Path

from arxiv_digest.errors import StoreError
from arxiv_digest.models import Listing, ListingEntry, Paper
from arxiv_digest.store.migrations import MIGRATIONS


BUSY_TIMEOUT = 30.0      # seconds a writer waits for another one before giving up

_TEXT_FIELDS = ("title", "authors", "abstract", "categories", "comment", "journal_ref", "doi")
_PAPER_FIELDS = (*_TEXT_FIELDS, "links")


@dataclass
class SaveResult:
    categories_written: list[str]
    new_versions: int
    conflicts: list[tuple[str, int]] = field(default_factory=list)   # kept as stored

    @property
    def changed(self) -> bool:
        return bool(self.categories_written) or bool(self.new_versions)


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _text(paper: Paper) -> tuple:
    """What a version says, as stored: compared to tell a conflicting copy."""
    return _row(paper)[:len(_TEXT_FIELDS)]


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
    def __init__(self, path: Path, busy_timeout: float = BUSY_TIMEOUT):
        self.path = Path(path)
        self.busy_timeout = busy_timeout
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.conn = sqlite3.connect(self.path, isolation_level=None, timeout=busy_timeout)
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"cannot open the database {self.path}: {_reason(exc)}; check the "
                             "directory (ARXIV_DIGEST_HOME) is writable") from None
        try:
            self.conn.row_factory = sqlite3.Row
            self.conn.execute(f"PRAGMA busy_timeout={int(busy_timeout * 1000)}")
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA foreign_keys=ON")
            self.conn.execute("PRAGMA synchronous=NORMAL")
            self.migrate()
        except sqlite3.Error as exc:
            self.conn.close()
            raise self.error(exc) from None
        except BaseException:
            self.conn.close()
            raise

    def error(self, exc: sqlite3.Error) -> StoreError:
        """What a SQLite failure means for the user, naming the store's path."""
        text = str(exc)
        if "locked" in text or "busy" in text:
            return StoreError(
                f"the store {self.path} is busy: another process has kept it locked for more "
                f"than {self.busy_timeout:g} s; nothing was changed — try again when it has "
                "finished")
        if "full" in text:
            return StoreError(f"the store {self.path}: database or disk is full; nothing was "
                              "changed — free space on that disk and run again")
        if "readonly" in text or "read-only" in text:
            return StoreError(f"the store {self.path} is read-only; nothing was changed — make "
                              "the data directory writable (ARXIV_DIGEST_HOME)")
        return StoreError(f"the store {self.path}: {text}; nothing was changed")

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- schema ---------------------------------------------------------------------------

    def migrate(self) -> list[str]:
        """Apply pending migrations in one locked transaction that first re-reads which are
        applied, so two processes opening a new store at once apply each exactly once."""
        known = {name for name, _ in MIGRATIONS}
        if self._applied() == known:
            return []                     # the usual case: a read, no write lock taken
        with self.transaction():
            self.conn.execute("CREATE TABLE IF NOT EXISTS schema_migrations "
                              "(name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
            done = {r[0] for r in self.conn.execute("SELECT name FROM schema_migrations")}
            if done - known:
                raise StoreError(f"{self.path} was written by a newer arxiv-digest (migrations "
                                 f"{', '.join(sorted(done - known))}); upgrade arxiv-digest")
            applied = []
            for name, migration in MIGRATIONS:
                if name in done:
                    continue
                migration(self.conn)
                self.conn.execute("INSERT INTO schema_migrations (name, applied_at) "
                                  "VALUES (?, ?)", (name, _now()))
                applied.append(name)
        return applied

    def _applied(self) -> set[str]:
        try:
            return {r[0] for r in self.conn.execute("SELECT name FROM schema_migrations")}
        except sqlite3.OperationalError:
            return set()                  # a new store: no table yet

    def applied_migrations(self) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT name FROM schema_migrations ORDER BY name")]

    def transaction(self):
        return _Transaction(self)

    # -- writes ---------------------------------------------------------------------------

    def save_listing(self, listing: Listing, origin: str, skipped: int | None = None) -> SaveResult:
        """Store a day's listing and its papers in one transaction.

        Idempotent: saving the same listing again changes nothing. A stored version is
        immutable: a paper that arrives again at a stored version with other text is
        kept out (its entries point at the stored text) and reported in ``conflicts``.
        A category's entries are replaced only when they differ from what is stored;
        ``skipped`` (malformed input entries) is recorded with the entries written."""
        day = listing.date.isoformat()
        with self.transaction():
            papers = listing.papers()
            self._resolve_versions(papers)
            stored = self._stored_texts(papers)
            conflicts = [p for p in papers
                         if (p.id, p.version) in stored and stored[(p.id, p.version)] != _text(p)]
            fresh = [p for p in papers if (p.id, p.version) not in stored]
            self._insert_versions(fresh, day)
            self.conn.executemany(
                "UPDATE paper_versions SET first_listed = ? WHERE id = ? AND version = ? "
                "AND first_listed > ?",
                [(day, p.id, p.version, day) for p in papers if (p.id, p.version) in stored])
            self._upsert_papers(fresh)
            written = self._save_entries(listing, origin, skipped)
        return SaveResult(categories_written=written, new_versions=len(fresh),
                          conflicts=[(p.id, p.version) for p in conflicts])

    def conflicts(self, listing: Listing) -> list[tuple[str, int]]:
        """The (id, version) pairs of ``listing`` stored with other text (read only)."""
        papers = [replace(p) for p in listing.papers()]
        self._resolve_versions(papers)
        stored = self._stored_texts(papers)
        return [(p.id, p.version) for p in papers
                if (p.id, p.version) in stored and stored[(p.id, p.version)] != _text(p)]

    def _save_entries(self, listing: Listing, origin: str, skipped: int | None) -> list[str]:
        day = listing.date.isoformat()
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
                "INSERT INTO listings (date, category, origin, ingested_at, skipped) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (date, category) DO UPDATE SET "
                "origin = excluded.origin, ingested_at = excluded.ingested_at, "
                "skipped = excluded.skipped", (day, category, origin, _now(), skipped))
            self.conn.executemany(
                "INSERT INTO listing_entries (date, category, paper_id, version, announce_type, "
                "position) VALUES (?, ?, ?, ?, ?, ?)", rows)
            written.append(category)
        return written

    def _resolve_versions(self, papers: list[Paper]) -> None:
        """Give replacements announced without a version (version 0) their number."""
        unresolved = [p for p in papers if p.version == 0]
        if not unresolved:
            return
        latest = self._latest_versions([p.id for p in unresolved])
        for paper in unresolved:
            paper.version = self._resolve_version(paper, latest.get(paper.id),
                                                  self.versions(paper.id))

    def _latest_versions(self, ids: list[str]) -> dict[str, Paper]:
        result = {}
        for chunk in _chunks(ids):
            marks = ",".join("?" * len(chunk))
            for row in self.conn.execute(f"SELECT * FROM papers WHERE id IN ({marks})", chunk):
                result[row["id"]] = _paper(row)
        return result

    def _stored_texts(self, papers: list[Paper]) -> dict[tuple[str, int], tuple]:
        """The stored text of every (id, version) of ``papers`` that is stored."""
        wanted = {(p.id, p.version) for p in papers}
        found = {}
        for chunk in _chunks(sorted({p.id for p in papers})):
            marks = ",".join("?" * len(chunk))
            for row in self.conn.execute(
                    f"SELECT id, version, {', '.join(_TEXT_FIELDS)} FROM paper_versions "
                    f"WHERE id IN ({marks})", chunk):
                if (row[0], row[1]) in wanted:
                    found[(row[0], row[1])] = tuple(row)[2:]
        return found

    @staticmethod
    def _resolve_version(paper: Paper, latest: Paper | None, known: list[Paper]) -> int:
        """A replacement announced without a version: the stored version with the same
        text (re-ingesting a day changes nothing), else one after the newest."""
        text = (paper.title, paper.abstract, paper.comment)
        for version in reversed(known):
            if (version.title, version.abstract, version.comment) == text:
                return version.version
        return 2 if latest is None else latest.version + 1

    def _insert_versions(self, papers: list[Paper], day: str) -> None:
        self.conn.executemany(
            f"INSERT INTO paper_versions (id, version, {', '.join(_PAPER_FIELDS)}, first_listed) "
            f"VALUES (?, ?, {', '.join('?' * len(_PAPER_FIELDS))}, ?)",
            [(p.id, p.version, *_row(p), day) for p in papers])

    def _upsert_papers(self, papers: list[Paper]) -> None:
        """``papers`` holds each paper's newest version; an older one never replaces it."""
        self.conn.executemany(
            f"INSERT INTO papers (id, version, {', '.join(_PAPER_FIELDS)}, primary_category) "
            f"VALUES (?, ?, {', '.join('?' * len(_PAPER_FIELDS))}, ?) "
            f"ON CONFLICT (id) DO UPDATE SET version = excluded.version, "
            f"{', '.join(f'{f} = excluded.{f}' for f in _PAPER_FIELDS)}, "
            f"primary_category = excluded.primary_category "
            f"WHERE excluded.version > version",
            [(p.id, p.version, *_row(p), p.primary_category) for p in papers])

    # -- reads ----------------------------------------------------------------------------

    def stored_categories(self, day: date) -> list[str]:
        return [r[0] for r in self.conn.execute(
            "SELECT category FROM listings WHERE date = ? ORDER BY category", (day.isoformat(),))]

    def skipped_at_ingest(self, day: date, categories: list[str]) -> int | None:
        """Malformed entries skipped by the ingests that wrote this day (None: unknown)."""
        marks = ",".join("?" * len(categories))
        row = self.conn.execute(
            f"SELECT max(skipped) FROM listings WHERE date = ? AND category IN ({marks})",
            (day.isoformat(), *categories)).fetchone()
        return row[0]

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
        """Papers listed in ``categories`` between two dates, inclusive, each at the newest
        version listed in that window — never a version announced later, so a day's
        history reads the same whatever was stored after it."""
        if not categories:
            return []
        marks = ",".join("?" * len(categories))
        rows = self.conn.execute(
            f"SELECT v.* FROM paper_versions v JOIN (SELECT paper_id, max(version) AS version "
            f"FROM listing_entries WHERE date BETWEEN ? AND ? AND category IN ({marks}) "
            f"GROUP BY paper_id) e ON v.id = e.paper_id AND v.version = e.version ORDER BY v.id",
            (start.isoformat(), end.isoformat(), *categories))
        return [_paper(r) for r in rows]

    def previous_versions(self, papers: list[Paper]) -> dict[str, Paper]:
        """For each paper, the newest stored version older than the given one."""
        result: dict[str, Paper] = {}
        wanted = {p.id: p.version for p in papers}
        for chunk in _chunks(sorted(wanted)):
            marks = ",".join("?" * len(chunk))
            for row in self.conn.execute(
                    f"SELECT * FROM paper_versions WHERE id IN ({marks}) ORDER BY id, version",
                    chunk):
                if row["version"] < wanted[row["id"]]:
                    result[row["id"]] = _paper(row)
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
    """``BEGIN IMMEDIATE`` … ``COMMIT``, or ``ROLLBACK`` on any exception (unless SQLite
    already rolled back, as it does on a full disk). SQLite errors become a StoreError
    that names the store and says what happened."""

    def __init__(self, store: "Store"):
        self.store = store
        self.conn = store.conn

    def __enter__(self) -> sqlite3.Connection:
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise self.store.error(exc) from None
        return self.conn

    def __exit__(self, exc_type, exc, tb) -> bool:
        if exc_type is None:
            try:
                self.conn.execute("COMMIT")
                return False
            except sqlite3.Error as commit_error:
                exc_type, exc = type(commit_error), commit_error
        if self.conn.in_transaction:
            try:
                self.conn.execute("ROLLBACK")
            except sqlite3.Error:
                pass
        if isinstance(exc, sqlite3.Error):
            raise self.store.error(exc) from None
        return False


def _reason(exc: BaseException) -> str:
    return getattr(exc, "strerror", None) or str(exc)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
