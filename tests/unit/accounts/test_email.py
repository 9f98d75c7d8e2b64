"""The shape check of a member's email for notifications (accounts/email.py)."""

import pytest

from scratchpad.accounts.email import InvalidEmail, validate_email


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("alice@example.org", "alice@example.org"),
        ("  Alice.Smith+board@Example.ORG ", "Alice.Smith+board@example.org"),
        ("", None),
        ("   ", None),
        ("ünïcode@exämple.org", "ünïcode@exämple.org"),
    ],
)
def test_valid_addresses_are_stored_with_the_domain_in_lower_case(typed, stored):
    assert validate_email(typed) == stored


@pytest.mark.parametrize(
    "typed, reason",
    [
        ("alice", "name@example.org"),
        ("alice@", "name@example.org"),
        ("@example.org", "name@example.org"),
        ("alice@localhost", "name@example.org"),
        ("alice@example..org", "name@example.org"),
        ("alice@.example.org", "name@example.org"),
        ("a@b@example.org", "name@example.org"),
        ("alice smith@example.org", "spaces"),
        ("alice\u200b@example.org", "invisible"),
        ("alice\n@example.org", "spaces"),
        ("a" * 65 + "@example.org", "at most 64"),
        ("a@" + "b" * 250 + ".org", "at most 254"),
    ],
)
def test_invalid_addresses_are_refused_saying_why(typed, reason):
    with pytest.raises(InvalidEmail, match=reason):
        validate_email(typed)
