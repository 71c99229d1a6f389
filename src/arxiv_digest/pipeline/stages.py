"""The stages of a day's run, each a function: ingest, rank, select, enrich (and
re-rank), write, verify, render, translate, store. :func:`arxiv_digest.pipeline.run_day`
calls them in that order."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path

from arxiv_digest import writers
from arxiv_digest.config import Settings
from arxiv_digest.digest import Digest, Verification
from arxiv_digest.errors import NothingToDigest
from arxiv_digest.models import AnnounceType, IngestReport
from arxiv_digest.pipeline.ingest import ingest_file
from arxiv_digest.pipeline.selection import Selection, select, with_stored_picks
from arxiv_digest.rank import Ranking, rank_listing
from arxiv_digest.render import renderings
from arxiv_digest.store import Store
from arxiv_digest.topics import Profile
from arxiv_digest.topics.verdicts import judge_day
from arxiv_digest.topics.relevance import NOT_RELEVANT
from arxiv_digest.topics.window import Window
from arxiv_digest.verify import bank_for, verify
from arxiv_digest.writers import DigestPlan


@dataclass(frozen=True)
class Ingested:
    """What the ingest stage did: its reports, the day, and whether it came live."""

    reports: list[IngestReport]
    day: date
    fetched: bool                 # fetched live in this run (enrichment follows it)


def ingest(settings: Settings, store: Store, day: date | None, inputs: list,
           strict: bool, notify, client=None, now: datetime | None = None) -> Ingested:
    """Stage 1 — ingest: replay the inputs, or fetch the day live unless it is stored."""
    reports = judged(settings, store, [
        ingest_file(settings, store, path, day, strict=strict, notify=notify)
        for path in inputs])
    if reports:
        return Ingested(reports, day or reports[0].date, False)
    if day is not None and day in store.listing_dates(settings.categories):
        return Ingested([], day, False)
    from arxiv_digest.pipeline.ingest import ingest_live, make_client

    own = client is None
    client = client or make_client(settings, notify=notify)
    try:
        reports = judged(settings, store, [ingest_live(settings, store, client, day,
                                                       strict=strict, now=now)])
    finally:
        if own:
            client.close()
    return Ingested(reports, reports[0].date, True)


def judged(settings: Settings, store: Store, reports: list[IngestReport]
           ) -> list[IngestReport]:
    """After saving: each day that changed is judged for every existing profile (the
    topics layer owns the verdicts; ingest only stores what was announced)."""
    for day in dict.fromkeys(r.date for r in reports if not r.unchanged):
        judge_day(store, settings.home, day)
    return reports


def rank(settings: Settings, store: Store, profile: Profile, day: date | None,
         window: Window | None = None) -> Ranking:
    """Stage 2 — rank: the stored day's on-topic papers, scored against the history the
    store holds (the window's papers at the versions listed then)."""
    window = window or Window()
    listing = window.listing(settings, store, day)
    if profile.name not in window.verdicts:
        window.assess(settings, store, [profile], listing.date)
    before = window.tiers[profile.name, "history"]
    history = [p for p in window.history(store, listing.date, profile.categories)
               if before[p.id] != NOT_RELEVANT]
    replaced = [e.paper for e in listing.entries
                if AnnounceType(e.announce_type).is_replacement]
    return rank_listing(listing, profile, history, store.previous_versions(replaced),
                        store.feedback_papers(profile.name), window.verdicts[profile.name])




def choose(settings: Settings, store: Store, profile: Profile, ranking: Ranking,
           stored: bool = False) -> Selection:
    """Stage 3 — select: the picks (featured papers without news left out). With
    ``stored``, the picks of the day's stored digest, when there is one."""
    selection = select(ranking, store.featured_before(profile.name, ranking.date),
                       settings.picks)
    if stored:
        selection = with_stored_picks(selection, store.featured_on(profile.name, ranking.date))
    return selection


def enrich(settings: Settings, profile: Profile, selection: Selection, client=None
           ) -> tuple[Selection, dict, list[str]]:
    """Stage 4 — enrich and re-rank: the shortlist gains full text, code, community and
    author signals, is re-scored with them, and the picks are taken again."""
    from arxiv_digest.enrich import enrich as enrich_papers
    from arxiv_digest.rank import rerank

    shortlist = selection.eligible[:settings.enrich.shortlist]
    found = enrich_papers(settings, [c.paper for c in shortlist], client=client)
    order = rerank(shortlist, profile, selection.ranking.date, found.papers) + \
        selection.eligible[len(shortlist):]
    again = replace(selection, eligible=order, picks=order[:settings.picks])
    return again, found.papers, found.unavailable


def refuse_empty(selection: Selection, profile: Profile) -> None:
    ranking = selection.ranking
    if not selection.picks:
        raise NothingToDigest(
            f"no digest for {ranking.date}: none of the {ranking.considered} papers in "
            f"{', '.join(profile.categories)} passed the {profile.name} topic filter"
            + (f" ({selection.repeats} were featured before)" if selection.repeats else ""))


def write(settings: Settings, store: Store, plan: DigestPlan, writer: str, max_tokens,
          llm_client) -> tuple[Digest, object]:
    """Stage 5 — write: the digest's prose by the chosen writer (facts come from data)."""
    chosen = writers.get(writer, settings=settings, store=store, max_tokens=max_tokens,
                         client=llm_client)
    return chosen.write(plan), getattr(chosen, "backend", None)


def check(digest: Digest, plan: DigestPlan) -> dict:
    """Stage 6 — verify: every number, venue, institution and link located in its cited
    source with the same meaning; what fails is dropped and counted. Returns the bank."""
    bank = bank_for(digest, plan)
    verify(digest, bank)
    return bank


def render(digest: Digest, target: Path, stem: str) -> dict[Path, str]:
    """Stage 7 — render: every registered output format (JSON, Markdown, HTML, and any
    a plugin adds), as ``<stem>.<suffix>``."""
    return {target / f"{stem}.{suffix}": text for suffix, text in renderings(digest).items()}


def translate(settings: Settings, store: Store, digest: Digest, bank: dict, languages: list,
              backend, max_tokens, llm_client, target: Path, stem: str):
    """Stage 8 — translate: each other-language edition, verified again; fields that
    lose a marker or a number stay in English. Returns (files, editions, backend)."""
    from arxiv_digest.llm.backend import LLMBackend
    from arxiv_digest.writers.translate import translate as translate_digest

    backend = backend or LLMBackend(settings.llm, store, max_tokens=max_tokens,
                                    client=llm_client)
    files, editions = {}, {}
    for lang in languages:
        edition, labels, kept = translate_digest(digest, lang, backend)
        edition.verification = Verification(fallbacks=digest.verification.fallbacks,
                                            omitted=digest.verification.omitted)
        verify(edition, bank)
        editions[lang] = kept
        files.update({target / f"{stem}.{lang}.{suffix}": text
                      for suffix, text in renderings(edition, labels).items()})
    return files, editions, backend


def record(store: Store, profile: Profile, selection: Selection, digest: Digest,
           json_text: str, backend) -> None:
    """Stage 9 — store: the digest, the papers it features (with their news) and the
    model's usage."""
    day = selection.ranking.date
    store.save_digest(day, profile.name, digest.writer, digest.title, json_text,
                      [(c.paper.id, c.paper.version, c.news) for c in selection.picks])
    if backend is not None:
        store.log_llm_usage(day, backend.usage_rows)
