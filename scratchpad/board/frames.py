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

and a page whose frame and runs are all kept is their bytes joined, without a template: the
frame kept encoded, each run's bytes and digest kept beside it, so the page is neither
encoded nor hashed whole for its ETag (``page_cache.parts_etag``, made of the parts' digests
however the page was made, in every process). A page that changed (another run of comments)
is drawn through the template as before, with a mark around each run
(``drawing.EntryDrawing.run``), and its frame is taken from what it drew. Only for readers
who get the page every anonymous visitor gets (``page_cache.same_for_everyone``): no
member's name, token or message is ever in a frame. Not keyed by the board's revision: every
change shows at once, through the runs' keys (an edit or a hide of the root is its row, so
its run's key) or the frame's (a new reply counted on the root, a page's "Later" link
moving).
"""

import io
import secrets
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from markupsafe import Markup
from pyramid.renderers import render
from pyramid.request import Request
from pyramid.response import Response

from scratchpad.board import drawing, page_cache
from scratchpad.board.lru import LRUCache
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
    reader whose page is their own, and for a later page without replies: no link leads to
    one (``after`` names no reply of the thread), and a client counting through numbers
    would otherwise fill the cache with their frames."""
    thread_page: ThreadPage = values["thread_page"]
    thread = thread_page.thread
    if after is not None and not thread.replies:
        return values
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


class Frame(NamedTuple):
    """A page's frame as kept: its pieces (one more than its runs) encoded as the response
    sends them, and each piece's digest (``page_cache.part_digest``), for the page's ETag."""

    pieces: tuple[bytes, ...]
    digests: tuple[bytes, ...]


def kept_or_drawn(
    request: Request, template: str, values: dict[str, Any], page: tuple[object, ...], kept_runs: KeptRuns
) -> dict[str, Any] | Response:
    """The page ``page`` names (its kind first, then what its frame shows) as its kept frame
    with ``kept_runs()`` put in, if all are kept; else drawn through ``template`` with
    ``values``, its frame kept if this process keeps drawings. ``values`` as they are, for
    the view's renderer, for a reader whose page is their own.

    Its ETag is made of its parts' digests (``page_cache.parts_etag``), whether drawn or
    joined: a joined page's frame and runs are kept with theirs, so it is never hashed or
    encoded whole."""
    if not page_cache.same_for_everyone(request):
        return values
    cache: LRUCache | None = request.registry[drawing.REGISTRY_KEY]
    key = ("frame", *drawing.drawn_for(request), *page)
    frame: Frame | None = None if cache is None else cache.get(key)
    runs = None if frame is None else kept_runs()
    if cache is not None and frame is not None and runs is not None:
        encoded = [encoded_run(cache, run) for run in runs]
        return respond(
            request,
            interleaved(frame.pieces, [body for body, _ in encoded]),
            interleaved(frame.digests, [digest for _, digest in encoded]),
        )
    setattr(request, drawing.RUN_MARKS, RUN_MARK)
    pieces = [piece.encode(CHARSET) for piece in render(template, values, request).split(str(RUN_MARK))]
    digests = list(map(page_cache.part_digest, pieces))
    if cache is not None:
        # Each run between two marks: the frame's pieces are every other one, from the first.
        frame = Frame(tuple(pieces[::2]), tuple(digests[::2]))
        cache.put(key, frame, page_cache.size_of(key, frame))
    return respond(request, pieces, digests)


#: What ``request.response`` (a ``text/html`` one) declares and the templates' pages are sent in.
CHARSET = "utf-8"


#: The largest page sent joined, as one buffer; a larger one goes as its pieces (a kept run
#: of threads is one), never joined: a buffer past glibc's mmap threshold, which the service
#: sets to 128 KiB (``MALLOC_MMAP_THRESHOLD_``, docs/deploying.md), is mapped and unmapped for
#: each request (page faults on every page of it), while each piece costs waitress a send.
JOINED_UP_TO = 128 * 1024


#: ``request.framed_parts``: the pieces and digests of the page ``respond`` sent, for a page
#: kept whole under its thread's stamp (``board/stamped.py``).
SENT_PARTS = "framed_parts"


def respond(request: Request, pieces: list[bytes], digests: list[bytes]) -> Response:
    setattr(request, SENT_PARTS, (pieces, digests))
    response = request.response
    length = sum(map(len, pieces))
    if length <= JOINED_UP_TO:
        response.body = b"".join(pieces)
    else:
        response.app_iter = pieces
        response.content_length = length
    response.etag = page_cache.parts_etag(digests)
    return response


def respond_whole(request: Request, body: bytes, etag: str) -> Response:
    """A kept page from its one buffer; one over ``JOINED_UP_TO`` through the server's
    ``wsgi.file_wrapper`` where it has one: waitress then sends the buffer as it is
    (``BytesIO.read`` of the whole hands the same bytes back), where a body was copied into
    its buffer and out again, each copy a mapping of its own past the service's mmap
    threshold (twice the throughput for a page of 160 KB). A smaller page goes as a plain
    body, in the same send as its headers."""
    response = request.response
    file_wrapper = request.environ.get("wsgi.file_wrapper")
    if file_wrapper is None or len(body) <= JOINED_UP_TO:
        response.app_iter = [body]
    else:
        response.app_iter = file_wrapper(io.BytesIO(body))
    response.content_length = len(body)
    response.etag = etag
    return response


def encoded_run(cache: LRUCache, run: str) -> tuple[bytes, bytes]:
    """A kept run as the response sends it, and its digest: kept beside it, under the run
    itself (a kept run is one string each time, whose hash Python keeps with it), weighed
    with every byte of both."""
    key = ("encoded", run)
    encoded: tuple[bytes, bytes] | None = cache.get(key)
    if encoded is None:
        body = run.encode(CHARSET)
        encoded = (body, page_cache.part_digest(body))
        cache.put(key, encoded, page_cache.size_of(key, encoded))
    return encoded


def all_kept(*runs: str | None) -> tuple[str, ...] | None:
    """``runs`` if every one of them is kept."""
    kept = tuple(run for run in runs if run is not None)
    return kept if len(kept) == len(runs) else None


def interleaved(frame: Sequence[bytes], runs: Sequence[bytes]) -> list[bytes]:
    """The frame's pieces with the runs between them: one piece more than runs, or a
    template and its view disagree on the page's runs (ValueError, never a page put
    together wrong)."""
    if len(frame) != len(runs) + 1:
        raise ValueError(f"a frame of {len(frame)} pieces holds {len(frame) - 1} runs, not {len(runs)}")
    pieces: list[bytes] = [b""] * (len(frame) + len(runs))
    pieces[::2], pieces[1::2] = frame, runs
    return pieces
