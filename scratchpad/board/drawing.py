"""Comments drawn once, shown many times: each entry's HTML kept per process, under what it shows.

A page of threads shows up to 200 comments (50 threads, each with its first replies), and
drawing each through the template cost more than everything else the page does together:
the page of threads was 0.3 times as fast as the flat page of 50. So the part of a comment's
entry that is the same for every reader (its text, author, times, links, indentation,
placeholder) is drawn once and kept, and each page stitches the kept parts together, adding
for a logged-in reader the parts that are theirs (Reply, Edit, Hide, Delete), drawn for them.

Never stale, by construction rather than by invalidation: the key of a kept part is the whole
``threads.ShownComment`` row it was drawn from (every column it shows, the names of its author
and of whom it answers included), the mount point its links start with, and whether it was
drawn for a moderator (who sees a hidden comment's text where others see a placeholder). An
edit, a hide, a rename, a new reply counted on the root: the row differs, so the key differs,
and the old entry is never asked for again (the LRU lets it go). Nothing about the reader
but that one flag is in the shared part, so no reader's links reach another reader.

Bounded: an ``LRUCache`` of at most ``scratchpad.fragment_cache_bytes`` (0: none, every
entry drawn each time), each entry weighed by every byte of its key and HTML, shared by the
process's threads.
"""

from collections.abc import Callable, Sequence

from markupsafe import Markup
from pyramid.config import Configurator
from pyramid.request import Request

from scratchpad.board.lru import LRUCache
from scratchpad.board.page_cache import size_of
from scratchpad.board.threads import Entry, Thread
from scratchpad.resources import permitted_on

REGISTRY_KEY = "comment_fragments"

#: A template's macro: ``comment_shared(entry, moderator)`` draws the part every reader
#: gets (the ``<article>`` up to where the reader's own buttons go), ``comment_actions(entry)``
#: a logged-in reader's own buttons, ``comment_thread(thread, draw)`` a thread of the board.
Macro = Callable[..., str]

#: Where the shared part leaves off: the reader's own buttons go before it.
ENTRY_END = Markup("</article>")
#: ``Markup.join`` escapes whatever is not Markup already: a macro's output is (autoescape),
#: so nothing is escaped twice, and nothing unescaped could ever slip through.
JOINED = Markup("")
BETWEEN_ENTRIES = Markup("\n")


class EntryDrawing:
    """Draws the entries of one page for one reader: ``draw(entry)``, or ``draw.many(entries)``.

    Made by ``comment_drawing`` in the page's template, with its macros, once a page.
    """

    def __init__(self, request: Request, shared: Macro, actions: Macro, thread: Macro | None = None) -> None:
        self.request = request
        self.shared = shared
        self.thread_macro = thread
        self.actions = actions if request.identity is not None else None
        self.cache: LRUCache | None = request.registry[REGISTRY_KEY]
        self.prefix = request.comments_prefix

    def shared_part(self, entry: Entry) -> Markup:
        comment = entry.comment
        # Whether the reader sees a hidden comment's text: the template's ``moderator``, asked
        # only of hidden comments (for the others the shared part is the same for everyone).
        moderator = bool(
            comment.is_hidden
            and not comment.is_deleted
            and self.actions is not None
            and permitted_on(self.request, "moderate", comment)
        )
        return self.kept(("entry", self.prefix, moderator, comment), self.shared, entry, moderator)

    def __call__(self, entry: Entry) -> Markup:
        if self.actions is None:
            return JOINED.join((self.shared_part(entry), ENTRY_END))
        return JOINED.join((self.shared_part(entry), self.actions(entry), ENTRY_END))

    def many(self, entries: Sequence[Entry]) -> Markup:
        """The entries one after another: one call from the template for a thread's replies.
        For a visitor who is not logged in they have no part of their own, so the whole run
        is kept, under the rows of its entries."""
        if self.actions is not None:
            return self.joined(entries)
        return self.kept(
            ("entries", self.prefix, *(entry.comment for entry in entries)), self.joined, entries
        )

    def joined(self, entries: Sequence[Entry]) -> Markup:
        return BETWEEN_ENTRIES.join(map(self, entries))

    def thread(self, thread: Thread) -> Markup:
        """A thread of the board (``comment_thread``). For a visitor who is not logged in it
        has no part of its own, so the whole thread is kept, under the rows of its entries
        (which hold its "all N replies": the root's count, and how many are shown)."""
        if self.thread_macro is None:
            raise ValueError("this drawing was made without a thread macro")
        if self.actions is not None:
            return JOINED.join((self.thread_macro(thread, self),))
        comments = (thread.root.comment, *(reply.comment for reply in thread.replies))
        return self.kept(("thread", self.prefix, *comments), self.thread_macro, thread, self)

    def kept(self, key: tuple[object, ...], draw: Macro, *arguments: object) -> Markup:
        """What ``draw(*arguments)`` gives, kept under ``key`` when there is a cache. The key
        names its kind first, so an entry, a run of entries and a thread never share one."""
        if self.cache is None:
            return JOINED.join((draw(*arguments),))
        kept: Markup | None = self.cache.get(key)
        if kept is None:
            kept = JOINED.join((draw(*arguments),))
            self.cache.put(key, kept, size_of(key, kept))
        return kept


def comment_drawing(request: Request) -> Callable[..., EntryDrawing]:
    """``request.comment_drawing(comment_shared, comment_actions[, comment_thread])``: an
    ``EntryDrawing`` for this request's reader."""

    def with_macros(shared: Macro, actions: Macro, thread: Macro | None = None) -> EntryDrawing:
        return EntryDrawing(request, shared, actions, thread)

    return with_macros


def includeme(config: Configurator) -> None:
    capacity = config.get_settings()["scratchpad.fragment_cache_bytes"]
    config.registry[REGISTRY_KEY] = LRUCache(capacity) if capacity else None
    config.add_request_method(comment_drawing, "comment_drawing", reify=True)
