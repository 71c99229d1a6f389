"""arXiv's announcement calendar.

arXiv announces Sunday to Thursday at 20:00 US Eastern; each announcement is the
listing of the next calendar day, so listing dates run Monday to Friday. Some
weekdays carry no announcement (holidays); those known are listed here and more
can be added with ``holidays = [...]`` in ``config.toml``.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from typing import TYPE_CHECKING

from arxiv_digest.errors import DigestError, NoAnnouncementError

if TYPE_CHECKING:
    from arxiv_digest.config import Settings
    from arxiv_digest.models import Listing
    from arxiv_digest.store import Store

EASTERN = ZoneInfo("America/New_York")
ANNOUNCE_AT = time(20, 0)

# Weekdays on which arXiv published no new listing (the Friday listing stayed current).
KNOWN_NO_ANNOUNCEMENT: dict[date, str] = {
    date(2026, 6, 22): "no announcement was made for this day (arXiv holiday schedule)",
    date(2026, 7, 6): "no announcement was made for this day (arXiv holiday schedule)",
}

_WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def _holidays(extra: tuple[date, ...] | list[date] = ()) -> set[date]:
    return set(KNOWN_NO_ANNOUNCEMENT) | set(extra)


def is_listing_date(day: date, holidays: tuple[date, ...] | list[date] = ()) -> bool:
    return day.weekday() < 5 and day not in _holidays(holidays)


def announcement_time(day: date) -> datetime:
    """When the listing of ``day`` is announced: 20:00 Eastern the evening before."""
    return datetime.combine(day - timedelta(days=1), ANNOUNCE_AT, tzinfo=EASTERN)


def previous_listing_date(day: date, holidays=()) -> date:
    day -= timedelta(days=1)
    while not is_listing_date(day, holidays):
        day -= timedelta(days=1)
    return day


def next_listing_date(day: date, holidays=()) -> date:
    day += timedelta(days=1)
    while not is_listing_date(day, holidays):
        day += timedelta(days=1)
    return day


def latest_listing_date(now: datetime, holidays=()) -> date:
    """The listing date of the most recent announcement at ``now`` (timezone-aware)."""
    candidate = now.astimezone(EASTERN).date() + timedelta(days=1)
    while not (is_listing_date(candidate, holidays) and announcement_time(candidate) <= now):
        candidate -= timedelta(days=1)
    return candidate


def describe(day: date) -> str:
    return f"{day.isoformat()} ({_WEEKDAYS[day.weekday()][:3]})"


def check_listing_date(day: date, now: datetime, holidays=()) -> None:
    """Raise :class:`NoAnnouncementError` naming the nearest listing dates if ``day`` has none."""
    weekday = _WEEKDAYS[day.weekday()]
    if day.weekday() >= 5:
        why = f"{day.isoformat()} ({weekday}): arXiv does not announce listings on weekends"
    elif day in _holidays(holidays):
        why = f"{day.isoformat()} ({weekday}): " + KNOWN_NO_ANNOUNCEMENT.get(
            day, "no announcement on this day (configured holiday)")
    elif announcement_time(day) > now:
        latest = latest_listing_date(now, holidays)
        raise NoAnnouncementError(
            f"the listing of {day.isoformat()} is not announced yet (arXiv announces it at "
            f"{announcement_time(day):%Y-%m-%d %H:%M %Z}); the latest listing is {describe(latest)}"
        )
    else:
        return
    before = previous_listing_date(day, holidays)
    after = next_listing_date(day, holidays)
    hint = f"nearest listing dates: {describe(before)}"
    if announcement_time(after) <= now:
        hint += f" and {describe(after)}"
    raise NoAnnouncementError(f"no listing for {why}; {hint}")


def read_listing(settings: "Settings", store: "Store", day: date | None = None) -> "Listing":
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

