"""scratchpad.audit.record: one line per event, on the ``scratchpad.audit`` logger at INFO."""

import logging

import pytest

from scratchpad import audit


@pytest.fixture
def records(caplog):
    caplog.set_level(logging.INFO, logger="scratchpad.audit")
    return lambda: [r for r in caplog.records if r.name == "scratchpad.audit"]


def test_record_is_one_info_message_on_the_audit_logger(records):
    audit.record("login", "succeeded", "alice", "192.0.2.10")
    assert [(r.levelno, r.getMessage()) for r in records()] == [
        (logging.INFO, "login succeeded user='alice' addr=192.0.2.10")
    ]


def test_details_follow_in_name_order(records):
    audit.record("login", "throttled", "alice", "192.0.2.10", limit="user", attempt=6)
    assert records()[0].getMessage() == (
        "login throttled user='alice' addr=192.0.2.10 attempt=6 limit='user'"
    )


def test_defaults_mark_unknown_user_and_address(records):
    audit.record("user", "created")
    assert records()[0].getMessage() == "user created user='-' addr=-"


@pytest.mark.parametrize("username", ["a\nb", "a\rb", "a\x1bb", "a\x7fb", "a\u2028b", "a\x00b"])
def test_control_characters_in_a_username_stay_escaped_on_one_line(records, username):
    audit.record("login", "failed", username, "192.0.2.10")
    message = records()[0].getMessage()
    assert [character for character in username[1:-1] if character in message] == []


def test_quotes_in_a_username_cannot_end_its_field(records):
    audit.record("login", "failed", "x' addr=10.0.0.1 user='admin", "192.0.2.10")
    assert records()[0].getMessage().endswith(" addr=192.0.2.10")


def test_nothing_is_written_when_the_audit_logger_is_off(caplog):
    caplog.set_level(logging.WARNING, logger="scratchpad.audit")
    audit.record("login", "succeeded", "alice", "192.0.2.10")
    assert [r for r in caplog.records if r.name == "scratchpad.audit"] == []
