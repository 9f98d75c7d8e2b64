"""Issue 14, lines 1 and 2: the board pages through threads; replies sit under their parent,
indented up to scratchpad.reply_depth; a thread's page holds it all, keyset-paged."""

from datetime import UTC, datetime

import pytest

from tests.support.factories import make_comment, make_reply, make_user

PASSWORD = "correct horse battery"
LONG_AGO = datetime(2026, 1, 1, tzinfo=UTC)


def articles(page):
    """``(id, depth)`` of every comment on the page, in page order."""
    shown = []
    for article in page.html.select("article.comment"):
        depth = next(int(c.rsplit("-", 1)[1]) for c in article["class"] if c.startswith("comment-depth-"))
        shown.append((int(article["id"].removeprefix("comment-")), depth))
    return shown


@pytest.fixture
def conversation(dbsession, alice):
    """A root; a reply; its reply; that one's reply (depth 3, the deepest); an answer to the
    deepest one; and a second reply to the root, posted last."""
    bob = make_user(dbsession, "bob", PASSWORD)
    root = make_comment(dbsession, "Root", commenter=alice, posted_at=LONG_AGO)
    first = make_reply(dbsession, root, "First", commenter=bob)
    second = make_reply(dbsession, first, "Second", commenter=alice)
    third = make_reply(dbsession, second, "Third", commenter=bob)
    beyond = make_reply(dbsession, third, "Beyond", commenter=alice)
    later = make_reply(dbsession, root, "Later", commenter=bob)
    return root, first, second, third, beyond, later


def test_replies_show_under_their_parent_oldest_first_indented_to_the_depth(testapp, conversation):
    root, first, second, third, beyond, later = conversation
    page = testapp.get(f"/comments/{root.id}")
    assert articles(page) == [
        (root.id, 0),
        (first.id, 1),
        (second.id, 2),
        (third.id, 3),
        (beyond.id, 3),
        (later.id, 1),
    ]


def test_an_answer_to_the_deepest_level_says_whom_it_answers(testapp, conversation):
    root, _first, _second, third, beyond, _later = conversation
    page = testapp.get(f"/comments/{root.id}")
    answers = page.html.find("article", id=f"comment-{beyond.id}").find(class_="comment-answers")
    assert (" ".join(answers.get_text().split()), answers.a["href"]) == (
        "In reply to @bob",
        f"/comments/{third.id}",
    )
    # Those shown under the comment they answer need no such line.
    assert list(page.html.select(".comment-answers")) == [answers]


def test_the_depth_is_a_setting(app_with, browser, conversation):
    root, _first, _second, _third, _beyond, _later = conversation
    shallow = browser(app_with(reply_depth=1))
    depths = [depth for _, depth in articles(shallow.get(f"/comments/{root.id}"))]
    # Placed when posted at depth 3; shown no deeper than the setting allows.
    assert depths == [0, 1, 1, 1, 1, 1]


def test_the_board_shows_the_first_replies_and_links_to_the_whole_thread(testapp, dbsession, alice):
    root = make_comment(dbsession, "Busy thread", commenter=alice, posted_at=LONG_AGO)
    replies = [make_reply(dbsession, root, f"Reply {n}", commenter=alice) for n in range(7)]
    page = testapp.get("/")
    more = page.html.find(class_="thread-more").a
    assert articles(page) == [(root.id, 0)] + [(reply.id, 1) for reply in replies[:3]]
    assert (" ".join(more.get_text().split()), more["href"]) == (
        f"All 7 replies to comment {root.id}",
        f"/comments/{root.id}",
    )


def test_the_link_to_a_single_reply_says_reply_in_the_singular(app_with, browser, dbsession, alice):
    """With no replies shown on the board, a thread of one reply still links to it: the
    words are a plural message, whose "one" form is not "All 1 replies"."""
    root = make_comment(dbsession, "Quiet thread", commenter=alice, posted_at=LONG_AGO)
    make_reply(dbsession, root, "The only reply", commenter=alice)
    more = browser(app_with(replies_shown=0)).get("/").html.find(class_="thread-more").a
    assert " ".join(more.get_text().split()) == f"1 reply in all to comment {root.id}"


def test_a_thread_with_few_replies_shows_them_all_without_a_link(testapp, dbsession, alice):
    root = make_comment(dbsession, "Quiet thread", commenter=alice, posted_at=LONG_AGO)
    replies = [make_reply(dbsession, root, f"Reply {n}", commenter=alice) for n in range(3)]
    page = testapp.get("/")
    assert (articles(page), page.html.find(class_="thread-more")) == (
        [(root.id, 0)] + [(reply.id, 1) for reply in replies],
        None,
    )


def test_the_board_pages_through_threads_newest_root_first(testapp, dbsession, alice):
    roots = [make_comment(dbsession, f"Thread {n}", commenter=alice, posted_at=LONG_AGO) for n in range(55)]
    # A reply to an old thread does not move it: threads keep their place (root's age).
    make_reply(dbsession, roots[0], "Answer to the oldest", commenter=alice)
    first = testapp.get("/")
    second = first.click("Older comments")
    first_roots = [i for i, depth in articles(first) if depth == 0]
    second_roots = [i for i, depth in articles(second) if depth == 0]
    assert first_roots == [root.id for root in reversed(roots[5:])]
    assert second_roots == [root.id for root in reversed(roots[:5])]
    assert len(articles(second)) == 6  # the oldest thread's reply comes with it


def test_a_long_thread_pages_by_later_replies(testapp, dbsession, alice):
    root = make_comment(dbsession, "Long", commenter=alice, posted_at=LONG_AGO)
    replies = [make_reply(dbsession, root, f"Reply {n}", commenter=alice) for n in range(120)]
    seen = []
    page = testapp.get(f"/comments/{root.id}")
    while True:
        shown = articles(page)
        assert shown[0] == (root.id, 0)  # every page starts with the root, for context
        seen += [i for i, _ in shown[1:]]
        later = page.html.find("a", rel="next")
        if later is None:
            break
        page = testapp.get(later["href"])
    assert seen == [reply.id for reply in replies]


def test_a_reply_anchors_on_its_thread_page(testapp, conversation):
    root, _first, _second, third, _beyond, _later = conversation
    response = testapp.get(f"/comments/{third.id}", status=303)
    assert response.location == f"http://example.com/comments/{root.id}#comment-{third.id}"


@pytest.mark.parametrize("after", ["abc", "-1", "1" * 19])
def test_a_malformed_after_is_a_400(testapp, conversation, after):
    res = testapp.get(f"/comments/{conversation[0].id}", {"after": after}, status=400)
    assert "must be a reply number" in res
