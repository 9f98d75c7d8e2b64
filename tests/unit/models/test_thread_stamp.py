"""Each thread's stamp (models/thread_stamp.py), kept by the database's triggers: every way a
comment or a user changes, through the ORM, Core or plain SQL, on SQLite and MariaDB, gives
the thread it shows in a stamp it never had; other threads keep theirs."""

import pytest
import sqlalchemy as sa

from scratchpad.board import threads
from scratchpad.models import Comment, ThreadStamp, User
from scratchpad.models.comment import DELETED_BY_MODERATOR
from scratchpad.models.types import utcnow
from tests.support.factories import make_comment, make_reply, make_user


def stamps(dbsession):
    dbsession.flush()
    return dict(dbsession.execute(sa.select(ThreadStamp.root_id, ThreadStamp.stamp)).all())


@pytest.fixture
def two_threads(dbsession):
    """Alice's thread with Bob's reply and Alice's answer to it; Bob's thread on its own."""
    alice, bob = make_user(dbsession, "alice"), make_user(dbsession, "bob")
    root = make_comment(dbsession, "Root", commenter=alice)
    reply = make_reply(dbsession, root, "Reply", commenter=bob)
    answer = make_reply(dbsession, reply, "Answer", commenter=alice)
    other = make_comment(dbsession, "Other", commenter=bob)
    return root, reply, answer, other


def edit(dbsession, comment):
    comment.content = "Edited"


def hide(dbsession, comment):
    comment.hidden_at = utcnow()


def approve(dbsession, comment):
    comment.waiting_since = None


def remove_with_its_answers_kept(dbsession, comment):
    threads.remove(dbsession, comment, DELETED_BY_MODERATOR)


def core_update(dbsession, comment):
    dbsession.execute(sa.update(Comment).where(Comment.id == comment.id).values(html="<p>new</p>"))


def plain_sql(dbsession, comment):
    dbsession.execute(sa.text("UPDATE comments SET html = '<p>raw</p>' WHERE id = :id"), {"id": comment.id})


def reply_to_it(dbsession, comment):
    make_reply(dbsession, comment, "Another", commenter=comment.commenter)


@pytest.mark.parametrize(
    "write", [edit, hide, approve, remove_with_its_answers_kept, core_update, plain_sql, reply_to_it]
)
@pytest.mark.parametrize("which", ["root", "reply", "answer"])
def test_a_write_of_any_comment_of_a_thread_stamps_it_anew_and_no_other(dbsession, two_threads, write, which):
    root, reply, answer, other = two_threads
    comment = {"root": root, "reply": reply, "answer": answer}[which]
    before = stamps(dbsession)
    write(dbsession, comment)
    after = stamps(dbsession)
    assert (after[root.id] != before[root.id], after[other.id]) == (True, before[other.id])


def test_a_new_root_is_stamped_and_a_deleted_one_takes_its_stamp_along(dbsession, two_threads):
    root, _reply, _answer, other = two_threads
    before = stamps(dbsession)
    dbsession.delete(other)
    new = make_comment(dbsession, "New")
    after = stamps(dbsession)
    assert (set(after), after[root.id]) == ({root.id, new.id}, before[root.id])


def test_deleting_a_reply_stamps_its_thread(dbsession, two_threads):
    root, _reply, answer, other = two_threads
    before = stamps(dbsession)
    threads.remove(dbsession, answer, DELETED_BY_MODERATOR)  # no answers: its row goes
    after = stamps(dbsession)
    assert (dbsession.get(Comment, answer.id), after[root.id] != before[root.id], after[other.id]) == (
        None,
        True,
        before[other.id],
    )


@pytest.mark.parametrize("how", ["orm", "sql"])
def test_renaming_a_user_stamps_every_thread_that_shows_their_name(dbsession, two_threads, how):
    root, reply, _answer, other = two_threads
    loner = make_comment(dbsession, "Nobody's")
    before = stamps(dbsession)
    if how == "orm":
        reply.commenter.username = "robert"
    else:
        dbsession.execute(sa.update(User).where(User.username == "bob").values(username="robert"))
    after = stamps(dbsession)
    assert [after[thread.id] != before[thread.id] for thread in (root, other, loner)] == [True, True, False]


def test_a_write_to_a_user_that_keeps_their_name_keeps_every_stamp(dbsession, two_threads):
    before = stamps(dbsession)
    two_threads[1].commenter.last_login_at = utcnow()
    assert stamps(dbsession) == before


def test_deleting_a_user_stamps_the_threads_that_showed_their_name(dbsession, two_threads):
    root, reply, _answer, other = two_threads
    loner = make_comment(dbsession, "Nobody's")
    bob = reply.commenter
    before = stamps(dbsession)
    # What ``scratchpad-admin users delete`` does: their comments become anonymous, then they go.
    dbsession.execute(sa.update(Comment).where(Comment.commenter_id == bob.id).values(commenter_id=None))
    dbsession.execute(sa.delete(User).where(User.id == bob.id))
    after = stamps(dbsession)
    assert [after[thread.id] != before[thread.id] for thread in (root, other, loner)] == [True, True, False]
