"""Issue 14, line 5: a private Atom feed of a member's notifications at an address holding a
token (stored as its sha256), made and replaced on the account page: the old address ends
(404), as does a wrong one; no cookie is needed or set; no shared cache may keep it."""

import hashlib
import xml.etree.ElementTree as ET

import pytest
import sqlalchemy as sa

from scratchpad.models import NotificationFeed
from scratchpad.notifications.notify import notify_about
from tests.support.factories import PASSWORD, make_comment

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def mentioned(dbsession, alice, bob):
    comment = make_comment(dbsession, "Over to you, @bob <script>alert(1)</script>", commenter=alice)
    notify_about(dbsession, comment)
    return comment


def new_feed_address(browser):
    """Press the account page's button; the address the answer shows (once)."""
    page = browser.get("/account").forms["feed-address-form"].submit(status=200)
    return page.html.find("input", id="feed-url")["value"]


def test_the_feed_lists_the_members_notifications_without_a_cookie(testapp, browser, bob, mentioned):
    testapp.login("bob", PASSWORD)
    address = new_feed_address(testapp)
    reader = browser()
    response = reader.get(address)
    entries = ET.fromstring(response.body).findall(f"{ATOM}entry")
    assert (
        response.content_type,
        response.headers["Cache-Control"],
        "Set-Cookie" in response.headers,
        [entry.find(f"{ATOM}id").text for entry in entries],
        "<script>" in entries[0].find(f"{ATOM}content").text,
    ) == (
        "application/atom+xml",
        "private, no-cache",
        False,
        [f"http://example.com/comments/{mentioned.id}"],
        False,
    )


def test_only_the_tokens_hash_is_stored(testapp, dbsession, bob):
    testapp.login("bob", PASSWORD)
    token = new_feed_address(testapp).rsplit("/", 1)[1]
    dbsession.expire_all()
    stored = dbsession.scalar(
        sa.select(NotificationFeed.token_hash).where(NotificationFeed.user_id == bob.id)
    )
    assert (stored, token in stored) == (hashlib.sha256(token.encode()).hexdigest(), False)


def test_a_new_address_ends_the_old_one(testapp, browser, bob, mentioned):
    testapp.login("bob", PASSWORD)
    old = new_feed_address(testapp)
    account = testapp.get("/account")
    new = new_feed_address(testapp)
    reader = browser()
    assert (
        "New feed address (ends the old one)" in account,
        reader.get(old, status=404).status_int,
        reader.get(new).status_int,
    ) == (True, 404, 200)


def test_ending_the_address_ends_the_feed(testapp, browser, bob, mentioned):
    testapp.login("bob", PASSWORD)
    address = new_feed_address(testapp)
    testapp.get("/account").forms["feed-address-end-form"].submit(status=303)
    assert (
        browser().get(address, status=404).status_int,
        "You have no feed address." in testapp.get("/account"),
    ) == (
        404,
        True,
    )


@pytest.mark.parametrize("token", ["wrong", "x" * 43, "%00", "a" * 200])
def test_a_wrong_address_is_a_404(testapp, token):
    testapp.get(f"/notifications/feed/{token}", status=404)


def test_making_an_address_needs_the_csrf_token(testapp, dbsession, bob):
    testapp.login("bob", PASSWORD)
    testapp.post("/notifications/feed-address", status=400)
    testapp.post("/notifications/feed-address/end", status=400)
    dbsession.expire_all()
    assert dbsession.scalars(sa.select(NotificationFeed)).all() == []


def test_one_members_feed_holds_none_of_anothers_notifications(testapp, browser, alice, mentioned):
    testapp.login("alice", PASSWORD)
    address = new_feed_address(testapp)
    assert ET.fromstring(browser().get(address).body).findall(f"{ATOM}entry") == []


def test_the_access_log_never_shows_the_feed_token(testapp, browser, bob, caplog):
    """The address works like a password for the feed: the log shows it was read, never which."""
    caplog.set_level("INFO", logger="scratchpad.access")
    testapp.login("bob", PASSWORD)
    address = new_feed_address(testapp)
    browser().get(address)
    token = address.rsplit("/", 1)[1]
    assert ("GET /notifications/feed/... 200" in caplog.text, token in caplog.text) == (True, False)
