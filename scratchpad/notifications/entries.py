"""A member's notifications drawn once and kept: each entry's HTML under the row it shows.

Drawing fifty entries through the template (each a comment's HTML, a name, a time, a link)
was most of what the page cost, and the page is asked for again and again with the same
entries once they are read. So each entry is drawn once and kept in the process's cache of
drawn comments (``board/drawing.py``'s, bounded by ``scratchpad.fragment_cache_bytes``; 0:
drawn every time), under a key holding everything the entry shows: the whole row the page's
statement read (the notification's id, kind, time and whether it is read; its comment's
text, HTML and times; its author's name), the mount point its link starts with, and the
member it was drawn for.

Never stale: a row that changes is another key (marked read, edited, an author renamed), and
an entry no longer listed (its comment hidden or deleted) is never asked for. Never anyone
else's: the key holds the reader's id, and a notification's id is one recipient's anyway.
"""

from collections.abc import Callable, Sequence
from typing import Any

from markupsafe import Markup
from pyramid.request import Request

from scratchpad.board.drawing import BETWEEN_ENTRIES, REGISTRY_KEY, kept_drawing
from scratchpad.board.lru import LRUCache
from scratchpad.board.page_cache import variant_of

#: The template's macro that draws one entry from its row.
Macro = Callable[[Any], str]


def drawn(request: Request, rows: Sequence[Any], draw: Macro) -> Markup:
    """The entries of ``rows`` (``listing.newest``'s) one after another, each kept once drawn."""
    cache: LRUCache | None = request.registry[REGISTRY_KEY]
    reader, prefix = request.identity.id, request.comments_prefix
    variant = variant_of(request)  # the language and time zone its words and dates are in
    return BETWEEN_ENTRIES.join(
        kept_drawing(cache, ("notification", prefix, reader, *variant, *row), draw, row) for row in rows
    )
