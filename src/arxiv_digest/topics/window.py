"""The window a day is ranked against, read once and shared by every profile: the day's
listing and the earlier days' papers per set of categories, each profile's relevance
tiers for both (from the stored verdicts, what is missing assessed for all profiles in one
pass), and the full verdicts on the day's papers that pass. The topics layer owns
relevance: ingest stores what was announced and asks :func:`~arxiv_digest.topics.verdicts.
judge_day` afterwards; ranking reads the verdicts this window holds."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from arxiv_digest.store import read_listing
from arxiv_digest.config import Settings
from arxiv_digest.models import Paper
from arxiv_digest.store import Store
from arxiv_digest.topics import Profile
from arxiv_digest.topics.relevance import NOT_RELEVANT, Relevance, assess_many
from arxiv_digest.topics.verdicts import relevance_tiers

HISTORY_DAYS = 120        # the earlier listing days a paper is compared with


def history_window(day: date, days: int = HISTORY_DAYS) -> tuple[date, date]:
    return day - timedelta(days=days), day - timedelta(days=1)


def profile_settings(settings: Settings, profile: Profile) -> Settings:
    """Settings whose listing categories are the profile's."""
    return replace(settings, categories=list(profile.categories))


class Window:
    """What several profiles' rankings of one day share, read once: the day's listing and
    the window's papers per set of categories, each profile's relevance tiers, and the
    full verdicts on the day's papers that pass."""

    def __init__(self) -> None:
        self.papers: dict[tuple, list[Paper]] = {}
        self.listings: dict[tuple, object] = {}
        self.tiers: dict[tuple[str, str], dict[str, str]] = {}   # (profile, part) -> tiers
        self.verdicts: dict[str, dict[str, Relevance]] = {}      # profile -> id -> verdict

    def listing(self, settings: Settings, store: Store, day: date | None):
        key = (day, tuple(settings.categories))
        if day is None or key not in self.listings:
            listing = read_listing(settings, store, day)
            self.listings[listing.date, key[1]] = listing
            return listing
        return self.listings[key]

    def history(self, store: Store, day: date, categories: list[str]) -> list[Paper]:
        key = (day, tuple(categories))
        if key not in self.papers:
            self.papers[key] = store.papers_listed_between(*history_window(day), categories)
        return self.papers[key]

    def assess(self, settings: Settings, store: Store, profiles: list[Profile], day: date,
               progress=None) -> None:
        """Every profile's tiers for the day and its window, missing verdicts computed
        in one pass for all profiles."""
        for categories in dict.fromkeys(tuple(p.categories) for p in profiles):
            group = [p for p in profiles if tuple(p.categories) == categories]
            listing = self.listing(profile_settings(settings, group[0]), store, day).papers()
            parts = {"history": self.history(store, day, list(categories)), "day": listing}
            for part, papers in parts.items():
                for name, tiers in relevance_tiers(store, group, papers, progress).items():
                    self.tiers[name, part] = tiers
            passing = [p for p in listing
                       if any(self.tiers[g.name, "day"][p.id] != NOT_RELEVANT for g in group)]
            for name, verdicts in assess_many(passing, group).items():
                self.verdicts[name] = {p.id: v for p, v in zip(passing, verdicts) if v.passes}


def on_topic(store: Store, profile: Profile, papers: list[Paper]) -> list[Paper]:
    """The papers that pass the profile's topic filter."""
    tiers = relevance_tiers(store, [profile], papers)[profile.name]
    return [p for p in papers if tiers[p.id] != NOT_RELEVANT]
