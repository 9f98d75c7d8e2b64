"""Each result's footer (when and by whom it was posted, when edited, its permalink) is drawn
once per comment, language, time zone and mount point, and kept in the process's fragment
cache (scratchpad/search/footers.py): pages byte for byte as drawn afresh, never stale, and
never in another reader's language, zone or mount point."""

import pytest

from scratchpad.board.drawing import REGISTRY_KEY
from scratchpad.models import Comment, User
from scratchpad.models.types import utcnow


@pytest.fixture
def kept(app_with, web):
    """A browser on an app of its own (an empty cache), and that app's fragment cache."""
    app = app_with()
    return type(web)(app, extra_environ=web.extra_environ), app.registry[REGISTRY_KEY]


def results_section(page):
    """The results as drawn, without the rest of the page (its CSRF token and nonce differ)."""
    return str(page.html.select_one("article.search-result").parent)


def test_each_footer_is_drawn_once_and_kept_for_every_search_that_shows_it(kept, board):
    browser, cache = kept
    bob = board.user("bob")
    board.comment("a needle in the hay", commenter=bob)
    board.comment("a needle and thread")
    board.comment("thread only", commenter=bob)
    browser.get("/search", params={"q": "needle"})
    assert len(cache) == 2  # a footer for each result
    browser.get("/search", params={"q": "thread"})
    assert len(cache) == 3  # "a needle and thread"'s was kept: only "thread only"'s is new
    browser.get("/search", params={"q": "needle"})
    assert len(cache) == 3


def test_kept_footers_are_byte_for_byte_those_drawn_afresh(kept, app_with, web, board):
    browser, _ = kept
    afresh = type(web)(app_with(fragment_cache_bytes=0), extra_environ=web.extra_environ)
    bob = board.user("bob")
    edited = board.comment("a needle, then edited", commenter=bob)
    board.comment("an anonymous needle")
    board.comment("<b>needle</b> & co", commenter=board.user("عمر"))
    row = board.dbsession.get(Comment, edited)
    row.edited_at = utcnow()
    board.dbsession.commit()
    for language in ("en", "de", "ar"):
        for client in (browser, afresh):
            client.set_cookie("language", language)
            client.set_cookie("scratchpad_time_zone", "Asia/Kolkata")
        expected = results_section(afresh.get("/search", params={"q": "needle"}))
        assert expected.count("<article") == 3
        assert results_section(browser.get("/search", params={"q": "needle"})) == expected  # drawn
        assert results_section(browser.get("/search", params={"q": "needle"})) == expected  # kept


def test_a_rename_and_an_edit_show_at_once(kept, board):
    browser, _ = kept
    bob = board.user("bob")
    comment = board.comment("a needle in the hay", commenter=bob)
    page = browser.get("/search", params={"q": "needle"})
    assert page.html.select_one("article.search-result bdi").text == "bob"
    assert "edited" not in page.html.select_one("article.search-result small").text

    user = board.dbsession.get(User, bob.id)
    user.username = "robert"
    row = board.dbsession.get(Comment, comment)
    row.content, row.edited_at = "a needle in the haystack", utcnow()
    board.dbsession.commit()

    footer = browser.get("/search", params={"q": "needle"}).html.select_one("article.search-result small")
    assert footer.select_one("bdi").text == "robert"
    assert ", edited " in footer.text


def test_each_reader_gets_their_own_language_zone_and_mount_point(kept, board):
    browser, _ = kept
    board.comment("a needle in the hay", commenter=board.user("bob"))

    def footer(**environ):
        page = browser.get("/search", params={"q": "needle"}, extra_environ=environ)
        return page.html.select_one("article.search-result")

    english = footer()
    assert english.select_one("small").text.startswith("Posted ")
    browser.set_cookie("language", "de")
    assert footer().select_one("small").text.startswith("Verfasst am ")
    browser.set_cookie("language", "en")
    browser.set_cookie("scratchpad_time_zone", "Asia/Tokyo")  # nine hours from UTC, always
    assert footer().select_one("time").text != english.select_one("time").text
    assert footer().select_one("time")["datetime"] == english.select_one("time")["datetime"]
    mounted = footer(SCRIPT_NAME="/board").select_one("a.search-permalink")["href"]
    assert mounted == "/board" + english.select_one("a.search-permalink")["href"]
