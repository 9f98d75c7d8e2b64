"""Issue 14, line 2: the anonymous page cache keeps working with threads, and a kept board
page is never stale after a reply, an edit of a reply, or a reply hidden."""

import pytest

from tests.support.factories import make_comment, make_reply, make_user

PASSWORD = "correct horse battery"


@pytest.fixture
def root(dbsession, alice):
    return make_comment(dbsession, "Root", commenter=alice)


def test_a_kept_board_page_is_served_again_with_one_statement(browser, root, statements):
    visitor = browser()
    first = visitor.get("/")
    statements.clear()
    again = visitor.get("/")
    assert (again.body, len(statements)) == (first.body, 1)


def test_a_reply_shows_at_once_on_the_kept_board_page(browser, logged_in, root):
    visitor = browser()
    assert "A fresh reply" not in visitor.get("/")
    form = next(
        f for f in logged_in.get(f"/comments/{root.id}/reply").forms.values() if "contents" in f.fields
    )
    form["contents"] = "A fresh reply"
    form.submit(status=303)
    assert "A fresh reply" in visitor.get("/")


def test_an_edited_reply_shows_at_once_on_the_kept_board_page(browser, logged_in, dbsession, alice, root):
    reply = make_reply(dbsession, root, "First words", commenter=alice)
    visitor = browser()
    assert "First words" in visitor.get("/")
    form = logged_in.get(f"/comments/{reply.id}/edit").forms["comment-form"]
    form["contents"] = "Second thoughts"
    response = form.submit(status=303)
    assert response.location == f"http://example.com/comments/{root.id}#comment-{reply.id}"
    page = visitor.get("/")
    assert ("Second thoughts" in page, "First words" in page) == (True, False)


def test_a_hidden_reply_is_hidden_at_once_on_the_kept_board_page(browser, testapp, dbsession, alice, root):
    reply = make_reply(dbsession, root, "Spam reply", commenter=alice)
    visitor = browser()
    assert "Spam reply" in visitor.get("/")
    make_user(dbsession, "root", PASSWORD, role="admin")
    testapp.login("root", PASSWORD)
    testapp.post(f"/comments/{reply.id}/hide", {"csrf_token": testapp.get_csrf_token()}, status=303)
    page = visitor.get("/")
    assert ("Spam reply" in page, "removed by a moderator" in page) == (False, True)
