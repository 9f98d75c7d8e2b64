"""The console scripts (``initialize_scratchpad_db``, ``scratchpad-admin``, ``alembic``) run in
the test's own process: the ``main`` their installed entry point names, called with the
arguments, what they print and log kept as text, the exit status from their return value or
``SystemExit`` (an exception that escapes is a traceback on stderr and status 1, as the
interpreter makes it), as ``subprocess.run`` would report it.

A subprocess costs about a second (imports, then coverage starting up); a call costs what the
script itself does. tests/support/commands.py keeps the real processes for what only they
show: the installed file, a terminal's prompt, signals, what the interpreter itself prints.

A call leaves nothing behind for the next test: the environment, the working folder and
``sys.stdout``/``sys.stderr`` come back as they were, and so does logging, which the scripts
configure from their ini file (handlers bound to the captured stderr, an audit file opened).
"""

import argparse
import contextlib
import io
import logging
import logging.config
import sys
import traceback
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from importlib.metadata import entry_points
from pathlib import Path
from unittest import mock

import alembic.config
import pytest

from tests.support.paths import ROOT


@dataclass
class Finished:
    """What a finished run left: the attributes of ``subprocess.CompletedProcess`` the tests read."""

    returncode: int
    stdout: str
    stderr: str


def entry_point(name: str) -> Callable[[list[str]], object]:
    """The function the installed console script ``name`` calls (setup.py's entry points), as
    one that takes argv (the program's name first)."""
    if name == "alembic":
        return alembic_main
    (found,) = entry_points(group="console_scripts", name=name)
    return found.load()


class AlembicCommandLine(alembic.config.CommandLine):
    """alembic's own command line, printing where ``sys.stdout`` is when it runs: its ``Config``
    otherwise prints to the ``sys.stdout`` of the moment alembic was imported."""

    def run_cmd(self, config: alembic.config.Config, options: argparse.Namespace) -> None:
        config.stdout = sys.stdout
        super().run_cmd(config, options)


def alembic_main(argv: list[str]) -> None:
    """What the ``alembic`` console script does (``alembic.config.main``), given argv."""
    AlembicCommandLine(prog=argv[0]).main(argv=argv[1:])


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
                code = main([name, *arguments])
            except SystemExit as exit:
                code = exit.code
            except Exception:  # what the interpreter does with it: a traceback, status 1
                traceback.print_exc(file=stderr)
                code = 1
            status = exit_status(code, stderr)
    return Finished(status, stdout.getvalue(), stderr.getvalue())


def run_ok(name: str, *args: object, **options) -> Finished:
    """``run``, failing the test (with what the script wrote on stderr) unless it ends with 0."""
    finished = run(name, *args, **options)
    assert finished.returncode == 0, f"{name} ended with {finished.returncode}:\n{finished.stderr}"
    return finished


def alembic(*args: object, ini: str | Path = "testing.ini", **options) -> Finished:
    """``alembic -c INI ARGS`` as ``run`` runs it (the database: ``database_url``, or
    ``SCRATCHPAD_DATABASE_URL`` already in the environment)."""
    return run("alembic", "-c", ini, *args, **options)


def alembic_ok(*args: object, ini: str | Path = "testing.ini", **options) -> Finished:
    return run_ok("alembic", "-c", ini, *args, **options)
