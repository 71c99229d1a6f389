"""Atom and RSS 2.0 feeds per profile (feedgen): one entry per digest."""

from __future__ import annotations

from datetime import timezone
from pathlib import Path
from urllib.parse import urljoin

from markupsafe import escape

from arxiv_digest.announcements import announcement_time
from arxiv_digest.digest import Digest
from arxiv_digest.topics import Profile

MAX_ENTRIES = 60


def _summary_html(digest: Digest, link: str) -> str:
    items = "".join(
        f"<li><strong>{escape(p.short_name)}</strong>"
        + (f": {escape(p.highlight)}" if p.highlight else "")
        + f" (arXiv {escape(p.id)})</li>" for p in digest.picks)
    return (f"<p>{escape(digest.dek)}</p><ol>{items}</ol>"
            f'<p><a href="{escape(link)}">Read the digest</a></p>')


def write_feed(folder: Path, profile: Profile, digests: list[Digest], base_url: str
               ) -> list[Path]:
    """The profile's Atom and RSS feeds: its newest digests, oldest first."""
    from feedgen.feed import FeedGenerator

    base = base_url if base_url.endswith("/") else base_url + "/"
    folder.mkdir(parents=True, exist_ok=True)
    feed = FeedGenerator()
    feed.id(urljoin(base, f"profiles/{profile.name}.html"))
    feed.title(f"arxiv-digest: {profile.title}")
    feed.subtitle(profile.description or f"Daily {profile.noun} papers worth reading")
    feed.link(href=urljoin(base, f"profiles/{profile.name}.html"), rel="alternate")
    feed.link(href=urljoin(base, f"feeds/{profile.name}.atom.xml"), rel="self")
    feed.language("en")
    entries = digests[-MAX_ENTRIES:]
    for digest in entries:
        link = urljoin(base, f"digests/{digest.profile}/{digest.date.isoformat()}.html")
        entry = feed.add_entry(order="append")
        entry.id(link)
        entry.title(digest.title)
        entry.link(href=link)
        when = announcement_time(digest.date).astimezone(timezone.utc)
        entry.published(when)
        entry.updated(when)
        entry.summary(_summary_html(digest, link), type="html")
    if entries:
        feed.updated(announcement_time(entries[-1].date).astimezone(timezone.utc))
    atom = folder / f"{profile.name}.atom.xml"
    rss = folder / f"{profile.name}.rss.xml"
    feed.atom_file(str(atom), pretty=True)
    feed.rss_file(str(rss), pretty=True)
    return [atom, rss]
