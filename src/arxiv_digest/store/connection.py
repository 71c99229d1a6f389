"""The connection to the store's SQLite file: opening, migrating, transactions, and
what a SQLite failure means for the user. The only place that opens the database."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from datetime import datetime, timezone
from pathlib import Path

from arxiv_digest.errors import StoreError
from arxiv_digest.models import Paper
from arxiv_digest.store.migrations import MIGRATIONS

BUSY_TIMEOUT = 30.0      # seconds a writer waits for another one before giving up


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


class Connection:
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

    def __enter__(self) -> "Connection":
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

class _Transaction:
    """``BEGIN IMMEDIATE`` … ``COMMIT``, or ``ROLLBACK`` on any exception (unless SQLite
    already rolled back, as it does on a full disk). SQLite errors become a StoreError
    that names the store and says what happened."""

    def __init__(self, store: "Connection"):
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
