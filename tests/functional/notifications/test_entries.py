"""Issue 17, line 1: the notifications page draws each entry once and keeps it under the row it
shows (notifications/entries.py): never stale, never another member's, the same page with
the cache off."""

import pytest
import sqlalchemy as sa

from scratchpad.models import Notification, User
from scratchpad.notifications import entries
from scratchpad.notifications.notify import notify_about
from tests.support.factories import PASSWORD, make_comment, make_user


@pytest.fixture
def mentioned(dbsession, alice, bob):
    """Three comments of alice's mentioning bob (and carol), bob and carol told of each."""
    make_user(dbsession, "carol")
    comments = [
        make_comment(dbsession, f"Number {number}, @bob and @carol", commenter=alice) for number in range(3)
    ]
    for comment in comments:
        notify_about(dbsession, comment)
    return comments


@pytest.fixture
def draws(monkeypatch):
    """How many entries each page drew through the template, in order."""
    counted = []
    drawn = entries.drawn

    def counting(request, rows, draw):
        counted.append(0)

        def draw_counted(row):
            counted[-1] += 1
            return draw(row)

        return drawn(request, rows, draw_counted)

    monkeypatch.setattr(entries, "drawn", counting)
    return counted


def shown(page):
    """The page's entries as drawn: their HTML, in order."""
    return [str(article) for article in page.html.select("article.notification")]


def notification_ids(dbsession, username):
    return dbsession.scalars(
        sa.select(Notification.id)
        .join(User, User.id == Notification.recipient_id)
        .where(User.username == username)
        .order_by(Notification.id.desc())
    ).all()


def test_each_entry_is_drawn_once_for_each_state_and_then_kept(testapp, mentioned, draws):
    testapp.login("bob", PASSWORD)
    first, second, third = (testapp.get("/notifications") for _ in range(3))
    # Shown as new, then as read (a row of its own), then the whole page kept for this
    # member (board/member_pages.py): no entry even looked up.
    assert (
        draws,
        [bool(article.select(".badge")) for article in first.html.select("article.notification")],
        shown(third) == shown(second),
        [bool(article.select(".badge")) for article in third.html.select("article.notification")],
    ) == ([3, 3], [True] * 3, True, [False] * 3)


def test_a_kept_entry_is_never_stale(testapp, dbsession, alice, mentioned):
    testapp.login("bob", PASSWORD)
    for _ in range(2):
        testapp.get("/notifications")
    mentioned[2].content = "Edited, @bob"
    alice.username = "alicia"
    dbsession.flush()
    newest = testapp.get("/notifications").html.select("article.notification")[0]
    assert (newest.find("strong").get_text(), newest.find(class_="comment-content").get_text().strip()) == (
        "alicia",
        "Edited, @bob",
    )


def test_a_member_never_gets_another_members_kept_entries(testapp, browser, dbsession, mentioned):
    testapp.login("bob", PASSWORD)
    for _ in range(2):
        bobs = testapp.get("/notifications")
    carol = browser()
    carol.login("carol", PASSWORD)
    for _ in range(2):
        carols = carol.get("/notifications")

    def ids(page):
        return [
            int(article["id"].removeprefix("notification-"))
            for article in page.html.select("article.notification")
        ]

    assert (ids(bobs), ids(carols)) == (
        notification_ids(dbsession, "bob"),
        notification_ids(dbsession, "carol"),
    )
    assert not set(ids(bobs)) & set(ids(carols))


def test_the_page_is_the_same_with_nothing_kept(app_with, browser, testapp, mentioned):
    testapp.login("bob", PASSWORD)
    testapp.get("/notifications")
    kept = testapp.get("/notifications")
    uncached = browser(app_with(fragment_cache_bytes=0))
    uncached.login("bob", PASSWORD)
    assert shown(uncached.get("/notifications")) == shown(kept)
