"""Fixtures, in the order they build on each other: ini file -> settings -> migrated database
-> app -> per-test connection rolled back at the end -> WebTest app and factories."""

import contextlib
import gc
import os
import re
from dataclasses import dataclass

import alembic.command
import alembic.config
import pytest
import sqlalchemy as sa
from pyramid.paster import get_appsettings
from sqlalchemy.orm import Session

from scratchpad import main
from scratchpad.models import get_engine
from scratchpad.settings import load_settings
from tests.support import apps
from tests.support.apps import TestApp, sharing_compiled_templates
from tests.support.factories import PASSWORD, make_user
from tests.support.mariadb_server import MariaDBServer, find_server_binary
from tests.support.paths import ROOT
from tests.support.shared_mariadb import shared_mariadb
from tests.support.smtp_server import SmtpTestServer
from tests.support.tools import installed

#: The test folders whose files take tens of seconds each (a fresh clone, installs into fresh
#: venvs, deployments, the browser, then servers and console scripts started per test), in the
#: order their files run: before every other file. ``make test`` hands files to the
#: pytest-xdist workers in the order they are collected (``--no-loadscope-reorder``); in
#: xdist's own order (most tests first) these few-test files came last, and the run ended with
#: one worker on the fresh clone while the other idled.
SLOW_FOLDERS = (
    "tests/fresh_clone/",
    "tests/packaging/",
    "tests/deploy/",
    "tests/e2e/",
    "tests/mysql/",
    "tests/scripts/",
    "tests/migrations/",
)


def pytest_addoption(parser):
    parser.addoption("--ini", default=str(ROOT / "testing.ini"), help="the ini file the tests use")


def slowness_rank(nodeid):
    """Where the test's folder is in SLOW_FOLDERS; every other folder comes after them."""
    return next(
        (rank for rank, folder in enumerate(SLOW_FOLDERS) if nodeid.startswith(folder)),
        len(SLOW_FOLDERS),
    )


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """The slow folders' tests first; otherwise the order pytest chose (after its grouping of
    the tests by database backend, hence trylast), which the sort keeps (it is stable)."""
    items.sort(key=lambda item: slowness_rank(item.nodeid))


def pytest_collection_finish(session):
    """What the collection left alive (the modules of the app, its libraries and the tests:
    hundreds of thousands of objects, none of them garbage) moved out of the garbage
    collector's sight (``gc.freeze``), after one last collection. Every full collection
    during the run walked them all again: a tenth of a test process's CPU time went to the
    collector, and the functional tests took 7 % less CPU without it (tests/functional/accounts
    47.4 -> 44.0 CPU-s with coverage). What the tests make is collected as before."""
    gc.collect()
    gc.freeze()


@pytest.fixture(scope="session")
def ini_file(request):
    return os.path.abspath(request.config.option.ini)


@pytest.fixture(scope="session")
def mariadb_server(tmp_path_factory, worker_id):
    """A throwaway MariaDB server for the whole run, installed first if the machine lacks one;
    run in parallel, a ``MariaDBClient`` for this worker's databases on the run's one server.

    In CI a server that cannot start fails the run; elsewhere the MariaDB tests are skipped
    with the reason, and the SQLite half of the suite still runs.
    """
    installed(find_server_binary, "install-mariadb", "MariaDB server")
    if worker_id == "master":
        with MariaDBServer(tmp_path_factory.mktemp("mariadb")) as server:
            yield server
        return
    # Under pytest-xdist: one server for all the workers, a database per worker.
    with shared_mariadb(tmp_path_factory.getbasetemp().parent, worker_id) as server:
        yield server


@dataclass
class MigratedDatabase:
    """One backend's test database, migrated once, and what the tests build on it."""

    url: str
    settings: dict
    engine: sa.Engine
    app: object


@contextlib.contextmanager
def migrated_database(ini_file, url):
    """The database at ``url`` migrated to head with alembic, as an operator would, with an
    engine and the app on it.

    It is not migrated back down at the end: the SQLite file and the run's MariaDB server are
    thrown away with the run, and the downgrades are tests/migrations' to show (on both
    backends). Downgrading both databases cost every pytest-xdist worker seconds at the very
    end of the run, where nothing else fills the cores."""
    settings = get_appsettings(ini_file)
    settings["sqlalchemy.url"] = url
    settings = sharing_compiled_templates(load_settings(settings, environ={}))
    migrate(ini_file, "head", url)
    engine = get_engine(settings)
    try:
        yield MigratedDatabase(url, settings, engine, main({}, **settings, dbengine=engine))
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def sqlite_database(ini_file, tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'scratchpad.sqlite'}"
    with migrated_database(ini_file, url) as database:
        yield database


@pytest.fixture(scope="session")
def mariadb_database(ini_file, mariadb_server):
    mariadb_server.create_database("scratchpad_test")
    with migrated_database(ini_file, mariadb_server.url("scratchpad_test")) as database:
        yield database


@pytest.fixture(
    scope="session",
    params=["sqlite", pytest.param("mariadb", marks=pytest.mark.mysql)],
)
def database(request):
    """Every test that touches the database runs on SQLite and on a real MariaDB.

    Each backend is migrated once per run (per pytest-xdist worker) and kept to the end, in a
    fixture of its own: pytest-xdist runs a file's SQLite tests, then its MariaDB ones, then the
    next file's, and pytest rebuilds a parametrized session fixture at every such switch, which
    migrated both databases down and up again for every file."""
    return request.getfixturevalue(f"{request.param}_database")


@pytest.fixture(params=["sqlite", pytest.param("mariadb", marks=pytest.mark.mysql)])
def empty_database_url(request, tmp_path):
    """An empty database of the test's own, on SQLite and on the run's MariaDB: its URL (for
    what the session's migrated ``database_url`` cannot show: migrations, the scripts)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'empty.sqlite'}"
    server = request.getfixturevalue("mariadb_server")
    name = f"t_{tmp_path.name[-20:].replace('-', '_')}"
    server.create_database(name)
    return server.url(name)


@pytest.fixture(scope="session")
def database_url(database):
    return database.url


@pytest.fixture(scope="session")
def app_settings(database):
    return database.settings


@pytest.fixture(scope="session")
def dbengine(database):
    """The test database, migrated once per run with alembic, as an operator would."""
    return database.engine


def migrate(ini_file, revision, url):
    """alembic upgrade of the database at ``url``, which the ini file's alembic environment
    reads from SCRATCHPAD_DATABASE_URL."""
    config = alembic.config.Config(ini_file)
    config.attributes["configure_logging"] = False
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SCRATCHPAD_DATABASE_URL", url)
        alembic.command.upgrade(config, revision)


@pytest.fixture(scope="session")
def app(database):
    return database.app


@pytest.fixture
def dbconnection(dbengine):
    """One connection per test inside an outer transaction that is always rolled back."""
    connection = dbengine.connect()
    outer = connection.begin()
    yield connection
    outer.rollback()
    connection.close()


@pytest.fixture
def dbsession(dbconnection):
    """The test's own view of the database: sees what the app committed in this test."""
    with Session(bind=dbconnection, join_transaction_mode="create_savepoint") as session:
        yield session


@pytest.fixture
def statements(dbengine):
    """Every data statement sent to the database while the test runs, in order (a search's
    under its MariaDB time limit, ``SET STATEMENT ... FOR SELECT``, counts as the SELECT)."""
    seen = []

    def record(conn, cursor, statement, parameters, context, executemany):
        data = r"\s*(SET STATEMENT \S+ FOR )?(WITH|SELECT|INSERT|UPDATE|DELETE)\b"
        if re.match(data, statement, re.IGNORECASE):
            seen.append(statement)

    sa.event.listen(dbengine, "before_cursor_execute", record)
    yield seen
    sa.event.remove(dbengine, "before_cursor_execute", record)


@pytest.fixture
def testapp(app, dbconnection):
    """A browser on the shared app, whose page cache and kept comments start empty: a page
    another test left there is right for the data (every test starts from the same board and
    revision) but not for a test that patches the code rendering it."""
    for kept in ("page_cache", "comment_fragments"):
        if app.registry.get(kept) is not None:
            app.registry[kept].clear()
    return TestApp(
        app,
        extra_environ={"HTTP_HOST": "example.com", "app.dbconnection": dbconnection},
    )


@pytest.fixture
def rounds(app_settings):
    return app_settings["scratchpad.bcrypt_rounds"]


@pytest.fixture
def alice(dbsession):
    """A user, with factories.make_user's password."""
    return make_user(dbsession, "alice")


@pytest.fixture
def bob(dbsession):
    """A second member, with factories.make_user's password."""
    return make_user(dbsession, "bob")


@pytest.fixture
def admin(dbsession):
    """An admin, root, with factories.make_user's password."""
    return make_user(dbsession, "root", role="admin")


@pytest.fixture
def logged_in(testapp, alice):
    """``testapp`` after alice logged in through the real form."""
    testapp.login("alice", PASSWORD)
    return testapp


@pytest.fixture(scope="session")
def app_on():
    """``with app_on(url) as browser:``, a WebTest browser on the whole app, committing to
    the database at ``url`` as the served app would (``tests.support.apps.app_on``)."""
    return apps.app_on


@pytest.fixture
def smtp_server():
    """A real SMTP server (aiosmtpd) on 127.0.0.1 for this test, keeping what it receives;
    ``stop()`` and ``start()`` take it away and bring it back on the same port."""
    server = SmtpTestServer().start()
    yield server
    server.stop()
