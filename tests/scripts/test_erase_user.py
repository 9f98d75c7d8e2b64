"""``scratchpad-admin CONFIG users delete NAME --erase``: the user goes with their comments, and
the moderation log keeps its entries but not their words; on SQLite and MariaDB."""

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from scratchpad.mail.outbox import queue_mail
from scratchpad.models import Comment, ModerationAction, OutboxMail, Report, User, get_engine
from scratchpad.models.outbox import NOTIFICATION
from tests.support.boards import board_rows, new_database, seed
from tests.support.factories import make_reply

SEEDED = 30  # mia wrote the odd-numbered comments; the log names every eleventh
COMMENTER = [column.name for column in Comment.__table__.columns].index("commenter_id")
LOG = [column.name for column in ModerationAction.__table__.columns]


@pytest.fixture(params=["sqlite", pytest.param("mariadb", marks=pytest.mark.mysql)])
def board(request, tmp_path, migrate):
    url = new_database(request.param, tmp_path, request)
    migrate(url)
    seed(url, SEEDED)
    return url


def test_erase_deletes_the_users_comments_and_their_words_in_the_log(board, run_script, app_on):
    before = board_rows(board)
    done = run_script("scratchpad-admin", board, "users", "delete", "mia", "--erase")
    after = board_rows(board)
    with app_on(board) as browser:
        page = browser.get("/").text
    mias = [row for row in before["comments"] if row[COMMENTER] == 2]
    assert done.returncode == 0, done.stderr
    assert [row[1] for row in after["users"]] == ["root"]
    assert after["comments"] == [row for row in before["comments"] if row[COMMENTER] != 2]
    assert ("Seeded comment <em>27</em>" in page, "Seeded comment <em>28</em>" in page) == (False, True)
    excerpt, author = LOG.index("comment_excerpt"), LOG.index("comment_author")
    assert [(row[author], row[excerpt]) for row in after["moderation_actions"]] == [
        (None, "") if row[author] == "mia" else (row[author], row[excerpt])
        for row in before["moderation_actions"]
    ]
    assert f"user deleted user='mia' addr=command line comments_erased={len(mias)}" in done.stderr


def test_erase_is_refused_for_the_last_active_admin_and_changes_nothing(board, run_script):
    before = board_rows(board)
    done = run_script("scratchpad-admin", board, "users", "delete", "root", "--erase")
    assert (done.returncode, board_rows(board)) == (1, before), done.stderr


def test_erase_keeps_others_replies_under_a_placeholder(board, run_script, app_on):
    """A comment of the erased user that someone answered stays as "deleted by its author",
    without its words (text and stored HTML) or its author; the answer stays readable."""
    engine = get_engine({"sqlalchemy.url": board})
    with Session(engine) as dbsession, dbsession.begin():
        root = dbsession.scalars(sa.select(User).where(User.username == "root")).one()
        mias = dbsession.scalars(
            sa.select(Comment).where(Comment.commenter_id != root.id).order_by(Comment.id)
        ).first()
        answer = make_reply(dbsession, mias, content="Root answers mia", commenter=root)
        dbsession.flush()
        mias_id, answer_id = mias.id, answer.id
    engine.dispose()
    done = run_script("scratchpad-admin", board, "users", "delete", "mia", "--erase")
    after = {row[0]: row for row in board_rows(board)["comments"]}
    with app_on(board) as browser:
        thread = browser.get(f"/comments/{mias_id}").text
    names = [column.name for column in Comment.__table__.columns if column.name != "change_stamp"]
    kept = dict(zip(names, after[mias_id], strict=True))
    assert done.returncode == 0, done.stderr
    assert (kept["content"], kept["commenter_id"], kept["deleted_by"]) == ("", None, "author")
    assert "Seeded comment" not in (kept["html"] or "")
    assert answer_id in after
    assert "This comment was deleted by its author." in thread
    assert "Root answers mia" in thread


def test_erase_takes_the_mail_quoting_them_and_closes_their_reports(board, run_script):
    """Mail in the outbox quoting mia (one of her comments stays as a placeholder, whose row
    no cascade removes) went out after the erasure, and root's open report on her comment
    kept listing it in the inbox, with the reporter quoting her words. Root's own mail stays."""
    engine = get_engine({"sqlalchemy.url": board})
    with Session(engine) as dbsession, dbsession.begin():
        root = dbsession.scalars(sa.select(User).where(User.username == "root")).one()
        mias = dbsession.scalars(
            sa.select(Comment).where(Comment.commenter_id != root.id).order_by(Comment.id)
        )
        answered, reported = list(mias)[:2]
        make_reply(dbsession, answered, content="Root answers mia", commenter=root)
        roots = dbsession.scalars(sa.select(Comment).where(Comment.commenter_id == root.id)).first()
        root.email = "root@example.org"
        for comment in (answered, reported, roots):
            queue_mail(dbsession, root, "s", f"> {comment.content}", kind=NOTIFICATION, comment_id=comment.id)
        dbsession.add(Report(comment_id=reported.id, reporter=root, reason="spam", details="mia again"))
        ids = (answered.id, reported.id, roots.id)
    engine.dispose()
    done = run_script("scratchpad-admin", board, "users", "delete", "mia", "--erase")
    engine = get_engine({"sqlalchemy.url": board})
    with Session(engine) as dbsession:
        mailed = dbsession.scalars(sa.select(OutboxMail.comment_id)).all()
        report = dbsession.scalars(sa.select(Report)).one()
        closed = (report.is_open, report.resolution)
    engine.dispose()
    assert (done.returncode, mailed, closed) == (0, [ids[2]], (None, "deleted")), done.stderr
