"""Issue 17, line 1: a member's notifications page kept for them (board/kept_pages.py), under
the board's revision and their unread count: a visit with nothing new costs one statement,
and never shows a stale entry, a wrong count, or anyone else's page."""

import pytest

from scratchpad.models import Comment
from scratchpad.models.types import utcnow
from scratchpad.notifications.notify import notify_about
from tests.support.factories import PASSWORD, make_comment, make_user


@pytest.fixture
def mentioned(dbsession, alice, bob):
    """Two comments of alice's mentioning bob and carol, both told."""
    make_user(dbsession, "carol")
    comments = [make_comment(dbsession, f"Number {n}, @bob and @carol", commenter=alice) for n in range(2)]
    for comment in comments:
        notify_about(dbsession, comment)
    return comments


def member(browser, username):
    logged_in = browser()
    logged_in.login(username, PASSWORD).follow()
    return logged_in


def entries(page):
    return [" ".join(article.get_text().split()) for article in page.html.select("article.notification")]


def unread_badge(page):
    badge = page.html.select_one("#notifications-link .badge")
    return None if badge is None else badge.get_text()


def test_a_visit_with_nothing_new_costs_one_statement(browser, mentioned, statements):
    bob = member(browser, "bob")
    bob.get("/notifications")  # marks both read
    bob.get("/notifications")  # drawn as read, kept
    statements.clear()
    page = bob.get("/notifications")
    assert (len(statements), len(entries(page)), page.html.select(".notification-unread")) == (1, 2, [])


def test_the_first_visit_shows_new_entries_and_the_lowered_count_and_is_not_kept(browser, mentioned):
    bob = member(browser, "bob")
    first = bob.get("/notifications")
    second = bob.get("/notifications")
    assert (
        len(first.html.select(".notification-unread")),
        unread_badge(first),
        len(second.html.select(".notification-unread")),
        unread_badge(second),
    ) == (2, None, 0, None)


def test_a_new_notification_shows_at_once(browser, dbsession, alice, mentioned):
    bob = member(browser, "bob")
    bob.get("/notifications")
    bob.get("/notifications")
    notify_about(dbsession, make_comment(dbsession, "Later, @bob", commenter=alice))
    page = bob.get("/notifications")
    assert (
        len(entries(page)),
        "Later, @bob" in entries(page)[0],
        len(page.html.select(".notification-unread")),
    ) == (
        3,
        True,
        1,
    )


def test_a_hidden_comment_leaves_the_kept_page_at_once(browser, dbsession, mentioned):
    bob = member(browser, "bob")
    bob.get("/notifications")
    bob.get("/notifications")
    dbsession.get(Comment, mentioned[0].id).hidden_at = utcnow()
    dbsession.flush()
    assert len(entries(bob.get("/notifications"))) == 1


def test_a_member_never_gets_anothers_kept_page(browser, mentioned):
    bob = member(browser, "bob")
    bob.get("/notifications")
    bob_page = bob.get("/notifications")
    carol = member(browser, "carol")
    carol.get("/notifications")
    carol_page = carol.get("/notifications")
    assert (
        carol_page.html.select_one(".navbar-text strong").get_text(),
        "@carol" in carol_page.text,
        carol_page.forms["read-all-form"]["csrf_token"].value
        == carol.get("/account").html.select_one('input[name="csrf_token"]')["value"],
        carol_page.forms["read-all-form"]["csrf_token"].value
        == bob_page.forms["read-all-form"]["csrf_token"].value,
    ) == ("carol", True, True, False)


def test_an_admins_notifications_page_is_drawn_each_time(browser, dbsession, admin, alice, statements):
    notify_about(dbsession, make_comment(dbsession, "Hello @root", commenter=alice))
    root = member(browser, "root")
    root.get("/notifications")
    statements.clear()
    root.get("/notifications")
    # The admin (with the inbox's counts), the page of notifications: nothing kept.
    assert len(statements) == 2
