"""The only module that touches SQLite.

Papers are keyed by arXiv id and keep every version seen (``paper_versions``);
``papers`` holds the newest. Listings are keyed by (date, category); their
entries point at the version that was announced, so a day reads back exactly
as arXiv announced it. Schema changes are named migrations recorded in
``schema_migrations``. Every write is one transaction.
"""

from __future__ import annotations

from datetime import date, datetime, timezone

from arxiv_digest.announcements import (
    check_listing_date, describe, latest_listing_date,
)
from arxiv_digest.config import Settings
from arxiv_digest.errors import DigestError
from arxiv_digest.models import Listing
from arxiv_digest.store.connection import BUSY_TIMEOUT
from arxiv_digest.store.feedback import FeedbackItem, FeedbackStore
from arxiv_digest.store.listings import ListingStore, SaveResult
from arxiv_digest.store.migrations import MIGRATIONS
from arxiv_digest.store.publishing import PublishingStore

__all__ = ["BUSY_TIMEOUT", "MIGRATIONS", "FeedbackItem", "SaveResult", "Store", "read_listing"]


class Store(ListingStore, PublishingStore, FeedbackStore):
    """The store: one connection, with the listing and the publishing tables' methods."""


def read_listing(settings: Settings, store: "Store", day: date | None = None) -> Listing:
    """A stored day's listing for the configured categories (the latest stored without
    ``day``), or why there is none and how to get it."""
    categories = settings.categories
    stored_dates = store.listing_dates(categories)
    if day is None:
        if not stored_dates:
            raise DigestError("the store holds no listing yet; run `arxiv-digest ingest` "
                              "(live) or `arxiv-digest ingest --input FILE`")
        day = stored_dates[-1]
    stored = set(store.stored_categories(day))
    if not stored & set(categories):
        check_listing_date(day, datetime.now(timezone.utc), settings.holidays)
        before = [d for d in stored_dates if d < day]
        after = [d for d in stored_dates if d > day]
        near = [describe(d) for d in (before[-1:] + after[:1])]
        hint = f"; stored listings nearest to it: {' and '.join(near)}" if near else ""
        now = datetime.now(timezone.utc)
        if day == latest_listing_date(now, settings.holidays):
            how = "fetch it with `arxiv-digest ingest` (the latest announcement)"
        else:
            how = (f"replay a saved listing with `arxiv-digest ingest --input FILE --date {day}` "
                   f"(arXiv's feeds serve only the latest announcement, so a past day cannot "
                   f"be fetched live)")
        raise DigestError(f"no listing for {describe(day)} in the store{hint}; {how}")
    return store.load_listing(day, [c for c in categories if c in stored])

