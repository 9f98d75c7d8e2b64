"""The queue in which one process's writers take SQLite's write lock in turn: held from BEGIN
IMMEDIATE to the transaction's end however it ends, never by readers, and the next writer
goes on the moment it is given back (the bench's posting row shows what that does to p99)."""

import sqlite3
import threading

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import OperationalError

from scratchpad.models import sqlite


@pytest.fixture
def engine_and_queue(tmp_path):
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'queue.sqlite'}")
    queue = sqlite.make_transactional(engine)
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE notes (text TEXT)")
    yield engine.execution_options(sqlite_begin="IMMEDIATE"), engine, queue
    engine.dispose()


def test_a_writer_holds_its_turn_until_it_commits(engine_and_queue):
    writer_engine, _, queue = engine_and_queue
    with writer_engine.connect() as connection:
        with connection.begin():
            connection.exec_driver_sql("INSERT INTO notes VALUES ('one')")
            assert queue.lock.locked()
        assert not queue.lock.locked()
        with connection.begin():  # and the same connection may write again
            connection.exec_driver_sql("INSERT INTO notes VALUES ('two')")


def test_a_writer_gives_its_turn_back_when_it_rolls_back(engine_and_queue):
    writer_engine, _, queue = engine_and_queue
    with writer_engine.connect() as connection:
        transaction = connection.begin()
        connection.exec_driver_sql("INSERT INTO notes VALUES ('lost')")
        transaction.rollback()
        assert not queue.lock.locked()
        with connection.begin():  # and the same connection may write again
            connection.exec_driver_sql("INSERT INTO notes VALUES ('kept')")
        assert connection.exec_driver_sql("SELECT text FROM notes").scalars().all() == ["kept"]


def test_a_connection_closed_mid_transaction_gives_its_turn_back(engine_and_queue):
    writer_engine, _, queue = engine_and_queue
    connection = writer_engine.connect()
    connection.begin()
    connection.close()
    assert not queue.lock.locked()


def test_a_failed_begin_gives_its_turn_back(engine_and_queue, tmp_path):
    writer_engine, _, queue = engine_and_queue
    # Another process's writer (a connection outside this engine) holds SQLite's lock.
    other = sqlite3.connect(tmp_path / "queue.sqlite", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        with writer_engine.connect() as connection:
            # Past the engine, which would begin a transaction first.
            connection.connection.driver_connection.execute("PRAGMA busy_timeout=10")
            with pytest.raises(OperationalError, match="database is locked"):
                connection.begin()
        assert not queue.lock.locked()
    finally:
        other.execute("ROLLBACK")
        other.close()


def test_readers_never_queue(engine_and_queue):
    writer_engine, reader_engine, queue = engine_and_queue
    with writer_engine.begin():
        with reader_engine.connect() as reader:
            assert reader.exec_driver_sql("SELECT count(*) FROM notes").scalar_one() == 0
        assert queue.lock.locked()


def test_the_next_writer_goes_on_once_the_first_commits(engine_and_queue):
    writer_engine, _, _ = engine_and_queue
    order = []
    second_waiting = threading.Event()

    def second():
        second_waiting.set()
        with writer_engine.begin() as connection:
            order.append("second began")
            connection.exec_driver_sql("INSERT INTO notes VALUES ('second')")

    with writer_engine.begin() as connection:
        connection.exec_driver_sql("INSERT INTO notes VALUES ('first')")
        thread = threading.Thread(target=second)
        thread.start()
        second_waiting.wait(5)
        thread.join(0.2)
        assert thread.is_alive(), "the second writer began while the first held the lock"
        order.append("first commits")
    thread.join(5)
    assert order == ["first commits", "second began"]
    with writer_engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT text FROM notes ORDER BY rowid").scalars().all() == [
            "first",
            "second",
        ]
