"""scratchpad.mail.smtp: the three kinds of ``scratchpad.smtp_url``, and a connection made
from one (TLS as asked, never a password in a repr)."""

import smtplib

import pytest

from scratchpad.mail.smtp import SmtpServer, parse_smtp_url


@pytest.mark.parametrize(
    "value, server",
    [
        ("", None),
        ("smtp://127.0.0.1:8025", SmtpServer("smtp", "127.0.0.1", 8025)),
        ("smtp://localhost", SmtpServer("smtp", "localhost", 25)),
        (
            "smtp+starttls://me%40example.org:p%40ss@mail.example.org",
            SmtpServer("smtp+starttls", "mail.example.org", 587, "me@example.org", "p@ss"),
        ),
        ("smtps://u:p@mail.example.org", SmtpServer("smtps", "mail.example.org", 465, "u", "p")),
    ],
)
def test_each_kind_of_url_names_its_server_and_default_port(value, server):
    assert parse_smtp_url(value) == server


def test_the_password_never_shows_in_its_repr():
    server = parse_smtp_url("smtps://u:hunter2-secret@mail.example.org")
    assert "hunter2" not in repr(server)
    assert "hunter2" not in str(server)


def test_starttls_is_required_when_asked_for(smtp_server):
    """The test server offers no STARTTLS: the connection is refused, not sent in the clear."""
    server = parse_smtp_url(f"smtp+starttls://127.0.0.1:{smtp_server.port}")
    with pytest.raises(smtplib.SMTPNotSupportedError):
        server.connect()


def test_a_plain_connection_sends(smtp_server):
    connection = parse_smtp_url(smtp_server.url).connect()
    try:
        connection.sendmail("board@example.org", ["a@example.org"], "Subject: hi\r\n\r\nhello")
    finally:
        connection.quit()
    assert smtp_server.wait_for(1)[0][2]["Subject"] == "hi"
