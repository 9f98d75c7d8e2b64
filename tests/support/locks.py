"""A lock shared by the processes of one test run (pytest-xdist's workers), for work that one
of them does for all: starting the run's MariaDB server, seeding a big board once."""

import contextlib
import fcntl
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """The lock file ``path`` held exclusively (fcntl.flock: released if the worker dies)."""
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def run_folder(tmp_path_factory, worker_id: str) -> Path:
    """The folder every process of this run can see: under pytest-xdist the one that holds the
    workers' temporary folders, else this process's own (never the parent, which other runs share)."""
    base = tmp_path_factory.getbasetemp()
    return base if worker_id == "master" else base.parent
