"""What an export holds, table by table, and how a column's value becomes JSON and back.

A document's sections are described here, not written out column by column in the export and
import code: a new column that should travel (``comments.parent_id``, say) is one name added
to its section's ``columns``. A value is written by its column's type: integers and strings
as they are, booleans as ``true``/``false``, times (``UTCDateTime``) as ISO 8601 UTC with
microseconds, ``null`` where the column allows it.
"""

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from scratchpad.models import Base
from scratchpad.models.comment import with_html
from scratchpad.models.types import UTCDateTime
from scratchpad.models.user import new_session_secret

#: The document's ``format`` member: says what the file is before its version is looked at.
FORMAT = "scratchpad-export"
#: Changes whenever a document's meaning changes (a section or column added, renamed or
#: retyped); ``docs/export-format.md`` describes each version.
VERSION = 4
#: What each version added to a section since the oldest one an import still reads, with the
#: value a row of an older document gets: the board's default for the column.
ADDED_IN: dict[int, dict[str, dict[str, Any]]] = {
    4: {"users": {"email_notifications": False, "language": None, "time_zone": None}},
}
#: The versions an import reads: its own, and those whose rows it can complete from ``ADDED_IN``.
READ_VERSIONS = (3, VERSION)
#: A time as written in a document: always UTC, always with microseconds, so that equal
#: times are equal strings.
TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


@dataclass(frozen=True)
class Section:
    """One table of the board as one array of the document.

    ``columns`` travel in every document, in this order; ``password_columns`` only in one made
    with ``--with-password-hashes``. ``filled`` makes the values of the table's other required
    columns on import, from the imported row: values that are derived (a comment's HTML, made
    again from its text so that no file can smuggle markup past the sanitizer) or that must
    never leave the database (a user's session secret, new on import, so everyone logs in
    again). It is given the usernames of the document's users, which a comment's mentions
    link to, as they do on the board it came from.
    """

    name: str
    table: sa.Table
    columns: tuple[str, ...]
    password_columns: tuple[str, ...] = ()
    filled: Callable[[Mapping[str, Any], Collection[str]], dict[str, Any]] = field(
        default=lambda row, usernames: {}
    )

    def exported_columns(self, with_password_hashes: bool) -> tuple[str, ...]:
        return self.columns + (self.password_columns if with_password_hashes else ())


def _user_fill(row: Mapping[str, Any], usernames: Collection[str]) -> dict[str, Any]:
    # Without its hash a user cannot log in until an admin sets a password (``users passwd``).
    return {"session_secret": new_session_secret(), "password_hash": row.get("password_hash", "")}


def _comment_fill(row: Mapping[str, Any], usernames: Collection[str]) -> dict[str, Any]:
    values = with_html(row["content"], usernames)
    return {"html": values["html"], "html_version": values["html_version"]}


#: In the order they are written and loaded: a row only names rows of earlier sections, or
#: earlier rows of its own (a reply names a comment with a smaller id).
SECTIONS = (
    Section(
        "users",
        Base.metadata.tables["users"],
        columns=(
            "id",
            "username",
            "role",
            "is_active",
            "email",
            "email_confirmed_at",
            "last_login_at",
            "suspended_until",
            "email_notifications",
            "language",
            "time_zone",
        ),
        password_columns=("password_hash",),
        filled=_user_fill,
    ),
    Section(
        "comments",
        Base.metadata.tables["comments"],
        columns=(
            "id",
            "commenter_id",
            "posted_at",
            "edited_at",
            "hidden_at",
            "submission_id",
            "content",
            "parent_id",
            "thread_id",
            "path",
            "reply_count",
            "deleted_at",
            "deleted_by",
            "waiting_since",
        ),
        filled=_comment_fill,
    ),
    Section(
        "moderation_log",
        Base.metadata.tables["moderation_actions"],
        columns=(
            "id",
            "acted_at",
            "action",
            "moderator_id",
            "moderator_name",
            "comment_id",
            "comment_author",
            "comment_excerpt",
            "comment_parent_id",
            "user_name",
            "detail",
        ),
    ),
    Section(
        "reports",
        Base.metadata.tables["reports"],
        columns=(
            "id",
            "comment_id",
            "reporter_id",
            "reason",
            "details",
            "reported_at",
            "is_open",
            "resolved_at",
            "resolved_by_id",
            "resolved_by",
            "resolution",
        ),
    ),
)


def added_since(version: int, section_name: str) -> dict[str, Any]:
    """The members of ``section_name`` that a document of ``version`` lacks, with the values its
    rows get for them."""
    added: dict[str, Any] = {}
    for later in range(version + 1, VERSION + 1):
        added.update(ADDED_IN.get(later, {}).get(section_name, {}))
    return added


def to_json(column: sa.Column, value: Any) -> Any:
    """``value``, read from ``column``, as the document writes it."""
    if value is None:
        return None
    if isinstance(column.type, UTCDateTime):
        return value.astimezone(UTC).strftime(TIME_FORMAT)
    if isinstance(column.type, sa.Boolean):
        return bool(value)
    return value


class BadValue(ValueError):
    """A value in a document that its column cannot hold; the message says which and why."""


def from_json(column: sa.Column, value: Any) -> Any:
    """The value to store in ``column`` for ``value`` from a document, or :class:`BadValue`."""
    if value is None:
        if not column.nullable:
            raise BadValue(f"{column.name} must not be null")
        return None
    kind = column.type
    if isinstance(kind, UTCDateTime):
        if not isinstance(value, str):
            raise BadValue(f"{column.name} must be a time such as 2026-12-04T19:34:48.000000Z")
        try:
            return datetime.strptime(value, TIME_FORMAT).replace(tzinfo=UTC)
        except ValueError:
            raise BadValue(f"{column.name} must be a time such as 2026-12-04T19:34:48.000000Z") from None
    if isinstance(kind, sa.Boolean):
        if not isinstance(value, bool):
            raise BadValue(f"{column.name} must be true or false")
        return value
    if isinstance(kind, sa.Integer):
        if not isinstance(value, int) or isinstance(value, bool):
            raise BadValue(f"{column.name} must be a whole number")
        return value
    if isinstance(kind, sa.String):
        if not isinstance(value, str):
            raise BadValue(f"{column.name} must be a string")
        if kind.length is not None and len(value) > kind.length:
            raise BadValue(f"{column.name} is longer than {kind.length} characters")
        return value
    raise BadValue(f"{column.name} has a type this version cannot read")  # pragma: no cover


#: What names one database's state of the board, made anew on the other side: the board's
#: revision, and the threads' stamps (the target's triggers stamp each thread as its
#: comments are copied in: ``models.thread_stamp``).
NOT_COPIED = frozenset({"board_state", "thread_stamps"})


def tables_to_copy(metadata: sa.MetaData) -> list[sa.Table]:
    """Every table of the board in an order that satisfies its foreign keys, save those
    ``NOT_COPIED``."""
    return [table for table in metadata.sorted_tables if table.name not in NOT_COPIED]
