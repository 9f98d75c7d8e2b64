"""Search results in the reader's language and direction: dates written as the language writes
them (scratchpad/i18n/dates.py), snippets and usernames in their own direction."""

from datetime import datetime

from scratchpad.i18n.dates import local_format


def test_search_results_write_dates_in_the_readers_language(board, web):
    board.comment("Bonjour tout le monde", board.user("alice"))
    web.set_cookie("language", "fr")
    moment = web.get("/search", params={"q": "bonjour"}).html.select_one("article.search-result time")
    written = local_format("fr", "UTC").datetime(datetime.fromisoformat(moment["datetime"]))
    weekdays = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
    assert (moment.get_text(), written.split()[0] in weekdays) == (written, True)


def test_search_snippets_and_usernames_keep_their_own_direction(board, web):
    board.comment("مرحبا بالعالم", board.user("سارة"))
    result = web.get("/search", params={"q": "مرحبا"}).html.select_one("article.search-result")
    assert (result.select_one(".search-snippet")["dir"], result.select_one("small bdi").get_text()) == (
        "auto",
        "سارة",
    )
