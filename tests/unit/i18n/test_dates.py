"""scratchpad.i18n.dates: the "Posted ..." time and the counts in the reader's locale and time
zone. English keeps the contract's format; the other languages are CLDR's (Babel)."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from markupsafe import Markup

from scratchpad.i18n.dates import UTC_ENGLISH, drawn_locale_name, local_format
from scratchpad.i18n.languages import direction

MOMENT = datetime(2026, 11, 24, 9, 5, tzinfo=UTC)


def test_utc_datetime_is_written_out_in_full():
    assert UTC_ENGLISH.datetime(MOMENT) == "Tuesday, 24 November 2026 at 09:05"


def test_non_utc_datetime_is_shown_in_utc():
    one_hour_east = timezone(timedelta(hours=1))
    moment = datetime(2026, 11, 24, 10, 5, tzinfo=one_hour_east)
    assert UTC_ENGLISH.datetime(moment) == "Tuesday, 24 November 2026 at 09:05"


def test_conversion_to_utc_can_change_the_day():
    five_hours_west = timezone(timedelta(hours=-5))
    moment = datetime(2026, 11, 24, 22, 30, tzinfo=five_hours_west)
    assert UTC_ENGLISH.datetime(moment) == "Wednesday, 25 November 2026 at 03:30"


def test_day_hour_and_minute_are_zero_padded():
    assert UTC_ENGLISH.datetime(datetime(2026, 3, 1, 0, 0, tzinfo=UTC)) == "Sunday, 01 March 2026 at 00:00"


def test_seconds_are_not_shown():
    assert UTC_ENGLISH.datetime(datetime(2026, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)).endswith("at 23:59")


@pytest.mark.parametrize(
    "locale_name, written",
    [
        ("de", "Dienstag, 24. November 2026, 09:05"),
        ("fr", "mardi 24 novembre 2026, 09:05"),
        ("es", "martes, 24 de noviembre de 2026, 9:05"),
        ("ja", "2026年11月24日火曜日 9:05"),
        ("ar", "الثلاثاء، 24 نوفمبر 2026، 9:05 ص"),
    ],
)
def test_each_language_writes_the_date_its_own_way(locale_name, written):
    assert local_format(locale_name, "UTC").datetime(MOMENT) == written


@pytest.mark.parametrize(
    "locale_name, zone, written",
    [
        ("de", "Europe/Berlin", "Dienstag, 24. November 2026, 10:05"),
        ("en", "Asia/Tokyo", "Tuesday, 24 November 2026 at 18:05"),
        ("ja", "Asia/Tokyo", "2026年11月24日火曜日 18:05"),
        # Summer time: New York is four hours behind in July, five in November.
        ("en", "America/New_York", "Tuesday, 24 November 2026 at 04:05"),
    ],
)
def test_the_zone_shifts_the_time(locale_name, zone, written):
    assert local_format(locale_name, zone).datetime(MOMENT) == written


def test_summer_time_is_the_zones_own():
    july = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
    assert local_format("en", "America/New_York").datetime(july) == "Wednesday, 01 July 2026 at 08:00"


def test_the_evening_in_a_zone_west_of_utc_is_the_day_before():
    assert local_format("fr", "America/Los_Angeles").datetime(datetime(2026, 11, 24, 3, 0, tzinfo=UTC)) == (
        "lundi 23 novembre 2026, 19:00"
    )


@pytest.mark.parametrize(
    "locale_name, written",
    [
        ("en", "1,234,567"),
        ("de", "1.234.567"),
        ("fr", "1\u202f234\u202f567"),
        ("ja", "1,234,567"),
        ("es", "1.234.567"),
    ],
)
def test_counts_are_grouped_as_the_language_groups_them(locale_name, written):
    assert local_format(locale_name, "UTC").number(1234567) == written


def test_small_counts_are_plain():
    assert [local_format("de", "UTC").number(count) for count in (0, 1, 999)] == ["0", "1", "999"]


@pytest.mark.parametrize("name", ["xx", "", "../../etc", "en-GB-not-a-locale-at-all", "de-DE"])
def test_a_locale_name_babel_does_not_know_falls_back_to_english_and_never_fails(name):
    written = local_format(name, "UTC").datetime(MOMENT)
    assert written in ("Tuesday, 24 November 2026 at 09:05", "Dienstag, 24. November 2026, 09:05")


def test_a_hyphenated_name_is_the_same_locale():
    assert local_format("de-DE", "UTC").datetime(MOMENT) == "Dienstag, 24. November 2026, 09:05"


@pytest.mark.parametrize(
    "locale_name, expected", [("ar", "rtl"), ("en", "ltr"), ("ja", "ltr"), ("xx", "ltr")]
)
def test_arabic_is_written_right_to_left(locale_name, expected):
    assert direction(locale_name) == expected


def test_the_formats_are_made_once_per_locale_and_zone():
    assert local_format("de", "Europe/Berlin") is local_format("de", "Europe/Berlin")


@pytest.mark.parametrize("name, drawn", [("de", "de"), ("de-DE", "de_DE"), ("xx", "en"), ("a" * 33, "en")])
def test_a_request_draws_in_a_locale_cldr_knows(name, drawn):
    assert drawn_locale_name(name) == drawn


@pytest.mark.parametrize(
    "locale_name, written",
    [
        ("en", "&lt;a&gt;, <code>b</code>, and <code>&amp;c</code>"),
        ("de", "&lt;a&gt;, <code>b</code> und <code>&amp;c</code>"),
        ("ja", "&lt;a&gt;、<code>b</code>、<code>&amp;c</code>"),
    ],
)
def test_a_list_is_joined_as_the_language_joins_one_and_escaped(locale_name, written):
    """Text is escaped and markup kept, item by item; the joining words are the locale's."""
    items = ["<a>", Markup("<code>b</code>"), Markup("<code>&amp;c</code>")]
    assert str(local_format(locale_name, "UTC").listed(items)) == written


def test_a_list_of_code_wraps_each_item():
    assert str(local_format("en", "UTC").listed(["*x*", "a < b"], as_code=True)) == (
        "<code>*x*</code> and <code>a &lt; b</code>"
    )
