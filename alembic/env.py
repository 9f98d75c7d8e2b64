"""Run migrations against the database of the ini file given with ``alembic -c``.

The settings come through the app's own loader, so SCRATCHPAD_DATABASE_URL wins here exactly
as it does when the app runs.
"""

import sqlite3
from typing import cast

from pyramid.paster import get_appsettings, setup_logging

from alembic import context
from scratchpad.models import get_engine
from scratchpad.models.meta import Base
from scratchpad.search.schema import is_search_index
from scratchpad.settings import apply_environment

config = context.config
# Callers that have set up logging already (the init script, the tests) say so.
if config.attributes.get("configure_logging", True):
    setup_logging(config.config_file_name)

settings = apply_environment(get_appsettings(config.config_file_name))
target_metadata = Base.metadata


def include_object(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
    """Leave the full-text indexes (made by hand in their revision, unknown to the models)
    out of ``alembic check`` and autogenerate, which would otherwise drop them."""
    return not is_search_index(name, type_)


def run_migrations_offline() -> None:
    context.configure(
        url=settings["sqlalchemy.url"],
        target_metadata=target_metadata,
        include_object=include_object,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = get_engine(settings)
    try:
        with engine.connect() as connection:
            is_sqlite = connection.dialect.name == "sqlite"
            if is_sqlite:
                # Batch mode copies and drops tables, which enforced foreign keys would stop
                # half way. The pragma only works outside a transaction, hence the raw driver.
                driver_connection = cast(sqlite3.Connection, connection.connection.dbapi_connection)
                driver_connection.execute("PRAGMA foreign_keys=OFF")
            context.configure(
                connection=connection,
                target_metadata=target_metadata,
                include_object=include_object,
                # ALTERs that SQLite lacks become table copies there.
                render_as_batch=True,
                # get_engine() gives SQLite real transactions: a failed migration leaves
                # nothing half done.
                transactional_ddl=True if is_sqlite else None,
            )
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
