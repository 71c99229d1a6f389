from datetime import date, datetime, timezone

import pytest

from arxiv_digest.announcements import (
    EASTERN, announcement_time, check_listing_date, is_listing_date, latest_listing_date,
)
from arxiv_digest.errors import NoAnnouncementError


def et(*args):
    return datetime(*args, tzinfo=EASTERN)


def test_listing_dates_are_weekdays_without_holidays():
    assert is_listing_date(date(2026, 5, 22))          # Friday
    assert not is_listing_date(date(2026, 5, 23))      # Saturday
    assert not is_listing_date(date(2026, 6, 22))      # known holiday
    assert not is_listing_date(date(2026, 5, 20), holidays=[date(2026, 5, 20)])


def test_announcement_is_the_evening_before():
    assert announcement_time(date(2026, 5, 25)) == et(2026, 5, 24, 20, 0)  # Sunday evening


@pytest.mark.parametrize("now, expected", [
    (et(2026, 5, 24, 19, 59), date(2026, 5, 22)),   # Sunday before 20:00 -> Friday's listing
    (et(2026, 5, 24, 20, 0), date(2026, 5, 25)),    # Sunday 20:00 -> Monday's listing
    (et(2026, 5, 21, 23, 0), date(2026, 5, 22)),    # Thursday night -> Friday's
    (et(2026, 5, 23, 12, 0), date(2026, 5, 22)),    # Saturday -> Friday's
    (et(2026, 6, 21, 21, 0), date(2026, 6, 19)),    # holiday Monday skipped
    (datetime(2026, 3, 9, 0, 30, tzinfo=timezone.utc), date(2026, 3, 9)),  # after DST switch
])
def test_latest_listing_date(now, expected):
    assert latest_listing_date(now) == expected


def test_no_announcement_messages_name_the_nearest_days():
    now = et(2026, 7, 10, 12, 0)
    with pytest.raises(NoAnnouncementError) as err:
        check_listing_date(date(2026, 6, 20), now)
    message = str(err.value)
    assert "Saturday" in message and "2026-06-19 (Fri)" in message and "2026-06-23 (Tue)" in message
    with pytest.raises(NoAnnouncementError, match="holiday.*2026-06-19 .*2026-06-23"):
        check_listing_date(date(2026, 6, 22), now)
    with pytest.raises(NoAnnouncementError, match="not announced yet.*latest listing is 2026-07-10"):
        check_listing_date(date(2026, 7, 13), now)
    check_listing_date(date(2026, 7, 10), now)


def test_configured_holiday(tmp_path):
    from arxiv_digest.config import load_settings

    (tmp_path / "config.toml").write_text('holidays = ["2026-12-25"]\ncategories = ["cs.CV"]\n')
    settings = load_settings(tmp_path)
    assert settings.categories == ["cs.CV"]
    with pytest.raises(NoAnnouncementError, match="configured holiday"):
        check_listing_date(date(2026, 12, 25), et(2027, 1, 5, 12), settings.holidays)
