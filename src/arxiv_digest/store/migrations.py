"""The store's schema, as named migrations applied in order and recorded in
``schema_migrations`` (see :meth:`arxiv_digest.store.Store.migrate`)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable


def _run_script(conn: sqlite3.Connection, script: str) -> None:
    """Execute statements one by one (``executescript`` would commit the transaction)."""
    for statement in script.split(";"):
        if statement.strip():
            conn.execute(statement)


def _migration_0001_initial(conn: sqlite3.Connection) -> None:
    _run_script(
        conn,
        """
        CREATE TABLE paper_versions (
            id TEXT NOT NULL,
            version INTEGER NOT NULL,
            title TEXT NOT NULL,
            authors TEXT NOT NULL,          -- JSON list
            abstract TEXT NOT NULL,
            categories TEXT NOT NULL,       -- JSON list, primary first
            comment TEXT,
            journal_ref TEXT,
            doi TEXT,
            links TEXT NOT NULL,            -- JSON object
            first_listed TEXT NOT NULL,     -- listing date this version was first seen
            PRIMARY KEY (id, version)
        );
        CREATE TABLE papers (
            id TEXT PRIMARY KEY,
            version INTEGER NOT NULL,       -- newest version known
            title TEXT NOT NULL,
            authors TEXT NOT NULL,
            abstract TEXT NOT NULL,
            categories TEXT NOT NULL,
            primary_category TEXT,
            comment TEXT,
            journal_ref TEXT,
            doi TEXT,
            links TEXT NOT NULL
        );
        CREATE TABLE listings (
            date TEXT NOT NULL,
            category TEXT NOT NULL,
            origin TEXT NOT NULL,
            ingested_at TEXT NOT NULL,
            PRIMARY KEY (date, category)
        );
        CREATE TABLE listing_entries (
            date TEXT NOT NULL,
            category TEXT NOT NULL,
            paper_id TEXT NOT NULL,
            version INTEGER NOT NULL,
            announce_type TEXT NOT NULL
                CHECK (announce_type IN ('new', 'cross', 'replace', 'replace-cross')),
            position INTEGER NOT NULL,
            PRIMARY KEY (date, category, paper_id),
            FOREIGN KEY (date, category) REFERENCES listings (date, category),
            FOREIGN KEY (paper_id, version) REFERENCES paper_versions (id, version)
        );
        CREATE INDEX listing_entries_paper ON listing_entries (paper_id);
        """
    )


def _migration_0002_relevance_cache(conn: sqlite3.Connection) -> None:
    _run_script(
        conn,
        """
        CREATE TABLE relevance_cache (
            profile TEXT NOT NULL,
            fingerprint TEXT NOT NULL,      -- the profile text's hash: edits invalidate
            paper_id TEXT NOT NULL,
            version INTEGER NOT NULL,
            tier TEXT NOT NULL,
            value REAL NOT NULL,
            PRIMARY KEY (profile, paper_id, version)
        )
        """,
    )


def _migration_0003_digests(conn: sqlite3.Connection) -> None:
    _run_script(
        conn,
        """
        CREATE TABLE digests (
            date TEXT NOT NULL,
            profile TEXT NOT NULL,
            writer TEXT NOT NULL,
            title TEXT NOT NULL,
            json TEXT NOT NULL,             -- the digest's JSON rendering
            created_at TEXT NOT NULL,
            PRIMARY KEY (date, profile)
        );
        CREATE TABLE featured (
            profile TEXT NOT NULL,
            paper_id TEXT NOT NULL,
            version INTEGER NOT NULL,
            date TEXT NOT NULL,
            news TEXT,                      -- the news a replacement was featured for
            PRIMARY KEY (profile, paper_id, date)
        )
        """,
    )


def _migration_0004_llm(conn: sqlite3.Connection) -> None:
    _run_script(
        conn,
        """
        CREATE TABLE llm_cache (
            model TEXT NOT NULL,
            request_hash TEXT NOT NULL,     -- sha256 of the whole request
            response TEXT,                  -- the validated reply, NULL when the model failed it
            prompt_tokens INTEGER NOT NULL,
            completion_tokens INTEGER NOT NULL,
            created_at TEXT NOT NULL,
            PRIMARY KEY (model, request_hash)
        );
        CREATE TABLE llm_usage (
            run_at TEXT NOT NULL,
            digest_date TEXT NOT NULL,
            part TEXT NOT NULL,             -- pick:2606.24888, day, translate:ko:…
            model TEXT NOT NULL,
            prompt_tokens INTEGER NOT NULL,
            completion_tokens INTEGER NOT NULL,
            cached INTEGER NOT NULL
        )
        """,
    )


def _migration_0005_publishing(conn: sqlite3.Connection) -> None:
    _run_script(
        conn,
        """
        CREATE TABLE sent (
            date TEXT NOT NULL,
            profile TEXT NOT NULL,
            recipient TEXT NOT NULL,
            message_id TEXT NOT NULL,
            sent_at TEXT NOT NULL,
            PRIMARY KEY (date, profile, recipient)
        );
        CREATE TABLE published (
            date TEXT NOT NULL,
            profile TEXT NOT NULL,
            step TEXT NOT NULL,             -- digest, site, email
            done_at TEXT NOT NULL,
            PRIMARY KEY (date, profile, step)
        )
        """,
    )


def _migration_0006_listing_skipped(conn: sqlite3.Connection) -> None:
    # How many malformed entries the ingest that wrote a listing skipped, so a stored
    # day's digest reports its coverage the same whether or not this run ingested it.
    conn.execute("ALTER TABLE listings ADD COLUMN skipped INTEGER")


def _migration_0007_feedback(conn: sqlite3.Connection) -> None:
    _run_script(
        conn,
        """
        CREATE TABLE feedback (
            profile TEXT NOT NULL,
            paper_id TEXT NOT NULL,
            version INTEGER NOT NULL,       -- the version the reader saw
            kind TEXT NOT NULL CHECK (kind IN ('like', 'dislike')),
            source TEXT NOT NULL,           -- cli, library, site
            created_at TEXT NOT NULL,
            PRIMARY KEY (profile, paper_id)
        )
        """,
    )


def _migration_0008_llm_servers(conn: sqlite3.Connection) -> None:
    _run_script(
        conn,
        """
        CREATE TABLE llm_servers (
            base_url TEXT NOT NULL,         -- '' for the client's default (api.openai.com)
            model TEXT NOT NULL,
            mode TEXT NOT NULL,             -- the reply format that works: json_schema, ...
            reason TEXT NOT NULL,           -- why (what the server refused)
            tokenizer TEXT,                 -- how prompts are counted before sending
            checked_at TEXT NOT NULL,
            PRIMARY KEY (base_url, model)
        )
        """,
    )


def _migration_0009_relevance_recheck(conn: sqlite3.Connection) -> None:
    # Verdicts written while two profile files could share one name were misaligned
    # (one profile's list zipped against the other's papers) under a valid fingerprint.
    # They are only a cache: forget them all, and every verdict is assessed again.
    _run_script(conn, "DELETE FROM relevance_cache")


def _migration_0010_deliveries(conn: sqlite3.Connection) -> None:
    _run_script(
        conn,
        """
        CREATE TABLE deliveries (
            channel TEXT NOT NULL,          -- the [[channels]] name
            profile TEXT NOT NULL,
            date TEXT NOT NULL,             -- the digest's date
            status TEXT NOT NULL CHECK (status IN ('delivered', 'partial', 'failed')),
            parts INTEGER NOT NULL,         -- messages of this delivery posted so far
            sends INTEGER NOT NULL,         -- deliveries completed (a forced resend adds one)
            detail TEXT NOT NULL,           -- why it failed, in one line ('' when delivered)
            delivered_at TEXT,              -- when it was last completed
            updated_at TEXT NOT NULL,
            PRIMARY KEY (channel, profile, date)
        )
        """,
    )


MIGRATIONS: list[tuple[str, Callable[[sqlite3.Connection], None]]] = [
    ("0001_initial", _migration_0001_initial),
    ("0002_relevance_cache", _migration_0002_relevance_cache),
    ("0003_digests", _migration_0003_digests),
    ("0004_llm", _migration_0004_llm),
    ("0005_publishing", _migration_0005_publishing),
    ("0006_listing_skipped", _migration_0006_listing_skipped),
    ("0007_feedback", _migration_0007_feedback),
    ("0008_llm_servers", _migration_0008_llm_servers),
    ("0009_relevance_recheck", _migration_0009_relevance_recheck),
    ("0010_deliveries", _migration_0010_deliveries),
]
