"""scratchpad.web.templating.long_datetime: the "Posted ..." time, always in UTC and in English."""

from datetime import UTC, datetime, timedelta, timezone

from scratchpad.web.templating import long_datetime

UTC = UTC


def test_utc_datetime_is_written_out_in_full():
    assert long_datetime(datetime(2026, 11, 24, 9, 5, tzinfo=UTC)) == "Tuesday, 24 November 2026 at 09:05"


def test_non_utc_datetime_is_shown_in_utc():
    one_hour_east = timezone(timedelta(hours=1))
    moment = datetime(2026, 11, 24, 10, 5, tzinfo=one_hour_east)
    assert long_datetime(moment) == "Tuesday, 24 November 2026 at 09:05"


def test_conversion_to_utc_can_change_the_day():
    five_hours_west = timezone(timedelta(hours=-5))
    moment = datetime(2026, 11, 24, 22, 30, tzinfo=five_hours_west)
    assert long_datetime(moment) == "Wednesday, 25 November 2026 at 03:30"


def test_day_hour_and_minute_are_zero_padded():
    assert long_datetime(datetime(2026, 3, 1, 0, 0, tzinfo=UTC)) == "Sunday, 01 March 2026 at 00:00"


def test_seconds_are_not_shown():
    assert long_datetime(datetime(2026, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)).endswith("at 23:59")
