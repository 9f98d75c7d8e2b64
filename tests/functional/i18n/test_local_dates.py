"""Dates and counts in the reader's language (scratchpad/i18n/dates.py) through the whole WSGI
stack, still inside ``<time datetime="...">`` with the UTC moment for machines.

The reader's language is asked for as a browser does (``Accept-Language``) and as Pyramid's
own negotiator reads it (the ``_LOCALE_`` cookie): whichever the app's negotiation reads.
"""

import re
from datetime import UTC, datetime

import pytest

from scratchpad.i18n.time_zones import COOKIE
from tests.support.factories import make_comment, make_reply

POSTED = datetime(2026, 11, 24, 9, 5, tzinfo=UTC)
ISO = "2026-11-24T09:05:00+00:00"

WRITTEN = {
    "en": "Tuesday, 24 November 2026 at 09:05",
    "de": "Dienstag, 24. November 2026, 09:05",
    "fr": "mardi 24 novembre 2026, 09:05",
    "ja": "2026年11月24日火曜日 9:05",
    "ar": "الثلاثاء، 24 نوفمبر 2026، 9:05 ص",
}


def reader(browser, language, zone=None):
    """A fresh browser asking for ``language`` (and ``zone``, if given)."""
    visitor = browser(HTTP_ACCEPT_LANGUAGE=language)
    visitor.set_cookie("language", language)
    if zone:
        visitor.set_cookie(COOKIE, zone)
    return visitor


def shown_time(res, where="article.comment time"):
    time_element = res.html.select_one(where)
    return time_element.get_text(), time_element["datetime"]


@pytest.fixture
def posted(dbsession, alice):
    return make_comment(dbsession, "Hello", commenter=alice, posted_at=POSTED)


@pytest.mark.parametrize("language", sorted(WRITTEN))
def test_the_board_writes_the_date_in_the_readers_language(browser, posted, language):
    assert shown_time(reader(browser, language).get("/")) == (WRITTEN[language], ISO)


@pytest.mark.parametrize("language", ["de", "ja"])
def test_the_thread_page_writes_the_date_in_the_readers_language(browser, posted, language):
    page = reader(browser, language).get(f"/comments/{posted.id}")
    assert shown_time(page) == (WRITTEN[language], ISO)


def test_language_and_zone_together(browser, posted):
    page = reader(browser, "de", "Europe/Berlin").get("/")
    assert shown_time(page) == ("Dienstag, 24. November 2026, 10:05", ISO)


def test_the_kept_page_keeps_one_copy_per_language(browser, posted, statements):
    english, german = reader(browser, "en"), reader(browser, "de")
    for _ in range(2):
        assert (shown_time(english.get("/"))[0], shown_time(german.get("/"))[0]) == (
            WRITTEN["en"],
            WRITTEN["de"],
        )
    statements.clear()
    reader(browser, "de").get("/")
    assert len(statements) == 1  # a second German visitor: the kept German page


def test_a_users_page_writes_dates_in_the_readers_language(browser, posted):
    assert shown_time(reader(browser, "ja").get("/users/alice")) == (WRITTEN["ja"], ISO)


def test_counts_are_grouped_as_the_readers_language_groups_them(browser, dbsession, alice, posted):
    # The reply count the board shows ("All 1,234 replies"), as the root's row holds it.
    for number in range(4):
        make_reply(dbsession, posted, f"Reply {number}", commenter=alice)
    posted.reply_count = 1234
    dbsession.flush()
    counts = {}
    for language in ("en", "de", "fr"):
        more = reader(browser, language).get("/").html.select_one(".thread-more a")
        counts[language] = re.search(r"1\D?234", more.get_text()).group(0)
    assert counts == {"en": "1,234", "de": "1.234", "fr": "1\u202f234"}


def test_the_comment_forms_limit_is_grouped_too(logged_in):
    logged_in.set_cookie("language", "de")
    label = logged_in.get("/", headers={"Accept-Language": "de"}).html.select_one("label[for=contents]")
    assert "(höchstens 4.096 Zeichen)" in label.get_text()


def test_a_refused_comment_says_its_numbers_as_the_form_does(logged_in, csrf_token, dbsession):
    """The refusal under the form and the form's own label both say 4.096 to a German
    reader (the refusal said 4,096 until the numbers in messages were written per language)."""
    logged_in.set_cookie("language", "de")
    res = logged_in.post(
        "/",
        {"contents": "x" * 5000, "csrf_token": csrf_token()},
        headers={"Accept-Language": "de"},
        status=400,
    )
    assert "Kommentare dürfen höchstens 4.096 Zeichen lang sein; dieser hat 5.000." in res
    assert "(höchstens 4.096 Zeichen)" in res.html.select_one("label[for=contents]").get_text()


def test_a_language_nobody_knows_is_english_and_shares_the_english_kept_page(browser, posted, statements):
    reader(browser, "en").get("/")
    statements.clear()
    for name in ("xx", "zz-unknown", "q" * 5000):
        visitor = browser()
        visitor.set_cookie("language", name)
        assert shown_time(visitor.get("/", status=200)) == (WRITTEN["en"], ISO)
    assert len(statements) == 3  # the revision alone, each time: one kept English page


def test_a_regional_spelling_draws_its_language(browser, posted):
    assert shown_time(reader(browser, "de-DE").get("/"))[0] == WRITTEN["de"]


def test_the_language_is_never_read_from_the_address_or_the_body(browser, posted):
    """Pyramid's default negotiator reads ``_LOCALE_`` from the parameters, and so the body:
    an error page answering an oversized body would read it (web/incoming.py)."""
    visitor = browser()
    assert shown_time(visitor.get("/", params={"_LOCALE_": "de"}))[0] == WRITTEN["en"]
