"""Relevance verdicts kept in the store: each paper version is assessed once per profile
text, when its day is ingested (for every profile that exists then) or, for a profile
added or edited later, on its first ranking — all profiles that miss verdicts in one
pass over each paper's words. Verdicts on papers that have left every history window
are forgotten at ingest."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from arxiv_digest.models import Paper
from arxiv_digest.store import Store
from arxiv_digest.topics import Profile, load_profiles
from arxiv_digest.topics.relevance import assess_many

CHUNK = 2000


def relevance_tiers(store: Store, profiles: list[Profile], papers: list[Paper],
                    progress=None) -> dict[str, dict[str, str]]:
    """Each profile's relevance tier for each paper (one version per id): from the store,
    what is missing assessed for all the profiles that miss it in one pass and saved
    (``progress(done, total, what)`` is told as it goes)."""
    tiers = store.cached_relevance_many({p.name: p.fingerprint for p in profiles}, papers)
    wanting = [p for p in profiles if len(tiers[p.name]) < len({x.id for x in papers})]
    missing = [x for x in papers if any(x.id not in tiers[p.name] for p in wanting)]
    for start in range(0, len(missing), CHUNK):
        chunk = missing[start:start + CHUNK]
        verdicts = assess_many(chunk, wanting)
        for profile in wanting:
            known = tiers[profile.name]
            fresh = [(x.id, x.version, v.tier, v.value)
                     for x, v in zip(chunk, verdicts[profile.name]) if x.id not in known]
            store.save_relevance(profile.name, profile.fingerprint, fresh)
            known.update((row[0], row[2]) for row in fresh)
        if progress is not None:
            progress(start + len(chunk), len(missing),
                     f"assessing relevance for {len(wanting)} profile(s)")
    return tiers


def existing_profiles(home: Path | None) -> list[Profile]:
    """Every profile that loads (one that does not is reported when it is run)."""
    return load_profiles(None, home)[0]


def judge_day(store: Store, home: Path | None, day: date) -> None:
    """At ingest: the day's papers assessed for every existing profile whose categories
    the day lists; verdicts on papers listed only before every window forgotten."""
    stored = set(store.stored_categories(day))
    profiles = [p for p in existing_profiles(home) if stored & set(p.categories)]
    for categories in dict.fromkeys(tuple(p.categories) for p in profiles):
        group = [p for p in profiles if tuple(p.categories) == categories]
        papers = store.load_listing(day, [c for c in categories if c in stored]).papers()
        relevance_tiers(store, group, papers)
    newest = store.listing_dates()[-1]
    from arxiv_digest.topics.window import HISTORY_DAYS

    store.prune_relevance(date.fromordinal(newest.toordinal() - HISTORY_DAYS))
