"""The one choice of a day's picks, shared by ``run``, ``rank``, ``explain`` and ``eval``.

From a ranking (best first): leave out each paper featured in an earlier digest of the
profile unless it brings news not featured before, and take the first ``count``. Every
paper ranked above the last pick that was left out says why ("featured on 2026-06-23").
When the day's digest is stored, its picks are what it featured.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from arxiv_digest.rank import Candidate, Ranking


@dataclass
class Selection:
    ranking: Ranking
    picks: list[Candidate]
    eligible: list[Candidate]                          # rank order, repeats left out
    skipped: dict[str, str] = field(default_factory=dict)   # id -> why it was passed over
    repeats: int = 0
    stored: bool = False                               # the picks of a stored digest

    @property
    def picked_ids(self) -> set[str]:
        return {c.paper.id for c in self.picks}

    def to_json(self, top: int | None = None) -> dict:
        """``rank --json``: the ranking, each candidate marked ``picked`` when the digest
        features it (or would), and ``skipped`` with the reason when it ranks above the
        last pick but was passed over."""
        data = self.ranking.to_json(top)
        for item in data["candidates"]:
            if item["id"] in self.picked_ids:
                item["picked"] = True
            if item["id"] in self.skipped:
                item["skipped"] = self.skipped[item["id"]]
        data["picks"] = [c.paper.id for c in self.picks]
        data["picks_from"] = "stored digest" if self.stored else "selection"
        return data

    def status(self, paper_id: str) -> str:
        """One line for ``explain``: picked, passed over (and why), or neither."""
        if paper_id in self.picked_ids:
            where = "featured in the stored digest" if self.stored else "picked for the digest"
            place = [c.paper.id for c in self.picks].index(paper_id) + 1
            return f"{where} (pick {place} of {len(self.picks)})"
        if paper_id in self.skipped:
            return f"not picked: {self.skipped[paper_id]}"
        return f"not picked: ranked below the {len(self.picks)} picks"


def select(ranking: Ranking, featured: dict[str, list[tuple[date, str | None]]],
           count: int) -> Selection:
    """The picks of ``ranking``: featured papers without new news left out."""
    eligible, skipped, repeats = [], {}, 0
    for candidate in ranking.candidates:
        earlier = featured.get(candidate.paper.id, [])
        if earlier and (candidate.news is None or candidate.news in {n for _, n in earlier}):
            repeats += 1
            last = max(d for d, _ in earlier)
            skipped[candidate.paper.id] = (
                f"featured on {last.isoformat()}" if candidate.news is None
                else f"featured on {last.isoformat()} with the same news")
            continue
        eligible.append(candidate)
    picks = eligible[:count]
    if picks:
        last_rank = max(c.rank for c in picks)
        skipped = {pid: why for pid, why in skipped.items()
                   if _rank(ranking, pid) < last_rank}
    return Selection(ranking, picks, eligible, skipped, repeats)


def with_stored_picks(selection: Selection, stored_ids: list[str]) -> Selection:
    """The selection as a stored digest made it (enrichment may have re-ordered it)."""
    if not stored_ids:
        return selection
    by_id = {c.paper.id: c for c in selection.ranking.candidates}
    picks = [by_id[pid] for pid in stored_ids if pid in by_id]
    return Selection(selection.ranking, picks, selection.eligible, selection.skipped,
                     selection.repeats, stored=True)


def _rank(ranking: Ranking, paper_id: str) -> int:
    return next(c.rank for c in ranking.candidates if c.paper.id == paper_id)
