"""No secret reaches a log: a database error while a login rehashes the password is logged
without the statement's bound values (the new bcrypt hash), and without the password or any
cookie. The error is real: the UPDATE of the hash is sent to a table that does not exist."""

import logging

import pytest
import sqlalchemy as sa

from tests.support.factories import PASSWORD


@pytest.fixture
def failing_rehash(dbengine):
    """Every UPDATE of a password hash fails in the database, as a broken disk or a
    constraint would make it fail, with the real driver error."""

    def redirect(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("UPDATE USERS SET PASSWORD_HASH"):
            statement = statement.replace("users", "no_such_table", 1)
        return statement, parameters

    sa.event.listen(dbengine, "before_cursor_execute", redirect, retval=True)
    yield
    sa.event.remove(dbengine, "before_cursor_execute", redirect)


def test_a_failed_rehash_logs_no_hash_password_or_cookie(browser, app_with, alice, failing_rehash, caplog):
    visitor = browser(app_with(bcrypt_rounds=5))  # more rounds than alice's hash: a rehash is due
    form = visitor.get("/login/").form
    form["username"] = "alice"
    form["password"] = PASSWORD
    with caplog.at_level(logging.DEBUG):
        response = form.submit(status="*")
    logged = caplog.text
    assert response.status_int in (500, 503)
    assert "no_such_table" in logged  # the error itself was logged, statement and all
    secrets = ["$2b$", PASSWORD, *visitor.cookies.values()]
    assert [secret for secret in secrets if secret in logged] == []
