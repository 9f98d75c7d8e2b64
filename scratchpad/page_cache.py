"""Pages of the board rendered once for every anonymous visitor, until the board changes.

Most visitors are not logged in, and for them a page of the board is the same bytes until
someone posts, edits, hides or deletes a comment, or a commenter is renamed or deleted. Each
process keeps such pages in a bounded LRU (``scratchpad.page_cache_size`` pages, 0: none),
each with the board's revision it was rendered at (``models.board``). A visit reads the
current revision first, one statement, and is served the kept page only when the revisions
match. Every write that changes what the board shows gives it a new revision, in the same
transaction, whichever process or script writes, so a new comment shows at once, and several
app processes on one database stay correct without telling each other anything. The page,
when it has to be rendered, is read in the same transaction as the revision, from the same
snapshot, so the page kept under a revision is the board at that revision. A page is kept
under its address alone, its revision beside it: a page of the next revision replaces it
instead of piling up next to it.

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


def cached_for_anonymous(view):
    """Decorator of a GET view (``@view_config(decorator=...)``; Pyramid routes HEAD to it too):
    serve anonymous visitors kept pages, and keep the ones it renders for them."""

    def page_cache_view(context, request):
        cache = request.registry[REGISTRY_KEY]
        if cache is None or not same_for_everyone(request):
            return view(context, request)
        # application_url: the page's links carry the script name, and could carry the host.
        key = (request.application_url, request.GET.get("before"))
        # First, so the page rendered below is read from the same snapshot as the revision.
        revision = board_revision(request.dbsession)
        if revision is None:  # the board_state row is missing: no revision says "unchanged"
            return view(context, request)
        kept = cache.get(key)
        if kept is not None and kept.revision == revision:
            return kept.response()
        response = view(context, request)
        if response.status_code == 200 and response.content_type == "text/html":
            page = KeptPage(revision, response.status, tuple(response.headerlist), response.body)

            def keep_unless_personal(request, sent):
                # Response callbacks run last, so this sees every cookie anyone set: a page
                # rendered while the session or the login ticket changed may carry either.
                if "Set-Cookie" not in sent.headers:
                    cache.put(key, page)

            request.add_response_callback(keep_unless_personal)
        return response

    return page_cache_view


def includeme(config):
    size = config.get_settings()["scratchpad.page_cache_size"]
    config.registry[REGISTRY_KEY] = LRUCache(size) if size else None
