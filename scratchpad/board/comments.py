"""Checking what people post (threads.py reads the board)."""

import secrets

from scratchpad.i18n.messages import Explained, Quantity, _, counted
from scratchpad.models.comment import MAX_CONTENT_LENGTH, SUBMISSION_ID_LENGTH


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
