"""Sending the outbox: what ``scratchpad-admin CONFIG mail send [--watch]`` runs.

At least once, never silently lost. Each row is first *claimed* in a transaction of its own
(its attempt counted, its next try moved a lease ahead, only if no other worker claimed it
first), then handed to the mail server, then marked sent in a third transaction, only once the
server accepted it. A worker that dies between the server's "250 OK" and that last commit
leaves the row to be sent again when the lease ends: a rare duplicate, with the same
Message-ID, rather than a notification that never arrives. (At most once would have to mark
the row before sending, and lose it whenever the server or the worker fails mid-way.)

A server that cannot be reached ends the pass: the row is tried again after a back-off
(1, 2, 4 ... minutes, at most an hour), the others keep their place and their count, and the
worker carries on. A server that refuses a mail for good (a 5xx answer), or
``MAX_ATTEMPTS`` failures, gives the row up with the reason logged. Logs name the row and the
user id, never the address (an SMTP error that quotes it is logged with it blanked).
"""

import logging
import smtplib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from scratchpad.mail.message import build_message
from scratchpad.mail.smtp import SmtpServer
from scratchpad.models import OutboxMail
from scratchpad.models.outbox import CONFIRMATION, MAX_ERROR_LENGTH
from scratchpad.models.types import utcnow

log = logging.getLogger("scratchpad.mail")

#: Tries before a mail is given up: with the back-off below, about six hours of a server away.
MAX_ATTEMPTS = 12
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=1)
#: How long a claimed row is left to its worker before another may send it again; well over
#: the SMTP timeouts of one attempt.
LEASE = timedelta(minutes=10)
#: Rows read per query; a pass reads on until none is due.
BATCH = 100


@dataclass
class PassResult:
    sent: int = 0
    retrying: int = 0
    given_up: int = 0
    cancelled: int = 0

    def __str__(self) -> str:
        return (
            f"Sent {self.sent} mail(s); {self.retrying} to try again later; {self.given_up} given up; "
            f"{self.cancelled} no longer wanted."
        )


def retry_delay(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed try: doubling from a minute, at most an hour."""
    return min(FIRST_RETRY * 2 ** (attempts - 1), LONGEST_RETRY)


def still_wanted(mail: OutboxMail) -> str | None:
    """None when the mail should still go, else why not: the user's address changed, their
    account was disabled, they turned notifications off, or the comment it quotes was hidden
    or deleted (a moderator's removal, or its author's, reaches no inbox), after it was queued."""
    user = mail.user
    if not user.is_active:
        return "the account is disabled"
    comment = mail.comment
    if comment is not None and (comment.is_hidden or comment.is_deleted or comment.waiting_since is not None):
        return "the comment was removed"
    if user.email != mail.recipient:
        return "the address changed"
    if mail.kind == CONFIRMATION:
        return "already confirmed" if user.email_confirmed_at else None
    return None if user.wants_email else "notifications by email are off"


def is_permanent(error: Exception) -> bool:
    """True for the server's final no (5xx): trying again would get the same answer."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    return isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500


def is_unreachable(error: Exception) -> bool:
    """True when the server itself is away (no connection, dropped, timed out): every other
    row would fail the same way, so the pass ends rather than spend their attempts."""
    return isinstance(error, (OSError, smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError))


def describe(error: Exception, recipient: str) -> str:
    text = f"{type(error).__name__}: {error}".replace(recipient, "<recipient>")
    return text[:MAX_ERROR_LENGTH]


class Sender:
    """One connection to the mail server, opened at the first mail of a pass and reused."""

    def __init__(self, server: SmtpServer, mail_from: str) -> None:
        self.server = server
        self.mail_from = mail_from
        self.connection: smtplib.SMTP | None = None

    def send(self, mail: OutboxMail) -> None:
        if self.connection is None:
            self.connection = self.server.connect()
        self.connection.send_message(build_message(mail, self.mail_from))

    def close(self) -> None:
        if self.connection is None:
            return
        try:
            self.connection.quit()
        except (OSError, smtplib.SMTPException):
            self.connection.close()
        self.connection = None


def claim(dbsession: Session, mail_id: int, due_at: datetime, now: datetime) -> OutboxMail | None:
    """The row, its attempt counted and leased to this worker; None if another worker was first."""
    claimed = cast(
        sa.CursorResult[Any],
        dbsession.execute(
            sa.update(OutboxMail)
            .where(OutboxMail.id == mail_id, OutboxMail.next_attempt_at == due_at)
            .values(attempts=OutboxMail.attempts + 1, next_attempt_at=now + LEASE)
        ),
    ).rowcount
    return dbsession.get(OutboxMail, mail_id) if claimed == 1 else None


def finish(mail: OutboxMail, now: datetime, reason: str | None = None) -> None:
    """Sent (no reason) or given up (with one): no longer pending either way."""
    mail.next_attempt_at = None
    if reason is None:
        mail.sent_at, mail.last_error = now, None
    else:
        mail.given_up_at, mail.last_error = now, reason[:MAX_ERROR_LENGTH]


def send_due(database: sessionmaker[Session], sender: Sender, now: datetime | None = None) -> PassResult:
    """Send every row due at ``now`` (default: the present), oldest first, then close the
    connection. Database errors propagate (the caller decides whether to wait and go on)."""
    now = now or utcnow()
    result = PassResult()
    # Every row a pass handles leaves the due ones (sent, given up, or due later than now),
    # so the loop ends.
    try:
        while True:
            with database.begin() as dbsession:
                due = dbsession.execute(
                    sa.select(OutboxMail.id, OutboxMail.next_attempt_at)
                    .where(OutboxMail.next_attempt_at <= now)
                    .order_by(OutboxMail.next_attempt_at, OutboxMail.id)
                    .limit(BATCH)
                ).all()
            if not due:
                return result
            for mail_id, due_at in due:
                # Not None: the query asked for rows due at or before now.
                if not send_one(database, sender, mail_id, cast(datetime, due_at), now, result):
                    return result
    finally:
        sender.close()


def send_one(
    database: sessionmaker[Session],
    sender: Sender,
    mail_id: int,
    due_at: datetime,
    now: datetime,
    result: PassResult,
) -> bool:
    """Claim, send and record one row; False when the server is unreachable (end the pass)."""
    with writing(database) as dbsession:
        mail = claim(dbsession, mail_id, due_at, now)
        if mail is None:
            return True
        unwanted = still_wanted(mail)
        if unwanted is not None:
            finish(mail, now, f"not sent: {unwanted}")
            result.cancelled += 1
            log.info("mail %d (%s, user %d) not sent: %s", mail.id, mail.kind, mail.user_id, unwanted)
            return True
        dbsession.expunge(mail)
    try:
        sender.send(mail)
    except (OSError, smtplib.SMTPException) as error:
        sender.close()
        record_failure(database, mail, error, now, result)
        return not is_unreachable(error)
    with writing(database) as dbsession:
        finish(dbsession.get_one(OutboxMail, mail.id), now)
    result.sent += 1
    log.info("mail %d (%s, user %d) sent", mail.id, mail.kind, mail.user_id)
    return True


@contextmanager
def writing(database: sessionmaker[Session]) -> Iterator[Session]:
    """A transaction that takes SQLite's write lock when it begins (models/sqlite.py; MariaDB
    locks rows instead). Deferred, the row read and then written failed at once with
    "database is locked" whenever the board wrote in between (a reply queueing its mail):
    after a send, that left a delivered mail unrecorded, to be sent again once its lease ran
    out."""
    with database.begin() as dbsession:
        dbsession.connection(execution_options={"sqlite_begin": "IMMEDIATE"})
        yield dbsession


def record_failure(
    database: sessionmaker[Session], mail: OutboxMail, error: Exception, now: datetime, result: PassResult
) -> None:
    reason = describe(error, mail.recipient)
    with writing(database) as dbsession:
        row = dbsession.get_one(OutboxMail, mail.id)
        if is_permanent(error) or row.attempts >= MAX_ATTEMPTS:
            finish(row, now, reason)
            result.given_up += 1
            log.warning(
                "mail %d (%s, user %d) given up after %d attempt(s): %s",
                row.id,
                row.kind,
                row.user_id,
                row.attempts,
                reason,
            )
            return
        row.next_attempt_at = now + retry_delay(row.attempts)
        row.last_error = reason
        result.retrying += 1
        log.warning(
            "mail %d (%s, user %d) not sent (attempt %d), trying again at %s: %s",
            row.id,
            row.kind,
            row.user_id,
            row.attempts,
            f"{row.next_attempt_at:%H:%M:%S}",
            reason,
        )
