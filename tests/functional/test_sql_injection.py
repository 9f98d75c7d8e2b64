"""SQL injection: what visitors type reaches the database only as bound parameters."""

import pytest
import sqlalchemy as sa

from scratchpad.models import Comment, LoginFailure, User
from tests.support.factories import PASSWORD, make_comment

SQL = [
    "' OR '1'='1",
    "alice' --",
    "alice'; DROP TABLE users; --",
    '" OR ""="',
    "alice' /*",
    "x') UNION SELECT id, username, password_hash FROM users --",
    "alice\\' OR 1=1 #",
]


def table_counts(dbsession):
    return [dbsession.scalar(sa.select(sa.func.count()).select_from(table)) for table in (User, Comment)]


@pytest.mark.parametrize("username", SQL)
def test_sql_in_the_username_logs_nobody_in(testapp, alice, username):
    res = testapp.login(username, PASSWORD, status=400)
    assert "Incorrect username or password" in res


@pytest.mark.parametrize("password", SQL)
def test_sql_in_the_password_logs_nobody_in(testapp, alice, password):
    res = testapp.login("alice", password, status=400)
    assert "Incorrect username or password" in res


@pytest.mark.parametrize("username", SQL)
def test_sql_in_a_failed_login_is_recorded_as_typed(testapp, dbsession, username):
    testapp.login(username, "whatever it is", status=400)
    expected = username.strip().lower()  # the canonical spelling the throttle counts
    assert dbsession.scalars(sa.select(LoginFailure.username)).all() == [expected]


@pytest.mark.parametrize("contents", SQL)
def test_sql_in_a_comment_is_stored_as_typed(logged_in, dbsession, contents):
    logged_in.post("/", {"contents": contents, "csrf_token": logged_in.get_csrf_token()}, status=303)
    assert dbsession.scalars(sa.select(Comment.content)).all() == [contents]


def test_sql_in_a_comment_leaves_the_tables_alone(logged_in, dbsession):
    token = logged_in.get_csrf_token()
    for contents in SQL:
        logged_in.post("/", {"contents": contents, "csrf_token": token}, status=303)
    assert table_counts(dbsession) == [1, len(SQL)]


@pytest.mark.parametrize("before", ["1 OR 1=1", "1; DROP TABLE comments", "1)--", "0x10"])
def test_sql_in_the_page_number_is_a_400(testapp, dbsession, before):
    make_comment(dbsession, "Hello")
    assert testapp.get("/", {"before": before}, status="*").status_int == 400
