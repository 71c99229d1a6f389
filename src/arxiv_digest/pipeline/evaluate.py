"""Evaluation against an editor's picks: how many of the editor's five are in our top 5
and top 10, the rank of each, and what a random pick from the same pool would score."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from arxiv_digest.models import Feedback
from arxiv_digest.config import Settings
from arxiv_digest.errors import InputError
from arxiv_digest.pipeline import profile_settings, select_day
from arxiv_digest.sources.jsonl import date_from_name
from arxiv_digest.store import Store
from arxiv_digest.topics import Profile


@dataclass
class DayScore:
    day: date
    picks: list[str]                  # the editor's
    ranks: dict[str, int | None]      # our rank of each (None: not in our pool)
    pool: int
    in_top5: int                      # the editor's picks among the digest's picks
    in_top10: int
    in_top15: int
    random_top5: float                # expected hits of a random ordering of the pool
    random_top10: float
    history: int = 0                  # earlier listing days in the store when ranked
    ours: list[str] = field(default_factory=list)   # the digest's picks

    def to_json(self) -> dict:
        return {"date": self.day.isoformat(), "pool": self.pool, "picks": self.picks,
                "ours": self.ours, "ranks": self.ranks, "in_top5": self.in_top5,
                "in_top10": self.in_top10, "in_top15": self.in_top15,
                "history_days": self.history,
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


def evaluate(settings: Settings, store: Store, profile: Profile, picks_path: Path,
             history: int = 0, feedback_from: list[date] | None = None,
             notify=None) -> list[DayScore]:
    """Score the digest's selection against the editor's picks, day by day. With
    ``history``, the ``history`` listing days before each day (files beside the day's
    file) are first run into the store as a daily user would have them — ingested, and
    their digests' picks recorded — so novelty and the no-repeat rule see them.
    ``notify`` is told each day as its work starts (a run with history takes a while)."""
    tell = notify or (lambda message: None)
    scores = []
    settings = profile_settings(settings, profile)
    days = load_picks(picks_path)
    for day in feedback_from or []:
        if day not in days:
            raise InputError(f"{picks_path}: no picks for {day} to learn from "
                             f"(--feedback-from)")
        _like_picks(settings, store, profile, day, *days[day])
    todo = [(day, entry) for day, entry in sorted(days.items())
            if day not in (feedback_from or [])]
    for n, (day, (picks, listing_file)) in enumerate(todo, start=1):
        earlier = _earlier_days(listing_file, day, history) if listing_file else []
        tell(f"{day} ({n} of {len(todo)})" + (f": replaying the {len(earlier)} days before it "
                                              f"first" if earlier else ""))
        for path in earlier:
            _replay_day(settings, store, profile, path)
        stored = day in store.listing_dates(profile.categories)
        inputs = [listing_file] if listing_file is not None and not stored else None
        selection = select_day(settings, store, profile, day, inputs=inputs)
        scores.append(_score(day, picks, selection, len(earlier)))
    return scores


def _like_picks(settings: Settings, store: Store, profile: Profile, day: date,
                picks: list[str], listing_file: Path | None) -> None:
    """The editor's picks of ``day`` as the reader's likes (their day ingested first)."""
    from arxiv_digest.pipeline import stages

    if listing_file is not None and day not in store.listing_dates(profile.categories):
        stages.ingest(settings, store, day, [listing_file], False, None)
    liked = [(pid, store.versions(pid)[-1].version, Feedback.LIKE) for pid in picks
             if store.versions(pid)]
    store.set_feedback(profile.name, liked, "eval")


def _score(day: date, picks: list[str], selection, history: int) -> DayScore:
    ranking = selection.ranking
    ranks = {c.paper.id: c.rank for c in ranking.candidates}
    place = {c.paper.id: i for i, c in enumerate(selection.eligible, start=1)}
    found = {pick: ranks.get(pick) for pick in picks}
    in_pool = sum(r is not None for r in found.values())
    within = lambda k: sum(1 for p in picks if place.get(p, k + 1) <= k)  # noqa: E731
    return DayScore(day, picks, found, ranking.pool,
                    sum(1 for p in picks if p in selection.picked_ids), within(10), within(15),
                    expected_random_hits(in_pool, ranking.pool, 5),
                    expected_random_hits(in_pool, ranking.pool, 10), history,
                    [c.paper.id for c in selection.picks])


def _earlier_days(listing_file: Path, day: date, count: int) -> list[Path]:
    """The ``count`` listing files before ``day`` in the same folder, oldest first."""
    if count <= 0:
        return []
    dated = sorted((found, path) for path in listing_file.parent.glob("*.jsonl")
                   if (found := date_from_name(path)) is not None and found < day)
    return [path for _, path in dated[-count:]]


def _replay_day(settings: Settings, store: Store, profile: Profile, path: Path) -> None:
    """Ingest a history day and record its digest's picks, as a daily run would."""
    from arxiv_digest.pipeline import stages

    day = date_from_name(path)
    if day in store.listing_dates(profile.categories) and store.featured_on(profile.name, day):
        return
    if day not in store.listing_dates(profile.categories):
        stages.ingest(settings, store, day, [path], False, None)
    selection = stages.choose(settings, store, profile, stages.rank(settings, store, profile,
                                                                     day))
    if selection.picks:
        store.save_featured(day, profile.name,
                            [(c.paper.id, c.paper.version, c.news) for c in selection.picks])
