"""The database pool's use, as each connection is lent out and given back.

Read at those moments, not at a scrape: under gunicorn the worker that answers the scrape
cannot see the others' pools, whereas a gauge each worker sets is summed over them all
(``livesum``). Only a ``QueuePool`` (MariaDB's, and a SQLite file's) has a size and an overflow;
an in-memory SQLite database has neither, and nothing is measured.
"""

from typing import Any
from weakref import WeakSet

from pyramid.config import Configurator
from sqlalchemy import event
from sqlalchemy.pool import ConnectionPoolEntry, QueuePool

from scratchpad.metrics.instruments import DB_POOL_CHECKED_OUT, DB_POOL_MAX, DB_POOL_OVERFLOW


def measure(pool: QueuePool, checked_out: int) -> None:
    DB_POOL_CHECKED_OUT.set(checked_out)
    DB_POOL_OVERFLOW.set(max(0, checked_out - pool.size()))
    # max_overflow has no public reader; -1 means no bound (then the pool size is shown).
    DB_POOL_MAX.set(pool.size() + max(0, pool._max_overflow))


def listen(pool: QueuePool) -> None:
    def on_checkout(dbapi_connection: Any, record: ConnectionPoolEntry, proxy: Any) -> None:
        measure(pool, pool.checkedout())

    def on_checkin(dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
        # SQLAlchemy tells of the return before making it: the pool still counts this one.
        measure(pool, pool.checkedout() - 1)

    event.listen(pool, "checkout", on_checkout)
    event.listen(pool, "checkin", on_checkin)


#: The pools measured already: the tests build many apps on one engine, each counted once.
_measured: "WeakSet[QueuePool]" = WeakSet()


def includeme(config: Configurator) -> None:
    config.include("scratchpad.models")
    pool = config.registry["dbengine"].pool
    if isinstance(pool, QueuePool) and pool not in _measured:
        _measured.add(pool)
        listen(pool)
