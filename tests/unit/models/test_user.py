"""scratchpad.models.User password methods, without a database."""

import re

import pytest

from scratchpad.accounts.passwords import PasswordError
from scratchpad.models import User
from scratchpad.models.user import new_session_secret

ROUNDS = 4


def user_with_password(password="correct horse"):
    user = User(username="alice")
    user.set_password(password, ROUNDS)
    return user


def test_set_password_stores_a_bcrypt_hash_at_the_given_cost():
    assert user_with_password().password_hash.startswith("$2b$04$")


def test_set_password_does_not_store_the_plain_text():
    assert "correct horse" not in user_with_password().password_hash


def test_stored_hash_fits_the_password_hash_column():
    assert len(user_with_password().password_hash) <= User.__table__.c.password_hash.type.length


def test_check_password_accepts_the_right_password():
    assert user_with_password().check_password("correct horse") is True


def test_check_password_refuses_a_wrong_password():
    assert user_with_password().check_password("Correct horse") is False


def test_set_password_refuses_an_empty_password():
    with pytest.raises(PasswordError):
        User(username="alice").set_password("", ROUNDS)


def test_refused_password_leaves_the_old_hash_in_place():
    user = user_with_password()
    old_hash = user.password_hash
    with pytest.raises(PasswordError):
        user.set_password("€" * 25, ROUNDS)
    assert user.password_hash == old_hash


# The session secret every auth ticket carries.

# pyramid.authentication's rule for ticket tokens.
TICKET_TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9+_-]*")


def test_session_secrets_are_random_ticket_tokens_that_fit_their_column():
    found = [new_session_secret() for _ in range(1000)]
    column_length = User.__table__.c.session_secret.type.length
    assert (
        len(set(found)),
        all(TICKET_TOKEN.fullmatch(secret) and 40 < len(secret) <= column_length for secret in found),
    ) == (1000, True)


def test_ending_the_sessions_renews_the_secret_and_old_tickets_no_longer_fit():
    user = user_with_password()
    old = user.session_secret
    user.end_sessions()
    still_fits = user.holds_session([old])
    assert (user.session_secret != old, still_fits, user.holds_session([user.session_secret])) == (
        True,
        False,
        True,
    )


def test_a_new_password_ends_the_sessions():
    user = user_with_password()
    old = user.session_secret
    user.set_password("another horse", ROUNDS)
    assert (old is not None, user.session_secret != old) == (True, True)
