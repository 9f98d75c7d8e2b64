"""The mail tests' app (mail on, through the test's SMTP server), a member logged in to it,
and the outbox's worker on the test's connection."""

import pytest
from pyramid.request import Request
from pyramid.scripting import prepare
from sqlalchemy.orm import sessionmaker

from scratchpad.mail.delivery import Sender, send_due
from scratchpad.mail.notifications import queue_notification
from scratchpad.mail.smtp import parse_smtp_url
from scratchpad.models.types import utcnow
from tests.support.factories import PASSWORD, make_user

MAIL_FROM = "Scratchpad <board@example.com>"
PUBLIC_URL = "http://example.com"


@pytest.fixture
def mail_app(app_with, smtp_server):
    """The app with email on: its outbox is sent to ``smtp_server``."""
    return app_with(smtp_url=smtp_server.url, mail_from=MAIL_FROM, public_url=PUBLIC_URL)


@pytest.fixture
def member(browser, mail_app, alice):
    """alice, logged in on ``mail_app``."""
    member = browser(mail_app)
    member.login("alice", PASSWORD)
    return member


@pytest.fixture
def deliver(dbconnection, smtp_server):
    """``deliver(now=None)``: one pass of the worker (what ``mail send`` runs) on the test's
    connection, to ``smtp_server``; its PassResult."""
    database = sessionmaker(bind=dbconnection, join_transaction_mode="create_savepoint")

    def deliver(now=None):
        return send_due(database, Sender(parse_smtp_url(smtp_server.url), MAIL_FROM), now=now)

    return deliver


@pytest.fixture
def notify(mail_app, dbsession):
    """``notify(recipient, actor, comment_url, text, mention=False)``: what the board's
    notification code calls, in a request of ``mail_app`` whose session is the test's; the
    queued row or None."""

    def notify(recipient, actor="bob", comment_url=f"{PUBLIC_URL}/comments/1", text="Hi!", mention=False):
        request = Request.blank("/", base_url=PUBLIC_URL)
        with prepare(request=request, registry=mail_app.registry) as env:
            env["request"].dbsession = dbsession
            return queue_notification(env["request"], recipient, actor, comment_url, text, mention=mention)

    return notify


@pytest.fixture
def subscriber(dbsession):
    """carol: a confirmed address and notifications by email on."""
    carol = make_user(dbsession, "carol")
    carol.email, carol.email_confirmed_at, carol.email_notifications = "carol@example.org", utcnow(), True
    dbsession.flush()
    return carol
