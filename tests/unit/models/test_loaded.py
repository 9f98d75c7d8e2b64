"""Objects read before the request's session exists (models/loaded.py): on one connection
of the request's own, given back when the request ends; the objects
join that session as if it had loaded them, and the session takes over their connection."""

import pytest
import sqlalchemy as sa
import transaction
from pyramid.registry import Registry
from pyramid.request import Request
from sqlalchemy.orm import Session

from scratchpad.models import Base, User, get_engine, get_session_factory, get_tm_session, loaded
from scratchpad.models.user import new_session_secret


@pytest.fixture
def engine(tmp_path):
    engine = get_engine({"sqlalchemy.url": f"sqlite:///{tmp_path / 'loaded.sqlite'}"})
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        session.add(User(username="alice", password_hash="x", session_secret=new_session_secret()))
        session.commit()
    yield engine
    engine.dispose()


@pytest.fixture
def request_(engine):
    request = Request.blank("/")
    request.registry = Registry()
    request.registry["dbengine"] = engine
    return request


def read_alice(request):
    columns = loaded.columns_of(User)
    statement = sa.select(*(column for _, column in columns)).where(User.username == "alice")
    row = loaded.own_connection(request).execute(statement).one()
    return loaded.as_detached(User, dict(zip((key for key, _ in columns), row, strict=True)))


def test_reads_before_the_session_share_one_connection(request_, engine):
    first = loaded.own_connection(request_)
    second = loaded.own_connection(request_)
    assert (first is second, engine.pool.checkedout()) == (True, 1)


def test_the_connection_is_given_back_when_the_request_ends(request_, engine):
    connection = loaded.own_connection(request_)
    request_._process_finished_callbacks()
    assert (connection.closed, engine.pool.checkedout()) == (True, 0)


def test_an_object_read_before_joins_the_session_as_if_loaded(request_, engine, statements_of):
    user = read_alice(request_)
    user_id = user.id
    loaded.join_when_made(request_, user)
    with Session(engine) as session:
        loaded.join_waiting(request_, session)
        with statements_of(engine) as seen:
            found = session.get(User, user_id)
            user.username = "alicia"
            session.commit()
    with Session(engine) as session:
        stored = session.scalar(sa.select(User.username).where(User.id == user_id))
    # Found in the session's identity map (no SELECT); the change saved by primary key.
    assert (found is user, [statement.split()[:2] for statement in seen if "users" in statement], stored) == (
        True,
        [["UPDATE", "users"]],
        "alicia",
    )


@pytest.fixture
def statements_of():
    from contextlib import contextmanager

    @contextmanager
    def recording(engine):
        seen = []

        def record(conn, cursor, statement, parameters, context, executemany):
            if statement.split()[0] in ("SELECT", "INSERT", "UPDATE", "DELETE"):
                seen.append(statement)

        sa.event.listen(engine, "before_cursor_execute", record)
        try:
            yield seen
        finally:
            sa.event.remove(engine, "before_cursor_execute", record)

    return recording


def test_the_session_takes_over_the_connection_and_its_transaction(request_, engine):
    """One connection and one transaction for the whole request: the session made after the
    reads commits with the request's transaction manager, and the connection goes back to
    the pool when the request ends."""
    user = read_alice(request_)
    user_id = user.id
    loaded.join_when_made(request_, user)
    manager = transaction.TransactionManager(explicit=True)
    manager.begin()
    session = get_tm_session(get_session_factory(engine), manager, **loaded.session_options(request_))
    loaded.join_waiting(request_, session)
    user.username = "alicia"
    session.flush()
    shared = session.connection() is loaded.own_connection(request_)
    manager.commit()
    request_._process_finished_callbacks()
    with Session(engine) as reader:
        stored = reader.scalar(sa.select(User.username).where(User.id == user_id))
    assert (shared, stored, engine.pool.checkedout()) == (True, "alicia", 0)


def test_a_session_without_reads_before_it_is_made_as_usual(request_):
    assert loaded.session_options(request_) == {}
