"""The pipeline, stage by stage: ingest -> rank -> select -> enrich -> re-rank -> write ->
verify -> render -> translate -> store (the stages are in :mod:`arxiv_digest.pipeline.stages`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path

from arxiv_digest.pipeline import stages
from arxiv_digest.config import Settings, model_missing
from arxiv_digest.digest import Digest
from arxiv_digest.files import write_all_atomically
from arxiv_digest.rank import Ranking
from arxiv_digest.pipeline.selection import Selection
from arxiv_digest.topics.window import Window, on_topic, profile_settings  # noqa: F401  (API)
from arxiv_digest.store import Store
from arxiv_digest.topics import DEFAULT_PROFILE, Profile
from arxiv_digest.writers import DigestPlan


@dataclass
class RunResult:
    digest: Digest
    ranking: Ranking
    paths: list[Path]
    usage: object | None = None          # the LLM backend's Usage, when a model wrote
    editions: dict = field(default_factory=dict)   # language -> fields kept in English
    reports: list = field(default_factory=list)    # what ingest read (and had to skip)
    unavailable: list[str] = field(default_factory=list)   # enrichment failures, in full
    selection: Selection | None = None


def rank_day(settings: Settings, store: Store, profile: Profile, day: date | None = None,
             inputs: list[Path] | None = None, strict: bool = False) -> Ranking:
    """Rank a stored day (ingesting ``inputs`` first, if given) for ``profile``."""
    settings = profile_settings(settings, profile)
    for path in inputs or []:
        ingested = stages.ingest(settings, store, day, [path], strict, None).day
        day = day or ingested
    return stages.rank(settings, store, profile, day)


def select_day(settings: Settings, store: Store, profile: Profile, day: date | None = None,
               inputs: list[Path] | None = None) -> Selection:
    """The day's ranking and the picks its digest features (or would): the one selection
    ``rank``, ``explain`` and ``eval`` show and ``run`` writes."""
    ranking = rank_day(settings, store, profile, day, inputs)
    return stages.choose(profile_settings(settings, profile), store, profile, ranking,
                         stored=True)


def default_out_dir(settings: Settings, profile: Profile) -> Path:
    base = settings.home / "digests"
    return base if profile.name == DEFAULT_PROFILE else base / profile.name


@dataclass(frozen=True)
class RunOptions:
    """What a run is asked for — the command line's options."""

    inputs: tuple[Path, ...] = ()         # replay files (else the day is fetched live)
    out_dir: Path | None = None           # several profiles: out_dir/<profile>/
    writer: str = "offline"
    strict: bool = False
    max_tokens: int | None = None         # the model's token budget for the run
    languages: tuple[str, ...] = ()       # editions in other languages
    enrich: bool | None = None            # None: only a day fetched live in this run


@dataclass(frozen=True)
class Services:
    """What a run talks to and who watches it: made when absent, injected in tests."""

    client: object | None = None          # arXiv's HTTP client
    llm_client: object | None = None      # an openai client for the model server
    enrich_client: object | None = None   # the HTTP client for enrichment
    notify: Callable[[str], None] | None = None
    progress: Callable | None = None      # progress(done, total, what)
    now: datetime | None = None           # the clock, for the latest announcement


def run_day(settings: Settings, store: Store, profile: Profile, day: date | None = None,
            options: RunOptions = RunOptions(), services: Services = Services(),
            window: Window | None = None) -> RunResult:
    """One day's digest, stage by stage. Enrichment needs the network: by default it
    runs only for a day fetched live in this run — not for replays, not for a stored day
    run again, which reads the store alone (``enrich=True`` forces it)."""
    settings = profile_settings(settings, profile)
    check_model(settings, options.writer, options.languages, services.llm_client)
    ingested = stages.ingest(settings, store, day, list(options.inputs), options.strict,
                             services.notify, services.client, services.now)
    ranking = stages.rank(settings, store, profile, ingested.day, window)
    selection = stages.choose(settings, store, profile, ranking)
    enrichment, unavailable = {}, []
    wanted = settings.enrich.enabled and ingested.fetched if options.enrich is None \
        else options.enrich
    if wanted and selection.eligible:
        selection, enrichment, unavailable = stages.enrich(settings, profile, selection,
                                                           services.enrich_client)
    stages.refuse_empty(selection, profile)
    plan = plan_of(store, profile, selection, enrichment, unavailable)
    digest, backend = stages.write(settings, store, plan, options.writer, options.max_tokens,
                                   services.llm_client)
    bank = stages.check(digest, plan)
    target = options.out_dir or default_out_dir(settings, profile)
    stem = ranking.date.isoformat()
    files = stages.render(digest, target, stem)
    editions = {}
    if options.languages:
        more, editions, backend = stages.translate(
            settings, store, digest, bank, list(options.languages), backend,
            options.max_tokens, services.llm_client, target, stem)
        files.update(more)
    paths = write_all_atomically(files)
    stages.record(store, profile, selection, digest, files[target / f"{stem}.json"], backend)
    return RunResult(digest, ranking, paths, backend.usage if backend is not None else None,
                     editions, ingested.reports, unavailable, selection)


@dataclass
class ProfileRun:
    profile: str
    result: RunResult | None = None
    error: Exception | None = None      # why this profile's digest failed (others go on)


def run_profiles(settings: Settings, store: Store, profiles: list[Profile],
                 day: date | None = None, options: RunOptions = RunOptions(),
                 services: Services = Services()) -> list[ProfileRun]:
    """Several profiles' digests of one day in one process: the day is ingested once per
    set of listing categories (replayed from ``options.inputs`` or fetched live) before
    any profile runs, the window is read once and every profile's relevance assessed in
    one pass, and a profile that fails is reported without stopping the others. With
    ``out_dir`` and several profiles, each profile writes into ``out_dir/<profile>/``."""
    from arxiv_digest.errors import DigestError

    runs: list[ProfileRun] = []
    try:
        reports, day, fetched = _ingest_once(settings, store, profiles, day, options, services)
    except DigestError as exc:
        return [ProfileRun(p.name, error=exc) for p in profiles]
    if fetched and options.enrich is None:
        options = replace(options, enrich=settings.enrich.enabled)   # as a live run would
    each = replace(options, inputs=())                             # stored once, above
    window = Window()
    for profile in profiles:
        try:
            if day is not None and not window.tiers and \
                    day in store.listing_dates(profile.categories):
                window.assess(settings, store, profiles, day, services.progress)
            out = options.out_dir
            target = out / profile.name if out and len(profiles) > 1 else out
            result = run_day(settings, store, profile, day, replace(each, out_dir=target),
                             services, window)
            day = day or result.ranking.date
            if reports and not any(r.result and r.result.reports for r in runs):
                result.reports = reports
            runs.append(ProfileRun(profile.name, result))
        except DigestError as exc:
            runs.append(ProfileRun(profile.name, error=exc))
    return runs


def _ingest_once(settings: Settings, store: Store, profiles: list[Profile],
                 day: date | None, options: RunOptions, services: Services
                 ) -> tuple[list, date | None, bool]:
    """The day stored for every profile's categories before any profile runs: each set of
    categories replayed from ``inputs``, or fetched live unless stored (one fetch per
    set, however many profiles share it). Returns the reports, the day and whether it
    was fetched live."""
    reports, fetched = [], False
    for categories in dict.fromkeys(tuple(p.categories) for p in profiles):
        ingested = stages.ingest(replace(settings, categories=list(categories)), store, day,
                                 list(options.inputs), options.strict, services.notify,
                                 services.client, services.now)
        day = ingested.day
        reports, fetched = reports or ingested.reports, fetched or ingested.fetched
    return reports, day, fetched


def plan_of(store: Store, profile: Profile, selection: Selection, enrichment: dict,
          unavailable: list[str]) -> DigestPlan:
    ranking = selection.ranking
    skipped = store.skipped_at_ingest(ranking.date, profile.categories)
    summary = []
    if enrichment:                    # (a run without enrichment never imports its client)
        from arxiv_digest.enrich import summarise

        summary = summarise(unavailable, len(enrichment))
    return DigestPlan(day=ranking.date, profile=profile, counts=ranking.counts,
                      ranking=ranking, picks=selection.picks,
                      coverage=coverage(ranking, skipped), excluded_repeats=selection.repeats,
                      enrichment=enrichment, unavailable=summary)


def check_model(settings: Settings, writer: str, languages: list[str] | None,
                client=None) -> None:
    """Refuse, before any work, an unknown writer, and what needs a model when none is
    configured (a writer that declares ``needs_model``, or another language)."""
    from arxiv_digest.errors import ConfigError, UsageError
    from arxiv_digest.plugins import WRITERS

    try:
        needs = getattr(WRITERS.get(writer), "needs_model", False)
    except ConfigError as exc:
        raise UsageError(f"--writer: {exc}") from None
    if client is not None or settings.has_model:
        return
    if needs:
        raise model_missing(f"the {writer} writer (--writer {writer})")
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


def digest_requests(settings: Settings, store: Store, profile: Profile, day: date | None,
                    backend) -> tuple[date, list] | None:
    """The day and the requests the LLM writer would send for the stored day's digest
    (the latest stored without ``day``), built but not sent — what ``llm check`` prices;
    None when no day is stored."""
    from arxiv_digest.errors import DigestError
    from arxiv_digest.writers.llm import LLMWriter

    try:
        selection = select_day(settings, store, profile, day)
    except DigestError:
        return None
    plan = plan_of(store, profile, selection, {}, [])
    return selection.ranking.date, LLMWriter(backend=backend).requests(plan)[1]
