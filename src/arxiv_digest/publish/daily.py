"""The daily job: the latest announcement -> digest -> site -> e-mail, each step once.

Every step is recorded in the store when done, so a re-run after a crash does only
what is missing, and a day is published and sent once. The command holds the data
directory's writer lock (:mod:`arxiv_digest.locking`) before it opens the store, so
two runs never publish at the same time (the second exits with code 5).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path

from arxiv_digest.announcements import latest_listing_date
from arxiv_digest.config import Settings
from arxiv_digest.digest import Digest
from arxiv_digest.store import Store
from arxiv_digest.topics import Profile


@dataclass
class DailyReport:
    day: date
    done: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def daily(settings: Settings, store: Store, profile: Profile, *, recipients: list[str],
          site_dir: Path, now: datetime | None = None, client=None, writer: str = "offline",
          build=None, send=None, enrich: bool | None = None, notify=None) -> DailyReport:
    """Run the missing steps for the latest announcement."""
    from arxiv_digest.pipeline import run_day
    from arxiv_digest.publish.email import send_digest
    from arxiv_digest.publish.site import build_site

    build = build or build_site
    send = send or send_digest
    now = now or datetime.now(timezone.utc)
    day = latest_listing_date(now, settings.holidays)
    report = DailyReport(day)
    stored = store.digest_json(day, profile.name)
    if stored is None:
        run_day(settings, store, profile, day, client=client, writer=writer, now=now,
                enrich=enrich, notify=notify)
        report.done.append("digest")
    else:
        report.skipped.append("digest")
    store.mark_published(day, profile.name, "digest")
    if not store.is_published(day, profile.name, "site"):
        build(store, site_dir, settings.home, settings.site_url)
        store.mark_published(day, profile.name, "site")
        report.done.append("site")
    else:
        report.skipped.append("site")
    if recipients and not store.is_published(day, profile.name, "email"):
        import json

        digest = Digest.from_json(json.loads(store.digest_json(day, profile.name)))
        sent = send(settings.smtp, store, digest, recipients, site_url=settings.site_url)
        store.mark_published(day, profile.name, "email")
        report.done.append(f"email to {len(sent.sent)}"
                           + (f" ({len(sent.skipped)} already sent)" if sent.skipped else ""))
    else:
        report.skipped.append("email")
    return report
