"""Digests, model responses and what was published or sent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from arxiv_digest.store.connection import Connection, _now


@dataclass(frozen=True)
class StoredDigest:
    date: date
    profile: str
    json: str                       # the digest's JSON rendering


@dataclass(frozen=True)
class Delivery:
    """A digest's delivery to one channel, as recorded."""

    channel: str
    profile: str
    date: date
    status: str                     # delivered, partial (some messages posted), failed
    parts: int                      # messages of the current delivery posted so far
    sends: int                      # deliveries completed, forced resends included
    detail: str                     # the one-line reason of a failure
    delivered_at: str | None


@dataclass(frozen=True)
class CachedReply:
    response: str | None            # the validated reply; None when the model failed it
    prompt_tokens: int
    completion_tokens: int
    created_at: str


class PublishingStore(Connection):
    # -- digests ------------------------------------------------------------------------------

    def save_digest(self, day: date, profile: str, writer: str, title: str, data: str,
                    featured: list[tuple[str, int, str | None]]) -> None:
        """Record a day's digest and the papers it features (replacing an earlier run)."""
        with self.transaction():
            self.conn.execute(
                "INSERT INTO digests (date, profile, writer, title, json, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (date, profile) DO "
                "UPDATE SET writer = excluded.writer, title = excluded.title, "
                "json = excluded.json, created_at = excluded.created_at "
                "WHERE json IS NOT excluded.json OR writer IS NOT excluded.writer",
                (day.isoformat(), profile, writer, title, data, _now()))
            self._save_featured(day, profile, featured)

    def save_featured(self, day: date, profile: str,
                      featured: list[tuple[str, int, str | None]]) -> None:
        """Record what a day's selection featured, without a written digest (evaluation
        replaying history)."""
        with self.transaction():
            self._save_featured(day, profile, featured)

    def _save_featured(self, day: date, profile: str,
                       featured: list[tuple[str, int, str | None]]) -> None:
        self.conn.execute("DELETE FROM featured WHERE profile = ? AND date = ?",
                          (profile, day.isoformat()))
        self.conn.executemany("INSERT INTO featured (profile, paper_id, version, date, news) "
                              "VALUES (?, ?, ?, ?, ?)",
                              [(profile, pid, version, day.isoformat(), news)
                               for pid, version, news in featured])

    def digest_json(self, day: date, profile: str) -> str | None:
        row = self.conn.execute("SELECT json FROM digests WHERE date = ? AND profile = ?",
                                (day.isoformat(), profile)).fetchone()
        return row[0] if row else None

    def digests(self) -> list[StoredDigest]:
        """Every stored digest, oldest first."""
        return [StoredDigest(date.fromisoformat(r["date"]), r["profile"], r["json"])
                for r in self.conn.execute(
                    "SELECT date, profile, json FROM digests ORDER BY date, profile")]

    def digest_dates(self, profile: str | None = None) -> list[date]:
        """The dates of the stored digests (of one profile, or of any), oldest first."""
        rows = self.conn.execute(
            "SELECT DISTINCT date FROM digests" + (" WHERE profile = ?" if profile else "")
            + " ORDER BY date", (profile,) if profile else ())
        return [date.fromisoformat(r["date"]) for r in rows]

    def featured_before(self, profile: str, day: date) -> dict[str, list[tuple[date, str | None]]]:
        """Papers featured in this profile's digests before ``day``: each time, its date
        and the news it was featured for (None for a first feature)."""
        result: dict[str, list[tuple[date, str | None]]] = {}
        for row in self.conn.execute(
                "SELECT paper_id, date, news FROM featured WHERE profile = ? AND date < ? "
                "ORDER BY date", (profile, day.isoformat())):
            result.setdefault(row["paper_id"], []).append((date.fromisoformat(row["date"]),
                                                           row["news"]))
        return result

    def featured_on(self, profile: str, day: date) -> list[str]:
        """The papers the profile's digest of ``day`` featured, in its order."""
        return [r["paper_id"] for r in self.conn.execute(
            "SELECT paper_id FROM featured WHERE profile = ? AND date = ? ORDER BY rowid",
            (profile, day.isoformat()))]

    # -- LLM responses -----------------------------------------------------------------------

    def llm_cached(self, model: str, request_hash: str) -> CachedReply | None:
        row = self.conn.execute(
            "SELECT response, prompt_tokens, completion_tokens, created_at FROM llm_cache "
            "WHERE model = ? AND request_hash = ?", (model, request_hash)).fetchone()
        if row is None:
            return None
        return CachedReply(row["response"], row["prompt_tokens"], row["completion_tokens"],
                           row["created_at"])

    def save_llm_response(self, model: str, request_hash: str, response: str | None,
                          prompt_tokens: int, completion_tokens: int) -> str:
        created = _now()
        with self.transaction():
            self.conn.execute(
                "INSERT OR REPLACE INTO llm_cache (model, request_hash, response, prompt_tokens, "
                "completion_tokens, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                (model, request_hash, response, prompt_tokens, completion_tokens, created))
        return created

    def llm_server(self, base_url: str | None, model: str) -> dict | None:
        """What was learnt about a (server, model): the reply format that works and why,
        and how its prompts are counted."""
        row = self.conn.execute(
            "SELECT mode, reason, tokenizer, checked_at FROM llm_servers WHERE base_url = ? "
            "AND model = ?", (base_url or "", model)).fetchone()
        return dict(row) if row else None

    def remember_llm_server(self, base_url: str | None, model: str, *, mode: str | None = None,
                            reason: str | None = None, tokenizer: str | None = None) -> None:
        known = self.llm_server(base_url, model) or {}
        with self.transaction():
            self.conn.execute(
                "INSERT OR REPLACE INTO llm_servers (base_url, model, mode, reason, tokenizer, "
                "checked_at) VALUES (?, ?, ?, ?, ?, ?)",
                (base_url or "", model, mode or known.get("mode") or "json_schema",
                 reason or known.get("reason") or "", tokenizer or known.get("tokenizer"),
                 _now()))

    def log_llm_usage(self, digest_date: date, rows: list[tuple[str, str, int, int, bool]]) -> None:
        with self.transaction():
            self.conn.executemany(
                "INSERT INTO llm_usage (run_at, digest_date, part, model, prompt_tokens, "
                "completion_tokens, cached) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(_now(), digest_date.isoformat(), part, model, pt, ct, int(cached))
                 for part, model, pt, ct, cached in rows])

    # -- publishing ---------------------------------------------------------------------------

    def sent_to(self, day: date, profile: str) -> set[str]:
        return {r[0] for r in self.conn.execute(
            "SELECT recipient FROM sent WHERE date = ? AND profile = ?",
            (day.isoformat(), profile))}

    def record_sent(self, day: date, profile: str, recipient: str, message_id: str) -> None:
        with self.transaction():
            self.conn.execute("INSERT OR REPLACE INTO sent (date, profile, recipient, message_id, "
                              "sent_at) VALUES (?, ?, ?, ?, ?)",
                              (day.isoformat(), profile, recipient, message_id, _now()))

    def is_published(self, day: date, profile: str, step: str) -> bool:
        return self.conn.execute(
            "SELECT 1 FROM published WHERE date = ? AND profile = ? AND step = ?",
            (day.isoformat(), profile, step)).fetchone() is not None

    def mark_published(self, day: date, profile: str, step: str) -> None:
        with self.transaction():
            self.conn.execute("INSERT OR IGNORE INTO published (date, profile, step, done_at) "
                              "VALUES (?, ?, ?, ?)",
                              (day.isoformat(), profile, step, _now()))

    # -- channels -----------------------------------------------------------------------------

    def delivery(self, channel: str, profile: str, day: date) -> Delivery | None:
        row = self.conn.execute(
            "SELECT * FROM deliveries WHERE channel = ? AND profile = ? AND date = ?",
            (channel, profile, day.isoformat())).fetchone()
        return _delivery(row) if row else None

    def deliveries(self, profile: str, day: date) -> list[Delivery]:
        """Every channel's delivery of a profile's digest, by channel name."""
        return [_delivery(r) for r in self.conn.execute(
            "SELECT * FROM deliveries WHERE profile = ? AND date = ? ORDER BY channel",
            (profile, day.isoformat()))]

    def record_delivery(self, channel: str, profile: str, day: date, *, status: str,
                        parts: int, detail: str = "") -> None:
        """Record progress: ``parts`` messages posted; ``delivered`` counts one more send."""
        now = _now()
        with self.transaction():
            self.conn.execute(
                "INSERT INTO deliveries (channel, profile, date, status, parts, sends, detail, "
                "delivered_at, updated_at) VALUES (?, ?, ?, ?, ?, 0, ?, NULL, ?) "
                "ON CONFLICT (channel, profile, date) DO UPDATE SET status = excluded.status, "
                "parts = excluded.parts, detail = excluded.detail, "
                "updated_at = excluded.updated_at",
                (channel, profile, day.isoformat(), status, parts, detail, now))
            if status == "delivered":
                self.conn.execute(
                    "UPDATE deliveries SET sends = sends + 1, delivered_at = ? "
                    "WHERE channel = ? AND profile = ? AND date = ?",
                    (now, channel, profile, day.isoformat()))


def _delivery(row) -> Delivery:
    return Delivery(row["channel"], row["profile"], date.fromisoformat(row["date"]),
                    row["status"], row["parts"], row["sends"], row["detail"],
                    row["delivered_at"])
