"""Remaking the stored HTML of comments that have none, or have HTML made under older rules.

``initialize_scratchpad_db`` runs this after migrating, on every deploy: after the migration
that added the column, and after ``markup.RULES_VERSION`` is raised, each comment is rendered
once here rather than on every read until it is next edited.
"""

from typing import cast

import sqlalchemy as sa

from scratchpad.board import markup
from scratchpad.models.board import mark_board_changed
from scratchpad.models.comment import Comment, existing_usernames, with_html

#: Comments rendered per transaction: each batch is read, rendered with no transaction open
#: (up to ~50 ms a comment), then written in one short transaction, so a running app's
#: writers wait for one batch's UPDATE at most.
BATCH_SIZE = 200

comments = cast(sa.Table, Comment.__table__)

STALE = sa.or_(
    comments.c.html.is_(None),
    comments.c.html_version.is_(None),
    comments.c.html_version != markup.RULES_VERSION,
)

# Only a row still as it was read: a comment edited meanwhile got its new HTML from the edit.
# edited_at changes with every edit (to the microsecond); content is compared too for writers
# that change it otherwise.
WRITE_IF_UNCHANGED = (
    comments.update()
    .where(
        comments.c.id == sa.bindparam("row_id"),
        comments.c.content == sa.bindparam("read_content"),
        comments.c.edited_at.is_not_distinct_from(
            sa.bindparam("read_edited_at", type_=comments.c.edited_at.type)
        ),
    )
    .values(html=sa.bindparam("new_html"), html_version=sa.bindparam("new_html_version"))
)


def rerender_stale(engine: sa.Engine, batch_size: int = BATCH_SIZE) -> int:
    """Store fresh HTML for every stale comment, oldest first, ``batch_size`` at a time;
    returns how many were rewritten. Ends after one pass whatever runs alongside it."""
    rewritten = 0
    last_id = 0
    while True:
        with engine.connect() as connection:
            rows = connection.execute(
                sa.select(comments.c.id, comments.c.content, comments.c.edited_at)
                .where(STALE, comments.c.id > last_id)
                .order_by(comments.c.id)
                .limit(batch_size)
            ).all()
        if not rows:
            return rewritten
        with engine.connect() as connection:
            mentionable = existing_usernames(connection, [row.content for row in rows])
        updates = []
        for row in rows:
            values = with_html(row.content, mentionable)
            updates.append(
                dict(
                    row_id=row.id,
                    read_content=row.content,
                    read_edited_at=row.edited_at,
                    new_html=values["html"],
                    new_html_version=values["html_version"],
                )
            )
        with engine.begin() as connection:
            written = connection.execute(WRITE_IF_UNCHANGED, updates).rowcount
            if written:
                # Plain SQL bypasses the flush events: kept pages and the feed's ETag must
                # change with the HTML (new rules may show the same text differently).
                mark_board_changed(connection)
        rewritten += written
        last_id = rows[-1].id
