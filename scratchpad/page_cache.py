"""Pages of the board rendered once for every anonymous visitor, until the board changes.

Most visitors are not logged in, and for them a page of the board is the same bytes until
someone posts, edits, hides or deletes a comment, or a commenter is renamed or deleted. Each
process keeps such pages in an LRU of at most ``scratchpad.page_cache_bytes`` (0: none),
each with the board's revision it was drawn at (``models.board``). Every write that changes
what the board shows gives it a new revision, in the same transaction, whichever process or
script writes: so a new comment shows at once, and several app processes on one database
stay correct without telling each other anything.

A visit to a kept page reads the current revision on a connection of its own (one statement,
no ORM session) and gets the kept page if the revisions match. Otherwise the page is drawn
as usual in the request's transaction, which reads the revision first: the page and the
revision it is kept under come from one snapshot, so a kept page is the board at its
revision. That is two statements when nothing was kept for the address, three when the
kept page is out of date. A page is kept under its address alone, its revision beside it,
so a page of the next revision replaces it instead of piling up next to it.

Only what is the same for everyone is kept: the page for a visitor who is not logged in
and has no message waiting in their session, answered 200 with HTML, with no cookie set
while answering. Kept are the view's status, headers and body; the tweens' headers (the
security headers) are added to each response again, and the session's or the login
ticket's cookies of the visitor a kept page is served to still go on their own response.
"""

from dataclasses import dataclass

from pyramid.response import Response

from .lru import LRUCache
from .models.board import board_revision

REGISTRY_KEY = "page_cache"


@dataclass(frozen=True)
class KeptPage:
    revision: int
    status: str
    headerlist: tuple
    body: bytes

    def response(self):
        return Response(status=self.status, headerlist=list(self.headerlist), body=self.body)


def same_for_everyone(request):
    """Whether this visitor gets the page every anonymous visitor gets.

    ``identity`` costs a query only when a login cookie came along; ``peek_flash`` neither
    pops the message nor, for a visitor without a session, starts one (and a cookie).
    """
    return request.identity is None and not request.session.peek_flash()


def current_revision(request):
    """The board's revision as committed now, read on a connection of its own: a kept page
    then costs no ORM session, whose set-up (joining it to the request's transaction) cost
    more than everything else a kept page needs."""
    shared = request.environ.get("app.dbconnection")  # the tests' rolled-back connection (models)
    if shared is not None:
        return board_revision(shared)
    with request.registry["dbengine"].connect() as connection:
        return board_revision(connection)


def cached_for_anonymous(view):
    """Decorator of a GET view (``@view_config(decorator=...)``; Pyramid routes HEAD to it too):
    serve anonymous visitors kept pages, and keep the ones it renders for them."""

    def page_cache_view(context, request):
        cache = request.registry[REGISTRY_KEY]
        if cache is None or not same_for_everyone(request):
            return view(context, request)
        # application_url: the page's links carry the script name, and could carry the host.
        key = (request.application_url, request.GET.get("before"))
        kept = cache.get(key)
        if kept is not None and kept.revision == current_revision(request):
            return kept.response()
        # First in the request's transaction, so the page drawn next is of this revision.
        revision = board_revision(request.dbsession)
        response = view(context, request)
        # None: the board_state row is missing, and no revision would tell of a change.
        if revision is not None and response.status_code == 200 and response.content_type == "text/html":
            page = KeptPage(revision, response.status, tuple(response.headerlist), response.body)

            def keep_unless_personal(request, sent):
                # Response callbacks run last, so this sees every cookie anyone set: a page
                # rendered while the session or the login ticket changed may carry either.
                if "Set-Cookie" not in sent.headers:
                    cache.put(key, page, len(page.body))

            request.add_response_callback(keep_unless_personal)
        return response

    return page_cache_view


def includeme(config):
    capacity = config.get_settings()["scratchpad.page_cache_bytes"]
    config.registry[REGISTRY_KEY] = LRUCache(capacity) if capacity else None
