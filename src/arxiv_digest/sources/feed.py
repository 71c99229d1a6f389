"""arXiv announcement feeds (rss.arxiv.org): the day's ids with their announce types.

Both variants are read: Atom (``/atom/<cat>``, ``<entry>`` elements) and RSS 2.0
(``/rss/<cat>``, ``<item>`` elements). Each item carries ``arxiv:announce_type``
(new, cross, replace, replace-cross), the versioned id, title, abstract,
categories and authors; comment and journal_ref come from the export API.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime
from email.utils import parsedate_to_datetime

from arxiv_digest.announcements import EASTERN
from arxiv_digest.errors import InputError
from arxiv_digest.models import (
    ANNOUNCE_TYPES, Listing, ListingEntry, Paper, Problem, SourceResult, split_arxiv_id,
)
from arxiv_digest.sources import ProgressFn, register_replay
from arxiv_digest.sources.reader import ReplayInput
from arxiv_digest.sources.jsonl import clean
from arxiv_digest.sources.xmlutil import NS, parse_xml, text_of

_SUMMARY = re.compile(r"^\s*arXiv:\S+\s+Announce Type:\s*(?P<type>[\w-]+)\s*(?:Abstract:\s*)?",
                      re.S)
_FEED_CATEGORY = re.compile(r"/(?:atom|rss)/([\w.+-]+)/?$")


@dataclass
class FeedItem:
    paper: Paper
    announce_type: str


@dataclass
class Feed:
    category: str | None
    day: date | None
    items: list[FeedItem] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def _split_summary(summary: str | None) -> tuple[str | None, str]:
    if not summary:
        return None, ""
    match = _SUMMARY.match(summary)
    if not match:
        return None, clean(summary) or ""
    return match.group("type"), clean(summary[match.end():]) or ""


def _authors(creator: str | None) -> list[str]:
    if not creator:
        return []
    names = re.split(r",\s*|\s+and\s+", creator.strip())
    return [n.strip() for n in names if n.strip()]


def _category_from(text: str | None) -> str | None:
    if not text:
        return None
    match = _FEED_CATEGORY.search(text.strip())
    if match:
        return match.group(1)
    head = text.strip().split(" ")[0]
    return head if "." in head else None


def _item(where: str, raw_id: str | None, title: str | None, summary: str | None,
          categories: list[str], announce: str | None, creator: str | None,
          link: str | None, feed_category: str | None) -> FeedItem:
    if not raw_id:
        raise ValueError("entry without an id")
    paper_id, version = split_arxiv_id(raw_id)
    summary_type, abstract = _split_summary(summary)
    announce = (announce or summary_type or "").strip()
    if announce not in ANNOUNCE_TYPES:
        raise ValueError(f"{paper_id}: unknown or missing announce type {announce!r}")
    title = clean(title)
    if not title:
        raise ValueError(f"{paper_id}: entry without a title")
    categories = list(dict.fromkeys(c for c in categories if c))
    if feed_category and announce in ("new", "replace") and feed_category in categories:
        # Announced as new (or replaced) in this category: it is the primary one.
        categories = [feed_category] + [c for c in categories if c != feed_category]
    return FeedItem(
        Paper(id=paper_id, version=version or 1, title=title, authors=_authors(creator),
              abstract=abstract, categories=categories,
              links={"abs": link or f"https://arxiv.org/abs/{paper_id}"}),
        announce)


def parse_feed(data: bytes, where: str) -> Feed:
    """Parse an Atom or RSS 2.0 arXiv feed. Invalid XML raises :class:`InputError`;
    a malformed entry is reported as a problem (with its position and id) and skipped."""
    root = parse_xml(data, where)
    if root.tag == f"{{{NS['atom']}}}feed":
        return _parse_atom(root, where)
    if root.tag == "rss":
        return _parse_rss(root, where)
    raise InputError(f"{where}: not an arXiv feed (root element <{root.tag}>)")


def _collect(feed: Feed, where: str, elements, extract) -> None:
    for position, element in enumerate(elements, start=1):
        try:
            feed.items.append(extract(element))
        except ValueError as exc:
            feed.problems.append(Problem(f"{where}: entry {position}", f"{exc}; entry skipped"))


def _parse_atom(root, where: str) -> Feed:
    category = _category_from(text_of(root, "atom:id")) or _category_from(text_of(root, "atom:title"))
    day = None
    first_published = root.find("atom:entry/atom:published", NS)
    if first_published is not None and first_published.text:
        day = datetime.fromisoformat(first_published.text.strip()).date()
    elif text_of(root, "atom:updated"):
        day = datetime.fromisoformat(text_of(root, "atom:updated").strip()).astimezone(EASTERN).date()
    feed = Feed(category=category, day=day)

    def extract(entry) -> FeedItem:
        link = entry.find("atom:link[@rel='alternate']", NS)
        return _item(where, text_of(entry, "atom:id"), text_of(entry, "atom:title"),
                     text_of(entry, "atom:summary"),
                     [c.get("term", "") for c in entry.findall("atom:category", NS)],
                     text_of(entry, "arxiv:announce_type"), text_of(entry, "dc:creator"),
                     link.get("href") if link is not None else None, category)

    _collect(feed, where, root.findall("atom:entry", NS), extract)
    return feed


def _parse_rss(root, where: str) -> Feed:
    channel = root.find("channel")
    if channel is None:
        raise InputError(f"{where}: RSS without a <channel>")
    category = _category_from(channel.findtext("link")) or _category_from(channel.findtext("title"))
    day = None
    stamp = channel.findtext("pubDate") or channel.findtext("lastBuildDate")
    if stamp:
        try:
            day = parsedate_to_datetime(stamp).astimezone(EASTERN).date()
        except (TypeError, ValueError):
            raise InputError(f"{where}: unreadable channel date {stamp!r}") from None
    feed = Feed(category=category, day=day)

    def extract(item) -> FeedItem:
        return _item(where, item.findtext("guid"), item.findtext("title"),
                     item.findtext("description"),
                     [c.text or "" for c in item.findall("category")],
                     text_of(item, "arxiv:announce_type"), text_of(item, "dc:creator"),
                     item.findtext("link"), category)

    _collect(feed, where, channel.findall("item"), extract)
    return feed


def feed_listing(feeds: list[Feed], day: date, categories: list[str]) -> Listing:
    """Listing entries for ``categories`` from feeds already checked to be of ``day``."""
    listing = Listing(date=day, categories=list(categories))
    for feed in feeds:
        if feed.category not in categories:
            continue
        for item in feed.items:
            listing.entries.append(ListingEntry(day, feed.category, item.announce_type, item.paper))
    return listing


def _sniff(opened: ReplayInput) -> bool:
    head = opened.head.lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"<") and (b"<feed" in head or b"<rss" in head)


@register_replay("feed", sniff=_sniff)
class FeedReplay:
    """A saved feed file (one category); metadata stays as the feed gives it."""

    name = "feed"

    def __init__(self, opened: ReplayInput):
        self.input = opened

    def read(self, day: date | None, categories: list[str],
             progress: ProgressFn | None = None) -> SourceResult:
        name = self.input.name
        with self.input as opened:
            try:
                data = opened.stream.read()
            except (OSError, EOFError, zlib.error) as exc:
                raise InputError(f"{name}: the data ends early or is corrupt ({exc}); "
                                 "nothing was stored") from None
        feed = parse_feed(data, name)
        if feed.category is None:
            raise InputError(f"{name}: cannot tell which category this feed lists")
        if feed.day is None:
            raise InputError(f"{name}: the feed carries no date; it lists no announcement")
        if day is not None and day != feed.day:
            raise InputError(f"{name}: this feed is the listing of {feed.day}, not {day}")
        cats = list(dict.fromkeys(list(categories) + [feed.category]))
        return SourceResult(listing=feed_listing([feed], feed.day, cats), problems=feed.problems,
                            origin=name)
