"""The pipeline, stage by stage: ingest -> rank -> write -> verify -> render -> store."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path

from arxiv_digest import writers

from arxiv_digest.config import Settings, model_missing
from arxiv_digest.digest import Digest, Verification
from arxiv_digest.errors import NothingToDigest
from arxiv_digest.files import write_all_atomically
from arxiv_digest.ingest import ingest_file, read_listing
from arxiv_digest.rank import Candidate, Ranking, history_window, rank_listing
from arxiv_digest.render import render_html, render_json, render_markdown
from arxiv_digest.models import Paper
from arxiv_digest.store import Store
from arxiv_digest.topics import DEFAULT_PROFILE, Profile
from arxiv_digest.topics.relevance import NOT_RELEVANT, assess
from arxiv_digest.verify import bank_for, verify
from arxiv_digest.writers import DigestPlan


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


@dataclass
class RunResult:
    digest: Digest
    ranking: Ranking
    paths: list[Path]
    usage: object | None = None          # the LLM backend's Usage, when a model wrote
    editions: dict = field(default_factory=dict)   # language -> fields kept in English
    reports: list = field(default_factory=list)    # what ingest read (and had to skip)
    unavailable: list[str] = field(default_factory=list)   # enrichment failures, in full


def eligible(ranking: Ranking, featured: dict[str, set[str | None]]) -> tuple[list[Candidate], int]:
    """The candidates in rank order, without papers already featured in an earlier digest
    unless they bring news that was not featured before; and how many were left out."""
    picks, skipped = [], 0
    for candidate in ranking.candidates:
        earlier = featured.get(candidate.paper.id)
        if earlier is not None and (candidate.news is None or candidate.news in earlier):
            skipped += 1
            continue
        picks.append(candidate)
    return picks, skipped


def default_out_dir(settings: Settings, profile: Profile) -> Path:
    base = settings.home / "digests"
    return base if profile.name == DEFAULT_PROFILE else base / profile.name


def run_day(settings: Settings, store: Store, profile: Profile, day: date | None = None, *,
            inputs: list[Path] | None = None, out_dir: Path | None = None,
            writer: str = "offline", strict: bool = False, client=None,
            now: datetime | None = None, max_tokens: int | None = None,
            languages: list[str] | None = None, llm_client=None,
            enrich: bool | None = None, enrich_client=None, notify=None) -> RunResult:
    """Ingest (replay, or live unless the day is stored), rank, enrich the shortlist,
    write, verify, render, write the files atomically and record the digest.

    Enrichment needs the network: by default it runs only for a day fetched live in this
    run — not for replays, not for a stored day run again, which reads the store alone
    (``enrich=True`` forces it, ``False`` turns it off)."""
    settings = profile_settings(settings, profile)
    check_model(settings, writer, languages, llm_client)
    reports = [ingest_file(settings, store, path, day, strict=strict, notify=notify)
               for path in inputs or []]
    fetched = False
    if reports:
        day = day or reports[0].date
    elif day is None or day not in store.listing_dates(profile.categories):
        fetched = True
        from arxiv_digest.ingest import ingest_live, make_client

        own = client is None
        client = client or make_client(settings, notify=notify)
        try:
            reports = [ingest_live(settings, store, client, day, strict=strict, now=now)]
        finally:
            if own:
                client.close()
        day = reports[0].date
    if enrich is None:
        enrich = settings.enrich.enabled and fetched
    ranking = rank_day(settings, store, profile, day)
    candidates, repeats = eligible(ranking, store.featured_before(profile.name, ranking.date))
    enrichment, unavailable, summary = {}, [], []
    if enrich and candidates:
        from arxiv_digest.enrich import enrich as enrich_papers, summarise
        from arxiv_digest.rank import rerank

        shortlist = candidates[:settings.enrich.shortlist]
        found = enrich_papers(settings, [c.paper for c in shortlist], client=enrich_client)
        enrichment, unavailable = found.papers, found.unavailable
        summary = summarise(unavailable, len(shortlist))
        candidates = rerank(shortlist, profile, ranking.date, enrichment) + \
            candidates[len(shortlist):]
    picks = candidates[:5]
    if not picks:
        raise NothingToDigest(
            f"no digest for {ranking.date}: none of the {ranking.considered} papers in "
            f"{', '.join(profile.categories)} passed the {profile.name} topic filter"
            + (f" ({repeats} were featured before)" if repeats else ""))
    skipped = store.skipped_at_ingest(ranking.date, profile.categories)
    plan = DigestPlan(day=ranking.date, profile=profile, counts=ranking.counts,
                      ranking=ranking, picks=picks, coverage=coverage(ranking, skipped),
                      excluded_repeats=repeats, enrichment=enrichment, unavailable=summary)
    chosen = writers.get(writer, settings=settings, store=store, max_tokens=max_tokens,
                         client=llm_client)
    digest = chosen.write(plan)
    bank = bank_for(digest, plan)
    verify(digest, bank)
    backend = getattr(chosen, "backend", None)
    target = out_dir or default_out_dir(settings, profile)
    stem = ranking.date.isoformat()
    json_text = render_json(digest)
    files = {target / f"{stem}.json": json_text, target / f"{stem}.md": render_markdown(digest),
             target / f"{stem}.html": render_html(digest)}
    editions = {}
    if languages:
        from arxiv_digest.llm.backend import LLMBackend
        from arxiv_digest.llm.translate import translate

        backend = backend or LLMBackend(settings.llm, store, max_tokens=max_tokens,
                                        client=llm_client)
        for lang in languages:
            edition, labels, kept = translate(digest, lang, backend)
            edition.verification = Verification(fallbacks=digest.verification.fallbacks)
            verify(edition, bank)
            editions[lang] = kept
            files[target / f"{stem}.{lang}.json"] = render_json(edition)
            files[target / f"{stem}.{lang}.md"] = render_markdown(edition, labels)
            files[target / f"{stem}.{lang}.html"] = render_html(edition, labels)
    paths = write_all_atomically(files)
    store.save_digest(ranking.date, profile.name, digest.writer, digest.title, json_text,
                      [(c.paper.id, c.paper.version, c.news) for c in picks])
    usage = backend.usage if backend is not None else None
    if backend is not None:
        store.log_llm_usage(ranking.date, backend.usage_rows)
    return RunResult(digest, ranking, paths, usage, editions, reports, unavailable)


def check_model(settings: Settings, writer: str, languages: list[str] | None,
                client=None) -> None:
    """Refuse, before any work, what needs a model when none is configured."""
    if client is not None or settings.has_model:
        return
    if writer == "llm":
        raise model_missing("the llm writer (--writer llm)")
    if languages:
        raise model_missing(f"an edition in another language (--lang {languages[0]})")


def coverage(ranking: Ranking, skipped: int | None) -> list[str]:
    """Per category: papers stored for the day; and what its ingest had to skip, as the
    store recorded it (the same whether or not this run ingested the day)."""
    lines = [f"{cat} {c['total']} papers stored ({c['new']} new, {c['cross']} cross-lists"
             + (f", {c['replace']} replacements" if c["replace"] else "") + ")"
             for cat, c in ranking.counts["categories"].items()]
    if skipped is not None:
        lines.append(f"{skipped} malformed {'entry' if skipped == 1 else 'entries'} skipped "
                     f"at ingest" if skipped else "no entry skipped at ingest")
    return lines
