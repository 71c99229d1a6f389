"""arXiv's announcement calendar.

arXiv announces Sunday to Thursday at 20:00 US Eastern; each announcement is the
listing of the next calendar day, so listing dates run Monday to Friday. Some
weekdays carry no announcement (holidays); those known are listed here and more
can be added with ``holidays = [...]`` in ``config.toml``.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from arxiv_digest.errors import NoAnnouncementError

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
