"""Evaluation against an editor's picks: how many of the editor's five are in our top 5
and top 10, the rank of each, and what a random pick from the same pool would score."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from arxiv_digest.config import Settings
from arxiv_digest.errors import InputError
from arxiv_digest.pipeline import profile_settings, rank_day
from arxiv_digest.store import Store
from arxiv_digest.topics import Profile


@dataclass
class DayScore:
    day: date
    picks: list[str]
    ranks: dict[str, int | None]      # None: not in our pool
    pool: int
    in_top5: int
    in_top10: int
    random_top5: float                # expected hits of a random ordering of the pool
    random_top10: float

    def to_json(self) -> dict:
        return {"date": self.day.isoformat(), "pool": self.pool, "picks": self.picks,
                "ranks": self.ranks, "in_top5": self.in_top5, "in_top10": self.in_top10,
                "random_top5": round(self.random_top5, 3),
                "random_top10": round(self.random_top10, 3)}


def _listing_path(picks_file: Path, relative: str) -> Path | None:
    for base in (picks_file.parent, picks_file.parent.parent):
        candidate = base / relative
        if candidate.is_file():
            return candidate
    return None


def load_picks(path: Path) -> dict[date, tuple[list[str], Path | None]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        days = data["days"]
        return {date.fromisoformat(day): (list(entry["picks"]),
                                          _listing_path(path, entry["listing"])
                                          if entry.get("listing") else None)
                for day, entry in days.items()}
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InputError(f"{path}: not a picks file ({exc}); expected "
                         '{"days": {"YYYY-MM-DD": {"picks": [ids], "listing": path}}}') from exc


def expected_random_hits(picks_in_pool: int, pool: int, k: int) -> float:
    """Expected number of the pool's picks among k papers drawn at random from the pool."""
    return picks_in_pool * min(k, pool) / pool if pool else 0.0


def evaluate(settings: Settings, store: Store, profile: Profile, picks_path: Path) -> list[DayScore]:
    scores = []
    settings = profile_settings(settings, profile)
    for day, (picks, listing_file) in sorted(load_picks(picks_path).items()):
        stored = day in store.listing_dates(profile.categories)
        inputs = [listing_file] if listing_file is not None and not stored else None
        ranking = rank_day(settings, store, profile, day, inputs=inputs)
        ranks = {c.paper.id: c.rank for c in ranking.candidates}
        found = {pick: ranks.get(pick) for pick in picks}
        in_pool = sum(r is not None for r in found.values())
        scores.append(DayScore(
            day, picks, found, ranking.pool,
            sum(1 for r in found.values() if r is not None and r <= 5),
            sum(1 for r in found.values() if r is not None and r <= 10),
            expected_random_hits(in_pool, ranking.pool, 5),
            expected_random_hits(in_pool, ranking.pool, 10)))
    return scores
