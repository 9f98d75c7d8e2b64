"""Statements run on the driver's cursor (models/prepared.py) give SQLAlchemy's row, in the
connection's transaction, seen by the engine's listeners, and SQLAlchemy's errors; on a
request's own connection, on the driver's connection before SQLAlchemy's is made around it,
in the snapshot the rest of the request reads; on SQLite and MariaDB."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from scratchpad.accounts.security import TICKET_USERID, VISITOR_QUERY
from scratchpad.models import Comment, User
from scratchpad.models.loaded import OwnConnection
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


# On a request's own connection (models/loaded.py ``OwnConnection``): the driver's, then
# SQLAlchemy's around it.


@pytest.fixture
def committed_member(dbengine):
    """A member the database holds for every connection (committed), gone after the test."""
    with Session(dbengine) as dbsession, dbsession.begin():
        member_id = make_user(dbsession, "snapshot").id
    yield member_id
    with dbengine.begin() as connection:
        connection.execute(sa.delete(User).where(User.id == member_id))


def rename(dbengine, member_id, username):
    with dbengine.begin() as connection:
        connection.execute(sa.update(User).where(User.id == member_id).values(username=username))


def test_on_its_own_connection_a_request_reads_on_the_driver_then_in_one_snapshot(dbengine, committed_member):
    parameters = {TICKET_USERID: committed_member}
    checked_out = dbengine.pool.checkedout()
    own = OwnConnection(dbengine)
    row = VISITOR_QUERY.one_or_none(own, parameters)
    on_driver = own.wrapped is None
    with dbengine.connect() as other:
        expected = sqlalchemys(VISITOR_QUERY, other, parameters)
    rename(dbengine, committed_member, "renamed")
    seen_after = own.connection.execute(
        sa.select(User.username).where(User.id == committed_member)
    ).scalar_one()
    own.close()
    with dbengine.connect() as other:
        seen_later = other.execute(sa.select(User.username).where(User.id == committed_member)).scalar_one()
    assert [(value, type(value)) for value in row] == [(value, type(value)) for value in expected]
    # MariaDB's engine has a cursor listener, the search's time limit (models/statement_time.py),
    # which keeps no statement without its option off the driver.
    assert (on_driver, seen_after, seen_later, dbengine.pool.checkedout()) == (
        True,
        "snapshot",
        "renamed",
        checked_out,
    )


def test_with_cursor_listeners_on_the_engine_it_reads_through_a_connection(
    dbengine, committed_member, statements
):
    own = OwnConnection(dbengine)
    try:
        row = VISITOR_QUERY.one_or_none(own, {TICKET_USERID: committed_member})
        assert (row.username, own.wrapped is not None, len(statements)) == ("snapshot", True, 1)
    finally:
        own.close()


def test_a_drivers_error_on_the_own_connection_is_raised_as_sqlalchemy_raises_it(dbengine):
    own = OwnConnection(dbengine)
    missing = Prepared(sa.select(sa.column("x")).select_from(sa.table("no_such_table")))
    try:
        with pytest.raises(sa.exc.DBAPIError, match="no_such_table"):
            missing.one_or_none(own, {})
    finally:
        own.close()


def test_a_database_that_cannot_be_reached_is_raised_as_sqlalchemy_raises_it(tmp_path):
    """As ``engine.connect()`` raises it (web/errors.py answers it with a 503), never the
    driver's own error (a 500)."""
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'no such folder' / 'board.sqlite'}")
    with pytest.raises(sa.exc.OperationalError, match="unable to open database file"):
        OwnConnection(engine)


def test_a_checkout_that_fails_once_is_tried_again_through_sqlalchemy(
    dbengine, committed_member, monkeypatch
):
    """A database back between two checkouts: the request reads on the ``Connection`` that
    SQLAlchemy's second try made, and gives it back."""
    checked_out = dbengine.pool.checkedout()

    def refused():
        monkeypatch.undo()
        raise dbengine.dialect.loaded_dbapi.OperationalError("the database restarts")

    monkeypatch.setattr(dbengine, "raw_connection", refused)
    own = OwnConnection(dbengine)
    row = VISITOR_QUERY.one_or_none(own, {TICKET_USERID: committed_member})
    own.close()
    assert (own.wrapped is not None, row.username, dbengine.pool.checkedout()) == (
        True,
        "snapshot",
        checked_out,
    )
