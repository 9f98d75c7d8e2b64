"""Issue 14, line 5: a member is told when someone replies to them or mentions them, on
``/notifications`` (newest first, keyset-paged, read when shown, "mark all read") and in the
navbar's unread count; never about their own comments; hidden and deleted comments stop
counting."""

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from scratchpad.models import Notification
from scratchpad.notifications.notify import notify_about
from tests.support.factories import PASSWORD, make_comment, make_reply, make_user, stored_comment
from tests.support.html_safety import page_problems

LONG_AGO = datetime(2026, 1, 1, tzinfo=UTC)


def notifications_of(dbsession, user):
    dbsession.expire_all()
    return dbsession.execute(
        sa.select(Notification.kind, Notification.comment_id, Notification.read_at.is_not(None))
        .where(Notification.recipient_id == user.id)
        .order_by(Notification.id)
    ).all()


def post(browser, text):
    form = browser.get("/").forms["comment-form"]
    form["contents"] = text
    form.submit(status=303)


def reply(browser, comment_id, text):
    page = browser.get(f"/comments/{comment_id}/reply")
    form = next(form for form in page.forms.values() if "contents" in form.fields)
    form["contents"] = text
    return form.submit(status=303)


def navbar_count(page):
    link = page.html.find("a", id="notifications-link")
    badge = link.find(class_="badge")
    return None if badge is None else badge.get_text(" ", strip=True)


def latest_comment_id(dbsession):
    dbsession.expire_all()
    return dbsession.scalar(sa.select(sa.func.max(sa.text("id"))).select_from(sa.text("comments")))


def test_a_reply_tells_the_author_of_the_comment_answered(logged_in, dbsession, bob):
    root = make_comment(dbsession, "Bob's question", commenter=bob, posted_at=LONG_AGO)
    reply(logged_in, root.id, "Alice's answer")
    assert notifications_of(dbsession, bob) == [("reply", latest_comment_id(dbsession), False)]


def test_a_mention_tells_the_user_mentioned(logged_in, dbsession, bob):
    post(logged_in, "What does @bob think?")
    assert notifications_of(dbsession, bob) == [("mention", latest_comment_id(dbsession), False)]


def test_a_reply_that_also_mentions_its_parents_author_tells_them_once(logged_in, dbsession, bob):
    root = make_comment(dbsession, "Bob's question", commenter=bob, posted_at=LONG_AGO)
    reply(logged_in, root.id, "@bob: here you go, @Bob")
    assert notifications_of(dbsession, bob) == [("reply", latest_comment_id(dbsession), False)]


def test_nobody_is_told_about_their_own_replies_or_mentions(logged_in, dbsession, alice):
    root = make_comment(dbsession, "My own question", commenter=alice, posted_at=LONG_AGO)
    reply(logged_in, root.id, "Answering myself, @alice")
    post(logged_in, "Me again: @alice")
    assert notifications_of(dbsession, alice) == []


def test_a_mention_in_code_or_an_email_address_tells_nobody(logged_in, dbsession, bob):
    post(logged_in, "Write `@bob` or mail bob@bob.example, or ask alice@bob")
    assert notifications_of(dbsession, bob) == []


def test_an_edit_that_adds_a_mention_tells_the_newly_mentioned_only(logged_in, dbsession, bob):
    carol = make_user(dbsession, "carol")
    post(logged_in, "Hello @carol")
    comment_id = latest_comment_id(dbsession)
    page = logged_in.get(f"/comments/{comment_id}/edit")
    form = next(form for form in page.forms.values() if "contents" in form.fields)
    form["contents"] = "Hello @carol and @bob"
    form.submit(status=303)
    assert (notifications_of(dbsession, carol), notifications_of(dbsession, bob)) == (
        [("mention", comment_id, False)],
        [("mention", comment_id, False)],
    )


def test_the_page_lists_newest_first_links_to_the_comment_and_marks_shown_ones_read(
    testapp, dbsession, alice, bob
):
    first = make_comment(dbsession, "First, @bob", commenter=alice)
    second = make_comment(dbsession, "Second, @bob", commenter=alice)
    notify_about(dbsession, first)
    notify_about(dbsession, second)
    testapp.login("bob", PASSWORD)
    board = testapp.get("/")
    page = testapp.get("/notifications")
    entries = page.html.select("article.notification")
    assert (
        navbar_count(board),
        [entry.find("a", href=True, class_="small")["href"] for entry in entries],
        [bool(entry.select(".badge")) for entry in entries],
        navbar_count(page),
        [read for _, _, read in notifications_of(dbsession, bob)],
        navbar_count(testapp.get("/")),
        page_problems(page.text),
    ) == (
        "2 unread",
        [f"/comments/{second.id}", f"/comments/{first.id}"],
        [True, True],
        None,
        [True, True],
        None,
        [],
    )


@pytest.fixture
def told(dbsession, alice, bob):
    """Bob is told of three comments of alice's: two mentions and a reply to his comment."""
    question = make_comment(dbsession, "Bob asks", commenter=bob, posted_at=LONG_AGO)
    comments = [make_comment(dbsession, f"Number {number}, @bob", commenter=alice) for number in range(2)]
    comments.append(make_reply(dbsession, question, "Alice answers", commenter=alice))
    for comment in comments:
        notify_about(dbsession, comment)
    return comments


def test_hiding_a_comment_takes_its_notification_off_the_page_and_the_count(browser, dbsession, told):
    make_user(dbsession, "moderator", role="admin")
    moderator, reader = browser(), browser()
    moderator.login("moderator", PASSWORD)
    reader.login("bob", PASSWORD)
    before_hiding = navbar_count(reader.get("/"))
    moderator.post(f"/comments/{told[0].id}/hide", {"csrf_token": moderator.get_csrf_token()}, status=303)
    count = navbar_count(reader.get("/"))
    shown = reader.get("/notifications").html.select("article.notification")
    assert before_hiding == "3 unread"
    assert (count, len(shown), stored_comment(dbsession, told[0].id).is_hidden) == ("2 unread", 2, True)


def test_a_deleted_comment_stops_notifying(testapp, dbsession, told):
    told[1].deleted_at = LONG_AGO
    dbsession.flush()
    testapp.login("bob", PASSWORD)
    page = testapp.get("/notifications")
    assert (navbar_count(page), len(page.html.select("article.notification"))) == (None, 2)


def test_mark_all_read_needs_the_csrf_token_and_marks_every_one(testapp, dbsession, bob, told):
    testapp.login("bob", PASSWORD)
    testapp.post("/notifications/read", status=400)
    unread_after_forgery = [read for _, _, read in notifications_of(dbsession, bob)]
    response = testapp.post("/notifications/read", {"csrf_token": testapp.get_csrf_token()}, status=303)
    assert (
        unread_after_forgery,
        [read for _, _, read in notifications_of(dbsession, bob)],
        "3 notifications marked read." in response.follow(),
    ) == ([False, False, False], [True, True, True], True)


def test_the_mark_all_read_form_on_the_page_works(testapp, dbsession, bob, told):
    testapp.login("bob", PASSWORD)
    page = testapp.get("/notifications?before=999999999")  # a page that shows (and marks) none
    page.forms["read-all-form"].submit(status=303)
    assert [read for _, _, read in notifications_of(dbsession, bob)] == [True, True, True]


def test_pages_are_keyset_paged_newest_first(app_with, browser, dbsession, bob, told):
    small_pages = browser(app_with(page_size=2))
    small_pages.login("bob", PASSWORD)
    first = small_pages.get("/notifications")
    older = small_pages.get(first.html.find("a", rel="next")["href"])

    def ids(page):
        return [link["href"] for link in page.html.select("article.notification a.small")]

    assert (ids(first), ids(older), older.html.find("a", rel="next")) == (
        [f"/comments/{told[2].id}", f"/comments/{told[1].id}"],
        [f"/comments/{told[0].id}"],
        None,
    )


def test_a_bad_page_parameter_is_a_400(logged_in):
    logged_in.get("/notifications?before=abc", status=400)


def test_visitors_are_sent_to_log_in(testapp):
    response = testapp.get("/notifications", status=303)
    assert "/login/" in response.location


def test_a_user_sees_only_their_own_notifications(logged_in, told):
    assert logged_in.get("/notifications").html.select("article.notification") == []


def test_a_comment_tells_at_most_twenty_of_the_users_it_mentions_the_first_named(logged_in, dbsession):
    users = [make_user(dbsession, f"user{number:02d}") for number in range(25)]
    post(logged_in, " ".join(f"@{user.username}" for user in reversed(users)))
    told = [user.username for user in users if notifications_of(dbsession, user)]
    assert told == [f"user{number:02d}" for number in range(5, 25)]


def test_a_comment_its_author_deletes_takes_its_notification_with_it(logged_in, dbsession, bob):
    post(logged_in, "Oops, @bob")
    comment_id = latest_comment_id(dbsession)
    page = logged_in.get(f"/comments/{comment_id}/delete")
    next(form for form in page.forms.values() if form.action.endswith("/delete")).submit(status=303)
    assert (stored_comment(dbsession, comment_id), notifications_of(dbsession, bob)) == (None, [])


def test_mark_all_read_counts_and_marks_only_what_the_list_shows(browser, dbsession, alice, bob):
    """A reply its author deleted once it was answered stays as a placeholder, and so does the
    notification about it: the list and the navbar leave it out, and so does "Mark all read"
    (it said "1 notification marked read." on an empty list)."""
    carol = make_user(dbsession, "carol")
    question = make_comment(dbsession, "Alice asks", commenter=alice, posted_at=LONG_AGO)
    answer = make_reply(dbsession, question, "Bob answers", commenter=bob)
    notify_about(dbsession, answer)
    make_reply(dbsession, answer, "Carol answers bob", commenter=carol)
    author = browser()
    author.login("bob", PASSWORD)
    author.post(f"/comments/{answer.id}/delete", {"csrf_token": author.get_csrf_token()}, status=303)
    reader = browser()
    reader.login("alice", PASSWORD)
    page = reader.get("/notifications")
    marked = reader.post("/notifications/read", {"csrf_token": reader.get_csrf_token()}, status=303).follow()
    assert (
        stored_comment(dbsession, answer.id).is_deleted,
        navbar_count(page),
        "No notifications." in page.text,
        "Nothing was unread." in marked.text,
        notifications_of(dbsession, alice),
    ) == (True, None, True, True, [("reply", answer.id, False)])
