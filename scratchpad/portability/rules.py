"""The board's own rules, applied to a document's rows before an import writes anything.

A value of the right type and length can still be one the board would never store: a name
"Alice" that no login could reach (names are stored lower case), a second "alice", a role
"superuser", an email with a line break that would become a mail header, a report with a
reason the inbox does not know. Each row is checked with the same functions the board uses
when a member or an admin types the value (``models/user.py``, ``accounts/email.py``,
``models/report.py``...), and the rows together against the database's keys (unique names,
rows that name other rows), so that a file is refused before the target database is even
migrated, rather than by the database half way.
"""

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from scratchpad.accounts.email import InvalidEmail, validate_email
from scratchpad.models.comment import DELETED_BY_AUTHOR, DELETED_BY_MODERATOR
from scratchpad.models.moderation import ACTIONS, USER_ACTIONS
from scratchpad.models.report import REASONS, RESOLUTIONS
from scratchpad.models.user import ROLES, InvalidUsername, validate_username
from scratchpad.portability.errors import Refused
from scratchpad.portability.tables import SECTIONS, BadValue


def _one_of(name: str, value: Any, allowed: tuple[Any, ...]) -> None:
    if value not in allowed:
        shown = ", ".join("null" if choice is None else str(choice) for choice in allowed)
        raise BadValue(f"{name} {value!r} is not one of {shown}")


def check_user(row: Mapping[str, Any]) -> None:
    username = row["username"]
    try:
        canonical = validate_username(username)
    except InvalidUsername as error:
        raise BadValue(f"username {username!r}: {error}") from None
    if canonical != username:
        raise BadValue(
            f"username {username!r} is not as the board stores names (trimmed, NFC, lower case: {canonical!r})"
        )
    _one_of("role", row["role"], ROLES)
    email = row["email"]
    if email is not None:
        try:
            stored = validate_email(email)
        except InvalidEmail as error:
            raise BadValue(f"email {email!r}: {error}") from None
        if stored != email:
            raise BadValue(f"email {email!r} is not as the board stores addresses ({stored!r})")


def check_comment(row: Mapping[str, Any]) -> None:
    _one_of("deleted_by", row["deleted_by"], (DELETED_BY_AUTHOR, DELETED_BY_MODERATOR, None))


def check_log_entry(row: Mapping[str, Any]) -> None:
    _one_of("action", row["action"], ACTIONS + USER_ACTIONS)


def check_report(row: Mapping[str, Any]) -> None:
    _one_of("reason", row["reason"], tuple(REASONS))
    # Open: is_open true and no resolution; resolved: is_open null (the unique key counts
    # only open reports) and how (board/reports.py, resolve).
    _one_of("is_open", row["is_open"], (True, None))
    if row["is_open"]:
        if row["resolution"] is not None:
            raise BadValue(f"resolution {row['resolution']!r} is set on an open report (is_open true)")
    else:
        _one_of("resolution", row["resolution"], RESOLUTIONS)


#: Each section's rule for one row, given the row's stored values; :class:`BadValue` says what
#: is wrong.
ROW_RULES: dict[str, Callable[[Mapping[str, Any]], None]] = {
    "users": check_user,
    "comments": check_comment,
    "moderation_log": check_log_entry,
    "reports": check_report,
}


def check_rows_together(path: Path, document: Mapping[str, list[dict[str, Any]]]) -> None:
    """:class:`Refused` naming the first row the database would reject for what the other rows
    hold: an id or a unique value (a username) taken by an earlier row, or a reference to a row
    that is not in the document (a reply: not before it, as rows are loaded in order)."""
    section_of = {section.table.name: section.name for section in SECTIONS}
    ids: dict[str, dict[Any, int]] = {}
    for section in SECTIONS:
        own_ids = ids[section.name] = {}
        uniques = [
            tuple(constraint.columns.keys())
            for constraint in section.table.constraints
            if isinstance(constraint, sa.UniqueConstraint)
        ]
        taken: dict[tuple[str, ...], dict[tuple[Any, ...], int]] = {names: {} for names in uniques}
        references = [
            (key.parent.name, section_of[key.column.table.name])
            for key in section.table.foreign_keys
            if key.column.table.name in section_of
        ]
        for number, row in enumerate(document[section.name], start=1):
            problem = None
            if row["id"] in own_ids:
                problem = f"id {row['id']} is also row {own_ids[row['id']]}'s"
            for names in uniques:
                values = tuple(row[name] for name in names)
                if problem is None and None not in values and values in taken[names]:
                    shown = repr(values[0]) if len(values) == 1 else repr(values)
                    problem = f"{', '.join(names)} {shown} is also row {taken[names][values]}'s"
                taken[names].setdefault(values, number)
            for name, referred in references:
                if problem is None and row[name] is not None and row[name] not in ids[referred]:
                    earlier = " earlier" if referred == section.name else ""
                    problem = f"{name} {row[name]!r} names no{earlier} {referred} row"
            if problem:
                raise Refused(f"{path} does not fit a board: {section.name} row {number}: {problem}.")
            own_ids[row["id"]] = number
