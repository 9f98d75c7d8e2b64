"""The MariaDB server that pytest-xdist's workers share (tests/support/shared_mariadb.py): one server,
a database per worker, stopped when the last worker leaves. Two workers are played here by two
``shared_mariadb`` blocks on a run folder of the test's own, the first one's left in a thread
(it waits there for the other)."""

import threading

import pymysql
import pytest

from tests.support.mariadb_server import find_server_binary
from tests.support.shared_mariadb import shared_mariadb

pytestmark = [
    pytest.mark.mysql,
    pytest.mark.skipif(find_server_binary() is None, reason="no MariaDB server installed"),
]


def rows(server, database, *statements):
    with server.connect(database) as connection, connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
        connection.commit()
        return cursor.fetchall()


def answers(host, port):
    try:
        pymysql.connect(host=host, port=port, user="root", password="", connect_timeout=2).close()
    except pymysql.MySQLError:
        return False
    return True


@pytest.mark.parametrize("first_out", ["gw0", "gw1"])
def test_workers_share_one_server_with_a_database_each(tmp_path, first_out):
    blocks = {worker: shared_mariadb(tmp_path, worker) for worker in ("gw0", "gw1")}
    first, second = (blocks[worker].__enter__() for worker in ("gw0", "gw1"))
    try:
        for server in (first, second):
            server.create_database("board")
        rows(first, "board", "CREATE TABLE t (v INT)", "INSERT INTO t VALUES (1)")
        rows(second, "board", "CREATE TABLE t (v INT)")
        seen = rows(first, "board", "SELECT v FROM t"), rows(second, "board", "SELECT v FROM t")
    finally:
        leaving = threading.Thread(target=blocks[first_out].__exit__, args=(None, None, None))
        leaving.start()
        leaving.join(timeout=2)
        # The first one out leaves the server running for the other.
        still_up = answers(first.host, first.port)
        blocks["gw1" if first_out == "gw0" else "gw0"].__exit__(None, None, None)
        leaving.join(timeout=60)
    assert (second.host, second.port) == (first.host, first.port)
    assert seen == (((1,),), ())
    assert (first.name("board"), second.name("board")) == ("board_gw0", "board_gw1")
    assert second.name("information_schema") == "information_schema"
    assert still_up
    # The last one out stopped it, and a later worker would start a new one.
    assert not leaving.is_alive()
    assert not answers(first.host, first.port)
    assert not (tmp_path / "mariadb.json").exists()
