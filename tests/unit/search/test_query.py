"""What was typed becomes words and phrases, and each engine's query quotes them all."""

import pytest

from scratchpad.search.engines import IndexRules, boolean_mode_query, fts5_query
from scratchpad.search.query import MAX_QUERY_LENGTH, MAX_WORDS, InvalidQuery, Term, parse

HOSTILE = ['"', "*", "NEAR(", "-", "+", "AND", 'a" OR "b', "x*", "(y)", "col:z", "^w", "@2", "~v", "<u>"]


def test_words_and_phrases():
    assert parse('fox "hello world" café').terms == (
        Term(("fox",)),
        Term(("hello", "world")),
        Term(("café",)),
    )


@pytest.mark.parametrize(
    "typed",
    [
        "fox „hello world“ café",  # German
        "fox »hello world« café",  # German, Danish
        "fox « hello world » café",  # French, with its spaces
        "fox «hello world» café",  # Spanish
        "fox “hello world” café",  # English
        "fox 「hello world」 café",  # Japanese
        "fox 『hello world』 café",  # Japanese, a quote within a quote
    ],
)
def test_a_readers_own_languages_quotes_make_a_phrase(typed):
    assert parse(typed).terms == (Term(("fox",)), Term(("hello", "world")), Term(("café",)))


def test_an_apostrophe_is_no_quote():
    assert parse("l’homme don't").terms == (Term(("l",)), Term(("homme",)), Term(("don",)), Term(("t",)))


def test_an_unclosed_quote_runs_to_the_end():
    assert parse('one "two three').terms == (Term(("one",)), Term(("two", "three")))


def test_cjk_words_are_prefixes():
    assert parse("東京 tower").terms == (Term(("東京",), prefix=True), Term(("tower",)))


@pytest.mark.parametrize("raw", HOSTILE)
def test_index_syntax_never_reaches_the_engines(raw):
    try:
        terms = parse(raw).terms
    except InvalidQuery:
        return
    for word in (word for term in terms for word in term.words):
        assert word.isalnum()
    fts5 = fts5_query(terms)
    assert fts5.count('"') == 2 * len(terms)  # every term one quoted string
    assert set(boolean_mode_query(terms)) <= set('+"* ') | set("".join(w for t in terms for w in t.words))


@pytest.mark.parametrize(
    "raw, message",
    [
        ("", "Type a word or a phrase to search for."),
        ("   ", "Type a word or a phrase to search for."),
        ("🙂 ** --", "There is nothing to search for in that"),
        ("x" * (MAX_QUERY_LENGTH + 1), f"Searches can be at most {MAX_QUERY_LENGTH} characters long"),
        (" ".join(f"w{n}" for n in range(MAX_WORDS + 1)), f"Search for at most {MAX_WORDS} words"),
    ],
)
def test_nothing_to_search_for_says_why(raw, message):
    with pytest.raises(InvalidQuery, match=message.replace("*", r"\*")):
        parse(raw)


def test_fts5_query_quotes_each_term_and_marks_prefixes():
    assert fts5_query(parse('near "a b" 東京').terms) == '"near" "a b" "東京"*'


def test_boolean_mode_query_requires_each_term():
    assert boolean_mode_query(parse('near "a b" 東京').terms) == '+near +"a b" +東京*'


def test_innodb_leaves_out_short_words_and_stopwords_and_says_which():
    rules = IndexRules(min_length=3, max_length=84, stopwords=frozenset({"the"}))
    terms, left_out = rules.searchable(parse('at THE zoo "by the sea" "of the" 東').terms)
    # A phrase with an indexed word stays whole: InnoDB checks where its other words are.
    assert terms == (Term(("zoo",)), Term(("by", "the", "sea")), Term(("東",), prefix=True))
    assert left_out == ("at", "THE", "of", "the")


def test_innodb_refuses_a_search_of_only_left_out_words():
    rules = IndexRules(min_length=3, max_length=84, stopwords=frozenset({"the"}))
    with pytest.raises(InvalidQuery, match="add a longer word"):
        rules.searchable(parse("at the").terms)
