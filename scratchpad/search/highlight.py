"""A result's text as the page shows it: a stretch around the first match, the matching
words in ``<mark>``, everything else escaped.

Positions first, escaping second: the words are found in the raw text, then each piece is
escaped on its own and only the ``<mark>`` tags are added as markup. Marking the escaped
text instead would find words inside entities (a search for ``amp`` or ``lt``) and could cut
one in half; escaping marked text would escape the marks.
"""

import itertools
import re
from collections.abc import Iterator
from html import escape

from markupsafe import Markup

from scratchpad.search.query import WORD, SearchQuery, fold

#: About three lines of the result list; the permalink leads to the whole comment.
SNIPPET_LENGTH = 300
#: How much text comes before the first match, when the snippet cannot start at the start.
LEAD = 60
ELLIPSIS = "\N{HORIZONTAL ELLIPSIS}"


class Snippets:
    """The snippets of one page of results for ``query``: ``snippets(text)``.

    A page shows up to 50 snippets of comments up to 4,096 characters long, and reading their
    words one by one in Python was most of what a search page cost. So the words are read up
    to the snippet's end and no further, and one regular expression (``candidates_pattern``)
    skips, in C, every word that cannot match: what it finds is then decided by ``matches``,
    once a page for each word (words repeat), in a dict that lives as long as the page does.
    """

    def __init__(self, query: SearchQuery) -> None:
        self.whole = {fold(word) for term in query.terms for word in term.words if not term.prefix}
        self.prefixes = tuple(fold(term.words[-1]) for term in query.terms if term.prefix)
        self.decided: dict[str, bool] = {}
        self.candidates = candidates_pattern(self.whole, self.prefixes)

    def matches(self, word: str) -> bool:
        """Whether ``word`` is a word of the query (folded as the indexes fold them), or
        begins with one that is searched as a prefix."""
        decided = self.decided.get(word)
        if decided is None:
            folded = fold(word)
            decided = folded in self.whole or bool(self.prefixes and folded.startswith(self.prefixes))
            self.decided[word] = decided
        return decided

    def __call__(self, text: str) -> Markup:
        """At most about ``SNIPPET_LENGTH`` characters of ``text``, from a little before its
        first match, with the matches marked and everything escaped."""
        first = next(self.matching_words(text, 0, len(text)), None)
        start, end = 0, len(text)
        if len(text) > SNIPPET_LENGTH:
            first_start = 0 if first is None else first[0]
            start = 0 if first_start <= LEAD else word_start(text, first_start - LEAD)
            end = min(len(text), start + SNIPPET_LENGTH)
        spans = [] if first is None else [first, *self.matching_words(text, first[1], end)]
        pieces = [ELLIPSIS if start > 0 else ""]
        position = start
        for span_start, span_end in spans:
            if span_end > end:
                continue
            pieces += [
                escape(text[position:span_start]),
                "<mark>",
                escape(text[span_start:span_end]),
                "</mark>",
            ]
            position = span_end
        pieces.append(escape(text[position:end]))
        if end < len(text):
            pieces.append(ELLIPSIS)
        return Markup("".join(pieces))  # noqa: S704 (every piece of the text escaped above)

    def matching_words(self, text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
        """The spans of the words that match of ``text[start:end]`` (``start`` not inside a
        word; a word that runs on past ``end`` whole), in order, read as they are asked for.
        Each word that holds a hit of ``candidates`` is decided once (a word can hold more)."""
        word_end = start
        for hit in self.candidates.finditer(text, start, end):
            start = hit.start()
            if start < word_end:
                continue  # in the word just decided
            while start > word_end and text[start - 1].isalnum():  # ``WORD``'s characters
                start -= 1
            word = next(WORD.finditer(text, start))  # a hit is of letters or digits: the word is there
            word_end = word.end()
            if self.matches(word.group()):
                yield word.span()


def candidates_pattern(whole: set[str], prefixes: tuple[str, ...]) -> re.Pattern[str]:
    """Where in a text a word that matches may be; every word that matches holds a hit, and
    most words of a text hold none, and are skipped in C.

    A word's fold begins with its first letter's (``fold``: NFKD, combining marks dropped,
    case folded, character by character), so a word that matches begins with the first
    letter of a searched word or prefix, up to case, or with a letter outside ASCII (``É``
    folds to ``e``). The hits: up to ASCII case, one of the ASCII words or prefixes, wherever
    it is (an ASCII word's fold is its lower case, so an ASCII word that matches begins with
    one); a word that begins with a letter outside ASCII; a word that begins with one of
    the first letters and holds a letter outside ASCII (``Héllo``). A word such as ``café``
    is no hit for ``hello``: it cannot fold to it.

    The pattern begins with one class of characters, those first letters in both cases and
    every non-ASCII character, and each alternative then checks, looking back, which it
    began with: the regular expression engine jumps from one character of that class to
    the next, and tries the alternatives only there. Written as the words, or a run of
    non-ASCII letters, it tried every alternative at every position of every text, and
    every run of non-ASCII letters was a word to decide in Python: most of what the snippets
    of a page of results cost."""
    ascii_words = sorted(word for word in (*whole, *prefixes) if word.isascii() and WORD.fullmatch(word))
    firsts = {fold(word)[0] for word in (*whole, *prefixes) if word}
    kept = sorted({case for first in firsts if first.isascii() for case in (first.lower(), first.upper())})
    ascii_firsts = "".join(map(re.escape, kept))
    alternatives = [
        f"(?<=[{both_cases(first)}])(?ai:"
        + "|".join(re.escape(word[1:]) for word in ascii_words if word[0] == first)
        + ")"
        for first in sorted({word[0] for word in ascii_words})
    ]
    at_word_start = r"(?<![^\W_].)"
    alternatives.append(at_word_start + r"(?<=[^\W_\x00-\x7f])")
    if ascii_firsts:
        alternatives.append(at_word_start + f"(?<=[{ascii_firsts}])" + r"[^\W_]*?[^\W_\x00-\x7f]")
    return re.compile(first_characters(set(kept)) + "(?:" + "|".join(alternatives) + ")")


def first_characters(kept: set[str]) -> str:
    """A class of characters holding ``kept`` (ASCII) and every character outside ASCII,
    written as the other ASCII characters' class negated. Written as it reads,
    ``[hH\\x80-\\U0010ffff]``, it took Python's compiler 3.5 ms (it marks every code point
    of a range in a table), paid by each search whose pattern ``re`` had not kept: most of
    them, on a board where people search for what they remember; negated, 0.03 ms."""
    others = [code for code in range(0x80) if chr(code) not in kept]
    runs = []
    for _, run in itertools.groupby(enumerate(others), lambda pair: pair[1] - pair[0]):
        codes = [code for _, code in run]
        runs.append(f"\\x{codes[0]:02x}" + (f"-\\x{codes[-1]:02x}" if len(codes) > 1 else ""))
    return "[^" + "".join(runs) + "]"


def both_cases(character: str) -> str:
    """``character`` in both its ASCII cases, escaped for a class of characters."""
    if not character.isalpha():
        return re.escape(character)
    return re.escape(character.lower()) + re.escape(character.upper())


def word_start(text: str, position: int) -> int:
    """``position``, moved on to the start of the next word, so a snippet starts with a whole one."""
    match = WORD.search(text, position)
    return position if match is None or match.start() - position > LEAD else match.start()
