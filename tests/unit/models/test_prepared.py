"""Statements run on the driver's cursor (models/prepared.py) give SQLAlchemy's row, in the
connection's transaction, seen by the engine's listeners, and SQLAlchemy's errors; on SQLite
and MariaDB."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from scratchpad.accounts.security import TICKET_USERID, VISITOR_QUERY
from scratchpad.models import Comment, User
from scratchpad.models.prepared import Prepared
from scratchpad.models.types import utcnow
from scratchpad.resources import COMMENT_READ, THREAD_ROOT_READ
from tests.support.factories import make_comment, make_reply, make_user


@pytest.fixture
def member(dbsession):
    """A member with every kind of column set: dates, booleans, nulls."""
    user = make_user(dbsession, "alice")
    user.email, user.email_confirmed_at = "alice@example.org", utcnow() - timedelta(days=3)
    user.suspended_until, user.last_login_at = utcnow() + timedelta(hours=2), utcnow()
    dbsession.flush()
    return user


def sqlalchemys(prepared, connection, parameters):
    return connection.execute(prepared.statement, parameters).one_or_none()


@pytest.mark.parametrize("reader", ["member", "nobody"])
def test_the_members_row_is_sqlalchemys_value_for_value(dbsession, member, reader):
    connection = dbsession.connection()
    parameters = {TICKET_USERID: member.id if reader == "member" else member.id + 1000}
    row, expected = (
        VISITOR_QUERY.one_or_none(connection, parameters),
        sqlalchemys(VISITOR_QUERY, connection, parameters),
    )
    if reader == "nobody":
        assert (row, expected) == (None, None)
        return
    as_read = [(value, type(value)) for value in row]
    assert (as_read, row._fields) == (
        [(value, type(value)) for value in expected],
        tuple(expected._mapping.keys()),
    )
    assert (row.username, row.email_confirmed_at, row.own_waiting) == (
        "alice",
        member.email_confirmed_at,
        expected.own_waiting,
    )


def test_a_comments_row_and_its_threads_stamp_are_sqlalchemys(dbsession, member):
    root = make_comment(dbsession, "Root", commenter=member)
    reply = make_reply(dbsession, root, "Reply", commenter=member)
    reply.edited_at = utcnow()
    dbsession.flush()
    connection = dbsession.connection()
    for prepared in (COMMENT_READ, THREAD_ROOT_READ):
        for comment in (root, reply):
            parameters = {"comment_id": comment.id}
            row, expected = (
                prepared.one_or_none(connection, parameters),
                sqlalchemys(prepared, connection, parameters),
            )
            assert [(value, type(value)) for value in row] == [(value, type(value)) for value in expected]


def test_it_reads_in_the_connections_transaction_beginning_one_if_there_is_none(dbengine, member):
    with dbengine.connect() as connection:
        assert connection.in_transaction() is False
        VISITOR_QUERY.one_or_none(connection, {TICKET_USERID: member.id})
        assert connection.in_transaction() is True


def test_the_engines_listeners_see_the_statement_and_may_change_it(dbsession, member, statements):
    other = make_user(dbsession, "bob")
    connection = dbsession.connection()

    def ask_for_bob(conn, cursor, statement, parameters, context, executemany):
        if isinstance(parameters, dict):
            return statement, {**parameters, TICKET_USERID: other.id}
        position = VISITOR_QUERY.by_dialect[conn.dialect].order.index(TICKET_USERID)
        return statement, [*parameters[:position], other.id, *parameters[position + 1 :]]

    sa.event.listen(connection, "before_cursor_execute", ask_for_bob, retval=True)
    try:
        statements.clear()
        row = VISITOR_QUERY.one_or_none(connection, {TICKET_USERID: member.id})
    finally:
        sa.event.remove(connection, "before_cursor_execute", ask_for_bob)
    assert (row.username, len(statements)) == ("bob", 1)


def test_a_drivers_error_is_raised_as_sqlalchemy_raises_it(dbsession):
    missing = Prepared(sa.select(sa.column("x")).select_from(sa.table("no_such_table")))
    with pytest.raises(sa.exc.DBAPIError) as raised:
        missing.one_or_none(dbsession.connection(), {})
    assert "no_such_table" in str(raised.value)


def test_two_rows_are_refused_as_sqlalchemy_refuses_them(dbsession, member):
    make_user(dbsession, "bob")
    everyone = Prepared(sa.select(User.id))
    with pytest.raises(sa.exc.MultipleResultsFound):
        everyone.one_or_none(dbsession.connection(), {})


@pytest.mark.parametrize(
    "where,parameters",
    [
        (Comment.posted_at > sa.bindparam("since", type_=Comment.posted_at.type), {"since": utcnow()}),
        (Comment.id.in_(sa.bindparam("ids", expanding=True)), {"ids": [1, 2]}),
    ],
    ids=["a date made naive UTC", "a list"],
)
def test_a_parameter_that_needs_sqlalchemys_processing_is_refused(dbsession, where, parameters):
    with pytest.raises(ValueError, match="needs SQLAlchemy's processing"):
        Prepared(sa.select(Comment.id).where(where)).one_or_none(dbsession.connection(), parameters)
