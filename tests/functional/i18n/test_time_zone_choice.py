"""Choosing the time zone pages show times in (scratchpad/i18n/views.py, time_zones.py),
through the whole WSGI stack: a visitor's cookie, a member's saved choice, an unknown zone
refused with its text kept, and the kept pages never showing one zone's times to another."""

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from scratchpad.i18n.time_zones import COOKIE
from scratchpad.models import User
from tests.support.factories import PASSWORD, make_comment

POSTED = datetime(2026, 11, 24, 9, 5, tzinfo=UTC)
ISO = "2026-11-24T09:05:00+00:00"
UTC_TIME = "Tuesday, 24 November 2026 at 09:05"
BERLIN_TIME = "Tuesday, 24 November 2026 at 10:05"
TOKYO_TIME = "Tuesday, 24 November 2026 at 18:05"


@pytest.fixture
def posted(dbsession, alice):
    return make_comment(dbsession, "Hello", commenter=alice, posted_at=POSTED)


def shown_time(res):
    """The first comment's ``<time>``: what it shows, and its machine-readable moment."""
    time_element = res.html.select_one("article.comment time")
    return time_element.get_text(), time_element["datetime"]


def zone_note(res):
    return res.html.select_one(".time-zone-name").get_text()


def choose(browser_, zone, came_from="/", status=303):
    form = browser_.get("/time-zone", params={"came_from": came_from}).forms["time-zone-form"]
    form["time_zone"] = zone
    return form.submit(status=status)


def test_a_visitor_sees_utc_until_they_choose(testapp, posted):
    page = testapp.get("/")
    assert (shown_time(page), zone_note(page)) == ((UTC_TIME, ISO), "UTC")


def test_a_chosen_zone_shifts_the_shown_time_but_not_the_moment(testapp, posted):
    answer = choose(testapp, "Europe/Berlin")
    assert answer.location.endswith("/")
    page = answer.follow()
    assert (shown_time(page), zone_note(page), page.html.select_one(".flash-message").get_text()) == (
        (BERLIN_TIME, ISO),
        "Europe/Berlin",
        "Times are now shown in Europe/Berlin.",
    )


def test_a_visitors_choice_is_a_lasting_cookie_of_their_browser(testapp, posted):
    cookie = next(
        header
        for name, header in choose(testapp, "asia/tokyo").headerlist
        if name == "Set-Cookie" and COOKIE in header
    )
    assert (f"{COOKIE}=Asia/Tokyo" in cookie, "Max-Age=31536000" in cookie, "HttpOnly" in cookie) == (
        True,
        True,
        True,
    )
    assert shown_time(testapp.get("/"))[0] == TOKYO_TIME


@pytest.mark.parametrize("typed", ["Mars/Olympus_Mons", "../../../etc/passwd", "Europe/Berlin; Path=/"])
def test_an_unknown_zone_is_refused_with_a_message_and_the_text_kept(testapp, posted, typed):
    refused = choose(testapp, typed, status=400)
    field = refused.html.select_one("#time_zone")
    assert (
        "not a time zone we know" in refused.html.select_one("#time-zone-error").get_text(),
        field["value"],
        field["aria-invalid"],
        COOKIE in refused.headers.get("Set-Cookie", ""),
    ) == (True, typed, "true", False)
    assert shown_time(testapp.get("/"))[0] == UTC_TIME


def test_an_empty_zone_asks_for_one(testapp):
    form = testapp.get("/time-zone").forms["time-zone-form"]
    form["time_zone"] = ""
    refused = form.submit(status=400)
    assert "Please choose a time zone" in refused.html.select_one("#time-zone-error").get_text()


def test_the_choice_needs_the_forms_token(testapp):
    testapp.post("/time-zone", {"time_zone": "Europe/Berlin"}, status=400)
    testapp.post("/time-zone", {"time_zone": "Europe/Berlin", "csrf_token": "forged"}, status=400)
    assert zone_note(testapp.get("/")) == "UTC"


@pytest.mark.parametrize("came_from", ["https://evil.example/", "//evil.example/", "/\\evil.example"])
def test_the_form_goes_back_only_to_a_page_of_this_site(testapp, came_from):
    assert choose(testapp, "UTC", came_from=came_from).location == "http://example.com/"


def test_the_form_goes_back_to_the_page_it_came_from(testapp, posted):
    assert choose(testapp, "UTC", came_from=f"/comments/{posted.id}").location.endswith(
        f"/comments/{posted.id}"
    )


@pytest.mark.parametrize("page", ["/search?q=hello", "/?before=99", "/comments/{id}?after=7"])
def test_change_leads_back_to_the_page_it_was_on_with_its_query(testapp, posted, page):
    """The "change" of "Times are shown in UTC (change)" keeps the search, or the older page,
    the reader was on, as the language menu does: it kept the path alone, and the reader came
    back to an empty search box."""
    page = page.format(id=posted.id)
    link = testapp.get(page).html.select_one("a.time-zone-change")["href"]
    form = testapp.get(link).forms["time-zone-form"]
    form["time_zone"] = "Asia/Tokyo"
    assert form.submit(status=303).location == f"http://example.com{page}"


@pytest.mark.parametrize("cookie", ["Nowhere/Special", "../../etc/passwd", "", "UTC\x7f"])
def test_a_cookie_naming_no_zone_counts_as_none(browser, posted, cookie):
    visitor = browser()
    visitor.set_cookie(COOKIE, cookie)
    page = visitor.get("/", status=200)
    assert (shown_time(page)[0], zone_note(page)) == (UTC_TIME, "UTC")


def test_the_time_zone_page_says_the_time_there_now(browser):
    visitor = browser()
    visitor.set_cookie(COOKIE, "Asia/Tokyo")
    page = visitor.get("/time-zone")
    moment = page.html.select_one("main time")
    assert (page.html.select_one("#time_zone")["value"], moment["datetime"].endswith("+00:00")) == (
        "Asia/Tokyo",
        True,
    )
    assert len(page.html.select("#time-zone-names option")) > 300


# A member's choice: saved to their account, for every browser they log in with


def test_a_member_saves_their_zone_on_the_account_page(logged_in, dbsession, alice, posted):
    form = logged_in.get("/account").forms["time-zone-form"]
    assert form["time_zone"].value == "UTC"
    form["time_zone"] = "Asia/Tokyo"
    answer = form.submit(status=303)
    assert answer.location.endswith("/account")
    account = answer.follow()
    assert (
        dbsession.scalar(sa.select(User.time_zone).where(User.id == alice.id)),
        account.html.select_one("#time_zone")["value"],
        COOKIE in answer.headers.get("Set-Cookie", ""),
    ) == ("Asia/Tokyo", "Asia/Tokyo", False)
    assert shown_time(logged_in.get("/"))[0] == TOKYO_TIME


def test_a_members_saved_zone_follows_them_to_another_browser(browser, dbsession, alice, posted):
    alice.time_zone = "Europe/Berlin"
    dbsession.flush()
    elsewhere = browser()
    assert shown_time(elsewhere.get("/"))[0] == UTC_TIME
    elsewhere.login("alice", PASSWORD)
    assert shown_time(elsewhere.get("/"))[0] == BERLIN_TIME


def test_a_members_saved_zone_wins_over_the_browsers_cookie(browser, dbsession, alice, posted):
    alice.time_zone = "Asia/Tokyo"
    dbsession.flush()
    member = browser()
    member.set_cookie(COOKIE, "Europe/Berlin")
    member.login("alice", PASSWORD)
    assert shown_time(member.get("/"))[0] == TOKYO_TIME


def test_an_unknown_zone_on_the_account_page_is_refused_and_nothing_saved(logged_in, dbsession, alice):
    form = logged_in.get("/account").forms["time-zone-form"]
    form["time_zone"] = "Atlantis/Capital"
    refused = form.submit(status=400)
    assert (
        refused.html.select_one("#time_zone")["value"],
        "not a time zone we know" in refused.text,
        dbsession.scalar(sa.select(User.time_zone).where(User.id == alice.id)),
    ) == ("Atlantis/Capital", True, None)


# The kept pages: one copy per zone


def test_the_kept_page_never_serves_one_zones_times_to_another(browser, posted, statements):
    in_utc, in_berlin, also_in_berlin = browser(), browser(), browser()
    in_berlin.set_cookie(COOKIE, "Europe/Berlin")
    also_in_berlin.set_cookie(COOKIE, "Europe/Berlin")
    assert shown_time(in_utc.get("/"))[0] == UTC_TIME  # drawn and kept for UTC
    assert shown_time(in_berlin.get("/"))[0] == BERLIN_TIME  # not UTC's kept copy
    statements.clear()
    assert shown_time(also_in_berlin.get("/"))[0] == BERLIN_TIME  # Berlin's kept copy
    assert len(statements) == 1  # the revision alone: it was kept
    assert shown_time(in_utc.get("/"))[0] == UTC_TIME


def test_members_in_different_zones_each_see_their_own_kept_comments(browser, dbsession, alice, bob, posted):
    alice.time_zone = "Asia/Tokyo"
    dbsession.flush()
    alices, bobs = browser(), browser()
    alices.login("alice", PASSWORD)
    bobs.login("bob", PASSWORD)
    for _ in range(2):  # drawn, then from the kept parts
        assert (shown_time(alices.get("/"))[0], shown_time(bobs.get("/"))[0]) == (TOKYO_TIME, UTC_TIME)


def test_a_public_page_tells_shared_caches_it_varies_with_the_cookie(testapp, posted):
    assert "Cookie" in testapp.get("/").headers["Vary"]
