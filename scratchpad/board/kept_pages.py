"""Which pages are kept, under what: the decorators of the board's and a thread's GET views.

An anonymous visitor gets the page kept for every visitor (page_cache.py); a member the
page kept for every member, with their own parts put in (member_pages.py); anyone else
(an admin, a member whose comment waits for a moderator, ...) the page drawn for them. The
key is what the page depends on, and nothing a client could vary at will: its kind, the
mount point its links start with (``SCRIPT_NAME``, set by the server or public_url.py, never
by a header), its keyset parameter as a number (``0251`` is 251, parsed as keyset.py does),
and ``page_cache.variant_of`` (the language and time zone). Not the ``Host``: the page's links are paths,
and absolute URLs elsewhere come from ``scratchpad.public_url``.
"""

from collections.abc import Callable
from typing import Any

from pyramid.httpexceptions import HTTPBadRequest
from pyramid.request import Request
from pyramid.response import Response

from scratchpad.board import keyset, member_pages, page_cache
from scratchpad.board.page_cache import View

#: What a page depends on besides the reader: from the request, or HTTPBadRequest.
PageKey = Callable[[Request], tuple[object, ...]]


def kept(page_key: PageKey) -> Callable[[View], View]:
    """The decorator of a GET view (``@view_config(decorator=...)``; Pyramid routes HEAD to
    it too) whose page is kept under ``page_key``."""

    def decorate(view: View) -> View:
        def kept_page_view(context: Any, request: Request) -> Response:
            try:
                key = (request.script_name, *page_key(request))
            except HTTPBadRequest:
                return view(context, request)  # which refuses it, in its own words
            variant = page_cache.variant_of(request)
            if page_cache.same_for_everyone(request):
                return page_cache.serve_anonymous(view, context, request, ("anonymous", *variant, *key))
            if request.registry[page_cache.REGISTRY_KEY] is not None and member_pages.same_for_every_member(
                request
            ):
                return member_pages.serve_member(view, context, request, ("member", *variant, *key), variant)
            return view(context, request)

        return kept_page_view

    return decorate


def kept_for_each_member(page_key: PageKey) -> Callable[[View], View]:
    """The decorator of a GET view whose page is a member's own (their notifications): kept
    for each member, under the revision, their unread count and ``page_key``, with their CSRF
    token in its slots. Not an admin's, whose navbar holds the inbox's counts."""

    def decorate(view: View) -> View:
        def kept_page_view(context: Any, request: Request) -> Response:
            member = request.identity
            if (
                request.registry[page_cache.REGISTRY_KEY] is None
                or member is None
                or member.is_admin
                or request.session.peek_flash()
            ):
                return view(context, request)
            try:
                key = (request.script_name, *page_key(request))
            except HTTPBadRequest:
                return view(context, request)
            variant = page_cache.variant_of(request)
            key = ("own", member.id, member.unread_notifications, *variant, *key)
            return member_pages.serve_member(view, context, request, key, variant)

        return kept_page_view

    return decorate


def board_page_key(request: Request) -> tuple[object, ...]:
    return ("board", keyset.before_param(request, "comment"))


def thread_page_key(request: Request) -> tuple[object, ...]:
    return ("thread", int(request.matchdict["comment_id"]), keyset.after_param(request, "reply"))


board_page = kept(board_page_key)
thread_page = kept(thread_page_key)


def notifications_page_key(request: Request) -> tuple[object, ...]:
    return ("notifications", keyset.before_param(request, "notification"))


notifications_page = kept_for_each_member(notifications_page_key)
