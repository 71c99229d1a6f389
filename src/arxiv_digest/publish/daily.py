"""The daily job: the latest announcement -> digest -> site -> e-mail -> channels, each
step once.

Every step is recorded in the store when done (each channel's delivery on its own), so a
re-run after a crash does only what is missing, and a day is published and sent once.
Channels are checked (their secrets present in the environment, the profile's channel
names configured) before any work. The command holds the data
directory's writer lock (:mod:`arxiv_digest.locking`) before it opens the store, so
two runs never publish at the same time (the second exits with code 5).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from datetime import date, datetime, timezone
from pathlib import Path

from arxiv_digest.announcements import latest_listing_date
from arxiv_digest.config import Settings
from arxiv_digest.digest import Digest
from arxiv_digest.store import Store
from arxiv_digest.pipeline import RunOptions, Services
from arxiv_digest.topics import Profile


class Step(StrEnum):
    """The daily job's steps, each done once per day and profile (recorded by name)."""

    DIGEST = "digest"
    SITE = "site"
    EMAIL = "email"


@dataclass
class DailyReport:
    day: date
    done: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: Exception | None = None    # why the digest could not be written
    undelivered: list[str] = field(default_factory=list)   # one line per failed channel


def daily(settings: Settings, store: Store, profile: Profile, *, recipients: list[str],
          site_dir: Path, **options) -> DailyReport:
    """Run the missing steps for the latest announcement, for one profile."""
    report = daily_profiles(settings, store, [profile], lambda p: recipients,
                            site_dir=site_dir, **options)[profile.name]
    if report.failed is not None:
        raise report.failed
    return report


def daily_profiles(settings: Settings, store: Store, profiles: list[Profile],
                   recipients_of: Callable[[Profile], list[str]], *, site_dir: Path,
                   now: datetime | None = None, client=None, writer: str = "offline",
                   build=None, send=None, enrich: bool | None = None, notify=None,
                   targets: dict | None = None, channel_client=None
                   ) -> dict[str, DailyReport]:
    """The missing steps for several profiles: the digests still to write in one pass
    (the day ingested once), one site build for all, each profile's e-mail to its own
    recipients, then its channels (``targets``: profile name -> resolved channels;
    default, the profile's, checked here before any work). A profile whose digest fails
    is reported; the others go on, and so do the other channels when one fails."""
    from arxiv_digest.pipeline import run_profiles

    if targets is None:
        targets = profile_targets(settings, profiles)
    now = now or datetime.now(timezone.utc)
    day = latest_listing_date(now, settings.holidays)
    reports = {p.name: DailyReport(day) for p in profiles}
    missing = [p for p in profiles if store.digest_json(day, p.name) is None]
    for p in profiles:
        if p not in missing:
            reports[p.name].skipped.append(Step.DIGEST)
    runs = run_profiles(settings, store, missing, day, RunOptions(writer=writer, enrich=enrich),
                        Services(client=client, notify=notify, now=now)) if missing else []
    for run in runs:
        if run.error is not None:
            reports[run.profile].failed = run.error
            continue
        reports[run.profile].done.append(Step.DIGEST)
    written = [p for p in profiles if not reports[p.name].failed]
    for p in written:
        store.mark_published(day, p.name, Step.DIGEST)
    _site(settings, store, [p for p in written if p.on_site], reports, site_dir, build)
    for p in written:
        _email(settings, store, p, recipients_of(p), reports[p.name], send)
        _channels(settings, store, targets.get(p.name, []), reports[p.name], p.name,
                  channel_client, notify)
    return reports


def profile_targets(settings: Settings, profiles: list[Profile]) -> dict:
    """Each profile's channels, with their secrets: a ConfigError (one line naming the
    setting) for the first problem, before anything is done."""
    from arxiv_digest.publish.channels import channels_for, check_channels

    return {p.name: check_channels(channels_for(settings, p)) for p in profiles}


def _channels(settings: Settings, store: Store, targets: list, report: DailyReport,
              profile: str, client, notify) -> None:
    from arxiv_digest.publish.channels import deliver

    if not targets:
        return
    document = store.digest_json(report.day, profile)
    result = deliver(settings, store, document, targets, client=client, notify=notify)
    for outcome in result.outcomes:
        if outcome.state == "delivered":
            report.done.append(f"channel {outcome.channel}")
        elif outcome.state == "already":
            report.skipped.append(f"channel {outcome.channel}")
        else:
            report.undelivered.append(outcome.line())


def _site(settings: Settings, store: Store, profiles: list[Profile], reports: dict,
          site_dir: Path, build) -> None:
    from arxiv_digest.publish.site import build_site

    day = next(iter(reports.values())).day
    todo = [p for p in profiles if not store.is_published(day, p.name, Step.SITE)]
    if todo:
        (build or build_site)(store, site_dir, settings.home, settings.site_url)
    for p in profiles:
        if p in todo:
            store.mark_published(day, p.name, Step.SITE)
            reports[p.name].done.append(Step.SITE)
        else:
            reports[p.name].skipped.append(Step.SITE)


def _email(settings: Settings, store: Store, profile: Profile, recipients: list[str],
           report: DailyReport, send) -> None:
    import json

    from arxiv_digest.publish.email import send_digest

    day = report.day
    if not recipients or store.is_published(day, profile.name, Step.EMAIL):
        report.skipped.append(Step.EMAIL)
        return
    digest = Digest.from_json(json.loads(store.digest_json(day, profile.name)))
    sent = (send or send_digest)(settings.smtp, store, digest, recipients,
                                 site_url=settings.site_url)
    store.mark_published(day, profile.name, Step.EMAIL)
    report.done.append(f"email to {len(sent.sent)}"
                       + (f" ({len(sent.skipped)} already sent)" if sent.skipped else ""))
