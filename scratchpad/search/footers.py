"""Each search result's footer (when and by whom it was posted, when edited, its permalink)
drawn once and kept, in the process's cache of drawn comment parts (``board/drawing.py``).

A results page lists up to 50 comments, and drawing their footers (a translated sentence
each, two dates in the reader's language and zone, the author isolated in ``<bdi>``) cost
more than finding them. A footer depends on nothing a query or a reader chooses beyond
the reader's language and zone, so the same comment's footer is drawn once for every search
and every reader that shows it in that language and zone.

Never stale, by construction: the key holds every value the footer shows (the comment's
id, its author's name, its posted and edited times) and how it is drawn (the mount point
its link starts with, the language and zone: ``drawing.drawn_for``). A rename or an edit
gives another key, and the old footer is never asked for again (the LRU lets it go). The
footer shows nothing of the reader, nor of the query, so no reader's page reaches another's.
The cache is ``scratchpad.fragment_cache_bytes``'s (0: drawn each time).
"""

from typing import Any

from markupsafe import Markup
from pyramid.request import Request

from scratchpad.board.drawing import REGISTRY_KEY, Macro, drawn_for, kept_drawing


class ResultFooters:
    """``footers(comment)``: the footer ``draw(comment)`` draws, kept under what it shows.
    The results template makes one of its footer macro: ``kept_footers(result_footer)``
    (``functools.partial(ResultFooters, request)``, search/views.py)."""

    def __init__(self, request: Request, draw: Macro) -> None:
        self.cache = request.registry.get(REGISTRY_KEY)
        self.drawn_for = ("search-footer", *drawn_for(request))
        self.draw = draw

    def __call__(self, comment: Any) -> Markup:
        key = (*self.drawn_for, comment.id, comment.username, comment.posted_at, comment.edited_at)
        return kept_drawing(self.cache, key, self.draw, comment)
