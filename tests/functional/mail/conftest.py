"""The mail tests' app (mail on, through the test's SMTP server), a member logged in to it,
and the outbox's worker on the test's connection."""

import pytest
from sqlalchemy.orm import sessionmaker

from scratchpad.mail.delivery import Sender, send_due
from scratchpad.mail.smtp import parse_smtp_url
from tests.support.factories import PASSWORD

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
