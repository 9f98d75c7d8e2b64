"""The few statements that run on every page, run on the driver's cursor.

Before anything else, a member's page reads who they are (accounts/security.py), a thread's
page its root (resources.py): one statement each, of one row. SQLAlchemy's way from a Core
statement to its row (the compiled cache's look-up, an execution context, a cursor result,
its row) cost five times what running the statement did (35 against 6.6 microseconds for
the member's), and a member's kept page a fifth of its time (``python -m bench.inprocess``:
617 -> 496 us a request; their thread page, root and member, 653 -> 491).

A ``Prepared`` statement is compiled once per dialect, at its first use, and run on the
cursor of the connection's own driver connection, in the connection's transaction (begun as
SQLAlchemy begins it, so the statements after it read the same snapshot). Its row is what
SQLAlchemy's would be: the values made what each column's type makes them (SQLite's date
strings into datetimes, 0 and 1 into booleans), read by name or as a tuple. The engine's
``before_cursor_execute`` and ``after_cursor_execute`` listeners see it as any statement
(the tests count statements with one); MySQL's statement time limit, which never applies to
it, does not keep it off the driver's cursor (``cursor_listeners``).

An error of the driver is left to SQLAlchemy: the statement is run again its way, which
raises it as every other statement's error is raised (wrapped, the connection invalidated if
it was lost, marked retryable by web/retry.py).
"""

import weakref
from collections import namedtuple
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.engine import Dialect

from scratchpad.models import sqlite
from scratchpad.models.loaded import OwnConnection
from scratchpad.models.statement_time import add_time_limit


@dataclass(frozen=True, slots=True)
class Compiled:
    """A statement as one dialect's driver takes it."""

    sql: str
    #: The parameters' names in the order the SQL takes them; None where the driver takes them by name.
    order: tuple[str, ...] | None
    #: Every parameter's value as written in the statement, those given at each run aside.
    written: dict[str, Any]
    #: Each column's type's conversion of the driver's value, or None where it takes none.
    processors: tuple[Callable[[Any], Any] | None, ...]
    #: The row: its values by the columns' keys, and a tuple.
    row: Callable[..., Any]

    def arguments(self, parameters: Mapping[str, Any]) -> Any:
        """The values as the driver takes them: by name, or in the SQL's order."""
        values = self.written | dict(parameters)
        return values if self.order is None else [values[name] for name in self.order]

    def one_or_none(self, rows: list[Any]) -> Any:
        """The row of the driver's ``rows`` (at most two fetched), or None."""
        if not rows:
            return None
        if len(rows) > 1:
            raise sa.exc.MultipleResultsFound("Multiple rows were found when one or none was required")
        converted = (
            value if convert is None else convert(value)
            for convert, value in zip(self.processors, rows[0], strict=True)
        )
        return self.row(*converted)


class Prepared:
    """``statement`` (a SELECT of at most one row, its parameters plain values) as ``one_or_none``
    runs it."""

    def __init__(self, statement: sa.Select[Any]) -> None:
        self.statement = statement
        # An engine's dialect lives as long as the engine (the tests make many).
        self.by_dialect: weakref.WeakKeyDictionary[Dialect, Compiled] = weakref.WeakKeyDictionary()

    def one_or_none(self, connection: sa.Connection | OwnConnection, parameters: Mapping[str, Any]) -> Any:
        """The statement's row, or None: as ``connection.execute(statement, parameters).one_or_none()``.
        On a request's ``OwnConnection`` (models/loaded.py) with no ``Connection`` made around
        it yet, and no cursor listeners on the engine, straight on the driver's connection."""
        if isinstance(connection, OwnConnection):
            if connection.wrapped is None and not cursor_listeners(connection.engine):
                return self.on_driver(connection, parameters)
            connection = connection.connection
        compiled = self.by_dialect.get(connection.dialect) or self.compile(connection.dialect)
        if not connection.in_transaction():
            connection.begin()
        arguments = compiled.arguments(parameters)
        sql = compiled.sql
        # An open connection's (``None`` only once it is closed).
        cursor = cast(Any, connection.connection.dbapi_connection).cursor()
        try:
            for before in connection.dispatch.before_cursor_execute:
                sql, arguments = before(connection, cursor, sql, arguments, None, False)
            cursor.execute(sql, arguments)
            for after in connection.dispatch.after_cursor_execute:
                after(connection, cursor, sql, arguments, None, False)
            rows = cursor.fetchmany(2)
        except connection.dialect.loaded_dbapi.Error:
            return connection.execute(self.statement, parameters).one_or_none()
        finally:
            cursor.close()
        return compiled.one_or_none(rows)

    def on_driver(self, own: OwnConnection, parameters: Mapping[str, Any]) -> Any:
        """``one_or_none`` on the driver's connection, in a transaction begun there as the
        engine begins one (SQLite: ``BEGIN DEFERRED``; MariaDB's driver begins one itself)."""
        dialect = own.engine.dialect
        compiled = self.by_dialect.get(dialect) or self.compile(dialect)
        dbapi_connection = cast(Any, own.pooled.dbapi_connection)
        try:
            if dialect.name == "sqlite":
                sqlite.begin_deferred(dbapi_connection)
            cursor = dbapi_connection.cursor()
            try:
                cursor.execute(compiled.sql, compiled.arguments(parameters))
                rows = cursor.fetchmany(2)
            finally:
                cursor.close()
        except dialect.loaded_dbapi.Error:
            return own.connection.execute(self.statement, parameters).one_or_none()
        return compiled.one_or_none(rows)

    def compile(self, dialect: Dialect) -> Compiled:
        compiled = self.statement.compile(dialect=dialect)
        for bind in compiled.binds.values():
            if bind.expanding or bind.type.dialect_impl(dialect).bind_processor(dialect) is not None:
                raise ValueError(
                    f"parameter {bind.key!r} needs SQLAlchemy's processing: run the statement its way"
                )
        columns = self.statement.selected_columns
        prepared = Compiled(
            sql=compiled.string,
            order=tuple(compiled.positiontup or ()) if compiled.positional else None,
            written=dict(compiled.params),
            processors=tuple(
                column.type.dialect_impl(dialect).result_processor(dialect, None) for column in columns
            ),
            row=namedtuple("Row", columns.keys()),
        )
        self.by_dialect[dialect] = prepared
        return prepared


def cursor_listeners(engine: sa.Engine) -> bool:
    """Whether the engine has cursor listeners (the tests' statement counts): a statement
    then runs through a ``Connection``, which they are given. MySQL's time limit is not one
    that counts: it changes only the statements run with its option (a search's), never a
    ``Prepared`` one, and on MariaDB it had kept every member's first read off the driver."""
    return bool(
        engine.dispatch.after_cursor_execute
        or any(listener is not add_time_limit for listener in engine.dispatch.before_cursor_execute)
    )
