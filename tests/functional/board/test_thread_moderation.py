"""Issue 14, line 3: hiding or deleting a comment that has replies keeps the replies readable
under a placeholder; ACLs, the moderation log, the feed and the API know about parents."""

import json
import xml.etree.ElementTree as ET
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from scratchpad.models import ModerationAction
from tests.support.factories import make_comment, make_reply, make_user, stored_comment, stored_user

PASSWORD = "correct horse battery"
LONG_AGO = datetime(2026, 1, 1, tzinfo=UTC)
THR = "{http://purl.org/syndication/thread/1.0}"
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def thread(dbsession, alice):
    bob = make_user(dbsession, "bob", PASSWORD)
    root = make_comment(dbsession, "Root text", commenter=alice)
    reply = make_reply(dbsession, root, "Bob answers", commenter=bob)
    return root, reply


@pytest.fixture
def as_admin(testapp, dbsession):
    make_user(dbsession, "root", PASSWORD, role="admin")
    testapp.login("root", PASSWORD)
    return testapp


def thread_text(testapp, root_id):
    return " ".join(
        testapp.get(f"/comments/{root_id}").html.find("section", class_="thread").get_text().split()
    )


def test_the_author_deleting_a_comment_with_replies_leaves_a_placeholder(
    logged_in, dbsession, thread, browser
):
    root, _reply = thread
    logged_in.get(f"/comments/{root.id}/delete").forms["delete-form"].submit(status=303)
    kept = stored_comment(dbsession, root.id)
    assert (kept.content, kept.deleted_by) == ("", "author")
    text = thread_text(browser(), root.id)
    assert "This comment was deleted by its author." in text
    assert "Bob answers" in text
    assert "Root text" not in text


def test_a_moderator_deleting_a_comment_with_replies_leaves_removed_by_a_moderator(
    as_admin, dbsession, thread, browser
):
    root, _reply = thread
    as_admin.get(f"/comments/{root.id}/delete").forms["delete-form"].submit(status=303)
    text = thread_text(browser(), root.id)
    assert "This comment was removed by a moderator." in text
    assert "Bob answers" in text
    assert "Root text" not in text
    # The log kept what was removed, as it always did.
    (entry,) = dbsession.scalars(sa.select(ModerationAction)).all()
    assert (entry.action, entry.comment_id, entry.comment_excerpt) == ("delete", root.id, "Root text")


def test_hiding_a_comment_with_replies_keeps_them_readable_on_the_board(as_admin, thread, browser):
    root, reply = thread
    as_admin.post(f"/comments/{root.id}/hide", {"csrf_token": as_admin.get_csrf_token()}, status=303)
    board = browser().get("/")
    assert board.html.find("article", id=f"comment-{root.id}").find(class_="comment-removed") is not None
    assert "Bob answers" in board.html.find("article", id=f"comment-{reply.id}").get_text()
    # A hidden root with replies still has its thread page, for everyone.
    assert "Bob answers" in thread_text(browser(), root.id)


def test_deleting_a_reply_without_replies_removes_it_and_counts_down(logged_in, dbsession, alice, thread):
    root, _ = thread
    mine = make_reply(dbsession, root, "Mine", commenter=alice)
    logged_in.get(f"/comments/{mine.id}/delete").forms["delete-form"].submit(status=303)
    assert (stored_comment(dbsession, mine.id), stored_comment(dbsession, root.id).reply_count) == (None, 1)


def test_a_placeholder_cannot_be_edited_hidden_or_deleted_again(logged_in, dbsession, thread):
    root, _ = thread
    root.content, root.deleted_at, root.deleted_by = "", LONG_AGO, "author"
    dbsession.flush()
    logged_in.get(f"/comments/{root.id}/edit", status=403)
    logged_in.get(f"/comments/{root.id}/delete", status=403)
    assert (
        logged_in.get(f"/comments/{root.id}")
        .html.find("article", id=f"comment-{root.id}")
        .find(class_="comment-actions")
        is None
    )


def test_the_moderation_log_links_a_reply_to_its_parent(as_admin, dbsession, thread):
    root, reply = thread
    as_admin.post(f"/comments/{reply.id}/hide", {"csrf_token": as_admin.get_csrf_token()}, status=303)
    (entry,) = dbsession.scalars(sa.select(ModerationAction)).all()
    assert entry.comment_parent_id == root.id
    log = as_admin.get("/admin/moderation")
    assert (
        log.html.find("a", href=f"/comments/{root.id}", string=lambda s: s and "in reply to" in s) is not None
    )


def test_the_api_gives_each_comment_its_parent_and_leaves_placeholders_out(testapp, dbsession, thread):
    root, reply = thread
    gone = make_comment(dbsession, "Gone", posted_at=LONG_AGO)
    make_reply(dbsession, gone, "Under a placeholder")
    gone.content, gone.deleted_at, gone.deleted_by = "", LONG_AGO, "author"
    dbsession.flush()
    comments = json.loads(testapp.get("/api/comments").body)["comments"]
    parents = {c["id"]: c["parent_id"] for c in comments}
    assert (parents[root.id], parents[reply.id], gone.id in parents) == (None, root.id, False)


def test_the_feed_marks_replies_with_thr_in_reply_to(testapp, thread):
    root, reply = thread
    feed = ET.fromstring(testapp.get("/feed.atom").body)
    entries = {entry.find(f"{ATOM}id").text: entry for entry in feed.iter(f"{ATOM}entry")}
    parent_url = f"http://example.com/comments/{root.id}"
    in_reply_to = entries[f"http://example.com/comments/{reply.id}"].findall(f"{THR}in-reply-to")
    assert [(e.get("ref"), e.get("href")) for e in in_reply_to] == [(parent_url, parent_url)]
    assert entries[parent_url].findall(f"{THR}in-reply-to") == []


def hide(as_admin, comment_id):
    as_admin.post(f"/comments/{comment_id}/hide", {"csrf_token": as_admin.get_csrf_token()}, status=303)


def readers(browser):
    """A visitor and a member (bob), each on a browser of their own."""
    member = browser()
    member.login("bob", PASSWORD)
    return {"visitor": browser(), "member": member}


def test_a_hidden_reply_with_answers_leads_to_its_placeholder_in_the_thread(
    as_admin, dbsession, alice, thread, browser
):
    root, reply = thread
    answer = make_reply(dbsession, reply, "Alice answers Bob", commenter=alice)
    hide(as_admin, reply.id)
    for name, reader in readers(browser).items():
        moved = reader.get(f"/comments/{reply.id}", status=303)
        assert moved.location.endswith(f"/comments/{root.id}#comment-{reply.id}"), name
        entry = moved.follow().html.find("article", id=f"comment-{reply.id}")
        assert entry.find(class_="comment-removed") is not None, name
        assert "Alice answers Bob" in thread_text(reader, root.id), name
        assert "Bob answers" not in entry.get_text(), name
    assert reader.get(f"/comments/{answer.id}", status=303).location.endswith(f"#comment-{answer.id}")


@pytest.mark.parametrize("removal", ["hidden", "deleted by its author"])
def test_a_removed_root_whose_replies_are_all_hidden_is_a_404_but_for_moderators(
    as_admin, dbsession, thread, browser, removal
):
    root, reply = thread
    if removal == "hidden":
        hide(as_admin, root.id)
    else:
        author = browser()
        author.login("alice", PASSWORD)
        author.get(f"/comments/{root.id}/delete").forms["delete-form"].submit(status=303)
    for name, reader in readers(browser).items():
        assert "Bob answers" in thread_text(reader, root.id), name  # under the placeholder
    hide(as_admin, reply.id)
    for reader in readers(browser).values():
        reader.get(f"/comments/{root.id}", status=404)
        reader.get(f"/comments/{reply.id}", status=404)
    assert "Bob answers" in thread_text(as_admin, root.id)


def test_no_link_on_the_board_leads_a_reader_to_a_404(as_admin, dbsession, thread, browser):
    """A removed comment is a placeholder on the board; its own page is a 404 to a visitor or
    member when nothing under it is in sight, so the placeholder does not link to it (the
    "#id" permalink did, on every comment hidden without replies). A moderator keeps it."""
    _, reply = thread
    lone = make_comment(dbsession, "Alone")
    answered = make_comment(dbsession, "Answered, then hidden")
    make_reply(dbsession, answered, "Still here", commenter=stored_user(dbsession, "bob"))
    for comment in (lone, answered, reply):
        hide(as_admin, comment.id)
    for name, reader in readers(browser).items():
        page = reader.get("/")
        links = {a["href"] for a in page.html.select("main a[href^='/comments/']")}
        assert links, name
        answers = {href: reader.get(href, expect_errors=True).status_int for href in sorted(links)}
        assert [href for href, status in answers.items() if status == 404] == [], (name, answers)
        assert f"/comments/{lone.id}" not in links, name
    moderated = {a["href"] for a in as_admin.get("/").html.select("a.comment-permalink")}
    assert {f"/comments/{lone.id}", f"/comments/{reply.id}"} <= moderated
    as_admin.get(f"/comments/{lone.id}", status=200)


def test_all_replies_links_only_to_a_thread_with_something_in_sight(as_admin, dbsession, thread, browser):
    """A removed root with more replies than the board shows (3 here) ends in "All N
    replies" only while its thread page shows the reader a text: with every reply removed
    that page is a 404 to a visitor or member, and the link would lead there."""
    root, reply = thread
    bob = stored_user(dbsession, "bob")
    later = [make_reply(dbsession, root, f"Later {n}", commenter=bob) for n in range(3)]
    for comment in (root, reply, *later[:2]):
        hide(as_admin, comment.id)
    more = f".thread-more a[href='/comments/{root.id}']"
    for name, reader in readers(browser).items():
        # The one reply in sight is past the board's three: the link leads to it.
        assert len(reader.get("/").html.select(more)) == 1, name
        assert "Later 2" in thread_text(reader, root.id), name
    hide(as_admin, later[2].id)  # every comment of the thread removed now
    for name, reader in readers(browser).items():
        page = reader.get("/")
        assert page.html.select(more) == [], name
        links = {a["href"] for a in page.html.select("main a[href^='/comments/']")}
        answers = {href: reader.get(href, expect_errors=True).status_int for href in sorted(links)}
        assert [href for href, status in answers.items() if status == 404] == [], (name, answers)
        reader.get(f"/comments/{root.id}", status=404)
    assert len(as_admin.get("/").html.select(more)) == 1
    assert "Later 2" in thread_text(as_admin, root.id)


def test_a_hidden_comment_without_replies_is_a_404_but_for_moderators(as_admin, dbsession, thread, browser):
    root, reply = thread
    lone = make_comment(dbsession, "Alone")
    hide(as_admin, lone.id)
    hide(as_admin, reply.id)
    for name, reader in readers(browser).items():
        reader.get(f"/comments/{lone.id}", status=404)
        reader.get(f"/comments/{reply.id}", status=404)
        assert "Root text" in thread_text(reader, root.id), name
    assert "Alone" in thread_text(as_admin, lone.id)


def test_a_members_own_waiting_reply_keeps_a_hidden_roots_thread_open_to_them(
    as_admin, dbsession, thread, browser
):
    root, reply = thread
    hide(as_admin, reply.id)
    hide(as_admin, root.id)
    waiting = make_reply(dbsession, root, "Bob waits", commenter=stored_user(dbsession, "bob"))
    waiting.waiting_since = LONG_AGO
    dbsession.flush()
    reader = readers(browser)
    assert "Bob waits" in thread_text(reader["member"], root.id)
    reader["visitor"].get(f"/comments/{root.id}", status=404)
