"""Tell pyramid_retry which database errors are worth running the whole request again for.

Errors in a view pass through this tween first, before the exception views decide between "try
again" and an error page. Views that write flush before returning, so their statements (where
locks are taken) fail here, inside the view, rather than at commit. A lock conflict can still
come at COMMIT (a Galera certification failure is reported as a deadlock): pyramid_tm renders
an error page for a failed commit without asking zope.sqlalchemy whether to retry, so the
engine's ``handle_error`` hook flags those errors as soon as SQLAlchemy raises them.

Only errors after which nothing can have been stored are retried: a deadlock or lock wait
timeout (the database rolled back), SQLite's "database is locked", and a connection that
SQLAlchemy saw die before the commit was sent. A connection lost during COMMIT is not: the
commit may have happened, and running the request again could post a comment twice.
"""

from pyramid.tweens import EXCVIEW
from pyramid_retry import mark_error_retryable
from sqlalchemy import event
from sqlalchemy.exc import DBAPIError

#: MySQL/MariaDB error codes: lock wait timeout exceeded, deadlock found.
MYSQL_TRANSIENT_CODES = {1205, 1213}


def is_transient(error):
    if not isinstance(error, DBAPIError):
        return False
    if error.connection_invalidated:
        return True
    arguments = getattr(error.orig, "args", ())
    if arguments and arguments[0] in MYSQL_TRANSIENT_CODES:
        return True
    return "database is locked" in str(error.orig)


def transient_errors_tween_factory(handler, registry):
    def transient_errors_tween(request):
        try:
            return handler(request)
        except DBAPIError as error:
            if is_transient(error):
                mark_error_retryable(error)
            raise

    return transient_errors_tween


def mark_lock_conflicts_retryable(context):
    """Engine ``handle_error`` hook: flag a lock conflict wherever it happens, COMMIT included.

    Not a lost connection: at COMMIT nobody knows whether the commit happened (the tween
    flags those it sees in a view, where nothing was committed yet).
    """
    error = context.sqlalchemy_exception
    if error is not None and not context.is_disconnect and is_transient(error):
        mark_error_retryable(error)


def includeme(config):
    config.add_tween("scratchpad.retry.transient_errors_tween_factory", under=EXCVIEW)
    engine = config.registry["dbengine"]
    if not event.contains(engine, "handle_error", mark_lock_conflicts_retryable):
        event.listen(engine, "handle_error", mark_lock_conflicts_retryable)
