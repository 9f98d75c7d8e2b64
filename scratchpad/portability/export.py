"""``scratchpad-admin CONFIG export FILE``: the board as one JSON document (docs/export-format.md).

Written row by row as the rows are read, through a server-side cursor on MariaDB, so memory
stays the same whatever the size of the board. The output depends only on the board: the same
board exported twice, or from a copy on another backend, gives the same bytes.
"""

import json
from typing import TextIO

import sqlalchemy as sa

from scratchpad.portability.sequences import next_id
from scratchpad.portability.tables import FORMAT, SECTIONS, VERSION, to_json

#: Rows fetched from the database at a time.
BATCH = 1000


def write_export(
    connection: sa.Connection, out: TextIO, with_password_hashes: bool = False
) -> dict[str, int]:
    """Write the board seen through ``connection`` to ``out``; the number of rows per section.

    ``connection`` should be in one transaction (:func:`snapshot.consistent_read`), so that
    every section shows the same moment.
    """
    header = {
        "format": FORMAT,
        "version": VERSION,
        "password_hashes": with_password_hashes,
        "next_ids": {section.name: next_id(connection, section.table) for section in SECTIONS},
    }
    # The header's members, then one array per section with one row per line: the whole is one
    # JSON object, and a diff of two exports shows the rows that differ.
    out.write(_dumps(header)[:-1])
    counts = {}
    for section in SECTIONS:
        out.write(f",\n{_dumps(section.name)}: [")
        counts[section.name] = _write_rows(
            connection, out, section.table, section.exported_columns(with_password_hashes)
        )
        out.write("\n]")
    out.write("}\n")
    return counts


def _write_rows(connection: sa.Connection, out: TextIO, table: sa.Table, names: tuple[str, ...]) -> int:
    columns = [table.c[name] for name in names]
    (primary_key,) = table.primary_key.columns
    rows = connection.execution_options(stream_results=True, yield_per=BATCH).execute(
        sa.select(*columns).order_by(primary_key)
    )
    count = 0
    for row in rows:
        record = {column.name: to_json(column, value) for column, value in zip(columns, row, strict=True)}
        out.write(("\n" if count == 0 else ",\n") + _dumps(record))
        count += 1
    return count


def _dumps(value: object) -> str:
    # ensure_ascii=False: the file is UTF-8, and a comment in Greek stays readable in it.
    return json.dumps(value, ensure_ascii=False)
