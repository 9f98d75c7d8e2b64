"""Tell pyramid_retry which database errors are worth running the whole request again for.

An engine ``handle_error`` hook flags the error as soon as SQLAlchemy raises it, in a view or
at COMMIT alike: pyramid_tm renders an error page for a failed commit without asking
zope.sqlalchemy whether to retry, and the exception views check the flag (``web/errors.py``) to
stand aside while another attempt is coming.

Retried: a deadlock or lock wait timeout (the database rolled back), SQLite's "database is
locked", and a lost connection, even at COMMIT, when nobody knows whether the commit
happened. Running the request again is safe because the one write that matters is
idempotent: a comment carries its form submission's id, unique in the database, so a retry
after a COMMIT that did happen finds the comment instead of storing it twice
(``board/views/index.py``). The other writes a retry could repeat are harmless: one more failed
login counted, a session generation bumped twice.
"""

from pyramid.config import Configurator
from pyramid_retry import mark_error_retryable
from sqlalchemy import ExceptionContext, event
from sqlalchemy.exc import DBAPIError

from scratchpad.web.incoming import retry_attempts

#: MySQL/MariaDB error codes: lock wait timeout exceeded, deadlock found.
MYSQL_TRANSIENT_CODES = {1205, 1213}


def is_transient(error: BaseException) -> bool:
    if not isinstance(error, DBAPIError):
        return False
    if error.connection_invalidated:
        return True
    arguments = getattr(error.orig, "args", ())
    if arguments and arguments[0] in MYSQL_TRANSIENT_CODES:
        return True
    return "database is locked" in str(error.orig)


def mark_transient_errors_retryable(context: ExceptionContext) -> None:
    """Engine ``handle_error`` hook: flag a transient error wherever it happens, COMMIT included."""
    error = context.sqlalchemy_exception
    if error is not None and (context.is_disconnect or is_transient(error)):
        mark_error_retryable(error)


def includeme(config: Configurator) -> None:
    # Read by pyramid_retry as it is included, so set first.
    config.registry.settings["retry.activate_hook"] = retry_attempts
    config.include("pyramid_retry")
    config.include("scratchpad.models")  # the engine whose errors are watched
    engine = config.registry["dbengine"]
    if not event.contains(engine, "handle_error", mark_transient_errors_retryable):
        event.listen(engine, "handle_error", mark_transient_errors_retryable)
