"""SQLite as the app needs it: real transactions, foreign keys, WAL, and writers in turn."""

import threading
from typing import Any

from sqlalchemy import Connection, Engine, event

#: How long a writer waits for the write lock before "database is locked".
BUSY_TIMEOUT_MS = 5000
#: ``scratchpad.sqlite_cache_kib``'s default, for engines made without the app's settings.
CACHE_KIB = 512


def make_transactional(engine: Engine, cache_kib: int = CACHE_KIB) -> "WriterQueue":
    """Let SQLite run real transactions and savepoints, and enforce foreign keys.

    pysqlite otherwise starts transactions lazily and behind SQLAlchemy's back, which breaks
    SAVEPOINT; this is SQLAlchemy's documented recipe ("Serializable isolation / Savepoints /
    Transactional DDL"). WAL lets readers carry on while someone posts; busy_timeout makes a
    writer wait for the lock instead of failing at once.

    A connection with the execution option ``sqlite_begin="IMMEDIATE"`` takes the write lock
    when its transaction begins. A plain (deferred) transaction that reads and then writes
    fails at once with "database is locked" when another writer committed in between, and
    busy_timeout cannot help it; requests that may write use IMMEDIATE (see
    ``scratchpad.models.includeme``), and do slow work before their first statement or after
    reading through a session of its own (``request.read_dbsession``), never inside the
    IMMEDIATE transaction.

    Returns the queue in which this process's writers wait for their turn.
    """

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, connection_record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        # Each connection's own page cache, bounded: a process pools up to 16 connections,
        # and at SQLite's default (2 MiB each) a crawl of the board filled them all.
        cursor.execute(f"PRAGMA cache_size=-{int(cache_kib)}")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    writers = WriterQueue(BUSY_TIMEOUT_MS / 1000)

    @event.listens_for(engine, "begin")
    def on_begin(connection: Connection) -> None:
        if connection.get_execution_options().get("sqlite_begin") != "IMMEDIATE":
            begin_deferred(connection.connection.dbapi_connection)
            return
        writers.enter(connection.info)
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            writers.leave(connection.info)
            raise

    # Given back when the transaction ends, however it ends; checkin and invalidate catch a
    # connection that left without either event.
    event.listen(engine, "commit", writers.leave_connection)
    event.listen(engine, "rollback", writers.leave_connection)
    event.listen(engine.pool, "checkin", lambda _dbapi, record: writers.leave(record.info))
    event.listen(engine.pool, "invalidate", lambda _dbapi, record, _error: writers.leave(record.info))
    return writers


def begin_deferred(dbapi_connection: Any) -> None:
    """A read's transaction, begun straight on the driver's connection: a deferred BEGIN takes
    no lock, so it cannot meet "database is locked" (which SQLAlchemy's error hooks would mark
    retryable, web/retry.py), and SQLAlchemy's way to a statement cost a tenth of what a kept
    page costs in all. None if the connection is in one already: a request's first reads
    began it on the driver's connection, before SQLAlchemy's ``Connection`` was made around
    it (models/loaded.py ``OwnConnection``), and the rest of the request reads in it."""
    if dbapi_connection.in_transaction:
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("BEGIN DEFERRED")
    cursor.close()


class WriterQueue:
    """This process's writers take SQLite's write lock one after another.

    BEGIN IMMEDIATE waits for the lock in SQLite's busy handler, which polls with growing
    sleeps (1, 2, 5, 10 ... 100 ms). With several writers in one process, a late writer takes
    the lock while an early one sleeps, and the early one sleeps again: four members posting
    at once saw a p50 of 11 ms and a p99 of 1.1 s. Queued here first, on a lock whose waiters
    are woken the moment it is free, at most one writer of this process is ever in the busy
    handler, and it waits only for the COMMIT just issued (or for another process's writer:
    a script, a second server). A writer still queued after ``timeout`` goes on to the busy
    handler as before, so nothing waits forever.
    """

    KEY = "scratchpad.queued_writer"

    def __init__(self, timeout: float) -> None:
        self.lock = threading.Lock()
        self.timeout = timeout

    def enter(self, info: dict[Any, Any]) -> None:
        if self.lock.acquire(timeout=self.timeout):
            info[self.KEY] = True

    def leave_connection(self, connection: Connection) -> None:
        # An invalidated connection's info cannot be reached (SQLAlchemy would try to
        # reconnect); the pool's invalidate event has given its turn back already.
        if not connection.invalidated:
            self.leave(connection.info)

    def leave(self, info: dict[Any, Any]) -> None:
        """Give the lock back if this connection holds it; safe to call more than once."""
        if info.pop(self.KEY, False):
            self.lock.release()
