"""Reading one state of the board while others keep writing to it."""

import contextlib
from collections.abc import Iterator

import sqlalchemy as sa


@contextlib.contextmanager
def consistent_read(engine: sa.Engine) -> Iterator[sa.Connection]:
    """A connection inside one transaction that sees the board as it was at its first read, to
    its end, whatever is committed meanwhile: rows of every table from the same moment.

    SQLite in WAL mode gives a reading transaction its snapshot at the first read and lets
    writers carry on; InnoDB does the same under REPEATABLE READ (MariaDB's default, set
    here so no server setting can weaken it). Nothing is written: the transaction is rolled
    back at the end.
    """
    options = {} if engine.dialect.name == "sqlite" else {"isolation_level": "REPEATABLE READ"}
    with engine.connect().execution_options(**options) as connection:
        transaction = connection.begin()
        try:
            yield connection
        finally:
            transaction.rollback()
