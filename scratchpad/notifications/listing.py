"""A member's notifications, a keyset page at a time (newest first), in one statement, and
marking them read.

Only notifications about comments still visible are listed (or counted: models/notification.py
``unread_count``): hiding or deleting a comment takes it off every list at once, and unhiding
brings it back.
"""

from collections.abc import Sequence
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session

from scratchpad.board import keyset
from scratchpad.board.visible import SHOWN_COLUMNS
from scratchpad.models import Comment, Notification, User
from scratchpad.models.comment import readable_by_everyone
from scratchpad.models.types import utcnow

#: The bound parameters of the page's statements.
RECIPIENT, BEFORE, LIMIT = "recipient_id", "before", "limit"

#: A page of a member's notifications, newest first, one row more than asked (keyset.py).
#: Built once, here: building it on each request cost more than the database spent on it.
NEWEST = (
    sa.select(
        Notification.id,
        Notification.kind,
        Notification.created_at,
        Notification.read_at,
        Comment.id.label("comment_id"),
        *SHOWN_COLUMNS,
        User.username,
    )
    .join(Comment, Comment.id == Notification.comment_id)
    .outerjoin(User, User.id == Comment.commenter_id)
    .where(Notification.recipient_id == sa.bindparam(RECIPIENT), *readable_by_everyone())
    .order_by(Notification.id.desc())
    .limit(sa.bindparam(LIMIT))
)
#: The same, older than notification ``before``.
OLDER = NEWEST.where(Notification.id < sa.bindparam(BEFORE))


def newest(dbsession: Session, recipient_id: int, limit: int, before: int | None = None) -> keyset.Page:
    """Up to ``limit`` of the recipient's notifications, newest first, older than notification
    ``before`` if given: rows with the notification's ``id``, ``kind``, ``created_at`` and
    ``read_at``, and its comment as ``board/visible.py`` rows have it (``comment_id``,
    ``content``, ``html``, ``html_version``, ``posted_at``, ``edited_at``, ``parent_id``, and
    its author's ``username``: None when anonymous).

    Read through the session's connection, as plain rows: the ORM's handling of a statement
    of columns added nothing but time. The connection is the session's, in its transaction."""
    parameters = {RECIPIENT: recipient_id, LIMIT: limit + 1}
    if before is None:
        rows = dbsession.connection().execute(NEWEST, parameters)
    else:
        rows = dbsession.connection().execute(OLDER, {**parameters, BEFORE: before})
    return keyset.page_of(rows, limit)


def mark_read(dbsession: Session, recipient_id: int, notification_ids: Sequence[int]) -> int:
    """Mark these of the recipient's notifications read (one statement, none for no ids); how
    many were unread."""
    if not notification_ids:
        return 0
    # An UPDATE's result is a CursorResult, which counts the rows; Session.execute's type does not say so.
    result = dbsession.execute(
        sa.update(Notification)
        .where(
            Notification.recipient_id == recipient_id,
            Notification.id.in_(notification_ids),
            Notification.read_at.is_(None),
        )
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return cast(CursorResult[Any], result).rowcount


def mark_all_read(dbsession: Session, recipient_id: int) -> int:
    """Mark every unread notification of the recipient read; how many there were. Those the
    list and the navbar's count leave out (their comment hidden, deleted or waiting:
    ``readable_by_everyone``) are neither counted nor marked, so the number said is the one
    the member saw, and a comment shown again brings its notification back unread."""
    listed = sa.exists().where(Comment.id == Notification.comment_id, *readable_by_everyone())
    result = dbsession.execute(
        sa.update(Notification)
        .where(Notification.recipient_id == recipient_id, Notification.read_at.is_(None), listed)
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return cast(CursorResult[Any], result).rowcount
