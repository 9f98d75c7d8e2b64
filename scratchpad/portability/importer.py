"""``scratchpad-admin CONFIG import FILE``: a document made by ``export`` into an empty board.

Every row keeps its id, so permalinks, feed entries and the moderation log still point where
they did; the next ids continue after the exported board's. All of it is one transaction:
a file that is refused, or that the database rejects half way, leaves nothing behind.

The document is read whole before anything is written (a board of 100,000 comments is some
tens of megabytes of JSON), which lets it be checked completely first.
"""

import json
from collections.abc import Collection
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from scratchpad.models.board import mark_board_changed
from scratchpad.portability.errors import Refused, Unusable
from scratchpad.portability.rules import ROW_RULES, check_rows_together
from scratchpad.portability.sequences import set_next_ids_after_commit, set_next_ids_before_commit
from scratchpad.portability.tables import (
    FORMAT,
    READ_VERSIONS,
    SECTIONS,
    BadValue,
    Section,
    added_since,
    from_json,
)

#: Rows sent to the database in one executemany.
BATCH = 1000


def read_document(path: Path) -> dict[str, Any]:
    """The document in ``path``, checked against this version's format, its rows turned into the
    tables' rows (every value checked); :class:`Unusable` when it is not a valid export,
    :class:`Refused` when it is one of another version."""
    try:
        with open(path, encoding="utf-8") as source:
            document = json.load(source)
    except OSError as error:
        raise Unusable(f"cannot read {path}: {error.strerror}.") from None
    except UnicodeDecodeError:
        raise Unusable(f"{path} is not an export: it is not UTF-8 text.") from None
    except json.JSONDecodeError as error:
        raise Unusable(
            f"{path} is not an export: bad JSON at line {error.lineno}, column {error.colno} ({error.msg})."
        ) from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise Unusable(f'{path} is not an export: it has no "format": "{FORMAT}".')
    version = document.get("version")
    if type(version) is not int or version not in READ_VERSIONS:
        read = " and ".join(str(number) for number in READ_VERSIONS)
        raise Refused(
            f"{path} is an export of format version {version!r}; this Scratchpad "
            f"reads versions {read} (docs/export-format.md)."
        )
    _check_shape(path, document, version)
    for section in SECTIONS:  # an older version's rows get what it lacks: the board's defaults
        added = added_since(version, section.name)
        if added:
            document[section.name] = [{**row, **added} for row in document[section.name]]
    usernames: set[str] = set()
    for section in SECTIONS:  # users first: the comments' mentions link to them
        document[section.name] = rows_to_store(path, section, document[section.name], usernames)
        if section.name == "users":
            usernames = {row["username"] for row in document["users"]}
    # Here, before the caller migrates a new database: a file refused leaves it untouched.
    check_rows_together(path, document)
    return document


def _check_shape(path: Path, document: dict[str, Any], version: int) -> None:
    with_hashes = document.get("password_hashes")
    next_ids = document.get("next_ids")
    problem = None
    if not isinstance(with_hashes, bool):
        problem = '"password_hashes" must be true or false'
    elif not isinstance(next_ids, dict) or not all(
        isinstance(next_ids.get(section.name), int) for section in SECTIONS
    ):
        problem = '"next_ids" must give a whole number for each section'
    else:
        for section in SECTIONS:
            rows = document.get(section.name)
            expected = set(section.exported_columns(with_hashes)) - set(added_since(version, section.name))
            if not isinstance(rows, list):
                problem = f'"{section.name}" must be an array'
            elif not all(isinstance(row, dict) and set(row) == expected for row in rows):
                problem = f'every row of "{section.name}" must have exactly {", ".join(sorted(expected))}'
            if problem:
                break
    if problem:
        raise Unusable(f"{path} is not a valid export: {problem}.")


def refuse_unless_empty(connection: sa.Connection, what: str) -> None:
    """:class:`Refused` when the board holds any user, comment or moderation log entry."""
    counts = {
        section.name: connection.scalar(sa.select(sa.func.count()).select_from(section.table))
        for section in SECTIONS
    }
    if any(counts.values()):
        held = ", ".join(f"{name.replace('_', ' ')}: {count}" for name, count in counts.items())
        raise Refused(
            f"the board is not empty ({held}): {what} only into an empty one, e.g. a new database "
            "(docs/administration.md, Moving and backing up a board)."
        )


def rows_to_store(
    path: Path, section: Section, rows: list[dict[str, Any]], usernames: Collection[str]
) -> list[dict[str, Any]]:
    """The table's rows for the document's ``rows`` (``usernames``: the document's users);
    :class:`Unusable` naming the first bad value, or the first row the board's rules refuse
    (:mod:`rules`)."""
    stored = []
    for number, row in enumerate(rows, start=1):
        try:
            values = {name: from_json(section.table.c[name], value) for name, value in row.items()}
            ROW_RULES[section.name](values)
        except BadValue as error:
            raise Unusable(f"{path} is not a valid export: {section.name} row {number}: {error}.") from None
        stored.append({**values, **section.filled(values, usernames)})
    return stored


def import_board(engine: sa.Engine, document: dict[str, Any], path: Path) -> dict[str, int]:
    """Load ``document`` (from :func:`read_document`; ``path`` names it in messages) into the
    empty board of ``engine``; rows per section."""
    counts = {}
    next_ids = {section.table: document["next_ids"][section.name] for section in SECTIONS}
    # IMMEDIATE on SQLite: the board stays empty for us from the check to the commit.
    with engine.execution_options(sqlite_begin="IMMEDIATE").begin() as connection:
        refuse_unless_empty(connection, "import")
        for section in SECTIONS:
            rows = document[section.name]
            for start in range(0, len(rows), BATCH):
                _insert(connection, path, section.table, rows[start : start + BATCH])
            counts[section.name] = len(rows)
        mark_board_changed(connection)
        set_next_ids_before_commit(connection, next_ids)
    set_next_ids_after_commit(engine, next_ids)
    return counts


def _insert(connection: sa.Connection, path: Path, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    try:
        connection.execute(table.insert(), rows)
    except sa.exc.IntegrityError as error:
        reason = str(error.orig).strip().splitlines()[0]
        raise Refused(f"{path} does not fit the database ({table.name}: {reason}).") from None
