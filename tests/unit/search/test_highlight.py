"""Snippets mark the matches and escape everything else, XSS vectors included."""

import html
import random
import re

import pytest

from scratchpad.search.highlight import SNIPPET_LENGTH, Snippets, first_characters
from scratchpad.search.query import WORD, SearchQuery, fold, parse
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


def test_a_long_text_is_read_only_up_to_the_end_of_its_snippet():
    """The words after the snippet's end are never decided (a page of 50 long comments
    folded every word of each before)."""
    snippets = Snippets(parse("needle"))
    text = "needle " + " ".join(f"née{number}" for number in range(1000))
    cut = snippets(text)
    assert str(cut).startswith("<mark>needle</mark> née0 ")
    assert "née1" in snippets.decided
    assert len(snippets.decided) <= SNIPPET_LENGTH // len(" née0")
    assert "née999" not in snippets.decided


def test_a_word_that_cannot_fold_to_a_searched_one_is_not_decided():
    """A word's fold begins with its first letter's: ``café`` cannot fold to ``hello``, and
    is skipped in C like any ASCII word; ``Hélló`` and ``École`` are decided, and marked."""
    snippets = Snippets(parse("hello ecole"))
    assert str(snippets("café naïve Hélló École")) == "café naïve <mark>Hélló</mark> <mark>École</mark>"
    assert set(snippets.decided) == {"Hélló", "École"}


#: Words whose fold is tricky: accents composed and not, case that changes length, ligatures,
#: full-width and mathematical letters (NFKD makes them ASCII), CJK runs, underscores, emoji.
TRICKY_WORDS = [
    "Café",
    "CAFE",
    "café",
    "café",
    "naïve",
    "NAÏVE",
    "日本語",
    "東京タワー",
    "大東京",
    "emoji🙂",
    "🙂café",
    "pyramid",
    "PYRAMIDS",
    "xpyramid",
    "pyramid_x",
    "_pyramid",
    "Pyramid.",
    "hello",
    "world",
    "Hello-World",
    "ﬁle",
    "file",
    "Ｐｙｒａｍｉｄ",
    "K",
    "𝐩𝐲𝐫𝐚𝐦𝐢𝐝",
    "a",
    "b",
    "<b>&",
    "lt",
    "amp",
    "ß",
    "SS",
    "strasse",
    "straße",
    "İstanbul",
    "istanbul",
    "½",
    "4096",
    "x4096",
    "Word",
    "wORLDs",
]
TRICKY_QUERIES = (
    "pyramid",
    "cafe",
    '"hello world"',
    "東京",
    "naive file",
    "k",
    "strasse",
    "istanbul",
    "ss",
    "a b",
    "4096 world",
    '"café Word" hello',
)


@pytest.mark.parametrize("seed", range(20))
def test_exactly_the_words_whose_fold_is_searched_are_marked(seed):
    """Whatever skips words quickly, the words marked are those the word-by-word rule marks:
    each word of the text whose fold is a searched word, or begins with a searched prefix."""
    rng = random.Random(seed)  # noqa: S311 (texts to test with, the same every run)
    for _ in range(50):
        text = rng.choice(["", " ", "-", "_", "\n"]).join(rng.choices(TRICKY_WORDS, k=rng.randint(1, 25)))
        text = text[:SNIPPET_LENGTH]  # all of it shown, so every match is marked
        query = parse(rng.choice(TRICKY_QUERIES))
        whole = {fold(word) for term in query.terms for word in term.words if not term.prefix}
        prefixes = tuple(fold(term.words[-1]) for term in query.terms if term.prefix)
        expected = [
            html.escape(word)
            for word in WORD.findall(text)
            if fold(word) in whole or (prefixes and fold(word).startswith(prefixes))
        ]
        assert re.findall("<mark>(.*?)</mark>", snippet(text, query)) == expected, (text, query.text)


@pytest.mark.parametrize("kept", ["", "hHwW", "0aA", "zZ9", "".join(map(chr, range(0x20, 0x7F)))])
def test_the_first_characters_class_holds_the_kept_and_every_non_ascii_character(kept):
    """Written as the other ASCII characters' class negated (a range up to U+10FFFF took the
    compiler 3.5 ms a search): the same characters as ``[kept\\x80-\\U0010ffff]``."""
    first = re.compile(first_characters(set(kept)))
    samples = [chr(code) for code in range(0x100)] + ["é", "中", "\U0001f600", "\U0010ffff"]
    assert [c for c in samples if first.fullmatch(c)] == [c for c in samples if c in kept or ord(c) > 0x7F]
