"""The pipeline, stage by stage: ingest -> rank (-> write -> verify -> render)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

from arxiv_digest.config import Settings
from arxiv_digest.ingest import ingest_file, read_listing
from arxiv_digest.rank import Ranking, history_window, rank_listing
from arxiv_digest.models import Paper
from arxiv_digest.store import Store
from arxiv_digest.topics import Profile
from arxiv_digest.topics.relevance import NOT_RELEVANT, assess


def profile_settings(settings: Settings, profile: Profile) -> Settings:
    """Settings whose listing categories are the profile's."""
    return replace(settings, categories=list(profile.categories))


def rank_day(settings: Settings, store: Store, profile: Profile, day: date | None = None,
             inputs: list[Path] | None = None, strict: bool = False) -> Ranking:
    """Rank a stored day (ingesting ``inputs`` first, if given) for ``profile``."""
    settings = profile_settings(settings, profile)
    for path in inputs or []:
        ingested = ingest_file(settings, store, path, day, strict=strict).date
        day = day or ingested
    listing = read_listing(settings, store, day)
    start, end = history_window(listing.date)
    history = on_topic(store, profile, store.papers_listed_between(start, end, profile.categories))
    replaced = [e.paper for e in listing.entries if e.announce_type.startswith("replace")]
    return rank_listing(listing, profile, history, store.previous_versions(replaced))


def on_topic(store: Store, profile: Profile, papers: list[Paper]) -> list[Paper]:
    """The papers that pass the profile's topic filter; verdicts are cached in the store
    per paper version and profile text, so history is assessed once."""
    known = store.cached_relevance(profile.name, profile.fingerprint, papers)
    fresh = []
    for paper in papers:
        if paper.id not in known:
            verdict = assess(paper, profile)
            known[paper.id] = verdict.tier
            fresh.append((paper.id, paper.version, verdict.tier, verdict.value))
    if fresh:
        store.save_relevance(profile.name, profile.fingerprint, fresh)
    return [p for p in papers if known[p.id] != NOT_RELEVANT]
