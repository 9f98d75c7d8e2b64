"""The console scripts (``initialize_scratchpad_db``, ``scratchpad-admin``, ``alembic``) run in
the test's own process: the ``main`` their installed entry point names, called with the
arguments, what they print and log kept as text, the exit status from their return value or
``SystemExit``, as ``subprocess.run`` would report it.

A subprocess costs about a second (imports, then coverage starting up); a call costs what the
script itself does. tests/support/commands.py keeps the real processes for what only they
show: the installed file, a terminal's prompt, signals, what the interpreter itself prints.

A call leaves nothing behind for the next test: the environment, the working folder and
``sys.stdout``/``sys.stderr`` come back as they were, and so does logging, which the scripts
configure from their ini file (handlers bound to the captured stderr, an audit file opened).
"""

import contextlib
import io
import logging
import logging.config
import sys
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from importlib.metadata import entry_points
from pathlib import Path
from unittest import mock

import pytest

from tests.support.paths import ROOT


@dataclass
class Finished:
    """What a finished run left: the attributes of ``subprocess.CompletedProcess`` the tests read."""

    returncode: int
    stdout: str
    stderr: str


def entry_point(name: str) -> Callable[..., object]:
    """The function the installed console script ``name`` calls (setup.py's entry points)."""
    (found,) = entry_points(group="console_scripts", name=name)
    return found.load()


def exit_status(code: object, stderr: io.StringIO) -> int:
    """The status a process ending with ``sys.exit(code)`` has, as the interpreter makes it:
    None is 0, a number is itself modulo 256 (alembic's -1 is 255), anything else is printed
    on stderr and is 1."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code % 256
    print(code, file=stderr)
    return 1


@contextlib.contextmanager
def logging_kept() -> Iterator[None]:
    """Logging as it was before the block, whatever the block configured.

    ``logging.config.fileConfig`` (the scripts' ``setup_logging``) would first close every
    handler in the process, pytest's own among them: that step is skipped here, and what it
    replaced (levels, handlers, propagation of each logger) is put back at the end, the
    handlers it made closed (the audit file's among them)."""
    manager = logging.root.manager

    def loggers() -> list[logging.Logger]:
        found = [logger for logger in manager.loggerDict.values() if isinstance(logger, logging.Logger)]
        return [logging.root, *found]

    saved = {
        logger: (logger.level, list(logger.handlers), logger.propagate, logger.disabled)
        for logger in loggers()
    }
    kept_handlers = {handler for _, handlers, _, _ in saved.values() for handler in handlers}
    try:
        with mock.patch.object(logging.config, "_clearExistingHandlers", return_value=None):
            yield
    finally:
        for logger in loggers():
            for handler in logger.handlers:
                if handler not in kept_handlers:
                    handler.close()
            level, handlers, propagate, disabled = saved.get(logger, (logging.NOTSET, [], True, False))
            logger.setLevel(level)
            logger.handlers = handlers
            logger.propagate, logger.disabled = propagate, disabled


def run(
    name: str,
    *args: object,
    database_url: str | None = None,
    stdin: str = "",
    environ: Mapping[str, str | None] | None = None,
    cwd: Path = ROOT,
) -> Finished:
    """The console script ``name`` with ``args``, run here from ``cwd`` with ``environ`` added to
    this process's environment (None: the variable removed) and ``database_url``, when given, as
    ``SCRATCHPAD_DATABASE_URL``; ``stdin`` is what it reads (never a terminal)."""
    stdout, stderr = io.StringIO(), io.StringIO()
    changes = dict(environ or {})
    if database_url is not None:
        changes["SCRATCHPAD_DATABASE_URL"] = database_url
    main = entry_point(name)
    arguments = [str(arg) for arg in args]
    with pytest.MonkeyPatch.context() as patch, logging_kept():
        patch.chdir(cwd)
        for variable, value in changes.items():
            if value is None:
                patch.delenv(variable, raising=False)
            else:
                patch.setenv(variable, value)
        patch.setattr(sys, "stdin", io.StringIO(stdin))
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            try:
                # alembic's main takes the arguments alone; ours take argv, the program first.
                code = main(argv=arguments) if name == "alembic" else main([name, *arguments])
            except SystemExit as exit:
                code = exit.code
            status = exit_status(code, stderr)
    return Finished(status, stdout.getvalue(), stderr.getvalue())


def run_ok(name: str, *args: object, **options) -> Finished:
    """``run``, failing the test (with what the script wrote on stderr) unless it ends with 0."""
    finished = run(name, *args, **options)
    assert finished.returncode == 0, f"{name} ended with {finished.returncode}:\n{finished.stderr}"
    return finished
