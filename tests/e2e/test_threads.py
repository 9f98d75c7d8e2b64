"""Replies in a real browser (issue 14): by mouse and by keyboard, with JavaScript (the form
opens under the comment) and without (the reply page), at desktop and phone sizes; nested
replies stay readable on a phone, with no sideways scroll; axe finds nothing serious."""

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from scratchpad.board import threads
from scratchpad.models import Comment, User
from tests.support.browsing import DESKTOP, LONG_WORD, PASSWORDS, PHONE

pytestmark = pytest.mark.e2e


def add_thread(live_server, label):
    """A root by bob and three nested replies (depth 3, the deepest), the last with a very
    long word: written straight to the database, as the reply view writes them."""
    engine = sa.create_engine(live_server.database_url)
    try:
        with Session(engine) as dbsession, dbsession.begin():
            bob = dbsession.scalars(sa.select(User).where(User.username == "bob")).one()
            parent = Comment(content=f"Thread root {label}", commenter=bob)
            dbsession.add(parent)
            dbsession.flush()
            root_id = parent.id
            for level in range(1, 4):
                words = f"Level {level} {label}" + (f" {LONG_WORD}" if level == 3 else "")
                reply = Comment(content=words, commenter=bob, parent_id=parent.id, thread_id=root_id)
                dbsession.add(reply)
                dbsession.flush()
                threads.place(dbsession, reply, parent, 3)
                parent = reply
            return root_id, parent.id
    finally:
        engine.dispose()


def thread_tab(open_tab, live_server, size, username, label, path="", javascript=True):
    """A tab of ``size`` on which ``username`` is logged in, at a new thread's page (or at
    ``path`` under it); with the thread's root and deepest reply ids."""
    root_id, deepest_id = add_thread(live_server, f"{label} {size[0]}")
    tab = open_tab(size, javascript=javascript)
    tab.log_in(username, PASSWORDS[username])
    tab.goto(f"/comments/{root_id}{path}")
    return tab, root_id, deepest_id


def article(tab, comment_id):
    return tab.page.locator(f"#comment-{comment_id}")


def depth_of(tab, comment_id):
    classes = article(tab, comment_id).get_attribute("class").split()
    return int(next(c for c in classes if c.startswith("comment-depth-")).rsplit("-", 1)[1])


def posted_reply_id(tab):
    return int(tab.page.url.split("#comment-")[1])


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_replying_by_mouse_opens_the_form_under_the_comment(open_tab, live_server, size):
    tab, _, deepest_id = thread_tab(open_tab, live_server, size, "alice", "mouse")
    tab.assert_readable()
    article(tab, deepest_id).get_by_role("link", name="Reply").click()
    form = tab.page.locator(f"#comment-{deepest_id} + form.comment-reply-form")
    assert form.is_visible()
    assert tab.focused()[1] == f"reply-contents-{deepest_id}"
    tab.assert_readable()
    form.locator("textarea").fill(f"Answered by mouse at {size[0]}")
    tab.navigate(lambda: form.get_by_role("button", name="Post reply").click())
    reply_id = posted_reply_id(tab)
    answers = article(tab, reply_id).locator(".comment-answers")
    # Beyond the deepest level: shown at it, saying whom it answers.
    assert (depth_of(tab, reply_id), answers.inner_text()) == (3, "In reply to @bob")
    assert tab.flash_messages() == ["Your reply was posted."]
    tab.assert_readable()
    tab.screenshot("thread")


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_replying_by_keyboard(open_tab, live_server, size):
    tab, root_id, _ = thread_tab(open_tab, live_server, size, "bob", "keys")
    for _ in range(80):
        tab.page.keyboard.press("Tab")
        if tab.page.evaluate(
            f"() => document.activeElement.matches('#comment-{root_id} a.comment-reply-link')"
        ):
            break
    else:
        raise AssertionError("Tab never reached the root's Reply link")
    tab.page.keyboard.press("Enter")
    assert tab.focused()[1] == f"reply-contents-{root_id}"
    tab.page.keyboard.type(f"Answered by keyboard at {size[0]}")
    tab.page.keyboard.press("Tab")
    assert tab.focused()[2] == "Post reply"
    tab.press("Enter")
    reply_id = posted_reply_id(tab)
    assert depth_of(tab, reply_id) == 1
    assert f"Answered by keyboard at {size[0]}" in article(tab, reply_id).inner_text()
    tab.assert_readable()


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_replying_without_javascript_uses_the_reply_page(open_tab, live_server, size):
    tab, root_id, _ = thread_tab(open_tab, live_server, size, "alice", "plain", javascript=False)
    tab.navigate(lambda: article(tab, root_id).get_by_role("link", name="Reply").click())
    assert tab.page.url.endswith(f"/comments/{root_id}/reply")
    tab.page.fill("#contents", "Answered without JavaScript")
    tab.navigate(lambda: tab.page.get_by_role("button", name="Post reply").click())
    reply_id = posted_reply_id(tab)
    assert "Answered without JavaScript" in article(tab, reply_id).inner_text()


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_reply_page_is_readable(open_tab, live_server, size):
    # Checked with JavaScript on: axe and the width check run as scripts in the page.
    tab, _, _ = thread_tab(open_tab, live_server, size, "alice", "reply page", path="/reply")
    assert tab.page.get_by_label("Your comment").is_visible()
    tab.assert_readable()


def test_the_board_shows_threads_readably_on_a_phone(open_tab, live_server):
    root_id, _ = add_thread(live_server, "board")
    tab = open_tab(PHONE)
    tab.goto("/")
    assert depth_of(tab, root_id) == 0
    tab.assert_readable()
