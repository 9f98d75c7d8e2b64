"""gunicorn's hooks for metrics from several workers: ``gunicorn -c python:scratchpad.metrics.gunicorn_config``.

With more than one worker, each keeps its counts in files of ``PROMETHEUS_MULTIPROC_DIR``
(prometheus_client's multiprocess mode) and a scrape, answered by any worker, sums them all.
So the folder must be named in the environment of gunicorn itself (prometheus_client reads it
when it is first imported), start empty (files of an earlier run would be added in), and
lose a dead worker's gauges (its counters stay: they are counts already made).
docs/deploying.md, step 4, shows the command and the systemd unit's lines.
"""

import os
import sys
from pathlib import Path
from typing import Any

from prometheus_client import multiprocess

MULTIPROCESS_DIR = "PROMETHEUS_MULTIPROC_DIR"


def on_starting(server: Any) -> None:
    """In gunicorn's main process, once, before any worker starts (not on a reload)."""
    folder = os.environ.get(MULTIPROCESS_DIR)
    if not folder:
        sys.exit(
            f"scratchpad: {MULTIPROCESS_DIR} is not set: name a folder for the workers' metrics "
            "(docs/deploying.md, step 4), or leave this config file out."
        )
    empty(Path(folder))


def empty(folder: Path) -> None:
    """Remove an earlier run's metric files from ``folder`` (made if missing): only
    prometheus_client's ``*.db`` files, whatever else a mistyped folder may hold."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    for metric_file in folder.glob("*.db"):
        metric_file.unlink()


def child_exit(server: Any, worker: Any) -> None:
    """A worker ended: its live gauges (the pool's connections) no longer count."""
    multiprocess.mark_process_dead(worker.pid)
