"""A page around its kept runs of comments, kept for anonymous readers: a drawn page without
a template. The board's pages (``framed``) and a thread's (``framed_thread``).

A page of the board or of a thread drawn for a visitor who is not logged in (the page cache
off, or just after a change) is its comments, kept as runs under their rows (``drawing.py``:
a board page's threads; a thread page's root and its page of replies), in a frame: the
layout (head, navbar, language menu), the heading, the page links. Drawing that frame
through the templates cost more than everything else the page does. The frame shows no
comment and nothing of the reader: it is kept in the drawings' cache under what it shows,

- the mount point its links start with, the language and time zone of its words
  (``drawing.drawn_for``);
- which page it is: the board's ``before`` and the next page's ``before`` (the "Older" link);
  a thread's root, its page's ``after`` and the next page's ``after`` (the "Later replies"
  link), and what the frame shows of the thread around its runs (the root's id and count of
  replies, whether the page has replies). Its language links lead back to that page as it
  reads it (``i18n.menu.came_from``: the path, whose only variable part is the root's id, and
  the page's ``before``/``after`` as a number), whatever else the address holds, so no
  parameter a client adds at will (``?q=...``, ``?before=0251``) can fill the cache with
  frames;

and a page whose frame and runs are all kept is their bytes joined, without a template. A
page that changed (another run of comments) is drawn through the template as before, with a
mark around each run (``drawing.EntryDrawing.run``), and its frame is taken from what it drew.
Only for readers who get the page every anonymous visitor gets
(``page_cache.same_for_everyone``): no member's name, token or message is ever in a frame.
Not keyed by the board's revision: every change shows at once, through the runs' keys (an
edit or a hide of the root is its row, so its run's key) or the frame's (a new reply counted
on the root, a page's "Later" link moving).
"""

import secrets
from collections.abc import Callable, Sequence
from typing import Any

from markupsafe import Markup
from pyramid.renderers import render
from pyramid.request import Request
from pyramid.response import Response

from scratchpad.board import drawing, page_cache
from scratchpad.board.threads import ThreadPage

#: Made once per process, never shown: where each run of comments starts and ends in a page
#: drawn to take its frame from. No comment's text (escaped, or made by markup.py) holds it.
RUN_MARK = Markup("<!--{}:run-->").format(secrets.token_hex(12))

#: The page's runs as kept, in the order the page shows them; None unless all are kept.
KeptRuns = Callable[[], Sequence[str] | None]


def framed(
    request: Request, template: str, values: dict[str, Any], before: int | None
) -> dict[str, Any] | Response:
    """The board page of ``values`` (``views.index.page_values``, older than root ``before``
    if given) as a response from its kept frame and run of threads, or drawn through
    ``template`` (its frame kept); ``values`` as they are, for the view's renderer, for a
    reader whose page is their own or a page without threads."""
    threads_page = values["threads_page"]
    if not threads_page.threads:
        return values
    page = ("board", before, threads_page.older_than)
    return kept_or_drawn(
        request, template, values, page, lambda: all_kept(drawing.kept_threads(request, threads_page.threads))
    )


def framed_thread(
    request: Request, template: str, values: dict[str, Any], after: int | None
) -> dict[str, Any] | Response:
    """The thread page of ``values`` (its ``thread_page``, the replies after ``after`` if
    given) as a response from its kept frame, root and run of replies, or drawn through
    ``template`` (its frame kept); ``values`` as they are, for the view's renderer, for a
    reader whose page is their own."""
    thread_page: ThreadPage = values["thread_page"]
    thread = thread_page.thread
    root = thread.root.comment
    # The frame's title, heading and links name the root by its id, its sentence says how
    # many replies it has, and a first page without replies says so.
    page = ("thread", root.id, root.reply_count, bool(thread.replies), after, thread_page.later_than)
    return kept_or_drawn(
        request,
        template,
        values,
        page,
        lambda: all_kept(
            drawing.kept_entry(request, thread.root), drawing.kept_entries(request, thread.replies)
        ),
    )


def kept_or_drawn(
    request: Request, template: str, values: dict[str, Any], page: tuple[object, ...], kept_runs: KeptRuns
) -> dict[str, Any] | Response:
    """The page ``page`` names (its kind first, then what its frame shows) as its kept frame
    with ``kept_runs()`` put in, if all are kept; else drawn through ``template`` with
    ``values``, its frame kept. ``values`` as they are for a reader whose page is their own,
    and when nothing is kept in this process (no drawings' cache)."""
    cache = request.registry[drawing.REGISTRY_KEY]
    if cache is None or not page_cache.same_for_everyone(request):
        return values
    key = ("frame", *drawing.drawn_for(request), *page)
    frame: tuple[str, ...] | None = cache.get(key)
    runs = None if frame is None else kept_runs()
    response = request.response
    if frame is not None and runs is not None:
        response.text = "".join(interleaved(frame, runs))
        return response
    setattr(request, drawing.RUN_MARKS, RUN_MARK)
    pieces = render(template, values, request).split(str(RUN_MARK))
    # Each run between two marks: the frame's pieces are every other one, from the first.
    frame = tuple(pieces[::2])
    cache.put(key, frame, page_cache.size_of(key, frame))
    response.text = "".join(pieces)
    return response


def all_kept(*runs: str | None) -> tuple[str, ...] | None:
    """``runs`` if every one of them is kept."""
    kept = tuple(run for run in runs if run is not None)
    return kept if len(kept) == len(runs) else None


def interleaved(frame: Sequence[str], runs: Sequence[str]) -> list[str]:
    """The frame's pieces with the runs between them (one piece more than runs), as plain
    strings for ``str.join``: a Markup's ``+`` or ``join`` would escape the frame."""
    pieces = list(frame) + list(runs)
    pieces[::2], pieces[1::2] = frame, runs
    return pieces
