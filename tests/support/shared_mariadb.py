"""One throwaway MariaDB server for a whole pytest-xdist run, shared by its workers.

A server per worker would cost each worker a data directory (``mariadb-install-db`` is the
slow part) and the machine a server's memory per core. pytest-xdist's recipe for a session
fixture shared across workers does it once: a lock file in the folder all the workers' temporary
folders sit in; under the lock, the first worker to need the server starts it and writes down
its port, later ones read it; each worker counts itself in, and the last one
out stops the server: the worker that started it, which waits for the others (it alone can wait
for the process to exit). A worker that needs a server after that starts it again.

Each worker sees the server through a ``MariaDBClient`` whose database names carry its worker
id, so two workers running the same test never share a database.
"""

import contextlib
import json
import time
from pathlib import Path

from tests.support.locks import locked
from tests.support.mariadb_server import MariaDBClient, MariaDBServer

#: How long the worker that started the server waits, once its own tests are done, for the
#: others to finish theirs before it stops the server anyway (a worker that crashed never leaves).
WAIT_FOR_OTHERS = 1800


def _read(state_path: Path) -> dict | None:
    return json.loads(state_path.read_text()) if state_path.exists() else None


@contextlib.contextmanager
def shared_mariadb(run_folder: Path, worker: str):
    """A ``MariaDBClient`` for ``worker`` on the server shared by every worker of the run whose
    temporary folders are in ``run_folder``."""
    lock, state_path = run_folder / "mariadb.lock", run_folder / "mariadb.json"
    started_here = None
    with locked(lock):
        state = _read(state_path)
        if state is None:
            started_here = MariaDBServer(run_folder / "mariadb")
            started_here.start()
            state = {
                "host": started_here.host,
                "port": started_here.port,
                "users": [],
            }
        state["users"].append(worker)
        state_path.write_text(json.dumps(state))
    try:
        yield MariaDBClient(state["host"], state["port"], suffix=worker)
    finally:
        with locked(lock):
            state = _read(state_path)
            state["users"].remove(worker)
            state_path.write_text(json.dumps(state))
        if started_here is not None:
            _stop_when_alone(started_here, lock, state_path)


def _stop_when_alone(server: MariaDBServer, lock: Path, state_path: Path) -> None:
    """Wait until no worker uses ``server``, then stop it (only the process that started a
    server can wait for it to exit). A worker that comes later starts a new one."""
    deadline = time.monotonic() + WAIT_FOR_OTHERS
    while True:
        with locked(lock):
            if not _read(state_path)["users"] or time.monotonic() > deadline:
                state_path.unlink()
                server.stop()
                return
        time.sleep(0.2)
