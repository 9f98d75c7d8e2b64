"""``Comment.change_stamp``: drawn anew by every write of a comment's row, whoever writes it
(the ORM's flush, a Core UPDATE, an ORM bulk UPDATE, an executemany), so that a drawing kept
under a row's stamp (board/drawing.py) is never shown for another state of the row."""

import sqlalchemy as sa

from scratchpad.board import threads
from scratchpad.models import Comment
from scratchpad.models.comment import MAX_CHANGE_STAMP, new_change_stamp
from tests.support.factories import make_comment, make_reply

TABLE = Comment.__table__


def stamps(dbsession, *comments):
    ids = [comment.id for comment in comments]
    rows = dbsession.execute(sa.select(TABLE.c.id, TABLE.c.change_stamp).where(TABLE.c.id.in_(ids)))
    return dict(rows.all())


def test_stamps_are_never_zero_and_fit_a_bigint():
    drawn = {new_change_stamp() for _ in range(1000)}
    assert (min(drawn) >= 1, max(drawn) <= MAX_CHANGE_STAMP, len(drawn)) == (True, True, 1000)


def test_new_comments_get_stamps_of_their_own(dbsession, alice):
    first, second = make_comment(dbsession, "One", alice), make_comment(dbsession, "Two", alice)
    given = stamps(dbsession, first, second)
    assert (0 in given.values(), given[first.id] != given[second.id]) == (False, True)


def test_every_kind_of_write_draws_a_new_stamp(dbsession, alice):
    root = make_comment(dbsession, "Root", alice)
    reply = make_reply(dbsession, root, "Reply", commenter=alice)
    other = make_comment(dbsession, "Other", alice)
    before = stamps(dbsession, root, reply, other)
    changed = []

    root.content = "Edited through the ORM"
    dbsession.flush()
    changed.append(stamps(dbsession, root)[root.id] != before[root.id])

    threads.count_reply(dbsession, root.id, 1)  # a Core UPDATE of the table
    after_core = stamps(dbsession, root)[root.id]
    changed.append(after_core not in (before[root.id],))

    dbsession.execute(sa.update(Comment).where(Comment.id == reply.id).values(commenter_id=None))
    changed.append(stamps(dbsession, reply)[reply.id] != before[reply.id])

    dbsession.execute(
        sa.update(TABLE).where(TABLE.c.id == sa.bindparam("row_id")).values(html=sa.bindparam("new_html")),
        [{"row_id": other.id, "new_html": "<p>a</p>"}, {"row_id": reply.id, "new_html": "<p>b</p>"}],
    )
    last = stamps(dbsession, root, reply, other)
    changed.append(last[other.id] != before[other.id] and last[reply.id] != last[other.id])
    assert changed == [True, True, True, True]
