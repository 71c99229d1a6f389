"""Listings and papers: each day as announced, every version of every paper."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from arxiv_digest.models import Listing, ListingEntry, Paper

NOT_RELEVANT = "not_relevant"   # the tier most verdicts have (topics.relevance.Tier)
from arxiv_digest.store.connection import Connection, _chunks, _now, _paper, _row

_TEXT_FIELDS = ("title", "authors", "abstract", "categories", "comment", "journal_ref", "doi")
_PAPER_FIELDS = (*_TEXT_FIELDS, "links")


@dataclass
class KeptListing:
    """A category's stored listing that a later, different one did not replace."""

    category: str
    stored: int                 # entries stored
    offered: int                # entries the later listing had
    origin: str                 # where the stored one came from


@dataclass
class SaveResult:
    categories_written: list[str]
    new_versions: int
    conflicts: list[tuple[str, int]] = field(default_factory=list)   # kept as stored
    kept: list["KeptListing"] = field(default_factory=list)    # stored listings kept

    @property
    def changed(self) -> bool:
        return bool(self.categories_written) or bool(self.new_versions)


def _same_entries(stored: list[tuple], offered: list[tuple]) -> bool:
    """Whether a listing offered again is the stored one: the same papers in the same
    order and kinds (a replacement announced without its version matches any)."""
    return len(stored) == len(offered) and all(
        s[0] == o[0] and s[2] == o[2] and (o[1] in (0, s[1]))
        for s, o in zip(stored, offered))


def _text(paper: Paper) -> tuple:
    """What a version says, as stored: compared to tell a conflicting copy."""
    return _row(paper)[:len(_TEXT_FIELDS)]


class ListingStore(Connection):
    # -- writes ---------------------------------------------------------------------------

    def save_listing(self, listing: Listing, origin: str, skipped: int | None = None) -> SaveResult:
        """Store a day's listing and its papers in one transaction.

        Idempotent: saving the same listing again changes nothing. A stored version is
        immutable: a paper that arrives again at a stored version with other text is
        kept out (its entries point at the stored text) and reported in ``conflicts``.
        A stored day is never changed by a later listing: a category already stored with
        other entries keeps them, and the later listing's papers in that category alone
        are not stored (reported in ``kept``). ``skipped`` (malformed input entries) is
        recorded with the entries written."""
        day = listing.date.isoformat()
        with self.transaction():
            kept = self.kept_listings(listing)
            if kept:
                gone = {k.category for k in kept}
                listing = replace(listing, entries=[e for e in listing.entries
                                                    if e.category not in gone])
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
                          conflicts=[(p.id, p.version) for p in conflicts], kept=kept)

    def kept_listings(self, listing: Listing) -> list[KeptListing]:
        """The categories of ``listing`` stored for its day with other entries (read
        only): saving it keeps those as they are."""
        day = listing.date.isoformat()
        offered: dict[str, list[tuple]] = {}
        for entry in listing.entries:
            offered.setdefault(entry.category, []).append(
                (entry.paper.id, entry.paper.version, entry.announce_type))
        kept = []
        for category, rows in offered.items():
            stored = [tuple(r) for r in self.conn.execute(
                "SELECT paper_id, version, announce_type FROM listing_entries "
                "WHERE date = ? AND category = ? ORDER BY position", (day, category))]
            if stored and not _same_entries(stored, rows):
                origin = self.conn.execute(
                    "SELECT origin FROM listings WHERE date = ? AND category = ?",
                    (day, category)).fetchone()[0]
                kept.append(KeptListing(category, len(stored), len(rows), origin))
        return kept

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

    def cached_relevance_many(self, profiles: dict[str, str], papers: list[Paper]
                              ) -> dict[str, dict[str, str]]:
        """Relevance tiers computed earlier for these paper versions, per profile (name ->
        the fingerprint of its current text; verdicts on other texts do not count).
        Most papers fail most topics: those verdicts are read only for a profile that
        lacks some of the papers, else inferred from the count."""
        found: dict[str, dict[str, str]] = {name: {} for name in profiles}
        if not profiles or not papers:
            return found
        self.conn.execute("CREATE TEMP TABLE IF NOT EXISTS wanted_papers "
                          "(id TEXT, version INTEGER, PRIMARY KEY (id, version))")
        self.conn.execute("CREATE TEMP TABLE IF NOT EXISTS wanted_profiles "
                          "(name TEXT PRIMARY KEY, fingerprint TEXT)")
        self.conn.execute("DELETE FROM wanted_papers")
        self.conn.execute("DELETE FROM wanted_profiles")
        pairs = sorted({(p.id, p.version) for p in papers})
        self.conn.executemany("INSERT INTO wanted_papers VALUES (?, ?)", pairs)
        self.conn.executemany("INSERT INTO wanted_profiles VALUES (?, ?)", profiles.items())
        verdicts = ("FROM relevance_cache r JOIN wanted_profiles w ON r.profile = w.name "
                    "AND r.fingerprint = w.fingerprint JOIN wanted_papers t "
                    "ON r.paper_id = t.id AND r.version = t.version")
        counts = dict(self.conn.execute(f"SELECT r.profile, count(*) {verdicts} "
                                        f"GROUP BY r.profile").fetchall())
        for profile, paper_id, tier in self.conn.execute(
                f"SELECT r.profile, r.paper_id, r.tier {verdicts} WHERE r.tier != ?",
                (NOT_RELEVANT,)):
            found[profile][paper_id] = tier
        for name in profiles:
            if counts.get(name, 0) == len(pairs):
                found[name].update((pid, NOT_RELEVANT) for pid, _ in pairs
                                   if pid not in found[name])
            elif counts.get(name):
                for (paper_id,) in self.conn.execute(
                        f"SELECT r.paper_id {verdicts} WHERE r.profile = ? AND r.tier = ?",
                        (name, NOT_RELEVANT)):
                    found[name][paper_id] = NOT_RELEVANT
        return found

    def prune_relevance(self, keep_from: date) -> int:
        """Forget verdicts on paper versions no day from ``keep_from`` on lists (papers
        that have left every window); they are assessed again if an old day is re-ranked."""
        with self.transaction():
            return self.conn.execute(
                "DELETE FROM relevance_cache WHERE (paper_id, version) NOT IN (SELECT paper_id, "
                "version FROM listing_entries WHERE date >= ?)", (keep_from.isoformat(),)
            ).rowcount

    def save_relevance(self, profile: str, fingerprint: str,
                       rows: list[tuple[str, int, str, float]]) -> None:
        with self.transaction():
            self.conn.executemany(
                "INSERT INTO relevance_cache (profile, fingerprint, paper_id, version, tier, value) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT "
                "(profile, paper_id, version) DO UPDATE SET fingerprint = excluded.fingerprint, "
                "tier = excluded.tier, value = excluded.value",
                [(profile, fingerprint, *row) for row in rows])

    def paper(self, paper_id: str) -> Paper | None:
        row = self.conn.execute("SELECT * FROM papers WHERE id = ?", (paper_id,)).fetchone()
        return _paper(row) if row else None

    def versions(self, paper_id: str) -> list[Paper]:
        return [_paper(r) for r in self.conn.execute(
            "SELECT * FROM paper_versions WHERE id = ? ORDER BY version", (paper_id,))]

    def counts(self) -> dict[str, int]:
        return {table: self.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                for table in ("papers", "paper_versions", "listings", "listing_entries")}
