"""Issue 14, line 1: the reply form at /comments/<id>/reply works without JavaScript: CSRF,
the posting limits, the text kept on error, and no answering a hidden or deleted comment."""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from scratchpad.board.comments import REPEAT_WINDOW
from scratchpad.models import Comment
from scratchpad.models.comment import MAX_CONTENT_LENGTH
from tests.support.factories import make_comment, make_reply, make_user, stored_comment
from tests.support.html_safety import page_problems
from tests.support.xss_vectors import HTML_VECTORS

PASSWORD = "correct horse battery"
LONG_AGO = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture
def root(dbsession, alice):
    return make_comment(dbsession, "What do you think?", commenter=alice, posted_at=LONG_AGO)


def reply_form(testapp, comment_id):
    page = testapp.get(f"/comments/{comment_id}/reply")
    return next(form for form in page.forms.values() if "contents" in form.fields)


def replies_to(dbsession, comment_id):
    dbsession.expire_all()
    return dbsession.scalars(
        sa.select(Comment).where(Comment.parent_id == comment_id).order_by(Comment.id)
    ).all()


def test_a_member_replies_without_javascript(logged_in, dbsession, root):
    form = reply_form(logged_in, root.id)
    form["contents"] = "I *agree*."
    response = form.submit(status=303)
    (reply,) = replies_to(dbsession, root.id)
    assert response.location == f"http://example.com/comments/{root.id}#comment-{reply.id}"
    thread = response.follow()
    article = thread.html.find("article", id=f"comment-{reply.id}")
    assert (reply.thread_id, article.find(class_="comment-content").decode_contents().strip()) == (
        root.id,
        "<p>I <em>agree</em>.</p>",
    )
    assert stored_comment(dbsession, root.id).reply_count == 1
    assert "Your reply was posted." in thread


def test_the_board_links_each_comment_to_its_reply_form(logged_in, root):
    link = (
        logged_in.get("/")
        .html.find("article", id=f"comment-{root.id}")
        .find("a", class_="comment-reply-link")
    )
    assert link["href"] == f"/comments/{root.id}/reply"


def test_visitors_see_no_reply_link_and_are_sent_to_log_in(testapp, root):
    assert testapp.get("/").html.find("a", class_="comment-reply-link") is None
    response = testapp.get(f"/comments/{root.id}/reply", status=303)
    assert "/login/" in response.location


def test_a_reply_without_the_csrf_token_is_refused_and_stores_nothing(logged_in, dbsession, root):
    logged_in.post(f"/comments/{root.id}/reply", {"contents": "Forged"}, status=400)
    assert replies_to(dbsession, root.id) == []


@pytest.mark.parametrize(
    "text, message",
    [("   ", "Please write something"), ("x" * (MAX_CONTENT_LENGTH + 1), "at most 4,096 characters")],
)
def test_a_bad_reply_keeps_the_text_and_says_why(logged_in, dbsession, root, text, message):
    form = reply_form(logged_in, root.id)
    form["contents"] = text
    page = form.submit(status=400)
    assert message in page.html.find(id="contents-error").get_text()
    assert page.html.find("textarea", id="contents").get_text().removeprefix("\n") == text
    assert replies_to(dbsession, root.id) == []


def test_replies_count_against_the_posting_limit(app_with, browser, dbsession, alice, root):
    member = browser(app_with(posts_per_minute=2))
    member.login("alice", PASSWORD)
    for number in range(2):
        form = reply_form(member, root.id)
        form["contents"] = f"Reply {number}"
        form.submit(status=303)
    form = reply_form(member, root.id)
    form["contents"] = "One too many"
    page = form.submit(status=429)
    assert "You have posted 2 comments in the last minute" in page
    assert page.html.find("textarea", id="contents").get_text().strip() == "One too many"
    assert len(replies_to(dbsession, root.id)) == 2


def test_the_same_submission_twice_stores_one_reply(logged_in, dbsession, root):
    form = reply_form(logged_in, root.id)
    form["contents"] = "Once"
    form.submit(status=303)
    form.submit(status=303)
    assert [reply.content for reply in replies_to(dbsession, root.id)] == ["Once"]
    assert stored_comment(dbsession, root.id).reply_count == 1


def test_one_reply_form_sent_again_with_other_text_stores_the_first(logged_in, dbsession, root):
    """Where ``repeat_of`` cannot tell (the text changed, or two sends at once), the form's
    submission id does: the second INSERT is refused, and the answer leads to the thread."""
    form = reply_form(logged_in, root.id)
    form["contents"] = "First words"
    form.submit(status=303)
    form["contents"] = "Second thoughts"
    again = form.submit(status=303)
    assert ([reply.content for reply in replies_to(dbsession, root.id)], again.location) == (
        ["First words"],
        f"http://example.com/comments/{root.id}",
    )


def test_back_then_post_again_stores_one_reply(logged_in, dbsession, root):
    """Back after posting fetches the form anew (a new submission id) and the browser puts the
    text back: posting it again stored the reply twice. It is the same reply now, within
    ``REPEAT_WINDOW``; a different text, or the same under another comment, is a new one."""
    for text in ("Once", "Once", "Twice"):
        form = reply_form(logged_in, root.id)  # a new page, a new submission id, each time
        form["contents"] = text
        landed = form.submit(status=303)
    other = make_comment(
        dbsession, "Another question", commenter=stored_comment(dbsession, root.id).commenter
    )
    form = reply_form(logged_in, other.id)
    form["contents"] = "Twice"
    form.submit(status=303)
    replies = replies_to(dbsession, root.id)
    assert (
        [reply.content for reply in replies],
        stored_comment(dbsession, root.id).reply_count,
        [reply.content for reply in replies_to(dbsession, other.id)],
        landed.location.split("#")[1],
    ) == (["Once", "Twice"], 2, ["Twice"], f"comment-{replies[1].id}")


def test_the_same_reply_sent_again_later_is_a_new_reply(logged_in, dbsession, root):
    form = reply_form(logged_in, root.id)
    form["contents"] = "Again"
    form.submit(status=303)
    (first,) = replies_to(dbsession, root.id)
    first.posted_at = first.posted_at - REPEAT_WINDOW - timedelta(seconds=1)
    dbsession.flush()
    form = reply_form(logged_in, root.id)
    form["contents"] = "Again"
    form.submit(status=303)
    assert [reply.content for reply in replies_to(dbsession, root.id)] == ["Again", "Again"]


@pytest.mark.parametrize("state", ["hidden", "deleted"])
def test_a_hidden_or_deleted_comment_cannot_be_answered(logged_in, dbsession, alice, root, state):
    form = reply_form(logged_in, root.id)
    form["contents"] = "Too late"
    make_reply(dbsession, root, "Keeps it as a placeholder", commenter=alice)
    root.hidden_at = LONG_AGO
    if state == "deleted":
        root.hidden_at, root.deleted_at, root.deleted_by = None, LONG_AGO, "author"
    dbsession.flush()
    page = form.submit(status=409)
    assert "can no longer be answered" in page.html.find(id="contents-error").get_text()
    assert page.html.find("textarea", id="contents").get_text().strip() == "Too late"
    assert len(replies_to(dbsession, root.id)) == 1
    assert "can no longer be answered" in logged_in.get(f"/comments/{root.id}/reply", status=409)


def test_a_reply_to_a_comment_deleted_meanwhile_gives_the_text_back(logged_in, dbsession, root):
    form = reply_form(logged_in, root.id)
    form["contents"] = "Lost?"
    dbsession.delete(root)
    dbsession.flush()
    page = form.submit(status=404)
    assert "no longer exists" in page
    assert page.html.find("textarea", id="contents").get_text().strip() == "Lost?"


def test_a_reply_to_the_deepest_level_attaches_there(logged_in, dbsession, alice, root):
    deepest = make_reply(dbsession, make_reply(dbsession, make_reply(dbsession, root, "1"), "2"), "3")
    form = reply_form(logged_in, deepest.id)
    form["contents"] = "Four?"
    form.submit(status=303)
    (reply,) = replies_to(dbsession, deepest.id)
    page = logged_in.get(f"/comments/{root.id}")
    article = page.html.find("article", id=f"comment-{reply.id}")
    assert "comment-depth-3" in article["class"]
    assert article.find(class_="comment-answers").a["href"] == f"/comments/{deepest.id}"


@pytest.mark.parametrize("vector", HTML_VECTORS[::4])
def test_xss_in_reply_text_and_in_the_in_reply_to_name_stays_text(testapp, dbsession, vector):
    author = make_user(dbsession, vector[:40] or "x", PASSWORD)
    deepest = make_reply(
        dbsession,
        make_reply(
            dbsession, make_reply(dbsession, make_comment(dbsession, "Root", posted_at=LONG_AGO), "1"), "2"
        ),
        vector,
        commenter=author,
    )
    make_reply(dbsession, deepest, vector, commenter=author)
    page = testapp.get(f"/comments/{deepest.thread_id}")
    assert page_problems(page.text) == []
    assert f"@{author.username}" in [a.get_text() for a in page.html.select(".comment-answers a")]
