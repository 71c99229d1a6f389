"""Live mode: the day's feeds from rss.arxiv.org, then the export API for metadata.

arXiv's feeds carry only the latest announcement, so live mode serves that day;
earlier days are replayed from files (``ingest --input``).
"""

from __future__ import annotations

from datetime import date, datetime

from arxiv_digest.announcements import announcement_time, describe
from arxiv_digest.config import Settings
from arxiv_digest.errors import InputError, NoAnnouncementError
from arxiv_digest.http import HttpClient
from arxiv_digest.models import Listing, ListingEntry, Problem, SourceResult
from arxiv_digest.sources import ProgressFn
from arxiv_digest.sources.api import MAX_IDS_PER_REQUEST, api_params, parse_api
from arxiv_digest.sources.feed import Feed, feed_listing, parse_feed

API_CACHE_SECONDS = 7 * 24 * 3600


class LiveArxiv:
    name = "arxiv"

    def __init__(self, settings: Settings, client: HttpClient, now: datetime):
        self.settings = settings
        self.client = client
        self.now = now

    def read(self, day: date | None, categories: list[str],
             progress: ProgressFn | None = None) -> SourceResult:
        assert day is not None, "the caller resolves the date"
        steps = len(categories)
        report = progress or (lambda done, total, what: None)
        # A cached feed counts only if it was fetched after this day's announcement.
        feed_age = max(0.0, (self.now - announcement_time(day)).total_seconds())
        feeds: list[Feed] = []
        problems: list[Problem] = []
        for i, category in enumerate(categories):
            report(i, steps, f"feed {category}")
            url = self.settings.feed_url.format(category=category)
            # The checks run before caching too: a feed still showing another day (or
            # none) is never cached, so a later retry fetches it afresh.
            body = self.client.get(url, service="arxiv-feed", max_age=feed_age,
                                   validate=lambda b, u=url, c=category: _checked_feed(
                                       b, u, c, day))
            feed = _checked_feed(body, url, category, day)
            feeds.append(feed)
            problems.extend(feed.problems)
        listing = feed_listing(feeds, day, categories)
        ids = sorted({e.paper.id for e in listing.entries})
        batches = [ids[i:i + MAX_IDS_PER_REQUEST] for i in range(0, len(ids), MAX_IDS_PER_REQUEST)]
        metadata = {}
        for j, batch in enumerate(batches):
            report(steps + j, steps + len(batches), f"metadata {j + 1}/{len(batches)}")
            params = api_params(batch)
            where = f"{self.settings.api_url} (ids {batch[0]}…{batch[-1]})"
            body = self.client.get(self.settings.api_url, params=params, service="arxiv-api",
                                   max_age=API_CACHE_SECONDS,
                                   validate=lambda b, w=where: parse_api(b, w))
            papers, api_problems = parse_api(body, where)
            metadata.update(papers)
            problems.extend(api_problems)
        report(steps + len(batches), steps + len(batches), "done")
        return SourceResult(listing=_merge(listing, metadata, problems), problems=problems,
                            origin="arXiv feeds + export API")


def _checked_feed(body: bytes, url: str, category: str, day: date) -> Feed:
    feed = parse_feed(body, url)
    feed.category = feed.category or category
    if feed.category != category:
        raise InputError(f"{url}: expected the {category} feed, got {feed.category}")
    if not feed.items or feed.day is None:
        raise NoAnnouncementError(
            f"arXiv's {category} feed is empty: no announcement is current "
            f"(weekend or holiday); ask for an earlier listing with --input FILE")
    if feed.day != day:
        raise NoAnnouncementError(
            f"arXiv's {category} feed carries the listing of {describe(feed.day)}, "
            f"not {describe(day)}; feeds hold only the latest announcement — "
            f"replay an earlier day with --input FILE")
    return feed


def _merge(listing: Listing, metadata: dict, problems: list[Problem]) -> Listing:
    merged = Listing(date=listing.date, categories=listing.categories)
    missing: set[str] = set()
    for entry in listing.entries:
        paper = metadata.get(entry.paper.id)
        if paper is None:
            if entry.paper.id not in missing:
                missing.add(entry.paper.id)
                problems.append(Problem(entry.paper.id, "not returned by the export API; kept "
                                        "with the feed's metadata (no comment or journal_ref)"))
            paper = entry.paper
        elif paper.version != entry.paper.version:
            # Revised since the announcement: keep the announced version's text, the
            # API's classification (primary category first).
            feed_paper = entry.paper
            feed_paper.categories = paper.categories or feed_paper.categories
            paper = feed_paper
        merged.entries.append(ListingEntry(entry.date, entry.category, entry.announce_type, paper))
    return merged

