"""tests/support/in_process.py, which most tests here run the scripts with: a run in the test's
process leaves nothing behind (logging, the environment, the working folder), and reports what
a process would (output, exit status)."""

import logging
import os

from tests.support import in_process
from tests.support.servers import production_ini


def logging_state():
    loggers = [logging.root, logging.getLogger("scratchpad"), logging.getLogger("scratchpad.audit")]
    return [(logger.level, list(logger.handlers), logger.propagate, logger.disabled) for logger in loggers]


def test_a_run_leaves_logging_the_environment_and_the_folder_as_they_were(tmp_path):
    """production.ini's logging opens an audit file and binds a handler to the captured stderr."""
    before = (logging_state(), dict(os.environ), os.getcwd())
    done = in_process.run(
        "scratchpad-admin",
        production_ini(tmp_path),
        "users",
        "list",
        database_url=f"sqlite:///{tmp_path / 'missing' / 'board.sqlite'}",
        cwd=tmp_path,
    )
    assert done.returncode == 2, done.stderr
    assert (logging_state(), dict(os.environ), os.getcwd()) == before


def test_alembic_refusing_ends_with_status_255_as_its_process_does(tmp_path):
    done = in_process.run(
        "alembic",
        "-c",
        "testing.ini",
        "downgrade",
        "no-such-revision",
        database_url=f"sqlite:///{tmp_path / 'board.sqlite'}",
    )
    assert (done.returncode, "no-such-revision" in done.stderr) == (255, True), done.stderr
