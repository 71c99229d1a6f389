"""The only module that touches SQLite.

Papers are keyed by arXiv id and keep every version seen (``paper_versions``);
``papers`` holds the newest. Listings are keyed by (date, category); their
entries point at the version that was announced, so a day reads back exactly
as arXiv announced it. Schema changes are named migrations recorded in
``schema_migrations``. Every write is one transaction.
"""

from __future__ import annotations

from arxiv_digest.store.connection import BUSY_TIMEOUT
from arxiv_digest.store.feedback import FeedbackItem, FeedbackStore
from arxiv_digest.store.listings import ListingStore, SaveResult
from arxiv_digest.store.migrations import MIGRATIONS
from arxiv_digest.store.publishing import PublishingStore

__all__ = ["BUSY_TIMEOUT", "MIGRATIONS", "FeedbackItem", "SaveResult", "Store"]


class Store(ListingStore, PublishingStore, FeedbackStore):
    """The store: one connection, with the listing and the publishing tables' methods."""
