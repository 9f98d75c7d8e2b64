"""/feed.atom: the newest visible comments for feed readers, who poll it with If-None-Match.

Everyone gets the same feed, so the view asks no permission: the security policy never looks
up the visitor's login (a database query), and no cookie is read or set. Its few words of its
own (the title, "anonymous") are in the language the reader's ``Accept-Language`` asks for:
one document per language, each with its ETag, and ``Vary: Accept-Language``.
"""

import hashlib
from functools import partial

from pyramid.httpexceptions import HTTPNotModified
from pyramid.request import Request
from pyramid.response import Response
from pyramid.security import NO_PERMISSION_REQUIRED
from pyramid.view import view_config

from scratchpad.board import atom
from scratchpad.board.visible import newest_visible
from scratchpad.i18n.messages import _, translate
from scratchpad.i18n.negotiation import from_accept_language
from scratchpad.models.board import board_revision

TITLE = _("Scratchpad: newest comments")
FEED_LENGTH = 50

#: The version of how comments are written into the feed. Raise it with any change that writes
#: the same comments differently (atom.py, the Markdown rules), so that readers holding an old
#: ETag get the new document; forgetting only delays that until the board next changes.
LAYOUT = 1

#: Readers and caches may keep the feed, but ask again each time; the ETag makes that cheap.
CACHE_CONTROL = "no-cache"


def feed_etag(request: Request, revision: int | None) -> str:
    """A strong ETag: the same value means byte-for-byte the same document.

    The document is made of the newest visible comments and their commenters' names, which
    change only together with the board's revision (models/board.py: any comment added,
    edited, hidden, unhidden or deleted, any user renamed or deleted); of absolute addresses,
    made from the scheme, host and mount point in ``application_url``; of the code that
    writes it (``LAYOUT``); and of the language of its own words. Nothing else: no current
    time, no visitor, no setting. So the ETag hashes exactly those four.
    """
    key = f"{LAYOUT} {request.application_url} {revision} {request.locale_name}"
    return hashlib.sha256(key.encode()).hexdigest()[:32]


@view_config(route_name="feed.atom", request_method="GET", permission=NO_PERMISSION_REQUIRED)
def feed(request: Request) -> Response:
    # The revision is read first, in the same transaction as the comments: under any isolation
    # level the ETag can then only be older than the document (the next poll just gets a 200),
    # never name a newer board than the one sent.
    # The language by Accept-Language alone: no cookie is read, nobody's login looked up.
    request.locale_name = from_accept_language(request)
    etag = feed_etag(request, board_revision(request.dbsession))
    if etag in request.if_none_match:
        # Not rendered: one statement in all. The 304 repeats the 200's caching headers.
        return HTTPNotModified(
            headers={"ETag": f'"{etag}"', "Cache-Control": CACHE_CONTROL, "Vary": "Accept-Language"}
        )
    comments = newest_visible(request.dbsession, FEED_LENGTH).rows
    response = request.response
    response.body = atom.feed_document(
        title=translate(request, TITLE),
        feed_url=request.route_url("feed.atom"),
        board_url=request.route_url("comments.index"),
        comments=comments,
        permalink=lambda comment_id: request.comment_url(comment_id),
        words=partial(translate, request),
        site_url=request.route_url("comments.index"),
    )
    response.content_type = "application/atom+xml"
    response.charset = "utf-8"
    response.etag = etag
    response.cache_control = CACHE_CONTROL
    response.vary = ("Accept-Language",)
    return response
