"""The venv's console scripts (alembic, initialize_scratchpad_db, scratchpad-admin, pserve) run
as an operator runs them: a subprocess from the checkout, the database named by
``SCRATCHPAD_DATABASE_URL``, stdin piped (never a terminal), what they print kept as text."""

import os
import subprocess

from tests.support.paths import BIN, ROOT

#: Longest wait for one command; migrating an empty MariaDB takes a few seconds.
TIMEOUT = 120


def run_command(name, *args, database_url=None, cwd=ROOT, stdin="", env=None, timeout=TIMEOUT):
    """The finished process of the venv's ``name`` with ``args``, run in ``cwd`` with ``env``
    (this process's environment unless given) and ``database_url``, when given, as
    ``SCRATCHPAD_DATABASE_URL``."""
    environ = dict(os.environ if env is None else env)
    if database_url is not None:
        environ["SCRATCHPAD_DATABASE_URL"] = database_url
    return subprocess.run(
        [str(BIN / name), *(str(arg) for arg in args)],
        cwd=cwd,
        env=environ,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def unmeasured_environment():
    """This process's environment without coverage's variables: a Python process started with
    it is not measured (coverage's ``patch = ["subprocess"]`` hands them to every child). For a
    run at a size whose code the small runs measure already, where measuring it cost as much
    again as the run itself, or would weigh on what the test measures (peak memory)."""
    return {key: value for key, value in os.environ.items() if not key.startswith("COVERAGE_")}


def run_ok(name, *args, **options):
    """``run_command``, failing the test (with what the command wrote on stderr) unless it exits 0."""
    result = run_command(name, *args, **options)
    assert result.returncode == 0, f"{name} exited with {result.returncode}:\n{result.stderr}"
    return result


def alembic(*args, ini="testing.ini", **options):
    """``alembic -c INI ARGS`` as ``run_command`` runs it (the database: ``database_url``, or
    ``SCRATCHPAD_DATABASE_URL`` already in the environment)."""
    return run_command("alembic", "-c", ini, *args, **options)


def alembic_ok(*args, ini="testing.ini", **options):
    return run_ok("alembic", "-c", ini, *args, **options)
