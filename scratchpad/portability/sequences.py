"""The next id of each table whose ids are never given again.

A deleted comment's id stays in permalinks, feed entries and the moderation log, so a board
moved elsewhere must not hand it out again: the next id travels with the rows. SQLite keeps
it in ``sqlite_sequence`` (tables made AUTOINCREMENT), InnoDB in the table's AUTO_INCREMENT.
"""

import sqlalchemy as sa


def next_id(connection: sa.Connection, table: sa.Table) -> int:
    """The id the next new row of ``table`` would get (1 on a table never written to)."""
    (primary_key,) = table.primary_key.columns
    above_rows = (connection.scalar(sa.select(sa.func.max(primary_key))) or 0) + 1
    if connection.dialect.name == "sqlite":
        used = connection.scalar(
            sa.text("SELECT seq FROM sqlite_sequence WHERE name = :name"), {"name": table.name}
        )
        counter = (used or 0) + 1
    else:
        counter = connection.scalar(
            sa.text(
                "SELECT AUTO_INCREMENT FROM information_schema.TABLES "
                "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = :name"
            ),
            {"name": table.name},
        )
    return max(above_rows, counter or 1)


def set_next_id(connection: sa.Connection, table: sa.Table, value: int) -> None:
    """Make ``value`` the next id of ``table``; never below its rows' (both backends clamp).

    On MariaDB this is an ALTER TABLE, which commits the transaction it runs in: call it after
    the rows are committed. Should it fail then, the rows are all there and InnoDB continues
    after the highest of them; only the ids of rows deleted before the move could come again.
    """
    if connection.dialect.name == "sqlite":
        connection.execute(sa.text("DELETE FROM sqlite_sequence WHERE name = :name"), {"name": table.name})
        connection.execute(
            sa.text("INSERT INTO sqlite_sequence (name, seq) VALUES (:name, :seq)"),
            {"name": table.name, "seq": value - 1},
        )
    else:
        connection.exec_driver_sql(f"ALTER TABLE {table.name} AUTO_INCREMENT = {int(value)}")


def set_next_ids_before_commit(connection: sa.Connection, next_ids: dict[sa.Table, int]) -> None:
    """The next ids, last thing in the transaction that wrote the rows, on SQLite: they commit
    with the rows or not at all. On MariaDB nothing yet (see :func:`set_next_ids_after_commit`)."""
    if connection.dialect.name == "sqlite":
        for table, value in next_ids.items():
            set_next_id(connection, table, value)


def set_next_ids_after_commit(engine: sa.Engine, next_ids: dict[sa.Table, int]) -> None:
    """The next ids on MariaDB, in a transaction of their own once the rows are committed: there
    the ALTER TABLE would have committed the rows' transaction early. On SQLite nothing (done
    by :func:`set_next_ids_before_commit`)."""
    if engine.dialect.name != "sqlite":
        with engine.begin() as connection:
            for table, value in next_ids.items():
                set_next_id(connection, table, value)
