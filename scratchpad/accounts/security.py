"""Who the visitor is (auth ticket cookie), what they may do (ACL), and CSRF protection."""

from typing import Any, cast

import sqlalchemy as sa
from pyramid.authentication import AuthTktCookieHelper
from pyramid.authorization import ACLHelper, Authenticated, Everyone
from pyramid.config import Configurator
from pyramid.csrf import SessionCSRFStoragePolicy
from pyramid.request import Request, RequestLocalCache
from pyramid.security import Allowed, Denied
from pyramid.session import SignedCookieSessionFactory
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from scratchpad.board import inbox
from scratchpad.board.page_cache import REVISION_READ
from scratchpad.models import Comment, User, loaded
from scratchpad.models.board import REVISION_QUERY
from scratchpad.models.notification import unread_count
from scratchpad.models.prepared import Prepared
from scratchpad.resources import Root

#: Seconds a session (and the CSRF token in it) lives unused.
SESSION_TIMEOUT = 1200

#: The bound parameter of ``VISITOR_QUERY``: the ticket's user id.
TICKET_USERID = "ticket_userid"


def own_waiting(user_id: sa.ColumnElement[int] | Any) -> sa.ColumnElement[bool]:
    """Whether the user has a comment waiting for a moderator: the page of the board kept for
    every member is not theirs then (board/member_pages.py). The authors of the waiting
    comments, which are few, read by their index once per statement, never the user's own
    comments, which may be thousands (SQLite took the user's index for a correlated EXISTS,
    and the ordering is what makes it read the waiting ones by theirs;
    tests/functional/accounts/test_visitor_plan.py)."""
    comments = cast(sa.Table, Comment.__table__)
    waiting_authors = (
        sa.select(comments.c.commenter_id)
        .where(comments.c.waiting_since.is_not(None))
        .order_by(comments.c.waiting_since)
        .with_hint(comments, "FORCE INDEX (ix_comments_waiting_since)", dialect_name="mysql")
    )
    in_waiting: sa.ColumnElement[bool] = user_id.in_(waiting_authors)
    return in_waiting


#: Every column of a user, as ``VISITOR_QUERY`` reads them, first, in this order.
USER_COLUMNS = tuple(cast(sa.Table, User.__table__).columns)
#: The attribute name of each of ``USER_COLUMNS``.
USER_KEYS = tuple(column.key for column in USER_COLUMNS)
#: The ticket's user with the navbar's counts, in one statement: the member's unread
#: notifications (models/notification.py) and, for admins, the inbox's (board/inbox.py);
#: and what the pages kept for every member ask (board/member_pages.py): whether the member
#: has a comment waiting, and the board's revision.
#: Built once, here, with the user id a bound parameter: building it (the subqueries) cost
#: more than running it, on every page a member asked for. Read as a plain row, made a
#: ``User`` by ``user_of``: the ORM's loading of the entity cost twice the rest; and run on
#: the driver's cursor (models/prepared.py).
VISITOR_QUERY = Prepared(
    sa.select(
        *USER_COLUMNS,
        unread_count(User.id).label("unread_notifications"),
        *inbox.counts_for_admins(),
        own_waiting(User.id).label("own_waiting"),
        REVISION_QUERY.scalar_subquery().label("board_revision"),
    ).where(User.id == sa.bindparam(TICKET_USERID))
)

#: Requests that only read: their member may be read before the request's session exists.


def user_of(row: Any, dbsession: Session | None) -> User:
    """The ``User`` of ``row`` (``VISITOR_QUERY``'s), as if the ORM had loaded it
    (models/loaded.py), with the unread count the navbar shows: ``dbsession``'s, or made
    without one, to join the request's session when that is made."""
    values = dict(zip(USER_KEYS, row, strict=False))
    if dbsession is None:
        user = loaded.as_detached(User, values)
    else:
        user = loaded.as_loaded(dbsession, User, values)
    set_committed_value(user, "unread_notifications", row.unread_notifications)
    return user


def read_visitor(request: Request, userid: int) -> tuple[Any, User | None]:
    """``VISITOR_QUERY``'s row for ``userid``, and its ``User``.

    A request that only reads, and has not made its session yet, reads it on a connection of
    its own, as a visit to a kept page reads the revision (page_cache.py): a page kept for
    every member then needs no ORM session, whose set-up, joining to the transaction and
    closing cost a member's request a sixth of its time. The ``User`` joins the request's
    session if one is made later (``loaded.join_when_made``), and that session takes the
    connection over with its transaction (``loaded.session_options``): the member, the
    revision and a page drawn after them are still one snapshot.

    Otherwise in the request's transaction: a write (POST...) checks its member inside it,
    under SQLite's write lock or MariaDB's snapshot, as it always did; and a request whose
    session exists already (a comment's URL reads the comment first, resources.py) reads
    the member there too, rather than on a second connection.
    """
    params = {TICKET_USERID: userid}
    if loaded.reads_early(request):
        row = VISITOR_QUERY.one_or_none(loaded.early_connection(request), params)
        user = None if row is None else user_of(row, None)
        if user is not None:
            loaded.join_when_made(request, user)
        return row, user
    dbsession = request.dbsession
    row = VISITOR_QUERY.one_or_none(dbsession.connection(), params)
    return row, None if row is None else user_of(row, dbsession)


class SecurityPolicy:
    def __init__(self, secret: str, secure: bool, timeout: int) -> None:
        self.helper = AuthTktCookieHelper(
            secret,
            hashalg="sha512",
            http_only=True,
            samesite="Lax",
            secure=secure,
            # One host-only cookie: no copies for the parent domain or its subdomains.
            wild_domain=False,
            parent_domain=False,
            # A ticket dies after ``timeout`` seconds unused; in use, it is renewed.
            timeout=timeout,
            reissue_time=timeout // 10,
        )
        self.identity_cache = RequestLocalCache(self.load_identity)

    def load_identity(self, request: Request) -> User | None:
        """The ticket's user, if they still exist, are active, and the ticket carries their
        current session secret (random per user, renewed at logout, new password, disabling)."""
        ticket = self.helper.identify(request)
        if ticket is None:
            return None
        userid = ticket["userid"]
        if not isinstance(userid, int):
            return None
        row, user = read_visitor(request, userid)
        if row is not None:
            request.inbox_count = inbox.InboxCount(
                reports=row.open_reports or 0, waiting=row.waiting_comments or 0
            )
            request.own_waiting = bool(row.own_waiting)
            if not hasattr(request, REVISION_READ):  # a comment's URL read it first (resources.py)
                setattr(request, REVISION_READ, row.board_revision)
        if user is None or not user.is_active or not user.holds_session(ticket["tokens"]):
            request._authtkt_reissue_revoked = True  # no fresh copy of a dead ticket
            return None
        return user

    def identity(self, request: Request) -> User | None:
        """The logged-in ``User``, loaded once per request, or None."""
        user: User | None = self.identity_cache.get_or_create(request)
        return user

    def authenticated_userid(self, request: Request) -> int | None:
        user = self.identity(request)
        return None if user is None else user.id

    def remember(self, request: Request, userid: int, **kw: Any) -> list[tuple[str, str]]:
        user = request.dbsession.get(User, userid)
        headers: list[tuple[str, str]] = self.helper.remember(
            request, userid, tokens=[user.session_secret], **kw
        )
        return headers

    def forget(self, request: Request, **kw: Any) -> list[tuple[str, str]]:
        headers: list[tuple[str, str]] = self.helper.forget(request, **kw)
        return headers

    def permits(self, request: Request, context: object, permission: str) -> Allowed | Denied:
        principals = [Everyone]
        user = self.identity(request)
        if user is not None:
            principals += [Authenticated, f"u:{user.id}", f"role:{user.role}"]
        return ACLHelper().permits(context, principals, permission)


def includeme(config: Configurator) -> None:
    settings = config.get_settings()
    secret = settings["scratchpad.secret"]
    secure = settings["scratchpad.secure_cookies"]

    config.set_root_factory(Root)
    config.set_security_policy(SecurityPolicy(secret, secure, settings["scratchpad.session_timeout"]))
    config.set_session_factory(
        SignedCookieSessionFactory(
            secret,
            cookie_name="scratchpad_session",
            httponly=True,
            samesite="Lax",
            secure=secure,
            # Pyramid's default (20 minutes unused), stated because the next line depends on it.
            timeout=SESSION_TIMEOUT,
            # Renew a session's cookie at most every 2 minutes while in use. The default (0)
            # renews it at every access in a later whole second than the session's creation,
            # so a visitor without a session, whose page only peeks for a flash message, got a
            # new session cookie whenever the request crossed a second: a page for everyone
            # would then carry someone's cookie, and the page cache could not keep it.
            reissue_time=SESSION_TIMEOUT // 10,
        )
    )
    # The token lives in the signed session, so it is replaced whenever the session is.
    config.set_csrf_storage_policy(SessionCSRFStoragePolicy())
    # Every unsafe method must carry a valid token, even on views written later.
    config.set_default_csrf_options(require_csrf=True)
