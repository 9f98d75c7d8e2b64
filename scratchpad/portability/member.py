"""A member's own comments as one JSON document, for them to download (``GET
/account/comments.json``): the same row shape as an export's ``comments`` section
(docs/export-format.md), with each comment's permalink, hidden ones included (they are
still the member's words)."""

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from scratchpad.models import User
from scratchpad.portability.tables import SECTIONS, VERSION, to_json

FORMAT = "scratchpad-member-comments"
_COMMENTS = next(section for section in SECTIONS if section.name == "comments")
#: Who wrote them is the document's ``username``; every other exported column goes in.
COLUMNS = tuple(_COMMENTS.table.c[name] for name in _COMMENTS.columns if name != "commenter_id")


def member_document(dbsession: Session, user: User, permalink: Callable[[int], str]) -> dict[str, Any]:
    """``user``'s comments, oldest first, in one statement; ``permalink(id)`` is a comment's URL."""
    (primary_key,) = _COMMENTS.table.primary_key.columns
    rows = dbsession.execute(
        sa.select(*COLUMNS).where(_COMMENTS.table.c.commenter_id == user.id).order_by(primary_key)
    )
    comments = []
    for row in rows:
        record = {column.name: to_json(column, value) for column, value in zip(COLUMNS, row, strict=True)}
        record["permalink"] = permalink(record["id"])
        comments.append(record)
    return {"format": FORMAT, "version": VERSION, "username": user.username, "comments": comments}
