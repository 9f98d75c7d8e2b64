"""The ``scratchpad-admin`` commands of this package: each takes the board's engine, the settings
and the parsed command line, does its work, writes the audit log, and returns what to print.
:class:`errors.Refused` and :class:`errors.Unusable` end them with one line and nothing written.
"""

import argparse
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from scratchpad import audit
from scratchpad.models import get_engine
from scratchpad.portability import backup as backups
from scratchpad.portability.copy import copy_board
from scratchpad.portability.errors import Refused, Unusable
from scratchpad.portability.export import write_export
from scratchpad.portability.files import new_private_file
from scratchpad.portability.importer import import_board, read_document
from scratchpad.portability.snapshot import consistent_read
from scratchpad.portability.target import check_reachable, newest_revision, prepare_target

#: Who acted, in the audit log.
ACTOR = "command line"


def describe(counts: dict[str, int]) -> str:
    """Rows per table or section, as the output and the audit log name them."""
    return ", ".join(f"{name.replace('_', ' ')}: {count}" for name, count in counts.items())


def export_board(engine: sa.Engine, settings: dict[str, Any], args: argparse.Namespace) -> str:
    path = Path(args.file)
    try:
        # Readable by its owner only, hashes or not (emails, reports, hidden comments), and
        # never over a file already there (the board's own database, say).
        with new_private_file(path) as (_, out), consistent_read(engine) as connection:
            counts = write_export(connection, out, args.with_password_hashes)
    except OSError as error:
        raise Unusable(f"cannot write {path}: {error.strerror}.") from None
    audit.record(
        "board", "exported", "-", ACTOR, file=str(path), password_hashes=args.with_password_hashes, **counts
    )
    return f"Exported to {path} ({describe(counts)})."


def import_file(engine: sa.Engine, settings: dict[str, Any], args: argparse.Namespace) -> str:
    path = Path(args.file)
    if not path.is_file():
        raise Unusable(f"cannot read {path}: no such file.")
    document = read_document(path)
    check_reachable(engine, "the database")
    prepare_target(engine, args.config_uri)
    counts = import_board(engine, document, path)
    audit.record("board", "imported", "-", ACTOR, file=str(path), **counts)
    return f"Imported {path} ({describe(counts)})."


def backup_board(engine: sa.Engine, settings: dict[str, Any], args: argparse.Namespace) -> str:
    if args.keep_days is not None and args.keep_days < 1:
        raise Unusable("--keep-days must be at least 1.")
    directory = Path(args.directory)
    check_reachable(engine, "the database")
    path = backups.backup(engine, directory)
    lines = [f"Backed up the board to {path}."]
    if args.keep_days is not None:
        deleted = backups.prune_backups(directory, args.keep_days)
        lines.append(f"Deleted {len(deleted)} backup(s) older than {args.keep_days} day(s).")
    return "\n".join(lines)


def restore_backup(engine: sa.Engine, settings: dict[str, Any], args: argparse.Namespace) -> str:
    path = Path(args.file)
    if not path.is_file():
        raise Unusable(f"cannot read {path}: no such file.")
    document = backups.check_backup(path, newest_revision(args.config_uri))
    check_reachable(engine, "the database")
    prepare_target(engine, args.config_uri)
    counts = backups.restore(engine, path, document)
    audit.record("board", "restored", "-", ACTOR, file=str(path), **counts)
    return f"Restored {path} ({describe(counts)})."


def target_engine(url_text: str) -> sa.Engine:
    try:
        url = sa.make_url(url_text)
        return get_engine({"sqlalchemy.url": url.render_as_string(hide_password=False)})
    except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError, ValueError):
        raise Unusable(
            "URL is not a database URL this Scratchpad can use, e.g. "
            "mysql+pymysql://scratchpad:PASSWORD@localhost/scratchpad?charset=utf8mb4."
        ) from None
    except ImportError as error:
        raise Unusable(f"URL needs a database driver that is not installed ({error.name}).") from None


def copy_to(engine: sa.Engine, settings: dict[str, Any], args: argparse.Namespace) -> str:
    target = target_engine(args.url)
    try:
        if target.url == engine.url:
            raise Refused("URL is the board's own database.")
        shown = target.url.render_as_string(hide_password=True)
        check_reachable(engine, "the board's database")
        check_reachable(target, shown)
        prepare_target(target, args.config_uri)
        checks = copy_board(engine, target)
    finally:
        target.dispose()
    counts = {check.table: check.target_rows for check in checks}
    audit.record("board", "copied", "-", ACTOR, to=shown, **counts)
    width = max(len(check.table) for check in checks)
    lines = [
        f"Copied the board to {shown} and read it back: every table has the same rows on both sides.",
        f"  {'TABLE'.ljust(width)}  {'ROWS':>9}  SHA-256 OF ITS ROWS, BOTH SIDES",
        *(
            f"  {check.table.ljust(width)}  {check.target_rows:>9}  {check.target_checksum}"
            for check in checks
        ),
        *production_advice(target.url),
    ]
    return "\n".join(lines)


def production_advice(url: sa.URL) -> list[str]:
    """What to put in production.ini to serve from ``url``, its password kept out of the file."""
    if url.get_backend_name() in ("mysql", "mariadb") and "charset" not in url.query:
        url = url.update_query_dict({"charset": "utf8mb4"})
    lines = ["To serve the board from it, set in production.ini:"]
    lines.append(f"  sqlalchemy.url = {url._replace(password=None).render_as_string()}")
    if url.password is not None:
        lines.append("and give the password in the service's environment rather than in the file:")
        lines.append(f"  SCRATCHPAD_DATABASE_URL={url.render_as_string(hide_password=True)}")
    lines.append("then restart the app (docs/deploying.md).")
    return lines


ACTIONS = {
    "export": export_board,
    "import": import_file,
    "copy-to": copy_to,
    "backup": backup_board,
    "restore": restore_backup,
}
