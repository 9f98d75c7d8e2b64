"""Checking what people post (threads.py reads the board)."""

import secrets
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from scratchpad.i18n.messages import Explained, Quantity, _, counted
from scratchpad.models import Comment, User
from scratchpad.models.comment import MAX_CONTENT_LENGTH, SUBMISSION_ID_LENGTH
from scratchpad.models.types import utcnow

#: How long a member's newest comment counts as just sent: the same text under the same
#: comment sent again within it is the same comment (see ``repeat_of``).
REPEAT_WINDOW = timedelta(minutes=10)


class InvalidComment(Explained, ValueError):
    """The text cannot be posted; the message says why, for the person who typed it."""


def clean_content(raw: str) -> str:
    """The text to store, or :class:`InvalidComment`. Line endings become ``\\n``."""
    content = raw.replace("\r\n", "\n").replace("\r", "\n")
    if not content.strip():
        raise InvalidComment(_("Please write something before posting."))
    if "\x00" in content:
        raise InvalidComment(_("The comment contains a NUL character, which cannot be stored."))
    if "\ufffd" in content:
        # WebOb decodes form bytes that are not UTF-8 as U+FFFD instead of failing; refuse
        # them rather than store text that silently differs from what was sent.
        raise InvalidComment(
            "The comment contains characters that could not be read (sent as something other "
            "than UTF-8, or pasted as \ufffd); please remove them."
        )
    if len(content) > MAX_CONTENT_LENGTH:
        raise InvalidComment(
            counted(
                "Comments can be at most ${count} character long; this one has ${length}.",
                "Comments can be at most ${count} characters long; this one has ${length}.",
                MAX_CONTENT_LENGTH,
                mapping={"length": Quantity(len(content))},
            )
        )
    return content


def new_submission_id() -> str:
    """The id a posting form carries, so that sending it twice stores one comment."""
    return secrets.token_hex(SUBMISSION_ID_LENGTH // 2)


def repeat_of(dbsession: Session, member: User, parent_id: int | None, content: str) -> int | None:
    """The id of ``member``'s newest comment when ``content`` under ``parent_id`` (None: on
    the board) repeats it, sent within ``REPEAT_WINDOW``; else None. Back after posting
    fetches the form again (its page is never kept), with a new submission id, and the
    browser puts the typed text back: pressing Post again stored the comment twice, which
    the submission id alone stops only for a double click. One look-up, on the member's index."""
    newest = dbsession.execute(
        sa.select(Comment.id, Comment.parent_id, Comment.content, Comment.posted_at)
        .where(Comment.commenter_id == member.id)
        .order_by(Comment.id.desc())
        .limit(1)
    ).one_or_none()
    if newest is None or newest.parent_id != parent_id or newest.content != content:
        return None
    if newest.posted_at is None or utcnow() - newest.posted_at > REPEAT_WINDOW:
        return None
    repeated: int = newest.id
    return repeated
