"""``scratchpad-admin CONFIG_URI mail send [--watch]``: the outbox's worker on a throwaway
SQLite database, delivering to a real SMTP server: run in this process
(tests/support/in_process.py), and ``--watch`` as the installed script, which SIGTERM stops."""

import os
import subprocess
import threading
import time

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from scratchpad.mail import delivery
from scratchpad.mail.delivery import Sender
from scratchpad.mail.outbox import queue_mail
from scratchpad.mail.smtp import parse_smtp_url
from scratchpad.models import OutboxMail, User, get_engine
from scratchpad.models.outbox import CONFIRMATION
from tests.support import in_process
from tests.support.paths import BIN, ROOT
from tests.support.servers import ini_copy, stop

ADDRESS = "bob@example.org"


@pytest.fixture
def ini(tmp_path):
    """testing.ini with a From address (the server comes from SCRATCHPAD_SMTP_URL)."""
    copy = ini_copy(ROOT / "testing.ini", tmp_path)
    text = copy.read_text("utf-8").replace(
        "scratchpad.mail_from =\n", "scratchpad.mail_from = Board <board@example.org>\n"
    )
    copy.write_text(text, "utf-8")
    return copy


def environment(database, smtp_url):
    """What the worker's environment adds to this process's."""
    return {
        "SCRATCHPAD_DATABASE_URL": database,
        "SCRATCHPAD_SMTP_URL": smtp_url,
        "SCRATCHPAD_PUBLIC_URL": "https://board.example.org",
    }


def queue(url, subject="Confirm your address"):
    """A confirmation mail for bob (unconfirmed, so it is still wanted), committed."""
    engine = sa.create_engine(url)
    try:
        with Session(engine) as session, session.begin():
            bob = session.scalars(sa.select(User).where(User.username == "bob")).one()
            bob.email = ADDRESS
            queue_mail(session, bob, subject, "Open the link.", kind=CONFIRMATION)
    finally:
        engine.dispose()


def pending(url):
    engine = sa.create_engine(url)
    try:
        with Session(engine) as session:
            return session.scalars(
                sa.select(OutboxMail.attempts).where(OutboxMail.next_attempt_at.is_not(None))
            ).all()
    finally:
        engine.dispose()


def send(ini, database, smtp_url, *args):
    return in_process.run(
        "scratchpad-admin", ini, "mail", "send", *args, environ=environment(database, smtp_url)
    )


def test_mail_send_delivers_the_queued_mail_once(ini, database, smtp_server):
    queue(database)
    done = send(ini, database, smtp_server.url)
    assert (done.returncode, done.stdout.splitlines()[0]) == (
        0,
        "Sent 1 mail(s); 0 to try again later; 0 given up; 0 no longer wanted.",
    )
    [(sender, recipients, message)] = smtp_server.wait_for(1)
    assert (sender, recipients, message["Subject"]) == (
        "board@example.org",
        [ADDRESS],
        "Confirm your address",
    )
    again = send(ini, database, smtp_server.url)
    assert (again.returncode, again.stdout.startswith("Sent 0 mail(s)"), len(smtp_server.messages)) == (
        0,
        True,
        1,
    )
    assert pending(database) == []


def test_with_the_server_down_mail_send_keeps_the_mail_and_exits_cleanly(ini, database, smtp_server):
    queue(database)
    smtp_server.stop()
    done = send(ini, database, smtp_server.url)
    assert (done.returncode, "1 to try again later" in done.stdout) == (0, True)
    assert "Traceback" not in done.stderr
    assert ADDRESS not in done.stderr + done.stdout
    assert pending(database) == [1]


def test_mail_send_needs_a_mail_server(ini, database):
    done = send(ini, database, "")
    assert (done.returncode, "the board sends no email" in done.stderr) == (2, True)


def test_watch_delivers_what_is_queued_while_it_runs_and_stops_on_sigterm(
    ini, database, smtp_server, tmp_path
):
    log = (tmp_path / "worker.log").open("w")
    worker = subprocess.Popen(
        [str(BIN / "scratchpad-admin"), str(ini), "mail", "send", "--watch", "--interval", "0.2"],
        cwd=ROOT,
        env={**os.environ, **environment(database, smtp_server.url)},
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        time.sleep(0.5)
        queue(database, "first")
        smtp_server.wait_for(1, timeout=20)
        queue(database, "second")
        assert [message["Subject"] for _, _, message in smtp_server.wait_for(2, timeout=20)] == [
            "first",
            "second",
        ]
        worker.terminate()  # SIGTERM, as systemd stops it
        assert worker.wait(timeout=20) == 0
    finally:
        if worker.poll() is None:
            stop(worker)
        log.close()
    output = (tmp_path / "worker.log").read_text()
    assert "Stopped." in output
    assert "Traceback" not in output
    assert pending(database) == []
    # Sent once each, however many passes ran.
    time.sleep(0.1)
    assert len(smtp_server.messages) == 2


def test_a_mail_sent_while_the_board_writes_is_recorded_as_sent(database, smtp_server, monkeypatch):
    """The worker read the row it had just sent, then wrote it as sent, in a deferred SQLite
    transaction: when the board wrote in between (a reply queueing its own mail), SQLite
    refused the write at once ("database is locked"), and the delivered mail stayed pending,
    to be sent again. Its writes now take the lock first (``delivery.writing``); the board's
    write waits its turn. ``finish`` is where the board's write is made to fall."""
    queue(database, "first")
    board_wrote = threading.Event()
    real_finish = delivery.finish

    def finish_while_the_board_writes(mail, now, reason=None):
        writer = threading.Thread(target=lambda: (queue(database, "the board's"), board_wrote.set()))
        writer.start()
        board_wrote.wait(timeout=0.5)  # deferred: the board's write lands here; immediate: it waits
        real_finish(mail, now, reason)
        return writer

    monkeypatch.setattr(delivery, "finish", finish_while_the_board_writes)
    engine = get_engine({"sqlalchemy.url": database})
    try:
        result = delivery.send_due(
            sessionmaker(engine), Sender(parse_smtp_url(smtp_server.url), "board@example.org")
        )
    finally:
        engine.dispose()
    assert board_wrote.wait(timeout=10)
    assert (
        result.sent,
        [subject for _, _, message in smtp_server.wait_for(1) for subject in [message["Subject"]]],
    ) == (
        1,
        ["first"],
    )
    # Only the board's own mail, queued meanwhile, is still to go.
    assert pending(database) == [0]
