"""Digests, model responses and what was published or sent."""

from __future__ import annotations

import sqlite3
from datetime import date

from arxiv_digest.store.connection import Connection, _now


class PublishingStore(Connection):
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
