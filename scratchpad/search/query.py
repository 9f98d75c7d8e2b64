"""What a visitor typed into the search box, as words and phrases the indexes can look up.

The text is never handed to an index's query language: FTS5 and InnoDB's boolean mode both
give meaning to quotes, ``*``, ``-``, ``+``, parentheses and words like ``NEAR`` or ``AND``,
and a stray one is a syntax error (a 500) or a different search. Instead the text is cut
into words here, the way both indexes cut the comments (a word is a run of letters and
digits; everything else separates words), and each engine's query is written from those
words alone (``engines.py``). Quotes group words into a phrase (double quotes, or the
reader's own language's: ``QUOTES``); an unclosed quote runs to the end.
"""

import re
import unicodedata
from dataclasses import dataclass

from scratchpad.i18n.messages import Explained, Quantity, _, counted

#: Longer than any search a person types; short enough to keep the query and the page small.
MAX_QUERY_LENGTH = 200
#: Each word is one more lookup in the index.
MAX_WORDS = 12

#: A word: letters and digits (``[^\W_]``: word characters but the underscore), as SQLite's
#: unicode61 tokenizer and InnoDB's parser see them. Emoji and punctuation separate words.
WORD = re.compile(r"[^\W_]+")
#: The marks that open or close a phrase, as readers type their language's: straight and
#: English “…”, German „…“ (whose closing mark is English's opening one) and »…«, French and
#: Spanish «…», Japanese 「…」 and 『…』. Any of them closes a phrase any of them opened, so
#: no language's pairing has to be known. Not single quotes: they are apostrophes too (U+0027, U+2019).
QUOTES = '"\u201c\u201d\u201e\u00ab\u00bb\u300c\u300d\u300e\u300f'
#: A phrase in quotes, or one unquoted stretch of text.
PART = re.compile(f"[{QUOTES}]([^{QUOTES}]*)[{QUOTES}]?|([^{QUOTES}]+)")

#: Scripts written without spaces between words (Chinese, Japanese) or with particles joined
#: to words (Korean): both indexes take a whole run of such characters as one word, so a
#: search for one of their words looks for runs that begin with it.
UNSPACED_SCRIPTS = ("CJK", "HIRAGANA", "KATAKANA", "HANGUL")


class InvalidQuery(Explained, ValueError):
    """Nothing can be searched for; the message says why, for the person who typed it."""


@dataclass(frozen=True)
class Term:
    """One thing every result must contain: a word, or a phrase (words in this order)."""

    words: tuple[str, ...]
    # Matches words that begin with the last word (see UNSPACED_SCRIPTS).
    prefix: bool = False


@dataclass(frozen=True)
class SearchQuery:
    text: str  # as typed (stripped): what the search box shows again
    terms: tuple[Term, ...]

    @property
    def words(self) -> tuple[str, ...]:
        return tuple(word for term in self.terms for word in term.words)


def parse(raw: str) -> SearchQuery:
    """The words and phrases in ``raw``, or :class:`InvalidQuery` saying why there are none
    (or too many)."""
    text = raw.strip()
    if not text:
        raise InvalidQuery(_("Type a word or a phrase to search for."))
    if len(text) > MAX_QUERY_LENGTH:
        raise InvalidQuery(
            counted(
                "Searches can be at most ${count} character long; this one has ${length}.",
                "Searches can be at most ${count} characters long; this one has ${length}.",
                MAX_QUERY_LENGTH,
                mapping={"length": Quantity(len(text))},
            )
        )
    terms = []
    for match in PART.finditer(text):
        quoted, unquoted = match.groups()
        if quoted is not None:
            words = tuple(WORD.findall(quoted))
            if words:
                terms.append(Term(words, prefix=is_unspaced(words[-1])))
        else:
            terms += [Term((word,), prefix=is_unspaced(word)) for word in WORD.findall(unquoted)]
    terms = list(dict.fromkeys(terms))  # the same word twice finds nothing more
    if not terms:
        raise InvalidQuery(
            _(
                "There is nothing to search for in that: searches look for words and numbers, "
                "and punctuation and emoji are not part of any word."
            )
        )
    query = SearchQuery(text, tuple(terms))
    if len(query.words) > MAX_WORDS:
        raise InvalidQuery(
            counted(
                "Search for at most ${count} word at a time; this search has ${length}.",
                "Search for at most ${count} words at a time; this search has ${length}.",
                MAX_WORDS,
                mapping={"length": Quantity(len(query.words))},
            )
        )
    return query


def is_unspaced(word: str) -> bool:
    return any(unicodedata.name(character, "").startswith(UNSPACED_SCRIPTS) for character in word)


def fold(text: str) -> str:
    """``text`` without case or accents (Café -> cafe), as both indexes compare words.

    ASCII text has neither accents nor case beyond A-Z, so ``lower`` is its whole fold, at a
    tenth of the cost: a page of results folds hundreds of words."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(character for character in decomposed if not unicodedata.combining(character)).casefold()
