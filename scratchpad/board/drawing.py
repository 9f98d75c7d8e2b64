"""Comments drawn once, shown many times: HTML kept per process, under what it shows.

A page of threads shows up to 200 comments (50 threads, each with its first replies), and
drawing each through the template cost more than everything else the page does together. So
each part of a page is drawn once and kept, and a page is put together from kept parts:

- a comment's part that every reader sees (its text, author, times, links, indentation,
  placeholder), under its row;
- a logged-in reader's buttons on a comment (Reply, Edit, Hide, Delete, Report), under the
  comment's id and state and what the reader may do to it (``Actions``): a member's buttons
  on someone else's comment are the same for every member, so they are drawn once for all;
- a thread, a thread page's run of replies, and a board page's whole run of threads, under
  the rows of their comments and, for a logged-in reader, the ``Actions`` of each; for a
  reader who is not logged in, a board page's threads and their run under the threads'
  stamps instead (``board/stamped.py``: the page then reads no comment's row at all).

A page whose comments are all kept is then one look-up, whoever reads it: no template runs for
its comments, no permission is asked of the ACL per comment.

Never stale, by construction rather than by invalidation: every key holds the whole
``threads.CommentRow`` rows it was drawn from (each comment's ``change_stamp``, drawn anew by
every write of its row, and the names of its author and of whom it answers), the mount point
its links start with, the language and time zone it is written in (``page_cache.variant_of``),
and what the reader may do (``Actions``, worked out afresh for every page: the edit window
closing, a role changing, logging out change them). An edit, a hide, a rename, a new reply
counted on the root: the row differs, so the key differs, and the old part is never asked for
again (the LRU lets it go). Nothing about the reader but their ``Actions``, language and zone
is in a key, and a part's HTML shows nothing else of them (the CSRF token of a moderator's Hide
form is in their ``Actions``), so no reader's links reach another reader. The rows hold no
HTML: a page reads its comments' texts only when it draws one of them (``threads.PageTexts``),
so a page whose parts are all kept reads neither HTML nor text.

Bounded: an ``LRUCache`` of at most ``scratchpad.fragment_cache_bytes`` (0: none, every part
drawn each time), each entry weighed by every byte of its key and HTML, shared by the
process's threads.
"""

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import NamedTuple, cast

from markupsafe import Markup
from pyramid.config import Configurator
from pyramid.csrf import get_csrf_token
from pyramid.request import Request

from scratchpad.board.lru import LRUCache
from scratchpad.board.page_cache import size_of, variant_of
from scratchpad.board.threads import CommentRow, Entry, KeptThread, Thread
from scratchpad.models import Comment
from scratchpad.models.types import utcnow
from scratchpad.resources import CommentResource, permitted_on

REGISTRY_KEY = "comment_fragments"

#: A template's macro: ``comment_shared(entry, moderator)`` draws the part every reader
#: gets (the ``<article>`` up to where the reader's own buttons go), ``comment_actions(entry,
#: actions)`` a logged-in reader's buttons, ``comment_thread(thread, draw)`` a thread of the board.
Macro = Callable[..., str]

#: Where the shared part leaves off: the reader's own buttons go before it.
ENTRY_END = Markup("</article>")
#: ``Markup.join`` escapes whatever is not Markup already: a macro's output is (autoescape),
#: so nothing is escaped twice, and nothing unescaped could ever slip through.
JOINED = Markup("")
BETWEEN_ENTRIES = Markup("\n")


class Actions(NamedTuple):
    """What a logged-in reader may do to one comment: all their buttons on it depend on.

    ``own``: they wrote it (no Report link; "only you" see it while it waits);
    ``edit`` and ``moderate``: what the comment's ACL allows them; ``csrf_token``: the token
    a moderator's Hide form carries (None for everyone else, whose buttons carry none).
    """

    own: bool
    edit: bool
    moderate: bool
    csrf_token: str | None


#: Every member's ``Actions`` on a comment not theirs (on a page kept for every member).
ANY_MEMBER = Actions(own=False, edit=False, moderate=False, csrf_token=None)
#: ``request.drawing_slots``: while a page kept for every member is drawn
#: (board/member_pages.py), what marks a comment's buttons as a slot for its author's own.
MARKS = "drawing_slots"
MarkButtons = Callable[[CommentRow, Markup], Markup]
#: ``request.drawing_run_marks``: while a page is drawn to keep its frame (board/frames.py),
#: the mark put before and after each of its runs (``EntryDrawing.run``).
RUN_MARKS = "drawing_run_marks"


class EntryDrawing:
    """Draws the comments of one page for one reader: ``draw(entry)``, ``draw.many(entries)``,
    ``draw.thread(thread)``, ``draw.threads(threads)``.

    Made by ``comment_drawing`` in the page's template, with its macros, once a page.
    """

    def __init__(self, request: Request, shared: Macro, actions: Macro, thread: Macro | None = None) -> None:
        self.request = request
        self.shared = shared
        self.thread_macro = thread
        self.actions_macro = actions
        self.cache: LRUCache | None = request.registry[REGISTRY_KEY]
        self.drawn_for = drawn_for(request)
        viewer = request.identity
        self.viewer_id: int | None = None if viewer is None else viewer.id
        self.now = utcnow()
        self.edit_window: int = request.registry.settings["scratchpad.edit_window"]
        # What the ACL decided, by everything it reads of a comment (``signature``): asked
        # once per kind of comment a page shows, not once per comment.
        self.decided: dict[tuple[bool, ...], Actions] = {}
        # Drawing for every member: each comment's buttons are every member's, marked.
        self.mark_buttons: MarkButtons | None = getattr(request, MARKS, None)

    # -- what the reader may do ---------------------------------------------------------------

    def actions(self, comment: CommentRow) -> Actions | None:
        """The reader's ``Actions`` on ``comment``; None for a visitor who is not logged in
        (no buttons) and on a deleted comment's placeholder (nothing to act on)."""
        if self.viewer_id is None or comment.is_deleted:
            return None
        if self.mark_buttons is not None:
            return ANY_MEMBER
        signature = self.signature(comment)
        decided = self.decided.get(signature)
        if decided is None:
            moderate = permitted_on(self.request, "moderate", comment)
            decided = Actions(
                own=signature[2],
                edit=permitted_on(self.request, "edit", comment),
                moderate=moderate,
                csrf_token=get_csrf_token(self.request) if moderate else None,
            )
            self.decided[signature] = decided
        return decided

    def signature(self, comment: CommentRow) -> tuple[bool, ...]:
        """Everything the comment's ACL (``resources.CommentResource``) reads, as it bears on
        this reader: whether it is hidden, has an author, is theirs, and (only an author's own
        comment may be edited) is still within the edit window."""
        own = comment.commenter_id == self.viewer_id
        return (comment.is_hidden, comment.commenter_id is None, own, own and self.in_edit_window(comment))

    def in_edit_window(self, comment: CommentRow) -> bool:
        editable_until: datetime | None = CommentResource(
            cast(Comment, comment), self.edit_window
        ).editable_until
        return editable_until is not None and self.now < editable_until

    def key_of(self, entries: Iterable[Entry]) -> tuple[object, ...]:
        """What a run of entries looks like to this reader: their ids, their rows, then
        (logged in) their ``Actions``."""
        comments = tuple(entry.comment for entry in entries)
        if self.viewer_id is None:
            return comments
        return (*comments, tuple(map(self.actions, comments)))

    # -- drawing ------------------------------------------------------------------------------

    def __call__(self, entry: Entry) -> Markup:
        comment = entry.comment
        actions = self.actions(comment)
        # Whether the reader sees a hidden comment's text: the template's ``moderator``.
        moderator = bool(comment.is_hidden and actions is not None and actions.moderate)
        shared = self.kept(entry_key(self.drawn_for, moderator, comment), self.shared, entry, moderator)
        if actions is None:
            return JOINED.join((shared, ENTRY_END))
        # The buttons show the comment's id, state and the reader's Actions, nothing else.
        state = (comment.id, comment.is_hidden, comment.is_waiting)
        buttons = self.kept(("actions", self.drawn_for, state, actions), self.actions_macro, entry, actions)
        if self.mark_buttons is not None and comment.commenter_id is not None:
            buttons = self.mark_buttons(comment, buttons)
        return JOINED.join((shared, buttons, ENTRY_END))

    def many(self, entries: Sequence[Entry]) -> Markup:
        """The entries one after another: one call from the template for a thread's replies."""
        return self.kept(entries_key(self.drawn_for, self.key_of(entries)), self.joined, entries)

    def joined(self, entries: Sequence[Entry]) -> Markup:
        return BETWEEN_ENTRIES.join(map(self, entries))

    def thread(self, thread: Thread | KeptThread) -> Markup:
        """A thread of the board (``comment_thread``), kept under the rows of its entries
        (which hold its "all N replies": the root's count, and how many are shown), or under
        its stamp when it was read for a page kept under its threads' stamps
        (``board/stamped.py``; a ``KeptThread`` is its kept drawing)."""
        if isinstance(thread, KeptThread):
            return thread.drawing
        if self.thread_macro is None:
            raise ValueError("this drawing was made without a thread macro")
        if thread.stamp is not None:
            key = stamped_thread_key(self.drawn_for, thread.root_id, thread.stamp)
        else:
            key = ("thread", self.drawn_for, *self.key_of((thread.root, *thread.replies)))
        return self.kept(key, self.thread_macro, thread, self)

    def threads(self, threads: Sequence[Thread | KeptThread]) -> Markup:
        """A board page's threads, one after another: while nothing on the page changes, one
        look-up for the whole page."""
        if self.mark_buttons is not None:
            return self.joined_threads(threads)  # the page itself is kept
        return self.run(self.kept(self.run_key(threads), self.joined_threads, threads))

    def run(self, drawn: Markup) -> Markup:
        """``drawn``, a kept run of a page (its threads; a thread page's root, its replies),
        between marks while the page is drawn to keep its frame (board/frames.py)."""
        mark: Markup | None = getattr(self.request, RUN_MARKS, None)
        return drawn if mark is None else mark.join(("", drawn, ""))

    def run_key(self, threads: Sequence[Thread | KeptThread]) -> tuple[object, ...]:
        return run_key(self.drawn_for, threads, self.key_of)

    def joined_threads(self, threads: Sequence[Thread | KeptThread]) -> Markup:
        return BETWEEN_ENTRIES.join(map(self.thread, threads))

    def kept(self, key: tuple[object, ...], draw: Macro, *arguments: object) -> Markup:
        """``kept_drawing`` in this process's cache. The key names its kind first, so an
        entry, its buttons, a run of entries, a thread and a page of threads never share one;
        nor does a part with marks in it with one without."""
        if self.mark_buttons is not None:
            key = ("marked", *key)
        return kept_drawing(self.cache, key, draw, *arguments)


def entries_of(threads: Sequence[Thread | KeptThread]) -> list[Entry]:
    return [
        entry for thread in threads if isinstance(thread, Thread) for entry in (thread.root, *thread.replies)
    ]


def run_key(
    drawn_for: tuple[str, ...],
    threads: Sequence[Thread | KeptThread],
    key_of: Callable[[Sequence[Entry]], tuple[object, ...]],
) -> tuple[object, ...]:
    """The key of a page's run of threads: ``drawn_for``, then each thread's root and stamp
    when the page was read by its threads' stamps (only ever for a reader who is not logged
    in: ``board/stamped.py``), or else ``key_of`` all their entries (``EntryDrawing.key_of``:
    their rows, and a member's ``Actions``)."""
    stamps = [(thread.root_id, thread.stamp) for thread in threads if thread.stamp is not None]
    if len(stamps) == len(threads):
        return ("stamped threads", drawn_for, *stamps)
    return ("threads", drawn_for, *key_of(entries_of(threads)))


def stamped_thread_key(drawn_for: tuple[str, ...], root_id: int, stamp: int) -> tuple[object, ...]:
    """The key of a thread's drawing kept under its stamp (``models.thread_stamp``)."""
    return ("stamped thread", drawn_for, root_id, stamp)


def entry_key(drawn_for: tuple[str, ...], moderator: bool, comment: CommentRow) -> tuple[object, ...]:
    """The key of an entry's shared part; ``moderator``: whether it shows a hidden text."""
    return ("entry", drawn_for, moderator, comment)


def entries_key(drawn_for: tuple[str, ...], rows_key: tuple[object, ...]) -> tuple[object, ...]:
    """The key of a run of entries (``EntryDrawing.many``): ``drawn_for``, then
    ``EntryDrawing.key_of``."""
    return ("entries", drawn_for, *rows_key)


def kept_threads(request: Request, threads: Sequence[Thread | KeptThread]) -> Markup | None:
    """The run of ``threads`` as ``EntryDrawing.threads`` keeps it for a reader who is not
    logged in (no ``Actions`` in its key), if it is kept: drawn by nothing."""
    return kept_for_visitors(request, run_key(drawn_for(request), threads, rows_of))


def rows_of(entries: Sequence[Entry]) -> tuple[CommentRow, ...]:
    """What ``EntryDrawing.key_of`` gives for a reader who is not logged in."""
    return tuple(entry.comment for entry in entries)


def kept_entry(request: Request, entry: Entry) -> Markup | None:
    """``entry`` as ``EntryDrawing`` draws it for a reader who is not logged in (no buttons),
    if its shared part is kept."""
    shared = kept_for_visitors(request, entry_key(drawn_for(request), False, entry.comment))
    return None if shared is None else JOINED.join((shared, ENTRY_END))


def kept_entries(request: Request, entries: Sequence[Entry]) -> Markup | None:
    """The run of ``entries`` as ``EntryDrawing.many`` keeps it for a reader who is not
    logged in, if it is kept."""
    return kept_for_visitors(request, entries_key(drawn_for(request), rows_of(entries)))


def kept_for_visitors(request: Request, key: tuple[object, ...]) -> Markup | None:
    """What is kept under ``key`` in this process, if anything: drawn by nothing."""
    cache: LRUCache | None = request.registry[REGISTRY_KEY]
    if cache is None:
        return None
    kept: Markup | None = cache.get(key)
    return kept


def drawn_for(request: Request) -> tuple[str, ...]:
    """What every kept part's key holds of how it was drawn, whoever reads it: the mount
    point its links start with, and the language and time zone of its words and dates."""
    return (request.comments_prefix, *variant_of(request))


def kept_drawing(cache: LRUCache | None, key: tuple[object, ...], draw: Macro, *arguments: object) -> Markup:
    """What ``draw(*arguments)`` gives, kept in ``cache`` under ``key`` (None: drawn each time)."""
    if cache is None:
        return JOINED.join((draw(*arguments),))
    kept: Markup | None = cache.get(key)
    if kept is None:
        kept = JOINED.join((draw(*arguments),))
        cache.put(key, kept, size_of(key, kept))
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
