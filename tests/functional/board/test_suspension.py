"""A suspended member (accounts/suspension.py) logs in and reads, but cannot post, reply or edit
until the suspension ends: told why and until when where the form would be, and, when a form
loaded before the suspension is sent, refused with a 403 that gives the typed text back."""

from datetime import UTC, datetime, timedelta

import pytest

from scratchpad.models.types import utcnow
from tests.support.factories import PASSWORD, make_comment, make_user, stored_comment, stored_comments

UNTIL = datetime(2099, 3, 4, 5, 6, tzinfo=UTC)
TYPED = "Words I took <b>care</b> over & want back"


@pytest.fixture
def comment(dbsession, alice):
    """Alice's comment, a minute old: hers to edit."""
    return make_comment(
        dbsession, "My first words", commenter=alice, posted_at=utcnow() - timedelta(minutes=1)
    )


def suspend(dbsession, user, until=UNTIL):
    user.suspended_until = until
    dbsession.flush()


def refused_with_text_kept(response):
    """(the refusal names the end, the textarea holds the typed text)."""
    return (
        "suspended until Wednesday, 04 March 2099 at 05:06 UTC" in response.text,
        response.html.find("textarea", attrs={"name": "contents"}).text.lstrip("\n"),
    )


def test_a_suspended_member_can_log_in_and_read_but_sees_why_there_is_no_form(
    testapp, dbsession, alice, comment
):
    suspend(dbsession, alice)
    testapp.login("alice", PASSWORD)
    board = testapp.get("/")
    assert (
        board.html.find(id="comment-form"),
        "suspended until" in board.html.find(id="suspension-notice").text,
        "My first words" in board.text,
    ) == (None, True, True)


def test_no_reply_form_waits_in_a_suspended_members_pages(testapp, browser, dbsession, alice, comment):
    """With JavaScript, Reply opened the page's hidden reply form under the comment, with no
    word of the suspension until the reply was sent (and refused, its text kept). Without
    that form in the page, Reply leads to the reply page, which says so first; another
    member's pages keep it."""
    bob = make_user(dbsession, "bob", PASSWORD)
    suspend(dbsession, alice)
    testapp.login("alice", PASSWORD)
    pages = [testapp.get("/"), testapp.get(f"/comments/{comment.id}")]
    other = browser()
    other.login(bob.username, PASSWORD)
    assert (
        [page.html.find(id="reply-form-template") for page in pages],
        [
            other.get(path).html.find(id="reply-form-template") is not None
            for path in ("/", f"/comments/{comment.id}")
        ],
    ) == ([None, None], [True, True])


@pytest.mark.parametrize("path", ["/comments/{id}/reply", "/comments/{id}/edit"])
def test_the_reply_and_edit_pages_say_so_instead_of_a_form(logged_in, dbsession, alice, comment, path):
    suspend(dbsession, alice)
    page = logged_in.get(path.format(id=comment.id))
    assert (page.html.find("textarea"), page.html.find(id="suspension-notice") is not None) == (None, True)


def test_posting_is_refused_and_the_text_kept(logged_in, dbsession, alice):
    form = logged_in.get("/").forms["comment-form"]
    suspend(dbsession, alice)  # while the comment was being typed
    form["contents"] = TYPED
    response = form.submit(status=403)
    assert (refused_with_text_kept(response), stored_comments(dbsession)) == ((True, TYPED), [])


def test_replying_is_refused_and_the_text_kept(logged_in, dbsession, alice, comment):
    page = logged_in.get(f"/comments/{comment.id}/reply")
    form = next(form for form in page.forms.values() if "contents" in form.fields)
    suspend(dbsession, alice)
    form["contents"] = TYPED
    response = form.submit(status=403)
    assert (refused_with_text_kept(response), stored_comment(dbsession, comment.id).reply_count) == (
        (True, TYPED),
        0,
    )


def test_editing_is_refused_and_the_text_kept(logged_in, dbsession, alice, comment):
    form = logged_in.get(f"/comments/{comment.id}/edit").forms["comment-form"]
    suspend(dbsession, alice)
    form["contents"] = TYPED
    response = form.submit(status=403)
    assert (refused_with_text_kept(response), stored_comment(dbsession, comment.id).content) == (
        (True, TYPED),
        "My first words",
    )


def test_a_suspension_that_has_ended_stops_nothing(logged_in, dbsession, alice):
    suspend(dbsession, alice, utcnow() - timedelta(seconds=1))
    form = logged_in.get("/").forms["comment-form"]
    form["contents"] = "Back again"
    form.submit(status=303)
    assert [c.content for c in stored_comments(dbsession)] == ["Back again"]


def test_other_members_are_not_affected(testapp, dbsession, alice):
    suspend(dbsession, alice)
    make_user(dbsession, "bob")
    testapp.login("bob", PASSWORD)
    form = testapp.get("/").forms["comment-form"]
    form["contents"] = "Bob speaks"
    form.submit(status=303)
    assert [c.content for c in stored_comments(dbsession)] == ["Bob speaks"]
