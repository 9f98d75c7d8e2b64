"""Pages of the board (and of a thread) rendered once for every anonymous visitor, until the
board changes. Members get pages kept in the same cache (member_pages.py); which page is kept
under what key is said in kept_pages.py.

Most visitors are not logged in, and for them a page of the board is the same bytes until
someone posts, edits, hides or deletes a comment, or a commenter is renamed or deleted. Each
process keeps such pages in an LRU of at most ``scratchpad.page_cache_bytes`` (0: none),
each with the board's revision it was drawn at (``models.board``). Every write that changes
what the board shows gives it a new revision, in the same transaction, whichever process or
script writes: so a new comment shows at once, and several app processes on one database
stay correct without telling each other anything.

A visit to a kept page reads the current revision on a connection of its own (one statement,
no ORM session) and gets the kept page if the revisions match; a thread page reads it with
its root, and a member's page with the member (resources.py, accounts/security.py), on the
request's own connection too (models/loaded.py), whose transaction the request's session
takes over if it is made. Otherwise the page is drawn as usual in the request's transaction,
which reads the revision first: the page and the revision it is kept under come from one
snapshot, so a kept page is the board at its revision. That is two statements when nothing
was kept for the page, three when the kept page is out of date. A page is kept under its key alone, its revision beside it,
so a page of the next revision replaces it instead of piling up next to it.

The key (kept_pages.py) is what the page depends on, and nothing a client could vary at
will; ``variant_of`` is what it holds of the reader: the language and time zone the page is
drawn in, one of the few languages the board speaks whatever the headers ask
(i18n/negotiation.py) and a zone the zoneinfo database names, so a page has one copy per
language and zone read; the response says ``Vary: Accept-Language, Cookie`` for the caches
outside. Each entry weighs every byte it holds (key, body, headers, and the
LRU's own bookkeeping), so no request, however large its headers, grows the cache past its
bound.

Only what is the same for everyone is kept: the page for a visitor who is not logged in and
has no message waiting in their session, answered 200 with HTML, with no cookie set while
answering. Kept are the view's status, headers and body, an ETag of the body among them
(``body_etag``; a page drawn in parts, frames.py, has one made of its parts' digests); the
tweens' headers (the security headers, ``Cache-Control``) are added to each response again,
and the session's or the login ticket's cookies of the visitor a kept page is served to
still go on their own response.
"""

import hashlib
import sys
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import Any

from pyramid.config import Configurator
from pyramid.request import Request
from pyramid.response import Response

from scratchpad.board.lru import LRUCache
from scratchpad.metrics import instruments
from scratchpad.models.board import board_revision
from scratchpad.web import caching

REGISTRY_KEY = "page_cache"
#: What the page's language is chosen by (i18n/negotiation.py): ``Accept-Language``, and
#: the language menu's cookie (a member's choice never reaches a page kept for everyone).
VARY = ("Accept-Language", "Cookie")

#: A view as Pyramid calls it with a decorator: the context and the request.
View = Callable[[Any, Request], Response]


@dataclass(frozen=True, slots=True)
class KeptPage:
    revision: int
    status: str
    headerlist: tuple[tuple[str, str], ...]
    body: bytes

    def response(self) -> Response:
        return Response(status=self.status, headerlist=list(self.headerlist), body=self.body)

    def size_with(self, key: Hashable) -> int:
        """The bytes this page and ``key`` hold: what the cache weighs the entry by."""
        return size_of(key, self, self.revision, self.status, self.headerlist, self.body)


def body_etag(body: bytes) -> str:
    """A strong ETag: the same value means byte for byte the same page."""
    return hashlib.sha256(body).hexdigest()[:32]


def part_digest(part: bytes) -> bytes:
    """The digest of a part of a page (board/frames.py), kept with the part."""
    return hashlib.sha256(part).digest()


def parts_etag(digests: Iterable[bytes]) -> str:
    """A strong ETag of a page made of parts, from each part's ``part_digest`` in order: the
    same value means the same parts, so byte for byte the same page, without hashing the page
    whole. Not ``body_etag`` of the same bytes: a page drawn in parts always is (frames.py),
    in every process."""
    return hashlib.sha256(b"".join(digests)).hexdigest()[:32]


def size_of(*values: object) -> int:
    """The bytes these values take in memory, the items of tuples included. A string two
    entries share is counted in each: the bound errs on the safe side."""
    return sum(
        sys.getsizeof(value) + (size_of(*value) if isinstance(value, tuple) else 0) for value in values
    )


def same_for_everyone(request: Request) -> bool:
    """Whether this visitor gets the page every anonymous visitor gets.

    ``identity`` costs a query only when a login cookie came along; ``peek_flash`` neither
    pops the message nor, for a visitor without a session, starts one (and a cookie).
    """
    return request.identity is None and not request.session.peek_flash()


def variant_of(request: Request) -> tuple[str, str]:
    """What a kept page's or drawing's key holds of the reader besides who they are: the
    language and time zone it is written in (scratchpad/i18n/). Both as drawn, not as asked
    for: a locale CLDR knows, a zone the zoneinfo database names, so no visitor can vary the
    keys at will. The one place to add what else the drawing comes to depend on."""
    local_format = request.local_format
    return (local_format.locale_name, local_format.zone)


def current_revision(request: Request) -> int | None:
    """The board's revision as committed now, read on a connection of its own: a kept page
    then costs no ORM session, whose set-up (joining it to the request's transaction) cost
    more than everything else a kept page needs."""
    shared = request.environ.get("app.dbconnection")  # the tests' rolled-back connection (models)
    if shared is not None:
        return board_revision(shared)
    with request.registry["dbengine"].connect() as connection:
        return board_revision(connection)


#: ``request.board_revision``: the revision as the request's transaction read it, with the
#: logged-in member (accounts/security.py) or a thread page's root (resources.py).
REVISION_READ = "board_revision"


def revision_read(request: Request) -> int | None:
    """The revision in the request's transaction: as read already with the member or the
    root, else read now (one statement). First in the transaction either way, so the page
    drawn next is of this revision."""
    if hasattr(request, REVISION_READ):
        revision: int | None = getattr(request, REVISION_READ)
        return revision
    return board_revision(request.dbsession)


def serve_anonymous(view: View, context: Any, request: Request, key: Hashable) -> Response:
    """An anonymous visitor's page: kept, or drawn and kept. ``key``: what the page depends
    on (its kind, the mount point, its parameters, ``variant_of``)."""
    cache = request.registry[REGISTRY_KEY]
    if cache is None:
        return public(request, view(context, request))
    kept = cache.get(key)
    # In the request's transaction if something read it there already (a thread's root).
    in_transaction = hasattr(request, REVISION_READ)
    current = revision_read(request) if in_transaction else None
    if kept is not None and kept.revision == (current if in_transaction else current_revision(request)):
        instruments.PAGE_CACHE_HITS.inc()
        instruments.PAGE_CACHE_SERVED_BYTES.inc(len(kept.body))
        return public(request, kept.response())
    instruments.PAGE_CACHE_MISSES.inc()
    revision = current if in_transaction else revision_read(request)
    response = public(request, view(context, request))
    # None: the board_state row is missing, and no revision would tell of a change.
    if revision is not None and is_page(response):
        page = KeptPage(revision, response.status, tuple(response.headerlist), response.body)

        def keep_unless_personal(request: Request, sent: Response) -> None:
            # Response callbacks run last, so this sees every cookie anyone set: a page
            # rendered while the session or the login ticket changed may carry either.
            if "Set-Cookie" not in sent.headers:
                cache.put(key, page, page.size_with(key))

        request.add_response_callback(keep_unless_personal)
    return response


def is_page(response: Response) -> bool:
    return response.status_code == 200 and response.content_type == "text/html"


def public(request: Request, response: Response) -> Response:
    """Mark an anonymous visitor's page as the same for everyone, with an ETag naming its
    bytes (a kept page has one already)."""
    if is_page(response):
        if response.etag is None:
            response.etag = body_etag(response.body)
        # One address, a page per language: a browser's or proxy's copy is only good for a
        # request with the same language preferences and cookies (the menu's choice).
        response.vary = VARY
        caching.mark_public(request)
    return response


def includeme(config: Configurator) -> None:
    capacity = config.get_settings()["scratchpad.page_cache_bytes"]
    config.registry[REGISTRY_KEY] = LRUCache(capacity) if capacity else None
