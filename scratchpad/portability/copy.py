"""``scratchpad-admin CONFIG copy-to URL``: the whole board into another, empty database.

Every table, every column, every id and time exactly (the HTML and password hashes too: this
is the same board moving, not a document from elsewhere), then the next ids. Before it commits,
it reads every copied table back from the target and compares the row count and a checksum of
every row with what it read from the source; any difference rolls the whole copy back.
Used by ``restore`` for a SQLite backup file, too.
"""

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa

from scratchpad.models.board import mark_board_changed
from scratchpad.models.meta import Base
from scratchpad.portability.errors import Refused
from scratchpad.portability.importer import refuse_unless_empty
from scratchpad.portability.sequences import next_id, set_next_ids_after_commit, set_next_ids_before_commit
from scratchpad.portability.snapshot import consistent_read
from scratchpad.portability.tables import tables_to_copy

#: Rows read and written at a time.
BATCH = 1000


@dataclass(frozen=True)
class TableCheck:
    """One copied table as seen on each side."""

    table: str
    source_rows: int
    source_checksum: str
    target_rows: int
    target_checksum: str

    @property
    def matches(self) -> bool:
        return (self.source_rows, self.source_checksum) == (self.target_rows, self.target_checksum)


class Checksum:
    """SHA-256 of a table's rows in id order, each row the ``repr`` of its values as the
    column types give them back (aware UTC datetimes, bools, ints, strings): the same on SQLite
    and MariaDB for the same data, and cheap enough for 100,000 rows."""

    def __init__(self) -> None:
        self.rows = 0
        self._hash = hashlib.sha256()

    def add(self, rows: Sequence[sa.Row]) -> None:
        self._hash.update("".join(f"{tuple(row)!r}\n" for row in rows).encode("utf-8"))
        self.rows += len(rows)

    def hexdigest(self) -> str:
        return self._hash.hexdigest()


def _read(connection: sa.Connection, table: sa.Table) -> sa.CursorResult:
    (primary_key,) = table.primary_key.columns
    return connection.execution_options(stream_results=True, yield_per=BATCH).execute(
        sa.select(table).order_by(primary_key)
    )


def _never_reused(table: sa.Table) -> bool:
    return bool(table.dialect_options["sqlite"].get("autoincrement"))


def copy_board(source: sa.Engine, target: sa.Engine) -> list[TableCheck]:
    """Copy the board from ``source`` into the empty board of ``target`` (both at the newest
    schema); the check of each table. :class:`Refused`, nothing written, when the target is
    not empty or the copy does not read back the same."""
    tables = tables_to_copy(Base.metadata)
    checks = []
    with (
        consistent_read(source) as reading,
        target.execution_options(sqlite_begin="IMMEDIATE").begin() as writing,
    ):
        refuse_unless_empty(writing, "copy")
        for table in tables:
            if writing.scalar(sa.select(sa.func.count()).select_from(table)):
                # Only the limits' short-lived rows could be here: the board was found empty.
                writing.execute(table.delete())
        next_ids = {table: next_id(reading, table) for table in tables if _never_reused(table)}
        for table in tables:
            copied = Checksum()
            for batch in _read(reading, table).partitions():
                copied.add(batch)
                writing.execute(table.insert(), [row._asdict() for row in batch])
            stored = Checksum()
            for batch in _read(writing, table).partitions():
                stored.add(batch)
            checks.append(
                TableCheck(table.name, copied.rows, copied.hexdigest(), stored.rows, stored.hexdigest())
            )
        different = [check.table for check in checks if not check.matches]
        if different:
            raise Refused(
                f"the copy did not read back the same ({', '.join(different)}); it was rolled back."
            )
        mark_board_changed(writing)
        set_next_ids_before_commit(writing, next_ids)
    set_next_ids_after_commit(target, next_ids)
    return checks
