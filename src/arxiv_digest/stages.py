"""The stages of a day's run, each a function: ingest, rank, select, enrich (and
re-rank), write, verify, render, translate, store. :func:`arxiv_digest.pipeline.run_day`
calls them in that order."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

from arxiv_digest import writers
from arxiv_digest.config import Settings
from arxiv_digest.digest import Digest, Verification
from arxiv_digest.errors import NothingToDigest
from arxiv_digest.ingest import ingest_file, read_listing
from arxiv_digest.models import AnnounceType, IngestReport, Paper
from arxiv_digest.rank import Ranking, history_window, rank_listing
from arxiv_digest.render import render_html, render_json, render_markdown
from arxiv_digest.selection import Selection, select, with_stored_picks
from arxiv_digest.store import Store
from arxiv_digest.topics import Profile
from arxiv_digest.topics.relevance import NOT_RELEVANT, assess
from arxiv_digest.verify import bank_for, verify
from arxiv_digest.writers import DigestPlan


def profile_settings(settings: Settings, profile: Profile) -> Settings:
    """Settings whose listing categories are the profile's."""
    return replace(settings, categories=list(profile.categories))


def ingest(settings: Settings, store: Store, day: date | None, inputs: list,
           strict: bool, notify, client=None, now: datetime | None = None
           ) -> tuple[list[IngestReport], date, bool]:
    """Stage 1 — ingest: replay the inputs, or fetch the day live unless it is stored.
    Returns the reports, the day, and whether it was fetched live in this run."""
    reports = [ingest_file(settings, store, path, day, strict=strict, notify=notify)
               for path in inputs]
    if reports:
        return reports, day or reports[0].date, False
    if day is not None and day in store.listing_dates(settings.categories):
        return [], day, False
    from arxiv_digest.ingest import ingest_live, make_client

    own = client is None
    client = client or make_client(settings, notify=notify)
    try:
        reports = [ingest_live(settings, store, client, day, strict=strict, now=now)]
    finally:
        if own:
            client.close()
    return reports, reports[0].date, True


def rank(settings: Settings, store: Store, profile: Profile, day: date | None) -> Ranking:
    """Stage 2 — rank: the stored day's on-topic papers, scored against the history the
    store holds (the window's papers at the versions listed then)."""
    listing = read_listing(settings, store, day)
    start, end = history_window(listing.date)
    history = on_topic(store, profile, store.papers_listed_between(start, end,
                                                                   profile.categories))
    replaced = [e.paper for e in listing.entries
                if AnnounceType(e.announce_type).is_replacement]
    return rank_listing(listing, profile, history, store.previous_versions(replaced),
                        store.feedback_papers(profile.name))


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
    """Stage 7 — render: JSON, Markdown and HTML."""
    return {target / f"{stem}.json": render_json(digest),
            target / f"{stem}.md": render_markdown(digest),
            target / f"{stem}.html": render_html(digest)}


def translate(settings: Settings, store: Store, digest: Digest, bank: dict, languages: list,
              backend, max_tokens, llm_client, target: Path, stem: str):
    """Stage 8 — translate: each other-language edition, verified again; fields that
    lose a marker or a number stay in English. Returns (files, editions, backend)."""
    from arxiv_digest.llm.backend import LLMBackend
    from arxiv_digest.llm.translate import translate as translate_digest

    backend = backend or LLMBackend(settings.llm, store, max_tokens=max_tokens,
                                    client=llm_client)
    files, editions = {}, {}
    for lang in languages:
        edition, labels, kept = translate_digest(digest, lang, backend)
        edition.verification = Verification(fallbacks=digest.verification.fallbacks)
        verify(edition, bank)
        editions[lang] = kept
        files[target / f"{stem}.{lang}.json"] = render_json(edition)
        files[target / f"{stem}.{lang}.md"] = render_markdown(edition, labels)
        files[target / f"{stem}.{lang}.html"] = render_html(edition, labels)
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
