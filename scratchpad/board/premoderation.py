"""Pre-moderation (``scratchpad.premoderate_first`` = N): a member's comments wait for an
admin until N of theirs have been approved; admins' never wait.

"Approved" counts the member's comments that do not wait (any comment of theirs from before
the setting was turned on counts): a rejected comment is deleted and counts for nothing, so a
newcomer whose first comments are spam keeps waiting, and one who posts N comments at once
does not get the N+1th through before an admin looked at any of them. Who may see a waiting
comment is said in ``board/visible.py``.
"""

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from scratchpad.board import threads
from scratchpad.models import Comment, User
from scratchpad.models.types import utcnow

SETTING = "scratchpad.premoderate_first"


def waiting_since_for(dbsession: Session, settings: Mapping[str, Any], author: User) -> datetime | None:
    """The ``waiting_since`` of a comment ``author`` posts now: now if it must wait, else
    None. No statement when the setting is off or the author is an admin; one otherwise,
    which stops counting at N."""
    first = settings[SETTING]
    if first == 0 or author.is_admin:
        return None
    approved = (
        sa.select(Comment.id)
        .where(Comment.commenter_id == author.id, Comment.waiting_since.is_(None))
        .limit(first)
        .subquery()
    )
    count = dbsession.execute(sa.select(sa.func.count()).select_from(approved)).scalar_one()
    return utcnow() if count < first else None


def approve(dbsession: Session, comment: Comment) -> None:
    """Publish a waiting comment, keeping its posting time; a reply is counted on its thread's
    root now (``threads.place`` left it out). The flush gives the board a new revision."""
    comment.waiting_since = None
    if comment.thread_id is not None:
        threads.count_reply(dbsession, comment.thread_id, 1)
