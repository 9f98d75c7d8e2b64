"""Every comment has an anchor and a URL: a root's is its thread's page (issue 14; it was a
redirect to the board page holding it), a reply's leads to the page of its thread holding it."""

from datetime import UTC, datetime
from urllib.parse import urlsplit

import pytest

from tests.support.factories import PASSWORD, make_comments, make_replies, make_user

LONG_AGO = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture
def comments(dbsession):
    """120 comments: pages of 50, 50 and 20."""
    return make_comments(dbsession, [f"Comment {number}" for number in range(120)], posted_at=LONG_AGO)


@pytest.fixture
def thread(dbsession, comments):
    """The newest comment with 120 replies: its thread's pages hold 50, 50 and 20."""
    root = comments[-1]
    return root, make_replies(
        dbsession, root, [f"Reply {number}" for number in range(120)], posted_at=LONG_AGO
    )


def follow_permalink(testapp, comment):
    response = testapp.get(f"/comments/{comment.id}", status=303)
    url = urlsplit(response.location)
    assert url.fragment == f"comment-{comment.id}"
    return url, testapp.get(f"{url.path}?{url.query}" if url.query else url.path)


@pytest.mark.parametrize("position", [0, 49, 50, 99, 100, 119])
def test_a_replys_permalink_leads_to_the_thread_page_holding_it(testapp, thread, position):
    root, replies = thread
    reply = replies[position]  # oldest first, as the thread shows them
    _url, page = follow_permalink(testapp, reply)
    assert page.html.find("article", id=f"comment-{reply.id}") is not None
    # The same pages "Later replies" leads through, not a page of its own.
    pages = [testapp.get(f"/comments/{root.id}")]
    while (later := pages[-1].html.find("a", rel="next")) is not None:
        pages.append(testapp.get(later["href"]))
    assert (len(pages), page.text) == (3, pages[position // 50].text)


def test_the_first_page_of_a_thread_is_the_roots_own_address(testapp, thread):
    root, replies = thread
    url, _ = follow_permalink(testapp, replies[0])
    assert (url.path, url.query) == (f"/comments/{root.id}", "")


@pytest.mark.parametrize("position", [0, 60, 119])
def test_a_roots_permalink_is_its_thread_page(testapp, comments, position):
    comment = comments[position]
    page = testapp.get(f"/comments/{comment.id}", status=200)
    assert (
        page.html.find("article", id=f"comment-{comment.id}")
        .find(class_="comment-content")
        .get_text(strip=True)
        == f"Comment {position}"
    )


def test_every_comment_on_the_board_links_to_itself(testapp, comments):
    page = testapp.get("/")
    links = [(a["href"], a.find_parent("article")["id"]) for a in page.html.select("a.comment-permalink")]
    assert links == [(f"/comments/{c.id}", f"comment-{c.id}") for c in reversed(comments[-50:])]


@pytest.mark.parametrize(
    "path", ["/comments/999999", "/comments/0", "/comments/abc", "/comments/-1", "/comments/"]
)
def test_an_unknown_comment_is_not_found(testapp, comments, path):
    testapp.get(path, status=404)


def test_a_hidden_comment_is_not_found_for_visitors_and_members(testapp, dbsession, comments):
    hidden = comments[10]
    hidden.hidden_at = LONG_AGO
    dbsession.flush()
    testapp.get(f"/comments/{hidden.id}", status=404)
    make_user(dbsession, "bob", PASSWORD)
    testapp.login("bob", PASSWORD)
    testapp.get(f"/comments/{hidden.id}", status=404)


def test_an_admin_can_still_follow_a_hidden_comments_link(testapp, dbsession, comments):
    hidden = comments[10]
    hidden.hidden_at = LONG_AGO
    dbsession.flush()
    make_user(dbsession, "root", PASSWORD, role="admin")
    testapp.login("root", PASSWORD)
    page = testapp.get(f"/comments/{hidden.id}", status=200)
    assert "Comment 10" in page.html.find("article", id=f"comment-{hidden.id}").get_text()


def test_a_deleted_comment_is_not_found(testapp, dbsession, comments):
    gone = comments[5]
    gone_id = gone.id
    dbsession.delete(gone)
    dbsession.flush()
    testapp.get(f"/comments/{gone_id}", status=404)
