"""``/search`` and ``/api/comments?q=`` through the whole app, on each backend's own index."""

import pytest

from tests.support.html_safety import page_problems
from tests.support.xss_vectors import HTML_VECTORS

#: What a visitor might type that means something to FTS5 or to InnoDB's boolean mode.
SYNTAX = [
    '"',
    "*",
    "NEAR(",
    "-",
    "+",
    "AND",
    "OR NOT",
    '"unclosed',
    "a*b",
    "(x)",
    "@3",
    "~x",
    "<x>",
    "x:y",
    "^",
]


def search(web, q, status=200, **params):
    return web.get("/search", params={"q": q, **params}, status=status)


def test_every_word_must_match_in_any_order(web, board, found):
    both = board.comment("the quick brown fox jumps")
    board.comment("a quick reply")
    board.comment("brown bread")
    assert found(search(web, "fox quick")) == [both]
    assert found(search(web, "brown quick")) == [both]


def test_a_phrase_in_quotes_matches_those_words_in_that_order(web, board, found):
    in_order = board.comment("hello world, again")
    board.comment("world, hello")
    assert found(search(web, '"hello world"')) == [in_order]
    assert sorted(found(search(web, "hello world"))) == [in_order, in_order + 1]


def test_newest_first_with_older_pages_by_keyset(web, board, app_with, found):
    ids = [board.comment(f"needle number {number}") for number in range(7)]
    board.comment("no match here")
    pages = type(web)(app_with(page_size=3), extra_environ=web.extra_environ)
    first = search(pages, "needle")
    assert found(first) == ids[::-1][:3]
    second = first.click("Older results")
    assert found(second) == ids[::-1][3:6]
    third = second.click("Older results")
    assert (found(third), third.html.find("a", string="Older results")) == (ids[:1], None)


def test_accents_fold_both_ways(web, board, found):
    accented = board.comment("Un café très naïf")
    plain = board.comment("un cafe tres naif")
    assert sorted(found(search(web, "cafe naif"))) == [accented, plain]
    assert sorted(found(search(web, "CAFÉ NAÏF"))) == [accented, plain]


def test_cjk_words_find_the_runs_they_begin(web, board, found):
    tokyo = board.comment("東京タワーに行きました")
    board.comment("大阪城")
    assert found(search(web, "東京")) == [tokyo]
    assert found(search(web, "東京タワー")) == [tokyo]


def test_emoji_and_punctuation_alone_ask_for_a_word(web, board):
    board.comment("party 🎉 time")
    for query in ("🎉", "🙂🙂", "!!!", "«»"):
        page = search(web, query, status=400)
        assert "punctuation and emoji are not part of any word" in page.html.select_one("#search-error").text


def test_emoji_next_to_words_are_ignored_and_the_words_found(web, board, found):
    party = board.comment("party 🎉 time")
    assert found(search(web, "🎉 party")) == [party]


@pytest.mark.parametrize("query", SYNTAX)
def test_index_syntax_in_the_query_is_plain_text(web, board, query):
    board.comment("NEAR AND OR NOT a b x y")
    page = web.get("/search", params={"q": query}, expect_errors=True)
    assert page.status_int in (200, 400)
    assert page.html.select_one("#search-q")["value"] == query


def test_words_that_are_index_operators_are_searched_as_words(web, board, found):
    near = board.comment("meet me near the station")
    assert found(search(web, "NEAR(station")) == [near]


def test_the_query_is_kept_in_the_box(web, board):
    page = search(web, 'café "a phrase"')
    assert page.html.select_one("#search-q")["value"] == 'café "a phrase"'


def test_an_empty_query_gets_a_message_and_400(web, board):
    page = search(web, "   ", status=400)
    assert page.html.select_one("#search-error").text == "Type a word or a phrase to search for."


def test_a_too_long_query_gets_a_message_and_is_kept(web, board):
    query = "word " * 50
    page = search(web, query, status=400)
    assert page.html.select_one("#search-error").text.startswith(
        "Searches can be at most 200 characters long"
    )
    assert page.html.select_one("#search-q")["value"] == query


def test_both_search_boxes_follow_the_direction_of_what_is_typed(web, board):
    """Arabic typed into an English page (or English into an Arabic one) runs its own way."""
    page = search(web, "مرحبا")
    assert [page.html.select_one(box).get("dir") for box in ("#navbar-search", "#search-q")] == [
        "auto",
        "auto",
    ]


def test_the_search_page_without_a_query_is_a_form(web, board):
    page = web.get("/search", status=200)
    assert (page.html.select_one("#search-q")["value"], page.html.select_one("#search-error")) == ("", None)


def test_each_result_links_to_its_permalink(web, board):
    comment = board.comment("permalinked words")
    link = search(web, "permalinked").html.select_one(f"#result-{comment} a.search-permalink")
    assert link["href"] == f"/comments/{comment}"
    # A root's permalink is its thread's page, which shows it.
    assert web.get(link["href"]).html.find("article", id=f"comment-{comment}") is not None


def test_matches_are_marked(web, board):
    board.comment("Find the needle in the haystack")
    snippet = search(web, "NEEDLE").html.select_one(".search-snippet")
    assert [mark.text for mark in snippet.select("mark")] == ["needle"]


def test_hidden_comments_are_never_found_by_visitors_or_members(web, board, found):
    board.user("bob")
    shown = board.comment("secret plans shown")
    board.comment("secret plans hidden", hidden=True)
    assert found(search(web, "secret plans")) == [shown]
    web.login("bob", "correct horse battery")
    assert found(search(web, "secret plans")) == [shown]
    assert [c["id"] for c in web.get("/api/comments", params={"q": "secret"}).json["comments"]] == [shown]


def test_admins_find_hidden_comments_marked_hidden(web, board, found):
    board.user("root", role="admin")
    shown = board.comment("secret plans shown")
    hidden = board.comment("secret plans hidden", hidden=True)
    web.login("root", "correct horse battery")
    page = search(web, "secret plans")
    assert found(page) == [hidden, shown]
    assert page.html.select_one(f"#result-{hidden} .badge").text == "Hidden from others"
    assert page.html.select_one(f"#result-{shown} .badge") is None


def test_waiting_comments_are_found_by_admins_only_marked_waiting(web, board, found):
    """Pre-moderation (board/visible.py): not even their author finds them."""
    board.user("root", role="admin")
    author = board.user("newbie")
    shown = board.comment("secret plans shown")
    waiting = board.comment("secret plans waiting", commenter=author, waiting=True)
    assert found(search(web, "secret plans")) == [shown]
    web.login("newbie", "correct horse battery")
    assert found(search(web, "secret plans")) == [shown]
    assert [c["id"] for c in web.get("/api/comments", params={"q": "secret"}).json["comments"]] == [shown]
    web.login("root", "correct horse battery")
    page = search(web, "secret plans")
    assert found(page) == [waiting, shown]
    assert page.html.select_one(f"#result-{waiting} .badge").text == "Waiting for a moderator"


@pytest.mark.parametrize("vector", HTML_VECTORS[:12])
def test_xss_in_comments_and_queries_is_escaped_in_results(web, board, vector):
    board.comment(f"alert script img {vector}")
    for query in ("alert script img", vector):
        page = web.get("/search", params={"q": query}, expect_errors=True)
        assert page.status_int in (200, 400)
        assert page_problems(page.text) == []
        assert page.html.select_one("#search-q")["value"] == query
    snippet = search(web, "alert script img").html.select_one(".search-snippet")
    assert snippet.text == f"alert script img {vector}"
    assert not snippet.find_all(lambda tag: tag.name != "mark")


def test_the_navbar_search_form_works_without_javascript(web, board, found):
    comment = board.comment("navbar finds this")
    page = web.get("/")
    form = page.forms["navbar-search-form"]
    assert (form.method.lower(), page.html.select_one("label[for=navbar-search]").text) == (
        "get",
        "Search comments",
    )
    form["q"] = "navbar"
    assert found(form.submit(status=200)) == [comment]


def test_the_api_takes_q(web, board):
    older = board.comment("api needle one")
    newer = board.comment("api needle two")
    board.comment("api without")
    answer = web.get("/api/comments", params={"q": "needle", "limit": 1}).json
    assert [comment["id"] for comment in answer["comments"]] == [newer]
    assert answer["comments"][0]["url"] == f"http://example.com/comments/{newer}"
    following = web.get(answer["next"]).json
    assert ([comment["id"] for comment in following["comments"]], following["next"]) == ([older], None)


@pytest.mark.parametrize(
    "query, reason",
    [
        ('"', "There is nothing to search for in that"),
        ("*", "There is nothing to search for in that"),
        ("🙂", "There is nothing to search for in that"),
        ("", "Type a word or a phrase to search for."),
        ("x" * 201, "Searches can be at most 200 characters long"),
    ],
)
def test_the_api_answers_a_query_with_nothing_to_search_with_a_json_400(web, board, query, reason):
    answer = web.get("/api/comments", params={"q": query}, status=400).json
    assert answer["error"]["status"] == 400
    assert answer["error"]["message"].startswith(reason)


def test_the_api_refuses_q_twice(web, board):
    answer = web.get("/api/comments?q=a&q=b", status=400).json
    assert answer["error"]["message"] == "'q' was given 2 times; give it at most once."


def test_short_and_common_words_per_backend(web, board, found, dbengine):
    """SQLite's index holds every word. InnoDB's leaves out words under 3 letters and its
    stopwords: the search goes without them and says so, or asks for a longer word."""
    comment = board.comment("we are at the zoo")
    board.comment("the zoo at night")
    page = search(web, "at the zoo")
    stopword_inside = board.comment("hello at world")
    board.comment("hello world")
    phrase = search(web, '"hello at world"')
    # A phrase stays whole: InnoDB checks that its words are next to each other, its
    # stopwords included.
    assert (found(phrase), phrase.html.select_one(".search-left-out")) == ([stopword_inside], None)
    if dbengine.dialect.name == "sqlite":
        assert (found(page), page.html.select_one(".search-left-out")) == ([comment + 1, comment], None)
        assert found(search(web, "at the")) == [comment + 1, comment]
    else:
        assert found(page) == [comment + 1, comment]
        assert [q.text for q in page.html.select(".search-left-out q")] == ["at", "the"]
        refused = search(web, "at the", status=400)
        assert "add a longer word" in refused.html.select_one("#search-error").text


def test_the_search_page_reads_no_html_and_the_api_reads_it(web, board, found, statements):
    """A results page shows a snippet of each comment's text, never its HTML: reading 50
    comments' HTML was most of the bytes the page's statement read. The API gives the HTML."""
    shown = board.comment("a **pyramid** of words")
    statements.clear()
    page = search(web, "pyramid")
    (selected,) = [statement for statement in statements if "comments.content" in statement]
    assert found(page) == [shown]
    assert "comments.html" not in selected
    statements.clear()
    answer = web.get("/api/comments", params={"q": "pyramid"}).json
    (selected,) = [statement for statement in statements if "comments.content" in statement]
    assert "comments.html" in selected
    assert answer["comments"][0]["html"] == "<p>a <strong>pyramid</strong> of words</p>\n"


def test_a_search_makes_no_orm_session(web, board, found, sessions_begun, statements):
    """Results are read on the request's own connection (models/loaded.py ``reader``), as a
    drawn board page is: the session's set-up, joining and commit bought a results page
    nothing. One statement for a visitor, the member's and the results' for a member."""
    shown = board.comment("a pyramid of words")
    board.user("alice")
    search(web, "pyramid")  # on MariaDB, the first search of the process reads the index's rules
    sessions_begun.clear()
    statements.clear()
    page = search(web, "pyramid")
    visitor = (len(sessions_begun), len(statements), found(page))
    web.login("alice", "correct horse battery")
    sessions_begun.clear()
    statements.clear()
    page = search(web, "pyramid")
    assert (visitor, (len(sessions_begun), len(statements), found(page))) == (
        (0, 1, [shown]),
        (0, 2, [shown]),
    )
