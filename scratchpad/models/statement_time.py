"""A time limit on one statement, for reads whose cost a visitor chooses (a search).

InnoDB's full-text index finds every comment holding a word before any is sorted: a word
in half of 100,000 comments took about a second on MariaDB, and each such search holds a
server thread and a connection that long. A statement run with ``limit(seconds)`` is
stopped by the database server after ``seconds``, and :func:`timed_out` recognises the
error, so the caller can say so instead of failing the request.

MariaDB: ``SET STATEMENT max_statement_time=<seconds> FOR <statement>``, which sets the limit
for that one statement, in the same round trip. MySQL: the optimizer hint
``/*+ MAX_EXECUTION_TIME(<ms>) */``, its own way of saying the same of a SELECT. SQLite has
neither, and needs neither: its index hands over matches newest first and stops after a
page (search/engines.py).
"""

from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.engine import Connection, ExecutionContext
from sqlalchemy.exc import DBAPIError

#: The execution option holding the limit, in seconds.
OPTION = "statement_time_limit"

#: MariaDB's ER_STATEMENT_TIMEOUT ("max_statement_time exceeded"), MySQL's ER_QUERY_TIMEOUT, and
#: the handler's HA_ERR_ABORTED_BY_USER, which MariaDB passes on as "Unknown error 188" when
#: the limit stops InnoDB inside its full-text lookup rather than between rows.
TIMED_OUT_CODES = {1969, 3024, 188}


def limit(seconds: float) -> dict[str, Any]:
    """Execution options that stop the statement after ``seconds`` (0: no limit)."""
    return {OPTION: seconds}


def timed_out(error: BaseException) -> bool:
    """Whether ``error`` is the database stopping a statement at its time limit."""
    arguments: tuple[Any, ...] = getattr(getattr(error, "orig", None), "args", ())
    return isinstance(error, DBAPIError) and bool(arguments) and arguments[0] in TIMED_OUT_CODES


def limited_statement(statement: str, seconds: float, is_mariadb: bool) -> str:
    """``statement`` as sent with a limit of ``seconds``. MySQL reads the hint only in the
    top-level SELECT: a statement that does not begin with one is sent as it is."""
    if is_mariadb:
        return f"SET STATEMENT max_statement_time={seconds:.3f} FOR {statement}"
    if not statement.startswith("SELECT"):
        return statement
    milliseconds = max(1, round(seconds * 1000))
    return f"SELECT /*+ MAX_EXECUTION_TIME({milliseconds}) */{statement.removeprefix('SELECT')}"


def add_time_limit(
    connection: Connection,
    cursor: Any,
    statement: str,
    parameters: Any,
    context: ExecutionContext | None,
    executemany: bool,
) -> tuple[str, Any]:
    """``before_cursor_execute`` hook (``retval=True``): the limit of the statement's options."""
    seconds = context.execution_options.get(OPTION) if context is not None else None
    if seconds and connection.dialect.name == "mysql":
        statement = limited_statement(
            statement, seconds, bool(getattr(connection.dialect, "is_mariadb", False))
        )
    return statement, parameters


def install(engine: Engine) -> None:
    """Honour :func:`limit` on ``engine``'s statements (once, however often it is called)."""
    if engine.dialect.name == "mysql" and not event.contains(engine, "before_cursor_execute", add_time_limit):
        event.listen(engine, "before_cursor_execute", add_time_limit, retval=True)
