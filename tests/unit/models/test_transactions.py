"""A request's session follows its transaction manager (pyramid_tm's), through listeners
registered once on the session class (models/transactions.py): committed with the
transaction, rolled back with it, never committed behind its back, and no listener added
per session."""

import pytest
import sqlalchemy as sa
import transaction
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from scratchpad.models import get_engine, get_session_factory, get_tm_session


class Base(DeclarativeBase):
    pass


class Note(Base):
    __tablename__ = "notes"
    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str]


@pytest.fixture
def factory(tmp_path):
    engine = get_engine({"sqlalchemy.url": f"sqlite:///{tmp_path / 'tm.sqlite'}"})
    Base.metadata.create_all(engine)
    yield get_session_factory(engine)
    engine.dispose()


def notes(factory):
    with factory() as session:
        return session.scalars(sa.select(Note.text).order_by(Note.text)).all()


def joined_session(factory):
    manager = transaction.TransactionManager(explicit=True)
    manager.begin()
    return manager, get_tm_session(factory, manager)


def test_a_write_is_kept_when_the_transaction_commits_and_lost_when_it_aborts(factory):
    for text, finish in (("committed", "commit"), ("aborted", "abort")):
        manager, session = joined_session(factory)
        session.add(Note(text=text))
        session.flush()
        getattr(manager, finish)()
    assert notes(factory) == ["committed"]


def test_an_orm_statement_that_writes_is_committed_without_a_flush(factory):
    """Read-only sessions are rolled back at the transaction's end: a bulk UPDATE or INSERT
    (no flush) must still count as a write."""
    manager, session = joined_session(factory)
    session.execute(sa.insert(Note).values(text="inserted"))
    manager.commit()
    manager, session = joined_session(factory)
    session.execute(sa.update(Note).values(text="updated"))
    manager.commit()
    assert notes(factory) == ["updated"]


def test_a_session_that_only_read_is_rolled_back_not_committed(factory):
    manager, session = joined_session(factory)
    session.execute(sa.text("INSERT INTO notes (text) VALUES ('not marked')"))
    manager.commit()
    assert notes(factory) == []


def test_the_session_cannot_be_committed_behind_the_managers_back(factory):
    manager, session = joined_session(factory)
    session.add(Note(text="sneaky"))
    with pytest.raises((RuntimeError, AssertionError), match=r"[Tt]ransaction manager"):
        session.commit()
    manager.abort()
    assert notes(factory) == []


def test_no_listener_is_added_to_each_session(factory):
    """zope.sqlalchemy.register added seven to every session, the slowest part of a request
    that read one row; the class's listeners serve every session."""
    manager, session = joined_session(factory)
    events = ("after_begin", "after_attach", "after_flush", "before_commit", "do_orm_execute")
    per_session = {name: list(getattr(session.dispatch, name).listeners) for name in events}
    manager.abort()
    assert per_session == {name: [] for name in events}


def test_a_session_of_no_transaction_commits_on_its_own(factory):
    """``request.read_dbsession`` and scripts use the factory without a manager."""
    with factory() as session, session.begin():
        session.add(Note(text="alone"))
    assert notes(factory) == ["alone"]
