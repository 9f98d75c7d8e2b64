"""A board page for readers who are not logged in, read by its threads' stamps.

Every write of a comment, and every rename or removal of a user, gives the threads it
touches a new stamp, in the database itself (``models.thread_stamp``). So a thread drawn
for a reader who is not logged in is kept under its root's id and stamp (and
``drawing.drawn_for``), and a page of the board is read in ONE statement of short rows:
its roots and their stamps (``threads.newest_stamps``). Its run of threads, kept under all
of them, is then one look-up; when it is not kept (a thread changed, a new one came, another
language), each thread's drawing is looked up under its stamp, and only the threads not
kept are read, with their texts, in one more statement (``threads.threads_of``) and drawn.
A page costs the statements it did before the stamps at most, and, when nothing on it
changed, the short rows of its roots instead of every comment it shows with their authors.

Never stale: a stamp names one state of its thread, as a comment's ``change_stamp`` names
one state of its row; the roots and their threads are read in the request's one
transaction (``loaded.reader``). Members and admins, whose pages show their own buttons
and waiting comments, read their pages as before (``threads.newest_threads``).
"""

from pyramid.request import Request

from scratchpad.board import drawing, page_cache, threads
from scratchpad.board.threads import KeptThread, Thread, ThreadsPage
from scratchpad.models import loaded


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
    run = cache.get(drawing.stamped_run_key(drawn_for, stamps))
    if run is not None:
        kept_run = [KeptThread(root_id, stamp, None) for root_id, stamp in stamps]
        return ThreadsPage(kept_run, older_than, is_newest=before is None, run=run)
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
    return ThreadsPage(page_threads, older_than, is_newest=before is None)
