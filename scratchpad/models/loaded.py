"""ORM objects made from plain rows, as if the ORM had loaded them.

A statement of plain columns on the session's connection, then this, cost half of what the
ORM's own loading of one entity did (its result processing and the attribute events of each
column), on every request that loads the member or a comment by its URL.

An object can also be read before the request's session exists, on a connection of its own
(``own_connection``), and join that session when it is made (``join_when_made``): a page
kept for every member then costs no ORM session at all (accounts/security.py)."""

from collections.abc import Mapping
from typing import Any, TypeVar

import sqlalchemy as sa
from pyramid.request import Request
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.util import identity_key

Entity = TypeVar("Entity")

#: The methods of requests that only read, which may read before their session is made.
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
#: ``request.loaded_before_session``: objects read before the request's session was made.
WAITING = "loaded_before_session"
#: ``request.own_connection``: the ``OwnConnection`` they were read on (``early_connection``).
OWN_CONNECTION = "own_connection"


def columns_of(entity: type[Any]) -> tuple[tuple[str, sa.Column[Any]], ...]:
    """Each attribute name of ``entity`` with the table column it maps: what to select, and
    what ``as_loaded`` takes each value as."""
    return tuple((attribute.key, attribute.columns[0]) for attribute in sa.inspect(entity).column_attrs)


def as_detached(entity: type[Entity], values: Mapping[str, Any]) -> Entity:
    """``entity`` of ``values`` (every column's, by attribute name), as a session that loaded
    it leaves it once closed: every value committed, its identity known, in no session."""
    loaded: Entity = sa.inspect(entity).class_manager.new_instance()
    # Into the instance's dict, as the ORM's loading does: no attribute events, no history.
    vars(loaded).update(values)
    make_transient_to_detached(loaded)
    return loaded


def as_loaded(dbsession: Session, entity: type[Entity], values: Mapping[str, Any]) -> Entity:
    """The session's ``entity`` of ``values`` (every column's, by attribute name): in the
    session's identity map, every value committed, nothing to flush; the one the session
    holds already, if it does (its values are then the ones it has)."""
    mapper = sa.inspect(entity)
    key = identity_key(entity, tuple(values[column.key] for column in mapper.primary_key))
    found: Entity | None = dbsession.identity_map.get(key)
    if found is not None:
        return found
    loaded = as_detached(entity, values)
    dbsession.add(loaded)
    return loaded


class OwnConnection:
    """The pool's connection a request reads on before its session (``own_connection``).

    Its first reads are one statement each on the driver's cursor (models/prepared.py), which
    needs no SQLAlchemy ``Connection``: checking one out, beginning and ending its transaction
    through SQLAlchemy's bookkeeping cost a member's kept page a seventh of its time (496
    against 422 us a request in process, ``python -m bench.inprocess``). One is made around
    the same driver connection when something asks for it (``connection``: a statement of
    SQLAlchemy's, the session that takes the connection over), inside the transaction the
    first reads began, so everything the request reads is one snapshot."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        self.wrapped: sa.Connection | None = None
        try:
            self.pooled = engine.raw_connection()
        except engine.dialect.loaded_dbapi.Error:
            # Left to SQLAlchemy, which raises it as it raises every failed connection
            # (wrapped, so that a database that is down is a 503, web/errors.py, and marked
            # retryable, web/retry.py), or connects this time.
            self.wrapped = engine.connect()
            self.pooled = self.wrapped.connection

    @property
    def connection(self) -> sa.Connection:
        if self.wrapped is None:
            self.wrapped = sa.Connection(self.engine, connection=self.pooled)
        return self.wrapped

    def close(self) -> None:
        """Back to the pool, its transaction rolled back (by the ``Connection`` if one was
        made, else by the pool, which rolls back every connection given back to it)."""
        if self.wrapped is not None:
            self.wrapped.close()
        else:
            self.pooled.close()


def early_connection(request: Request) -> "sa.Connection | OwnConnection":
    """Where the request's first reads run (``Prepared.one_or_none``): its ``OwnConnection``,
    made on first use and given back to the pool when the request ends; or the tests'
    rolled-back connection (``app.dbconnection``) if they hand one in."""
    shared: sa.Connection | None = request.environ.get("app.dbconnection")
    if shared is not None:
        return shared
    own: OwnConnection | None = request.__dict__.get(OWN_CONNECTION)
    if own is None:
        own = OwnConnection(request.registry["dbengine"])
        request.__dict__[OWN_CONNECTION] = own
        request.add_finished_callback(give_back_own_connection)
    return own


def own_connection(request: Request) -> sa.Connection:
    """The request's connection for the reads made before its session (one statement each,
    no ORM session), as SQLAlchemy's ``Connection``: one per request, so that those reads see
    one snapshot; the session, if one is made, takes it over with its transaction
    (``session_options``), and it is given back to the pool when the request ends. The tests'
    rolled-back connection (``app.dbconnection``) if they hand one in."""
    early = early_connection(request)
    return early if isinstance(early, sa.Connection) else early.connection


def reads_early(request: Request) -> bool:
    """Whether the request reads on its own connection (``own_connection``): it only reads,
    and its session is not made yet (``request.dbsession`` is reified). A write reads in its
    own transaction, under SQLite's write lock or MariaDB's snapshot; a request whose
    session exists reads there rather than on a second connection."""
    return request.method in SAFE_METHODS and "dbsession" not in vars(request)


def reader(request: Request) -> Session | sa.Connection:
    """Where a page reads the rows it shows in one statement (Core, no ORM objects): its own
    connection if ``reads_early``, so that a page drawn for a visitor, or for a member whose
    kept page is not there, makes no ORM session (its set-up, joining the transaction and the
    commit cost a drawn page a fifth of its time); else its session."""
    return own_connection(request) if reads_early(request) else request.dbsession


def give_back_own_connection(request: Request) -> None:
    own: OwnConnection | None = request.__dict__.pop(OWN_CONNECTION, None)
    if own is not None:
        own.close()


def session_options(request: Request) -> dict[str, Any]:
    """How the request's session is made: on the connection the request read on before, if
    it did, its transaction the session's own from then on (committed or rolled back with
    the request's), so the page drawn next is of the snapshot the member and the revision
    were read in."""
    own: OwnConnection | None = request.__dict__.get(OWN_CONNECTION)
    if own is None:
        return {}
    return {"bind": own.connection, "join_transaction_mode": "control_fully"}


def join_when_made(request: Request, instance: object) -> None:
    """``instance`` (``as_detached``) joins the request's session when that session is made
    (``join_waiting``), so a view that changes it saves it, and looking it up by its key
    costs no statement, as if the session had loaded it."""
    request.__dict__.setdefault(WAITING, []).append(instance)


def join_waiting(request: Request, dbsession: Session) -> None:
    """Put what the request read before its session was made (``join_when_made``) in it."""
    for instance in request.__dict__.pop(WAITING, ()):
        dbsession.add(instance)
