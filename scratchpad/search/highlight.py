"""A result's text as the page shows it: a stretch around the first match, the matching
words in ``<mark>``, everything else escaped.

Positions first, escaping second: the words are found in the raw text, then each piece is
escaped on its own and only the ``<mark>`` tags are added as markup. Marking the escaped
text instead would find words inside entities (a search for ``amp`` or ``lt``) and could cut
one in half; escaping marked text would escape the marks.
"""

from markupsafe import Markup, escape

from scratchpad.search.query import WORD, SearchQuery, fold

#: About three lines of the result list; the permalink leads to the whole comment.
SNIPPET_LENGTH = 300
#: How much text comes before the first match, when the snippet cannot start at the start.
LEAD = 60


def matching_spans(text: str, query: SearchQuery) -> list[tuple[int, int]]:
    """``(start, end)`` of every word of ``text`` that is a word of the query (folded as the
    indexes fold them), or begins with one that is searched as a prefix."""
    whole = {fold(word) for term in query.terms for word in term.words if not term.prefix}
    prefixes = tuple(fold(term.words[-1]) for term in query.terms if term.prefix)
    spans = []
    for match in WORD.finditer(text):
        word = fold(match.group())
        if word in whole or (prefixes and word.startswith(prefixes)):
            spans.append(match.span())
    return spans


def snippet(text: str, query: SearchQuery) -> Markup:
    """At most about ``SNIPPET_LENGTH`` characters of ``text``, from a little before its first
    match, with the matches marked and everything escaped."""
    spans = matching_spans(text, query)
    start, end = 0, len(text)
    if len(text) > SNIPPET_LENGTH:
        first = spans[0][0] if spans else 0
        start = 0 if first <= LEAD else word_start(text, first - LEAD)
        end = min(len(text), start + SNIPPET_LENGTH)
    pieces = [Markup("\N{HORIZONTAL ELLIPSIS}") if start > 0 else Markup()]
    position = start
    for span_start, span_end in spans:
        if span_start < start or span_end > end:
            continue
        pieces += [escape(text[position:span_start]), Markup("<mark>"), escape(text[span_start:span_end])]
        pieces.append(Markup("</mark>"))
        position = span_end
    pieces.append(escape(text[position:end]))
    if end < len(text):
        pieces.append(Markup("\N{HORIZONTAL ELLIPSIS}"))
    return Markup("").join(pieces)


def word_start(text: str, position: int) -> int:
    """``position``, moved on to the start of the next word, so a snippet starts with a whole one."""
    match = WORD.search(text, position)
    return position if match is None or match.start() - position > LEAD else match.start()
