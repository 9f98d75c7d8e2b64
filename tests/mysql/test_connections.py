"""How the app's engine connects to MariaDB, through the whole app: a page served on a server
on this machine opens its connections without building an SSL context (models/mysql.py)."""

import ssl

import pytest

from scratchpad.models import get_engine

pytestmark = pytest.mark.mysql


@pytest.fixture
def contexts_built(monkeypatch):
    """How many SSL contexts were built from the system's CA bundle while the test ran (PyMySQL
    builds one per connection when it tries TLS on its own: ~20 ms of CPU each)."""
    built = []
    create = ssl.create_default_context

    def counted(*args, **kwargs):
        built.append(args)
        return create(*args, **kwargs)

    monkeypatch.setattr(ssl, "create_default_context", counted)
    return built


@pytest.fixture
def board_url(mariadb_database):
    return mariadb_database.url


def test_pages_open_connections_to_a_local_mariadb_without_tls(app_on, board_url, contexts_built):
    with app_on(board_url) as browser:
        browser.get("/", status=200)
        browser.get("/healthz", status=200)
        engine = browser.app.registry["dbengine"]
        opened = engine.pool.checkedin() + engine.pool.checkedout()
    assert (opened >= 1, contexts_built) == (True, [])


def test_a_connection_to_a_local_mariadb_is_not_encrypted(board_url):
    engine = get_engine({"sqlalchemy.url": board_url})
    try:
        with engine.connect() as connection:
            cipher = connection.exec_driver_sql("SHOW SESSION STATUS LIKE 'Ssl_cipher'").one()[1]
            assert (connection.connection.dbapi_connection.ssl, cipher) == (False, "")
    finally:
        engine.dispose()
