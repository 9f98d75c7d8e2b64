"""``scratchpad-admin CONFIG_URI prune``: the rows the login and rate limits no longer count,
and the mails finished longer ago than ``scratchpad.mail_keep_days``, are deleted on a schedule
the operator runs, and the rows still counted or pending are kept. Run as the installed script
on a throwaway SQLite database made by initialize_scratchpad_db."""

from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from scratchpad.models import LoginFailure, OutboxMail, RateEvent, User
from scratchpad.models.types import utcnow
from tests.support.databases import execute

WINDOW = timedelta(seconds=900)  # testing.ini's scratchpad.login_window
MINUTE = timedelta(minutes=1)
KEPT = timedelta(days=30)  # testing.ini's scratchpad.mail_keep_days


def add_rows(url, rows):
    engine = sa.create_engine(url)
    try:
        with Session(engine) as session, session.begin():
            bob = session.scalars(sa.select(User).where(User.username == "bob")).one()
            session.add_all(rows(bob.id))
    finally:
        engine.dispose()


def test_prune_deletes_expired_rows_and_keeps_fresh_ones(database, run_script):
    now = utcnow()
    add_rows(
        database,
        lambda bob: [
            LoginFailure(username="bob", client_addr="192.0.2.1", failed_at=now - WINDOW - MINUTE),
            LoginFailure(username="nobody", client_addr="192.0.2.2", failed_at=now - WINDOW - MINUTE),
            LoginFailure(username="bob", client_addr="192.0.2.3", failed_at=now - WINDOW + MINUTE),
            RateEvent(user_id=bob, action="post", at=now - 2 * MINUTE),
            RateEvent(user_id=bob, action="edit", at=now - 2 * MINUTE),
            RateEvent(user_id=bob, action="delete", at=now + MINUTE),
        ],
    )
    pruned = run_script("scratchpad-admin", database, "prune")
    assert pruned.returncode == 0, pruned.stderr
    assert pruned.stdout.strip() == (
        "Pruned 2 expired login failure(s), 2 expired rate event(s) and 0 finished mail(s)."
    )
    assert execute(database, "SELECT client_addr FROM login_failures") == [("192.0.2.3",)]
    assert execute(database, "SELECT action FROM rate_events") == [("delete",)]


def test_prune_on_an_empty_database_prunes_nothing(database, run_script):
    pruned = run_script("scratchpad-admin", database, "prune")
    assert (pruned.returncode, pruned.stdout.strip()) == (
        0,
        "Pruned 0 expired login failure(s), 0 expired rate event(s) and 0 finished mail(s).",
    )


def test_deleting_a_user_deletes_their_rate_events(database, run_script):
    add_rows(database, lambda bob: [RateEvent(user_id=bob, action="post", at=utcnow())])
    deleted = run_script("scratchpad-admin", database, "users", "delete", "bob")
    assert deleted.returncode == 0, deleted.stderr
    assert execute(database, "SELECT count(*) FROM rate_events") == [(0,)]


def add_mails(url, mails):
    """Mails to bob, each ``(subject, finished_at_column, when)``: ``when`` is set on that
    column, and a finished mail is no longer pending, as ``mail send`` leaves it."""
    engine = sa.create_engine(url)
    try:
        with Session(engine) as session, session.begin():
            bob = session.scalars(sa.select(User).where(User.username == "bob")).one()
            for subject, column, when in mails:
                row = OutboxMail(
                    kind="notification",
                    user=bob,
                    recipient="bob@example.org",
                    subject=subject,
                    body="A reply",
                    message_id=subject,
                )
                session.add(row)
                session.flush()  # the defaults first: a new row is pending
                setattr(row, column, when)
                if column != "created_at":
                    row.next_attempt_at = None
    finally:
        engine.dispose()


def test_prune_deletes_mails_finished_before_the_kept_days_and_never_a_pending_one(database, run_script):
    now = utcnow()
    long_ago = now - KEPT - MINUTE
    add_mails(
        database,
        [
            ("sent long ago", "sent_at", long_ago),
            ("given up long ago", "given_up_at", long_ago),
            ("sent lately", "sent_at", now - KEPT + MINUTE),
            ("pending long", "created_at", long_ago),
        ],
    )
    pruned = run_script("scratchpad-admin", database, "prune")
    assert pruned.returncode == 0, pruned.stderr
    assert pruned.stdout.strip().endswith("and 2 finished mail(s).")
    assert sorted(execute(database, "SELECT subject FROM outbox")) == [("pending long",), ("sent lately",)]
