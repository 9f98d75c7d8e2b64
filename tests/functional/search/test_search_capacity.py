"""A process runs at most ``scratchpad.searches_at_once`` searches together; one more waits
up to a second for a slot, then is refused with 503 and ``Retry-After``, the query kept,
rather than holding a thread and a connection too (a phrase of common words on MariaDB
outlasts the time limit).

A running search holds one of the app's slots (``registry["search_slots"]``); the tests take
the slots the way running searches would, so that "every slot taken" does not depend on how
slow this machine's database is."""

import threading

import pytest

from scratchpad.search import capacity

#: What the visitor reads: what happened, and what to do about it.
BUSY = "Search is busy: as many searches as the board runs at once are running now. Please try again in 5 seconds."


@pytest.fixture
def one_at_once(app_with, web):
    """A browser on an app that runs one search at a time, and that app's slots."""
    app = app_with(searches_at_once=1)
    return type(web)(app, extra_environ=web.extra_environ), app.registry[capacity.REGISTRY_KEY]


@pytest.fixture
def word(board):
    for content in ("a needle in the haystack", "another needle"):
        board.comment(content)
    return "needle"


def test_a_search_while_every_slot_is_taken_is_refused_with_the_query_kept(one_at_once, word, found):
    browser, slots = one_at_once
    assert slots.acquire(blocking=False)  # a search running in another thread
    try:
        page = browser.get("/search", params={"q": word}, status=503)
    finally:
        slots.release()
    assert page.headers["Retry-After"] == "5"
    assert page.html.select_one("#search-error").text.strip() == BUSY
    assert page.html.select_one("#search-q")["value"] == word
    assert found(page) == []
    assert len(found(browser.get("/search", params={"q": word}, status=200))) == 2


def test_a_search_that_finds_a_slot_freed_while_it_waits_is_answered(one_at_once, word, found):
    browser, slots = one_at_once
    assert slots.acquire(blocking=False)  # a search that ends a moment later
    ends = threading.Timer(0.2, slots.release)
    ends.start()
    try:
        page = browser.get("/search", params={"q": word}, status=200)
    finally:
        ends.join()
    assert len(found(page)) == 2


def test_the_api_is_refused_with_503_and_retry_after_too(one_at_once, word):
    browser, slots = one_at_once
    assert slots.acquire(blocking=False)
    try:
        response = browser.get("/api/comments", params={"q": word}, status=503)
    finally:
        slots.release()
    assert (response.headers["Retry-After"], response.json["error"]["message"]) == ("5", BUSY)
    assert len(browser.get("/api/comments", params={"q": word}, status=200).json["comments"]) == 2


def test_each_search_gives_its_slot_back_however_it_ends(one_at_once, word, found):
    browser, _ = one_at_once
    browser.get("/search", params={"q": word}, status=200)
    browser.get("/search", params={"q": "!!!"}, status=400)  # nothing to search for
    browser.get("/api/comments", params={"q": word}, status=200)
    browser.get("/api/comments", params={"q": "!!!"}, status=400)
    assert len(found(browser.get("/search", params={"q": word}, status=200))) == 2


def test_no_bound_when_set_to_zero(app_with, web, word, found):
    app = app_with(searches_at_once=0)
    assert app.registry[capacity.REGISTRY_KEY] is None
    browser = type(web)(app, extra_environ=web.extra_environ)
    assert len(found(browser.get("/search", params={"q": word}, status=200))) == 2
