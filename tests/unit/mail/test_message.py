"""scratchpad.mail.message and outbox.one_line: what a mail server receives for an outbox row."""

from datetime import UTC, datetime

from scratchpad.mail.message import build_message
from scratchpad.mail.outbox import one_line
from scratchpad.models import OutboxMail

FROM = "Scratchpad <board@example.org>"


def row(**changes):
    values = {
        "kind": "notification",
        "recipient": "carol@example.org",
        "subject": "bob replied to you on Scratchpad",
        "body": "Hello carol,\n\nbob replied.\n",
        "message_id": "abc123",
        "unsubscribe_url": "https://board.example.org/unsubscribe/1.xyz",
        "created_at": datetime(2026, 12, 4, 22, 0, tzinfo=UTC),
    }
    return OutboxMail(**{**values, **changes})


def test_a_notification_carries_rfc_8058_one_click_unsubscribe():
    message = build_message(row(), FROM)
    assert message["List-Unsubscribe"] == "<https://board.example.org/unsubscribe/1.xyz>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_headers_say_who_when_and_that_nobody_should_answer_it():
    message = build_message(row(), FROM)
    assert (message["From"], message["To"], message["Message-ID"], message["Auto-Submitted"]) == (
        FROM,
        "carol@example.org",
        "<abc123@example.org>",
        "auto-generated",
    )
    assert message["Date"] == "Fri, 04 Dec 2026 22:00:00 +0000"
    assert message.get_content() == "Hello carol,\n\nbob replied.\n"


def test_a_confirmation_has_no_unsubscribe_headers():
    message = build_message(row(kind="confirmation", unsubscribe_url=None), FROM)
    assert "List-Unsubscribe" not in message
    assert "List-Unsubscribe-Post" not in message


def test_nothing_typed_can_start_a_header_of_its_own():
    assert one_line("bob\r\nBcc: everyone@example.org") == "bob  Bcc: everyone@example.org"
    assert one_line("bob\u2028x\x00y") == "bob x y"
