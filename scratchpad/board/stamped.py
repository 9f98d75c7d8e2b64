"""Board and thread pages for readers who are not logged in, read by their threads' stamps.

Every write of a comment, and every rename or removal of a user, gives the threads it
touches a new stamp, in the database itself (``models.thread_stamp``). So a thread drawn
for a reader who is not logged in is kept under its root's id and stamp (and
``drawing.drawn_for``), and a page of the board is read in ONE statement of short rows:
its roots and their stamps (``threads.newest_stamps``). The page kept whole under them is
then one look-up; when it is not kept (a thread changed, a new one came, another language),
each thread's drawing is looked up under its stamp, and only the threads not kept are read,
with their texts, in one more statement (``threads.threads_of``) and drawn.
A page costs the statements it did before the stamps at most, and, when nothing on it
changed, the short rows of its roots instead of every comment it shows with their authors.
What such a page sent is kept whole, under its roots' stamps, its ``before`` and the next
page's (``ThreadsPage.kept_as``), and sent from that one buffer next time (``KeptPage``,
``frames.respond_whole``).

A thread page shows nothing but its thread (its root, a page of its replies, their count, its
links) in the reader's language, zone and mount point: it is kept whole under its thread's
stamp, which is read with its root (``thread_page_key``). A kept thread page is then that one
statement.

Never stale: a stamp names one state of its thread, as a comment's ``change_stamp`` names
one state of its row; the roots and their threads are read in the request's one
transaction (``loaded.reader``). Members and admins, whose pages show their own buttons
and waiting comments, read their pages as before (``threads.newest_threads``).
"""

from collections.abc import Hashable
from typing import NamedTuple

from pyramid.request import Request
from pyramid.response import Response

from scratchpad.board import drawing, frames, page_cache, threads
from scratchpad.board.threads import KeptThread, Thread, ThreadsPage
from scratchpad.models import loaded
from scratchpad.resources import THREAD_STAMP_READ


class KeptPage(NamedTuple):
    """A page kept whole under its threads' stamps: its bytes, as one buffer, and its ETag."""

    body: bytes
    etag: str


def board_page(request: Request, before: int | None) -> ThreadsPage | None:
    """The board page older than root ``before`` (None: the newest) for a reader who gets the
    page every anonymous visitor gets, read by its threads' stamps; None for anyone else, or
    with the drawings' cache off (nothing would be kept under a stamp)."""
    cache = request.registry[drawing.REGISTRY_KEY]
    if cache is None or not page_cache.same_for_everyone(request):
        return None
    settings = request.registry.settings
    page_size: int = settings["scratchpad.page_size"]
    connection = loaded.reader(request)
    roots = threads.newest_stamps(connection, page_size, before)
    older_than = roots[page_size - 1].id if len(roots) > page_size else None
    stamps = [(root.id, root.stamp) for root in roots[:page_size] if root.stamp is not None]
    if len(stamps) < min(len(roots), page_size):
        return None  # a root the triggers never stamped: read and drawn as before
    drawn_for = drawing.drawn_for(request)
    # The whole page: its frame (which names ``before`` and ``older_than``) around its threads.
    kept_as = ("stamped board page", drawn_for, before, older_than, *stamps)
    whole: KeptPage | None = cache.get(kept_as)
    if whole is not None:
        return ThreadsPage([], older_than, is_newest=before is None, kept_as=kept_as, whole=whole)
    kept = {
        root_id: cache.get(drawing.stamped_thread_key(drawn_for, root_id, stamp)) for root_id, stamp in stamps
    }
    missing = [root_id for root_id, drawn in kept.items() if drawn is None]
    read: dict[int, Thread] = {}
    if missing:
        replies_shown: int = settings["scratchpad.replies_shown"]
        for thread in threads.threads_of(
            connection, missing, replies_shown, settings["scratchpad.reply_depth"]
        ):
            read[thread.root_id] = thread
    page_threads: list[Thread | KeptThread] = []
    for root_id, stamp in stamps:
        drawn = kept[root_id]
        if drawn is not None:
            page_threads.append(KeptThread(root_id, stamp, drawn))
        elif root_id in read:  # not gone since its stamp was read
            thread = read[root_id]
            thread.stamp = stamp
            page_threads.append(thread)
    return ThreadsPage(page_threads, older_than, is_newest=before is None, kept_as=kept_as)


def thread_page_key(request: Request, root_id: int, after: int | None) -> Hashable | None:
    """What a thread page (its replies after ``after``, if given) is kept under for a reader
    who gets the page every anonymous visitor gets: its thread's stamp, read with its root
    (``resources.thread_root_factory``), and what ``drawing.drawn_for`` holds. Everything the
    page shows is of its thread (the root, its replies, their count, the page's links) or
    of the reader's language, zone and mount point; None for anyone else, or with the
    drawings' cache off."""
    stamp = getattr(request, THREAD_STAMP_READ, None)
    if stamp is None or request.registry[drawing.REGISTRY_KEY] is None:
        return None
    if not page_cache.same_for_everyone(request):
        return None
    return ("stamped thread page", drawing.drawn_for(request), root_id, stamp, after)


def kept_page(request: Request, key: Hashable | None) -> Response | None:
    """The thread page kept whole under ``key`` (``thread_page_key``), if it is: sent from its
    one buffer, which the server may send without copying it (``frames.respond_whole``). A
    board page kept whole is found by ``board_page`` (``ThreadsPage.whole``)."""
    if key is None:
        return None
    kept: KeptPage | None = request.registry[drawing.REGISTRY_KEY].get(key)
    return None if kept is None else frames.respond_whole(request, kept.body, kept.etag)


def keep_page(request: Request, key: Hashable | None) -> None:
    """Keep the page this request sent in parts (``frames.respond``) whole under ``key``;
    a page drawn through its template alone (a later thread page without replies, an
    empty board) is not kept."""
    sent: tuple[list[bytes], list[bytes]] | None = getattr(request, frames.SENT_PARTS, None)
    if key is None or sent is None:
        return
    pieces, digests = sent
    kept = KeptPage(b"".join(pieces), page_cache.parts_etag(digests))
    request.registry[drawing.REGISTRY_KEY].put(key, kept, page_cache.size_of(key, kept))
