"""The outbox and its worker against a real SMTP server: delivered after the commit, once;
nothing for a rolled-back transaction; a server that is down or says no loses nothing, and
the worker carries on; bounded attempts; headers a mail client needs for one-click unsubscribe."""

import logging
from datetime import timedelta

import pytest
import sqlalchemy as sa
import transaction
from pyramid.request import Request
from pyramid.scripting import prepare
from sqlalchemy.orm import sessionmaker

from scratchpad.mail import delivery
from scratchpad.mail.notifications import queue_notification
from scratchpad.mail.outbox import queue_mail
from scratchpad.models import OutboxMail, User, get_tm_session
from scratchpad.models.outbox import NOTIFICATION
from scratchpad.models.transactions import RequestSession
from scratchpad.models.types import utcnow

ADDRESS = "carol@example.org"


def rows(dbsession):
    dbsession.expire_all()
    return dbsession.scalars(sa.select(OutboxMail).order_by(OutboxMail.id)).all()


@pytest.fixture
def mail_log(caplog):
    caplog.set_level(logging.INFO, logger="scratchpad.mail")
    return caplog


def test_a_notification_is_delivered_once_with_the_one_click_unsubscribe_headers(
    notify, subscriber, deliver, smtp_server, dbsession
):
    notify(subscriber, actor="bob", comment_url="http://example.com/comments/7", text="Good point, Carol.")
    assert smtp_server.messages == []  # queued, not sent
    assert deliver().sent == 1
    [(sender, recipients, message)] = smtp_server.wait_for(1)
    assert (sender, recipients) == ("board@example.com", [ADDRESS])
    assert message["Subject"] == "bob replied to you on Scratchpad"
    assert message["List-Unsubscribe"].startswith("<http://example.com/unsubscribe/")
    assert message["List-Unsubscribe"].endswith(">")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["Message-ID"].endswith("@example.com>")
    body = message.get_content()
    assert "> Good point, Carol." in body
    assert "http://example.com/comments/7" in body
    [row] = rows(dbsession)
    assert (row.sent_at is not None, row.next_attempt_at, row.attempts) == (True, None, 1)
    assert deliver(now=utcnow() + timedelta(days=1)).sent == 0
    assert len(smtp_server.messages) == 1


def test_a_mention_says_so(notify, subscriber, deliver, smtp_server):
    notify(subscriber, actor="dave", mention=True)
    deliver()
    assert smtp_server.wait_for(1)[0][2]["Subject"] == "dave mentioned you on Scratchpad"


def test_with_the_server_down_the_mail_stays_queued_and_is_delivered_once_when_it_is_back(
    notify, subscriber, deliver, smtp_server, dbsession, mail_log
):
    smtp_server.stop()
    notify(subscriber, text="first")
    notify(subscriber, text="second")
    result = deliver()  # no exception: the worker carries on
    assert (result.sent, result.retrying) == (0, 1)
    first, second = rows(dbsession)
    # The pass ends at an unreachable server: the second mail keeps its attempts for later.
    assert (first.attempts, first.sent_at, second.attempts) == (1, None, 0)
    assert first.next_attempt_at > utcnow()
    assert "ConnectionRefusedError" in first.last_error
    assert f"mail {first.id} " in mail_log.text
    assert "trying again" in mail_log.text

    smtp_server.start()
    assert deliver(now=utcnow() + timedelta(minutes=2)).sent == 2
    assert deliver(now=utcnow() + timedelta(days=1)).sent == 0
    bodies = sorted(
        message.get_content().split("> ")[1].splitlines()[0] for _, _, message in smtp_server.wait_for(2)
    )
    assert bodies == ["first", "second"]
    assert len(smtp_server.messages) == 2
    assert all(row.sent_at is not None and row.next_attempt_at is None for row in rows(dbsession))


def test_a_rolled_back_transaction_queues_nothing(dbconnection, subscriber, deliver, smtp_server, dbsession):
    """pyramid_tm's way: the app's session joined to a transaction manager; a request that
    fails is aborted, and its mail goes with it. The same mail committed is sent."""
    factory = sessionmaker(bind=dbconnection, join_transaction_mode="create_savepoint", class_=RequestSession)
    for finish in ("abort", "commit"):
        manager = transaction.TransactionManager(explicit=True)
        manager.begin()
        session = get_tm_session(factory, manager)
        queue_mail(session, session.get(User, subscriber.id), f"after {finish}", finish, kind=NOTIFICATION)
        getattr(manager, finish)()
        if finish == "abort":
            assert rows(dbsession) == []
            assert deliver().sent == 0
    assert deliver().sent == 1
    assert [message["Subject"] for _, _, message in smtp_server.wait_for(1)] == ["after commit"]


def test_a_mail_the_server_refuses_for_good_is_given_up_and_the_log_names_no_address(
    notify, subscriber, deliver, smtp_server, dbsession, mail_log
):
    smtp_server.recorder.refuse_with = f"550 5.1.1 <{ADDRESS}>: no such user"
    notify(subscriber)
    assert deliver().given_up == 1
    [row] = rows(dbsession)
    assert (row.sent_at, row.next_attempt_at, row.given_up_at is not None) == (None, None, True)
    assert "550" in row.last_error
    assert "<recipient>" in row.last_error
    assert ADDRESS not in row.last_error
    assert "given up" in mail_log.text
    assert ADDRESS not in mail_log.text


def test_a_temporary_refusal_is_tried_again(notify, subscriber, deliver, smtp_server, dbsession):
    smtp_server.recorder.refuse_with = "451 4.3.0 try again later"
    notify(subscriber)
    assert deliver().retrying == 1
    smtp_server.recorder.refuse_with = None
    assert deliver(now=utcnow() + timedelta(minutes=2)).sent == 1
    assert rows(dbsession)[0].attempts == 2


def test_attempts_are_bounded_and_then_the_mail_is_given_up(
    notify, subscriber, deliver, smtp_server, dbsession, mail_log
):
    smtp_server.stop()
    notify(subscriber)
    moment = utcnow()
    for _attempt in range(1, delivery.MAX_ATTEMPTS + 1):
        result = deliver(now=moment)
        moment += delivery.LONGEST_RETRY + timedelta(seconds=1)
    assert (result.retrying, result.given_up) == (0, 1)
    [row] = rows(dbsession)
    assert (row.attempts, row.next_attempt_at, row.given_up_at is not None) == (
        delivery.MAX_ATTEMPTS,
        None,
        True,
    )
    assert deliver(now=moment + timedelta(days=30)).given_up == 0  # nothing is pending any more
    assert f"given up after {delivery.MAX_ATTEMPTS} attempt(s)" in mail_log.text


def test_the_back_off_doubles_up_to_an_hour():
    assert [delivery.retry_delay(attempt) for attempt in (1, 2, 3, 7, 12)] == [
        timedelta(minutes=1),
        timedelta(minutes=2),
        timedelta(minutes=4),
        timedelta(hours=1),
        timedelta(hours=1),
    ]


@pytest.mark.parametrize(
    "change, reason",
    [
        ({"email_notifications": False}, "notifications by email are off"),
        ({"email": "carol@example.net", "email_confirmed_at": None}, "the address changed"),
        ({"is_active": False}, "the account is disabled"),
    ],
)
def test_a_mail_no_longer_wanted_when_its_turn_comes_is_not_sent(
    notify, subscriber, deliver, smtp_server, dbsession, change, reason
):
    notify(subscriber)
    for key, value in change.items():
        setattr(subscriber, key, value)
    dbsession.flush()
    assert deliver().cancelled == 1
    assert smtp_server.messages == []
    assert rows(dbsession)[0].last_error == f"not sent: {reason}"


@pytest.mark.parametrize(
    "email, confirmed, opted_in",
    [(None, False, True), ("carol@example.org", False, True), ("carol@example.org", True, False)],
)
def test_only_members_who_opted_in_with_a_confirmed_address_get_notification_mail(
    notify, subscriber, dbsession, email, confirmed, opted_in
):
    subscriber.email, subscriber.email_notifications = email, opted_in
    subscriber.email_confirmed_at = utcnow() if confirmed else None
    dbsession.flush()
    assert notify(subscriber) is None
    assert rows(dbsession) == []


def test_with_mail_off_no_notification_is_queued(app, subscriber, dbsession):
    with prepare(request=Request.blank("/"), registry=app.registry) as env:
        env["request"].dbsession = dbsession
        assert (
            queue_notification(env["request"], subscriber, "bob", "http://example.com/comments/1", "x")
            is None
        )


def test_a_row_claimed_by_one_worker_is_not_sent_by_another(notify, subscriber, dbsession):
    row = notify(subscriber)
    due_at, now = row.next_attempt_at, utcnow()
    assert delivery.claim(dbsession, row.id, due_at, now) is not None
    assert delivery.claim(dbsession, row.id, due_at, now) is None  # the second worker read the same due time
