"""The throwaway MariaDB server (tests/support/mariadb_server.py): its data directory in RAM when
the machine has room, so that no test waits on a disk sync it does not check; kept across a
restart, as on disk; gone with the server."""

import gc
import os
from pathlib import Path

import pytest

from tests.support.mariadb_server import MariaDBServer, find_server_binary

pytestmark = [
    pytest.mark.mysql,
    pytest.mark.skipif(find_server_binary() is None, reason="no MariaDB server installed"),
]

RAM = Path("/dev/shm")  # noqa: S108 (only looked at)


def ram_has_room():
    mounts = Path("/proc/mounts").read_text().splitlines()
    if not any(line.split()[1:3] == [str(RAM), "tmpfs"] for line in mounts):
        return False
    free = os.statvfs(RAM)
    return free.f_bavail * free.f_frsize >= 2 * 1024**3


def test_the_data_is_in_ram_kept_across_a_restart_and_removed_with_the_server(tmp_path):
    if not ram_has_room():
        pytest.skip("no tmpfs with 2 GB free at /dev/shm: the data directory stays beside the server")
    server = MariaDBServer(tmp_path / "mariadb")
    folder = server.datadir.parent
    assert folder.parent == RAM
    server.start()
    try:
        server.create_database("kept")
        server.rows("kept", "CREATE TABLE t (x INT)")
        server.rows("kept", "INSERT INTO t VALUES (1)")
        server.stop()
        server.start()
        assert server.rows("kept", "SELECT x FROM t") == [(1,)]
    finally:
        server.stop()
    assert (folder / "data" / "mysql").is_dir()
    del server
    gc.collect()
    assert not folder.exists()
