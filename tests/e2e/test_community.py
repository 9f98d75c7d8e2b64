"""Permalinks, editing and moderation as a browser user meets them."""

import pytest

from tests.support.browsing import ADMIN, ADMIN_PASSWORD, HIDDEN_COMMENT, OLDEST_SEEDED, PASSWORDS

pytestmark = pytest.mark.e2e

IN_VIEW = """(id) => {
  const box = document.getElementById(id).getBoundingClientRect();
  return box.top >= 0 && box.bottom <= window.innerHeight;
}"""


def comes_into_view(tab, element_id):
    """Bootstrap scrolls smoothly, so wait for the scroll to get there (or time out)."""
    return tab.page.wait_for_function(IN_VIEW, arg=element_id, timeout=5000).json_value()


def test_a_permalink_opens_the_comments_thread_page(open_tab, live_server):
    # Since threads (issue 14) a root's permalink is its thread's page, not a redirect to
    # the board page holding it (a reply's permalink: tests/e2e/test_threads.py).
    tab = open_tab()
    anchor = f"comment-{live_server.oldest_seeded_id}"
    tab.goto(f"/comments/{live_server.oldest_seeded_id}")
    assert tab.page.url.endswith(f"/comments/{live_server.oldest_seeded_id}")
    assert OLDEST_SEEDED in tab.page.inner_text(f"#{anchor}")
    assert comes_into_view(tab, anchor) is True


def test_the_author_edits_a_fresh_comment_and_sees_it_marked_edited(open_tab):
    tab = open_tab()
    tab.log_in("alice", PASSWORDS["alice"])
    tab.navigate(lambda: tab.page.get_by_role("link", name="Edit comment").first.click())
    tab.page.fill("#contents", "Edited in the **browser**")
    tab.navigate(lambda: tab.page.get_by_role("button", name="Save").click())
    anchor = tab.page.url.split("#")[1]
    article = tab.page.locator(f"#{anchor}")
    assert article.locator("strong").inner_text() == "browser"
    assert ", edited " in article.locator("small").inner_text()
    assert tab.flash_messages() == ["Your comment was saved."]
    assert comes_into_view(tab, anchor) is True


def test_others_see_a_hidden_comment_as_removed_and_the_admin_sees_it_marked(open_tab):
    visitor = open_tab()
    visitor.goto("/")
    texts = [content for content, _ in visitor.comments()]
    assert "This comment was removed by a moderator." in texts
    assert HIDDEN_COMMENT not in texts
    admin = open_tab()
    admin.log_in(ADMIN, ADMIN_PASSWORD)
    hidden = admin.page.locator("article", has_text=HIDDEN_COMMENT)
    assert hidden.get_by_text("Hidden from others").is_visible()
    assert hidden.get_by_role("button", name="Unhide comment").is_visible()


def test_keyboard_users_can_skip_past_a_pages_comments_to_its_page_links(open_tab):
    tab = open_tab()
    tab.goto("/")
    tab.tab_to(text="Skip to the page links")
    tab.page.keyboard.press("Enter")  # a jump within the page, not a page load
    tab.page.keyboard.press("Tab")
    assert tab.focused()[2] == "Older comments"
