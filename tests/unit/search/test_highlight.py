"""Snippets mark the matches and escape everything else, XSS vectors included."""

import pytest

from scratchpad.search.highlight import SNIPPET_LENGTH, Snippets
from scratchpad.search.query import SearchQuery, parse
from tests.support.html_safety import comment_problems
from tests.support.xss_vectors import HTML_VECTORS


def snippet(text: str, query: SearchQuery) -> str:
    return Snippets(query)(text)


def test_matches_are_marked_whatever_their_case_and_accents():
    assert (
        str(snippet("Café au lait, CAFE noir", parse("cafe")))
        == "<mark>Café</mark> au lait, <mark>CAFE</mark> noir"
    )


def test_markup_in_the_text_is_escaped_and_entities_are_not_marked_inside():
    assert str(snippet("<b>bold</b> &amp; lt", parse("b amp lt"))) == (
        "&lt;<mark>b</mark>&gt;bold&lt;/<mark>b</mark>&gt; &amp;<mark>amp</mark>; <mark>lt</mark>"
    )


@pytest.mark.parametrize("vector", HTML_VECTORS)
def test_xss_vectors_in_the_text_stay_text_with_marks_inside(vector):
    html = str(snippet(f"{vector} alert script", parse("alert script img javascript xss src href")))
    assert comment_problems(html.replace("<mark>", "<em>").replace("</mark>", "</em>")) == []
    assert html.replace("<mark>", "").replace("</mark>", "").count("<") == 0


def test_a_long_text_is_cut_around_the_first_match():
    text = "lead " * 200 + "needle " + "tail " * 200
    cut = str(snippet(text, parse("needle")))
    assert (cut.startswith("…"), cut.endswith("…"), "<mark>needle</mark>" in cut) == (True, True, True)
    assert len(cut.replace("<mark>", "").replace("</mark>", "")) <= SNIPPET_LENGTH + 2


def test_a_cjk_prefix_marks_the_run_it_begins():
    assert str(snippet("東京タワー と 大東京", parse("東京"))) == "<mark>東京タワー</mark> と 大東京"
