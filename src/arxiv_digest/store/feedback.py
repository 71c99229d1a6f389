"""A reader's likes and dislikes, per profile, with their time and where they came from
(the command line, an imported library, the site served locally)."""

from __future__ import annotations

from dataclasses import dataclass

from arxiv_digest.models import Paper
from arxiv_digest.store.connection import Connection, _now, _paper, _row

_IDS_PER_QUERY = 500        # well under SQLite's limit on bound parameters
_FIELDS = ("title", "authors", "abstract", "categories", "comment", "journal_ref", "doi", "links")


@dataclass(frozen=True)
class FeedbackItem:
    paper_id: str
    version: int
    kind: str                 # like / dislike
    source: str               # cli / library / site
    created_at: str


class FeedbackStore(Connection):
    def set_feedback(self, profile: str, items: list[tuple[str, int, str]], source: str,
                     papers: list[Paper] = ()) -> int:
        """Record (paper id, version, like/dislike) for a profile; a paper's latest word
        replaces an earlier one. ``papers`` that no listing holds (fetched for a library)
        are stored in the same transaction: all of it is stored, or none. Returns how many
        feedback rows changed."""
        with self.transaction():
            self._insert_papers(papers)
            before = self.conn.total_changes
            self.conn.executemany(
                "INSERT INTO feedback (profile, paper_id, version, kind, source, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (profile, paper_id) DO UPDATE SET "
                "version = excluded.version, kind = excluded.kind, source = excluded.source, "
                "created_at = excluded.created_at WHERE kind IS NOT excluded.kind",
                [(profile, pid, version, kind, source, _now()) for pid, version, kind in items])
            return self.conn.total_changes - before

    def stored_versions(self, paper_ids: list[str]) -> dict[str, list[int]]:
        """The stored versions (ascending) of each of these papers that the store holds."""
        found: dict[str, list[int]] = {}
        for i in range(0, len(paper_ids), _IDS_PER_QUERY):
            chunk = paper_ids[i:i + _IDS_PER_QUERY]
            for paper_id, version in self.conn.execute(
                    f"SELECT id, version FROM paper_versions WHERE id IN "
                    f"({', '.join('?' * len(chunk))}) ORDER BY id, version", chunk):
                found.setdefault(paper_id, []).append(version)
        return found

    def feedback(self, profile: str) -> list[FeedbackItem]:
        return [FeedbackItem(r["paper_id"], r["version"], r["kind"], r["source"],
                             r["created_at"])
                for r in self.conn.execute(
                    "SELECT paper_id, version, kind, source, created_at FROM feedback "
                    "WHERE profile = ? ORDER BY created_at, paper_id", (profile,))]

    def feedback_papers(self, profile: str) -> list[tuple[str, Paper]]:
        """(like/dislike, the paper at the version the reader saw) for the profile."""
        rows = self.conn.execute(
            "SELECT f.kind, v.* FROM feedback f JOIN paper_versions v ON v.id = f.paper_id "
            "AND v.version = f.version WHERE f.profile = ? ORDER BY f.paper_id", (profile,))
        return [(r["kind"], _paper(r)) for r in rows]

    def forget(self, profile: str, paper_ids: list[str]) -> int:
        with self.transaction():
            before = self.conn.total_changes
            self.conn.executemany("DELETE FROM feedback WHERE profile = ? AND paper_id = ?",
                                  [(profile, pid) for pid in paper_ids])
            return self.conn.total_changes - before

    def reset_feedback(self, profile: str) -> int:
        with self.transaction():
            return self.conn.execute("DELETE FROM feedback WHERE profile = ?",
                                     (profile,)).rowcount

    def save_papers(self, papers: list[Paper]) -> int:
        """Store papers that are in no listing (a reader's library): new versions only,
        a stored version is never rewritten. Returns how many versions were new."""
        with self.transaction():
            return self._insert_papers(papers)

    def _insert_papers(self, papers: list[Paper]) -> int:
        before = self.conn.total_changes
        self.conn.executemany(
            f"INSERT OR IGNORE INTO paper_versions (id, version, {', '.join(_FIELDS)}, "
            f"first_listed) VALUES (?, ?, {', '.join('?' * len(_FIELDS))}, '')",
            [(p.id, p.version, *_row(p)) for p in papers])
        added = self.conn.total_changes - before
        self.conn.executemany(
            f"INSERT INTO papers (id, version, {', '.join(_FIELDS)}, primary_category) "
            f"VALUES (?, ?, {', '.join('?' * len(_FIELDS))}, ?) ON CONFLICT (id) DO "
            f"UPDATE SET version = excluded.version, "
            f"{', '.join(f'{f} = excluded.{f}' for f in _FIELDS)} "
            f"WHERE excluded.version > version",
            [(p.id, p.version, *_row(p), p.primary_category) for p in papers])
        return added



