"""Issue 14, line 4: ``/users/<name>``, a user's visible comments, newest first, keyset-paged,
one statement a page; 404 for an unknown name."""

from datetime import UTC, datetime

import pytest

from tests.support.factories import make_comment, make_reply, make_user

LONG_AGO = datetime(2026, 1, 1, tzinfo=UTC)


def shown_ids(page):
    return [int(article["id"].removeprefix("comment-")) for article in page.html.select("article.comment")]


@pytest.fixture
def comments(dbsession, alice):
    """Five of alice's comments (the last a reply to bob), two of bob's."""
    bob = make_user(dbsession, "bob")
    bobs = make_comment(dbsession, "Bob's", commenter=bob, posted_at=LONG_AGO)
    mine = [
        make_comment(dbsession, f"Alice {number}", commenter=alice, posted_at=LONG_AGO) for number in range(4)
    ]
    mine.append(make_reply(dbsession, bobs, "Alice answers", commenter=alice))
    make_comment(dbsession, "Bob's second", commenter=bob, posted_at=LONG_AGO)
    return mine


def test_a_users_page_lists_their_comments_newest_first_in_pages(app_with, browser, comments):
    small_pages = browser(app_with(page_size=2))
    pages = [small_pages.get("/users/alice")]
    while (older := pages[-1].html.find("a", rel="next")) is not None:
        pages.append(small_pages.get(older["href"]))
    assert [shown_ids(page) for page in pages] == [
        [comments[4].id, comments[3].id],
        [comments[2].id, comments[1].id],
        [comments[0].id],
    ]


def test_a_reply_says_what_it_answers(testapp, comments):
    article = testapp.get("/users/alice").html.find("article", id=f"comment-{comments[4].id}")
    assert article.find("a")["href"] == f"/comments/{comments[4].parent_id}"


def test_hidden_and_deleted_comments_are_not_listed(testapp, dbsession, comments):
    comments[0].hidden_at = LONG_AGO
    comments[1].deleted_at = LONG_AGO
    dbsession.flush()
    assert shown_ids(testapp.get("/users/alice")) == [comment.id for comment in reversed(comments[2:])]


def test_the_name_is_found_as_any_spelling_of_it(testapp, comments):
    assert len(shown_ids(testapp.get("/users/ALICE"))) == 5


def test_a_user_without_comments_has_a_page_that_says_so(testapp, dbsession):
    make_user(dbsession, "quiet")
    assert "quiet has no comments to show." in testapp.get("/users/quiet")


@pytest.mark.parametrize("path", ["/users/nobody", "/users/%3Cscript%3E", "/users/a/b"])
def test_an_unknown_name_is_a_404(testapp, comments, path):
    testapp.get(path, status=404)


def test_a_bad_page_parameter_is_a_400(testapp, comments):
    testapp.get("/users/alice?before=x", status=400)
