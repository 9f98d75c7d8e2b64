"""``models.get_engine``: what the ini file says is what the engine does."""

import pytest

from scratchpad.models import get_engine


@pytest.mark.parametrize("written, pings", [("true", True), ("false", False), ("no", False), ("1", True)])
def test_pool_pre_ping_follows_the_ini_text(written, pings):
    """On a database server (the engine connects only when first used: no server needed)."""
    engine = get_engine(
        {
            "sqlalchemy.url": "mysql+pymysql://scratchpad@127.0.0.1/scratchpad",
            "sqlalchemy.pool_pre_ping": written,
        }
    )
    try:
        assert engine.pool._pre_ping is pings
    finally:
        engine.dispose()


def test_a_sqlite_file_is_never_pinged(tmp_path):
    """production.ini's ``pool_pre_ping = true`` is for MariaDB; on SQLite it would only cost
    each request a ``SELECT 1``."""
    engine = get_engine(
        {"sqlalchemy.url": f"sqlite:///{tmp_path / 'board.sqlite'}", "sqlalchemy.pool_pre_ping": "true"}
    )
    try:
        assert engine.pool._pre_ping is False
    finally:
        engine.dispose()


def test_bound_values_never_reach_an_error_message(tmp_path):
    engine = get_engine({"sqlalchemy.url": f"sqlite:///{tmp_path / 'board.sqlite'}"})
    try:
        assert engine.hide_parameters is True
    finally:
        engine.dispose()


@pytest.mark.parametrize("settings, kib", [({"scratchpad.sqlite_cache_kib": 256}, 256), ({}, 512)])
def test_each_sqlite_connection_keeps_a_bounded_page_cache(tmp_path, settings, kib):
    """``scratchpad.sqlite_cache_kib`` per pooled connection (512 KiB without the app's settings),
    not SQLite's default of 2 MiB each: a process pools up to 16 connections."""
    engine = get_engine({"sqlalchemy.url": f"sqlite:///{tmp_path / 'board.sqlite'}", **settings})
    try:
        with engine.connect() as first, engine.connect() as second:
            sizes = [
                connection.exec_driver_sql("PRAGMA cache_size").scalar() for connection in (first, second)
            ]
        assert sizes == [-kib, -kib]
    finally:
        engine.dispose()


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
def test_the_apps_sqlite_connections_keep_what_the_ini_file_says(app):
    """Through the app as testing.ini makes it, on SQLite (MariaDB has no such cache): its
    engine's connections."""
    engine = app.registry["dbengine"]
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA cache_size").scalar() == -512
