"""Transient database errors while posting: the request runs again and the comment is stored once.

The errors are the database driver's own, raised from the dialect's ``do_execute`` (or
``do_commit``) when the app sends the statement, so SQLAlchemy wraps them exactly as it wraps a
real deadlock or lost connection. A failing INSERT is really executed before the error is
raised: if the failed attempt were not rolled back, its row would still be there.
"""

import contextlib
import sqlite3

import pymysql
import pytest
import sqlalchemy as sa
import webtest
from sqlalchemy.orm import Session

from scratchpad.models import Comment, User
from tests.support.factories import PASSWORD, make_user

TEXT = "Posted through a deadlock"


def deadlock(dialect_name):
    if dialect_name == "sqlite":
        return sqlite3.OperationalError("database is locked")
    return pymysql.err.OperationalError(
        1213, "Deadlock found when trying to get lock; try restarting transaction"
    )


def lost_connection(dialect_name):
    """An error the dialect itself recognises as a dead connection (``is_disconnect``)."""
    if dialect_name == "sqlite":
        # What pysqlite says once its connection is gone; SQLAlchemy counts it as a disconnect.
        return sqlite3.ProgrammingError("Cannot operate on a closed database.")
    return pymysql.err.OperationalError(2013, "Lost connection to MySQL server during query")


def constraint_violation(dialect_name):
    if dialect_name == "sqlite":
        return sqlite3.IntegrityError("FOREIGN KEY constraint failed")
    return pymysql.err.IntegrityError(
        1452, "Cannot add or update a child row: a foreign key constraint fails"
    )


class FailingInserts:
    """Stands in for ``dialect.do_execute``: every INSERT INTO comments is executed, and the
    first ``times`` of them then raise ``error`` as if the database had failed."""

    def __init__(self, dialect, error, times):
        self.real_do_execute = dialect.do_execute
        self.error = error
        self.times = times
        self.attempts = 0

    def do_execute(self, cursor, statement, parameters, context=None):
        self.real_do_execute(cursor, statement, parameters, context)
        if statement.lstrip().upper().startswith("INSERT INTO COMMENTS"):
            self.attempts += 1
            if self.attempts <= self.times:
                raise self.error


class FailingCommits:
    """Stands in for ``dialect.do_commit``: the first ``times`` commits roll back instead and
    raise ``error``, as a database that gave up the transaction does; or, with
    ``committed=True``, really commit and then raise, as a connection lost just after the
    server committed does (the client cannot tell the two apart)."""

    def __init__(self, dialect, error, times, committed=False):
        self.real_do_commit = dialect.do_commit
        self.error = error
        self.times = times
        self.committed = committed
        self.attempts = 0

    def do_commit(self, dbapi_connection):
        self.attempts += 1
        if self.attempts <= self.times:
            if self.committed:
                self.real_do_commit(dbapi_connection)
            else:
                dbapi_connection.rollback()
            raise self.error
        self.real_do_commit(dbapi_connection)


@pytest.fixture
def failing_inserts(dbengine, monkeypatch):
    """A function making the app's INSERTs into comments fail from now on."""

    def arm(make_error, times):
        failing = FailingInserts(dbengine.dialect, make_error(dbengine.dialect.name), times)
        monkeypatch.setattr(dbengine.dialect, "do_execute", failing.do_execute)
        return failing

    return arm


@pytest.fixture
def failing_commits(dbengine, monkeypatch):
    """A function making the app's commits fail from now on."""

    def arm(make_error, times, committed=False):
        failing = FailingCommits(dbengine.dialect, make_error(dbengine.dialect.name), times, committed)
        monkeypatch.setattr(dbengine.dialect, "do_commit", failing.do_commit)
        return failing

    return arm


def stored_texts(dbsession):
    return dbsession.scalars(sa.select(Comment.content).order_by(Comment.id)).all()


def heading(res):
    return res.html.find("main").find("h1").get_text()


def test_retry_attempts_a_request_three_times_in_testing(app):
    assert app.registry.settings["retry.attempts"] == 3


# Through the test's shared connection: the app's transaction is a savepoint in it.


def test_transient_error_once_is_retried_and_the_comment_is_stored_once(
    logged_in, dbsession, failing_inserts, post_comment
):
    failing = failing_inserts(deadlock, times=1)
    post_comment(logged_in, TEXT, status=303)
    assert (stored_texts(dbsession), failing.attempts) == ([TEXT], 2)


def test_transient_error_on_every_attempt_ends_in_the_503_page(
    logged_in, dbsession, failing_inserts, post_comment
):
    failing = failing_inserts(deadlock, times=99)
    res = post_comment(logged_in, TEXT, status=503)
    assert (heading(res), stored_texts(dbsession), failing.attempts) == (
        "Temporarily unavailable",
        [],
        3,
    )


def test_503_after_the_last_attempt_shows_no_traceback(logged_in, failing_inserts, post_comment):
    failing_inserts(deadlock, times=99)
    res = post_comment(logged_in, TEXT, status=503)
    assert ("Traceback" in res.text, "Deadlock" in res.text, "locked" in res.text) == (
        False,
        False,
        False,
    )


def test_non_transient_error_is_not_retried(logged_in, failing_inserts, post_comment):
    failing = failing_inserts(constraint_violation, times=1)
    post_comment(logged_in, TEXT, status=500)
    assert failing.attempts == 1


def test_non_transient_error_ends_in_the_500_page_with_nothing_stored(
    logged_in, dbsession, failing_inserts, post_comment
):
    failing_inserts(constraint_violation, times=1)
    res = post_comment(logged_in, TEXT, status=500)
    assert (heading(res), "Traceback" in res.text, stored_texts(dbsession)) == (
        "Something went wrong",
        False,
        [],
    )


# The app as it runs in production: every request takes its own connection from the pool and
# really commits. Needed where the failure kills the connection (the test's shared connection
# cannot reconnect inside its outer transaction) and where the failure is in the COMMIT itself.


@pytest.fixture
def own_connections(app, dbengine):
    """A browser logged in as alice, on the app without a shared connection; the user and her
    comments are committed, so they are deleted afterwards."""
    with Session(dbengine) as session, session.begin():
        make_user(session, "alice", PASSWORD)
    browser = webtest.TestApp(app, extra_environ={"HTTP_HOST": "example.com"})
    form = browser.get("/login/").forms["login-form"]
    form["username"] = "alice"
    form["password"] = PASSWORD
    form.submit(status=303)
    yield browser
    with dbengine.begin() as connection:
        connection.execute(sa.delete(Comment))
        connection.execute(sa.delete(User))


def committed_texts(dbengine):
    with dbengine.connect() as connection:
        return connection.scalars(sa.select(Comment.content).order_by(Comment.id)).all()


def comment_form(browser):
    form = next(f for f in browser.get("/").forms.values() if "contents" in f.fields)
    form["contents"] = TEXT
    return form


@pytest.mark.parametrize(
    "failing_statements, error",
    [
        pytest.param("failing_inserts", lost_connection, id="lost-connection-during-insert"),
        pytest.param("failing_commits", deadlock, id="transient-error-at-commit"),
        pytest.param("failing_commits", lost_connection, id="lost-connection-at-a-commit-that-failed"),
    ],
)
def test_a_failed_statement_is_retried_and_the_comment_is_stored_once(
    own_connections, dbengine, request, failing_statements, error
):
    form = comment_form(own_connections)
    failing = request.getfixturevalue(failing_statements)(error, times=1)
    form.submit(status=303)
    assert (committed_texts(dbengine), failing.attempts) == ([TEXT], 2)


def test_lost_connection_at_a_commit_that_happened_is_retried_and_stores_once(
    own_connections, dbengine, failing_commits
):
    # The server committed, then the connection died: the retry finds the comment the lost
    # commit stored, the member's newest with the same text (board/comments.repeat_of), and
    # stores nothing more (it tried the INSERT again before that look-up, and the submission
    # id refused it: tests/functional/board/test_comments.py keeps that path tested).
    form = comment_form(own_connections)
    failing_commits(lost_connection, times=1, committed=True)
    with counted_inserts(dbengine) as inserts:
        form.submit(status=303)
    assert (committed_texts(dbengine), len(inserts)) == ([TEXT], 1)


def test_a_post_without_submission_id_is_stored_once_after_a_lost_commit(
    own_connections, dbengine, failing_commits
):
    # A client that sends only the contract's fields (contents, csrf_token): the id kept in
    # the WSGI environ is the same for every attempt.
    token = comment_form(own_connections)["csrf_token"].value
    failing_commits(lost_connection, times=1, committed=True)
    with counted_inserts(dbengine) as inserts:
        own_connections.post("/", {"contents": TEXT, "csrf_token": token}, status=303)
    assert (committed_texts(dbengine), len(inserts)) == ([TEXT], 1)


@contextlib.contextmanager
def counted_inserts(dbengine):
    """Every INSERT into comments sent while the block runs."""
    inserts = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("INSERT INTO COMMENTS"):
            inserts.append(statement)

    sa.event.listen(dbengine, "before_cursor_execute", record)
    try:
        yield inserts
    finally:
        sa.event.remove(dbengine, "before_cursor_execute", record)
