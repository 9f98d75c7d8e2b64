"""Searches per address and minute (``scratchpad.searches_per_minute``): a clear 429."""

import pytest

from scratchpad import main


@pytest.fixture
def limited(app_settings, dbengine, testapp, board):
    """A browser on an app allowing 3 searches a minute (a process of its own: its own count)."""
    settings = {**app_settings, "scratchpad.searches_per_minute": 3}
    app = main({}, **settings, dbengine=dbengine)

    def browser(address):
        return type(testapp)(app, extra_environ={"HTTP_HOST": "example.com", "REMOTE_ADDR": address})

    return browser


def test_the_fourth_search_in_a_minute_gets_a_429_page_that_says_when(limited):
    browser = limited("192.0.2.1")
    for _ in range(3):
        browser.get("/search", params={"q": "word"}, status=200)
    page = browser.get("/search", params={"q": "word"}, status=429)
    assert 1 <= int(page.headers["Retry-After"]) <= 60
    message = page.html.select_one("#search-error").text
    seconds = int(page.headers["Retry-After"])
    wait = f"please wait {seconds} second before" if seconds == 1 else f"please wait {seconds} seconds before"
    assert message.startswith("You have made as many searches as a minute allows; " + wait)
    assert page.html.select_one("#search-q")["value"] == "word"


def test_the_api_counts_too_and_answers_json(limited):
    browser = limited("192.0.2.2")
    for _ in range(3):
        browser.get("/api/comments", params={"q": "word"}, status=200)
    answer = browser.get("/api/comments", params={"q": "word"}, status=429)
    assert answer.json["error"]["status"] == 429
    assert 1 <= int(answer.headers["Retry-After"]) <= 60


def test_another_address_is_counted_apart(limited):
    first, second = limited("192.0.2.3"), limited("192.0.2.4")
    for _ in range(3):
        first.get("/search", params={"q": "word"}, status=200)
    first.get("/search", params={"q": "word"}, status=429)
    second.get("/search", params={"q": "word"}, status=200)


def test_the_board_and_the_api_without_q_are_not_counted(limited):
    browser = limited("192.0.2.5")
    for _ in range(4):
        browser.get("/", status=200)
        browser.get("/api/comments", status=200)
    browser.get("/search", params={"q": "word"}, status=200)
