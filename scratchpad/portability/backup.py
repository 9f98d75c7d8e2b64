"""``scratchpad-admin CONFIG backup DIR`` and ``restore FILE``.

A backup is one consistent moment of the board, taken while it keeps serving writes:

- on SQLite, a copy of the database file made with SQLite's online backup API in one step,
  which reads one snapshot (WAL lets writers carry on meanwhile); ``restore`` copies its
  tables into the empty board with :func:`copy.copy_board`, checked table by table;
- on MariaDB, the export (with password hashes) read in one REPEATABLE READ transaction;
  ``restore`` imports it.

Files are named ``scratchpad-YYYYMMDDTHHMMSSZ`` (UTC) plus ``.sqlite`` or ``.json``, written
under a new temporary name and put in place when complete, never over a file, readable by their
owner only (they hold the password hashes): :func:`files.new_private_file`. ``--keep-days N`` then deletes this command's backups older than N days.
"""

import re
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast

import sqlalchemy as sa

from scratchpad.portability.copy import copy_board
from scratchpad.portability.errors import Refused, Unusable
from scratchpad.portability.export import write_export
from scratchpad.portability.files import new_private_file
from scratchpad.portability.importer import import_board, read_document
from scratchpad.portability.snapshot import consistent_read
from scratchpad.portability.target import revision_of

NAME_FORMAT = "scratchpad-%Y%m%dT%H%M%SZ"
NAME_PATTERN = re.compile(r"scratchpad-(\d{8}T\d{6}Z)\.(sqlite|json)")
SQLITE_HEADER = b"SQLite format 3\x00"


def backup(engine: sa.Engine, directory: Path, now: datetime | None = None) -> Path:
    """Take a backup of ``engine``'s board into ``directory``; its path."""
    if not directory.is_dir():
        raise Unusable(f"{directory} is not a directory.")
    now = now or datetime.now(UTC)
    is_sqlite = engine.dialect.name == "sqlite"
    path = directory / now.strftime(NAME_FORMAT + (".sqlite" if is_sqlite else ".json"))
    try:
        # Readable by the owner only before a byte is written to it, and never over a file.
        with new_private_file(path) as (partial, out):
            if is_sqlite:
                _sqlite_backup(engine, partial)
            else:
                with consistent_read(engine) as connection:
                    write_export(connection, out, with_password_hashes=True)
    except OSError as error:
        raise Unusable(f"cannot write to {directory}: {error.strerror}.") from None
    return path


def _sqlite_backup(engine: sa.Engine, partial: Path) -> None:
    source = engine.raw_connection()
    try:
        with sqlite3.connect(partial) as copy:
            # pages=-1 (the default): every page in one step, so one snapshot of the source.
            cast(sqlite3.Connection, source.driver_connection).backup(copy)
            # A rollback journal, not WAL: the backup is one self-contained file.
            copy.execute("PRAGMA journal_mode=DELETE")
            (verdict,) = copy.execute("PRAGMA integrity_check").fetchone()
        copy.close()
    finally:
        source.close()
    if verdict != "ok":
        raise Refused(f"the backup failed SQLite's integrity check ({verdict}).")


def prune_backups(directory: Path, keep_days: int, now: datetime | None = None) -> list[Path]:
    """Delete this command's backups in ``directory`` older than ``keep_days`` days, by the time
    in their names; the paths deleted. Other files are never touched."""
    cutoff = (now or datetime.now(UTC)) - timedelta(days=keep_days)
    deleted = []
    for path in sorted(directory.iterdir()):
        match = NAME_PATTERN.fullmatch(path.name)
        if match and datetime.strptime(match[1], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC) < cutoff:
            path.unlink()
            deleted.append(path)
    return deleted


def is_sqlite_file(path: Path) -> bool:
    try:
        with open(path, "rb") as file:
            return file.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except OSError as error:
        raise Unusable(f"cannot read {path}: {error.strerror}.") from None


def check_backup(path: Path, newest_revision: str) -> dict[str, Any] | None:
    """Read ``path`` before anything is written: the export document of a JSON backup, or None
    for a SQLite backup file found sound and at ``newest_revision``."""
    if not is_sqlite_file(path):
        return read_document(path)
    source = _open_backup(path)
    try:
        with source.connect() as connection:
            (verdict,) = connection.exec_driver_sql("PRAGMA quick_check").one()
            revision = revision_of(connection)
    except sa.exc.DatabaseError as error:
        reason = str(error.orig).strip().splitlines()[0]
        raise Unusable(f"cannot read {path} as a SQLite backup: {reason}.") from None
    finally:
        source.dispose()
    if verdict != "ok":
        raise Unusable(f"{path} is damaged (SQLite's check says: {verdict}).")
    if revision != newest_revision:
        raise Refused(
            f"{path} holds a board at schema {revision}, not at the newest ({newest_revision}): "
            "migrate a copy of it first (SCRATCHPAD_DATABASE_URL=sqlite:///COPY "
            "initialize_scratchpad_db CONFIG)."
        )
    return None


def restore(engine: sa.Engine, path: Path, document: dict[str, Any] | None) -> dict[str, int]:
    """Put the backup in ``path``, checked by :func:`check_backup` (which gave ``document``),
    back into the empty board of ``engine``; rows per table. Either kind of backup goes into
    either backend."""
    if document is not None:
        return import_board(engine, document, path)
    source = _open_backup(path)
    try:
        checks = copy_board(source, engine)
    finally:
        source.dispose()
    return {check.table: check.target_rows for check in checks}


def _open_backup(path: Path) -> sa.Engine:
    """Read only: restoring never changes the backup."""
    return sa.create_engine(f"sqlite:///file:{path.resolve()}?mode=ro&uri=true")
