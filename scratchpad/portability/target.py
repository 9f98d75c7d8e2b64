"""The database a board is imported, copied or restored into: at the newest schema, and empty.

A database with no tables at all is migrated to the newest schema first, as
``initialize_scratchpad_db`` would: that is what a new MariaDB database made for the move looks
like. One with tables at another schema is refused rather than migrated behind the
operator's back.
"""

import contextlib
import os
from collections.abc import Iterator
from typing import TYPE_CHECKING

import sqlalchemy as sa

from scratchpad.portability.errors import Refused, Unusable

# alembic is imported where it is used: with mako and the dialects it loads it was a fifth of
# every ``scratchpad-admin`` start (``--help``: 0.69 s, 0.55 without), and most of its
# commands never migrate.
if TYPE_CHECKING:
    import alembic.config


def alembic_config(config_uri: str) -> "alembic.config.Config":
    import alembic.config

    config = alembic.config.Config(config_uri)
    config.attributes["configure_logging"] = False
    return config


def newest_revision(config_uri: str) -> str:
    import alembic.script

    try:
        head = alembic.script.ScriptDirectory.from_config(alembic_config(config_uri)).get_current_head()
    except Exception:  # no [alembic] section, no migrations where it points
        head = None
    if head is None:
        raise Unusable(f"{config_uri} names no migrations ([alembic] script_location).")
    return head


def revision_of(connection: sa.Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()


@contextlib.contextmanager
def _database_url(url: sa.URL) -> Iterator[None]:
    """alembic's env.py takes the database from SCRATCHPAD_DATABASE_URL before the ini file."""
    previous = os.environ.get("SCRATCHPAD_DATABASE_URL")
    os.environ["SCRATCHPAD_DATABASE_URL"] = url.render_as_string(hide_password=False)
    try:
        yield
    finally:
        if previous is None:
            del os.environ["SCRATCHPAD_DATABASE_URL"]
        else:
            os.environ["SCRATCHPAD_DATABASE_URL"] = previous


def prepare_target(engine: sa.Engine, config_uri: str) -> bool:
    """Migrate ``engine``'s database to the newest schema if it has no tables; :class:`Refused`
    if it is at another one. True when it was migrated."""
    head = newest_revision(config_uri)
    with engine.connect() as connection:
        has_tables = bool(sa.inspect(connection).get_table_names())
        revision = revision_of(connection) if has_tables else None
    if not has_tables:
        import alembic.command

        with _database_url(engine.url):
            alembic.command.upgrade(alembic_config(config_uri), "head")
        return True
    if revision != head:
        raise Refused(
            f"the target database is at schema {revision or 'unknown (not made by Scratchpad)'}, not "
            f"at the newest ({head}): use an empty database, or one made with initialize_scratchpad_db."
        )
    return False


def check_reachable(engine: sa.Engine, what: str) -> None:
    """Connect once, so a wrong URL or a server that is down is one line (the driver's reason,
    never the URL and its password) instead of a traceback."""
    try:
        with engine.connect():
            pass
    except sa.exc.SQLAlchemyError as error:
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        raise Unusable(f"cannot reach {what}: {reason}.") from None
