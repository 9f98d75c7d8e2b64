"""The comment form's "characters left" counter (static/scratchpad.js): it counts as the
server does, code points after line endings become "\\n", and the server stays the judge."""

import pytest

from tests.support.browsing import PASSWORDS

pytestmark = pytest.mark.e2e


@pytest.fixture
def tab(open_tab):
    """alice, logged in, on the comment page."""
    tab = open_tab()
    tab.log_in("alice", PASSWORDS["alice"])
    return tab


def counter_after(tab, text):
    tab.page.fill("#contents", text)
    return tab.page.inner_text("#contents-count")


def test_counter_starts_at_the_whole_limit(tab):
    assert tab.page.inner_text("#contents-count") == "4,096 of 4,096 characters left"


def test_counter_counts_an_emoji_as_one_character(tab):
    # "héllo 😀" is 7 code points but 8 UTF-16 units (what text.length would count).
    assert counter_after(tab, "héllo \N{GRINNING FACE}") == "4,089 of 4,096 characters left"


def test_counter_counts_a_line_break_as_one_character(tab):
    # The browser sends "\r\n"; the server turns it back into "\n" before counting.
    assert counter_after(tab, "a\nb") == "4,093 of 4,096 characters left"


def test_counter_says_when_there_is_one_character_too_many(tab):
    assert counter_after(tab, "x" * 4097) == "1 character too many"


def test_counter_says_when_there_are_characters_too_many(tab):
    assert counter_after(tab, "x" * 5000) == "904 characters too many"


def test_counter_is_a_polite_live_region_that_describes_the_field(tab):
    live = tab.page.get_attribute("#contents-count", "aria-live")
    described_by = tab.page.get_attribute("#contents", "aria-describedby").split()
    assert (live, "contents-count" in described_by) == ("polite", True)


def test_server_accepts_what_the_counter_calls_the_last_character(tab):
    text = "\N{GRINNING FACE}" * 4096
    counted = counter_after(tab, text)
    tab.navigate(lambda: tab.page.get_by_role("button", name="Post comment").click())
    assert (counted, tab.flash_messages()) == ("0 of 4,096 characters left", ["Your comment was posted."])


def test_server_shows_the_count_without_javascript(open_tab):
    tab = open_tab(javascript=False)
    tab.log_in("alice", PASSWORDS["alice"])
    tab.page.fill("#contents", "\N{GRINNING FACE}" * 4097)
    tab.expect_error(400, "POST", "/")
    tab.navigate(lambda: tab.page.get_by_role("button", name="Post comment").click())
    assert tab.page.inner_text("#contents-count") == "1 character too many"


def test_message_is_shown_once(tab):
    tab.page.reload()
    assert tab.flash_messages() == []
