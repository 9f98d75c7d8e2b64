"""scratchpad.models.User password methods, without a database."""

import pytest

from scratchpad.models import User
from scratchpad.passwords import PasswordError

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
