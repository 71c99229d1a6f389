"""Pipeline stage 1: read a day from a source and put it in the store."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from arxiv_digest.announcements import check_listing_date, latest_listing_date
from arxiv_digest.config import Settings
from arxiv_digest.errors import InputError
from arxiv_digest.models import IngestReport, Problem, SourceResult
from arxiv_digest.sources import ProgressFn, open_replay
from arxiv_digest.store import Store

if TYPE_CHECKING:                     # a replay never needs the network client
    from arxiv_digest.http import HttpClient


def make_client(settings: Settings, **overrides) -> HttpClient:
    from arxiv_digest.http import HttpClient

    options = dict(
        user_agent=settings.user_agent, cache_dir=settings.cache_dir,
        timeout=settings.http_timeout, retries=settings.http_retries,
        min_intervals={"arxiv-api": settings.api_min_interval,
                       "arxiv-feed": settings.feed_min_interval},
    )
    options.update(overrides)
    return HttpClient(**options)


def ingest_file(settings: Settings, store: Store, path: Path | str, day: date | None = None, *,
                strict: bool = False, now: datetime | None = None,
                progress: ProgressFn | None = None,
                notify: Callable[[str], None] | None = None) -> IngestReport:
    """Replay a JSONL listing file or a saved feed (a path, or ``-`` for standard input)
    into the store."""
    source = open_replay(path, notify=notify)
    result = source.read(day, settings.categories, progress)
    check_listing_date(result.listing.date, now or datetime.now(timezone.utc), settings.holidays)
    return _save(settings, store, result, strict)


def ingest_live(settings: Settings, store: Store, client: HttpClient, day: date | None = None, *,
                strict: bool = False, now: datetime | None = None,
                progress: ProgressFn | None = None) -> IngestReport:
    """Fetch a day from arXiv (feeds, then the export API) into the store."""
    from arxiv_digest.sources.live import LiveArxiv

    now = now or datetime.now(timezone.utc)
    if day is None:
        day = latest_listing_date(now, settings.holidays)
    check_listing_date(day, now, settings.holidays)
    result = LiveArxiv(settings, client, now).read(day, settings.categories, progress)
    return _save(settings, store, result, strict)


def _save(settings: Settings, store: Store, result: SourceResult, strict: bool
          ) -> IngestReport:
    listing = result.listing
    problems = list(result.problems)
    if strict:
        problems += _conflict_problems(result, store.conflicts(listing))
        problems += _kept_problems(result, store.kept_listings(listing))
    if strict and problems:
        shown = "\n  ".join(str(p) for p in problems[:20])
        raise InputError(f"{len(problems)} problem(s) in {result.origin} and --strict is "
                         f"set; nothing was stored:\n  {shown}")
    if not listing.entries:
        raise InputError(f"{result.origin}: no papers listed in {', '.join(listing.categories)} "
                         f"for {listing.date}; nothing was stored")
    saved = store.save_listing(listing, result.origin, skipped=len(result.problems))
    return IngestReport(
        date=listing.date, origin=result.origin, papers=len(listing.papers()),
        entries=len(listing.entries), counts=listing.counts(), problems=result.problems,
        new_versions=saved.new_versions, unchanged=not saved.changed,
        conflicts=_conflict_problems(result, saved.conflicts),
        kept=_kept_problems(result, saved.kept),
    )


def _kept_problems(result: SourceResult, kept: list) -> list[Problem]:
    day = result.listing.date
    return [Problem(result.origin,
                    f"{day} {k.category} is stored with {k.stored} entries (from {k.origin}); "
                    f"this listing has {k.offered} other ones: kept the stored listing "
                    f"(a stored day is never changed by a later file)")
            for k in kept]


def _conflict_problems(result: SourceResult, conflicts: list[tuple[str, int]]) -> list[Problem]:
    return [Problem(result.where.get(pid, result.origin),
                    f"{pid}v{version} is stored with other text; kept the stored version")
            for pid, version in conflicts]
