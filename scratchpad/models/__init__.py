"""Database plumbing: the engine, one transaction-managed session per request."""

from typing import Any

import transaction
from pyramid.config import Configurator
from pyramid.request import Request
from pyramid.settings import asbool
from sqlalchemy import Engine, engine_from_config, make_url
from sqlalchemy.orm import Session, configure_mappers, sessionmaker

from scratchpad.models import loaded, mysql, sqlite, statement_time

# Every model, imported so the metadata is complete, and named here for the rest of the app.
from scratchpad.models.account_token import AccountToken
from scratchpad.models.board import BoardState
from scratchpad.models.comment import Comment
from scratchpad.models.login_failure import LoginFailure
from scratchpad.models.meta import Base
from scratchpad.models.moderation import ModerationAction
from scratchpad.models.notification import Notification, NotificationFeed
from scratchpad.models.outbox import OutboxMail
from scratchpad.models.rate_event import RateEvent
from scratchpad.models.report import Report
from scratchpad.models.thread_stamp import ThreadStamp
from scratchpad.models.transactions import MANAGER, RequestSession
from scratchpad.models.user import User

__all__ = [
    "AccountToken",
    "Base",
    "BoardState",
    "Comment",
    "LoginFailure",
    "ModerationAction",
    "Notification",
    "NotificationFeed",
    "OutboxMail",
    "RateEvent",
    "Report",
    "ThreadStamp",
    "User",
    "get_engine",
    "get_session_factory",
    "get_tm_session",
]

configure_mappers()


def get_engine(settings: dict[str, Any], prefix: str = "sqlalchemy.") -> Engine:
    """The engine for ``settings``; its errors never carry the statement's bound values.

    SQLAlchemy writes a failed statement's parameters into the exception's message, and the
    error views log that message: a failed rehash at login would put the new bcrypt hash in
    the log. Forced here, not left to the ini file, so no configuration can turn it back on.
    On MySQL and MariaDB, a server on this machine is reached without TLS (models/mysql.py).
    ``pool_pre_ping`` is read as a yes/no here: SQLAlchemy passes it on as the ini's text, and
    the text "false" would turn it on. It pings a database server only: the ping finds a
    connection the server dropped (a restart), which a SQLite file cannot do, and pinging one
    cost every request a statement.
    """
    url = make_url(settings[f"{prefix}url"])
    options: dict[str, Any] = {"hide_parameters": True, "connect_args": mysql.connect_args(url)}
    if f"{prefix}pool_pre_ping" in settings:
        options["pool_pre_ping"] = (
            asbool(settings[f"{prefix}pool_pre_ping"]) and url.get_backend_name() != "sqlite"
        )
    engine = engine_from_config(settings, prefix, **options)
    if engine.dialect.name == "sqlite":
        cache_kib = int(settings.get("scratchpad.sqlite_cache_kib", sqlite.CACHE_KIB))
        sqlite.make_transactional(engine, cache_kib)
    return engine


def get_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that ``get_tm_session`` can join to a transaction (models/transactions.py)."""
    return sessionmaker(bind=engine, class_=RequestSession)


def get_tm_session(
    session_factory: sessionmaker[Session],
    transaction_manager: transaction.TransactionManager,
    **session_options: Any,
) -> Session:
    """A session whose commit or rollback follows ``transaction_manager`` (pyramid_tm's, per
    request); ``session_factory`` must make ``RequestSession``s (``get_session_factory``)."""
    return session_factory(info={MANAGER: transaction_manager}, **session_options)


def includeme(config: Configurator) -> None:
    settings = config.get_settings()
    settings["tm.manager_hook"] = "pyramid_tm.explicit_manager"
    # pyramid_tm would otherwise read request.authenticated_userid (a database query here)
    # in its tween, above the exception views: with the database down, a logged-in visitor
    # got waitress's bare 500 instead of the 503 page.
    settings["tm.annotate_user"] = False
    config.include("pyramid_tm")

    # Tests hand in an engine bound to their throwaway database.
    dbengine = settings.get("dbengine") or get_engine(settings)
    config.registry["dbengine"] = dbengine
    statement_time.install(dbengine)
    config.registry["dbsession_factory"] = get_session_factory(dbengine)
    # On SQLite, requests that may write queue for the write lock up front (see above).
    config.registry["dbsession_factory_for_writes"] = get_session_factory(
        dbengine.execution_options(sqlite_begin="IMMEDIATE")
    )

    def dbsession(request: Request) -> Session:
        factory = request.registry["dbsession_factory"]
        if request.method not in loaded.SAFE_METHODS:
            factory = request.registry["dbsession_factory_for_writes"]
        # On the connection of what the request read before (models/loaded.py), if it did:
        # one connection, one transaction, one snapshot for the whole request.
        options = _test_connection_options(request) or loaded.session_options(request)
        session = get_tm_session(factory, request.tm, **options)
        loaded.join_waiting(request, session)  # the member, if read before it (accounts/security.py)
        return session

    def read_dbsession(request: Request) -> Session:
        """A new session outside the request's transaction, never IMMEDIATE, for reads a
        request needs before slow work (a login's bcrypt check): use it in a ``with`` block,
        whose end ends its transaction, so the slow work holds no lock; then write through
        ``request.dbsession``, whose transaction begins at its first statement."""
        factory: sessionmaker[Session] = request.registry["dbsession_factory"]
        return factory(**_test_connection_options(request))

    config.add_request_method(dbsession, reify=True)
    config.add_request_method(read_dbsession)


def _test_connection_options(request: Request) -> dict[str, Any]:
    """Tests share one outer transaction with the app through the ``app.dbconnection`` key; the
    app's commits become savepoint releases inside it, and the test rolls everything back."""
    connection = request.environ.get("app.dbconnection")
    if connection is None:
        return {}
    return dict(bind=connection, join_transaction_mode="create_savepoint")
