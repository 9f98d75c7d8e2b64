"""scratchpad.passwords: bcrypt hashes, the rules for new passwords, and checks that never raise."""

import bcrypt
import pytest

from scratchpad import passwords
from scratchpad.passwords import (
    PasswordError,
    check_password,
    check_password_of_unknown_user,
    hash_password,
)

ROUNDS = 4


def cost_of(password_hash):
    """The cost field of a ``$2b$NN$...`` hash."""
    return int(password_hash.split("$")[2])


@pytest.fixture
def checkpw_calls(monkeypatch):
    """Every (password, hash) pair that reaches bcrypt.checkpw during the test."""
    calls = []
    real_checkpw = bcrypt.checkpw

    def counting_checkpw(password, hashed_password):
        calls.append((password, hashed_password))
        return real_checkpw(password, hashed_password)

    monkeypatch.setattr(passwords.bcrypt, "checkpw", counting_checkpw)
    return calls


def test_hash_is_bcrypt_2b_with_the_configured_cost():
    assert hash_password("correct horse", 5).startswith("$2b$05$")


def test_same_password_hashes_differently_each_time():
    assert hash_password("correct horse", ROUNDS) != hash_password("correct horse", ROUNDS)


def test_right_password_checks():
    assert check_password("correct horse", hash_password("correct horse", ROUNDS)) is True


def test_wrong_password_does_not_check():
    assert check_password("wrong horse", hash_password("correct horse", ROUNDS)) is False


def test_non_ascii_password_checks():
    assert check_password("pässwörd €", hash_password("pässwörd €", ROUNDS)) is True


def test_password_of_72_bytes_is_accepted():
    assert check_password("a" * 72, hash_password("a" * 72, ROUNDS)) is True


def test_password_of_73_ascii_bytes_is_refused():
    with pytest.raises(PasswordError, match="72 bytes"):
        hash_password("a" * 73, ROUNDS)


def test_password_of_25_euro_signs_is_refused_because_it_is_75_utf8_bytes():
    with pytest.raises(PasswordError, match="72 bytes"):
        hash_password("€" * 25, ROUNDS)


def test_password_of_24_euro_signs_is_accepted_because_it_is_72_utf8_bytes():
    assert check_password("€" * 24, hash_password("€" * 24, ROUNDS)) is True


def test_login_attempt_over_72_bytes_is_false_even_when_its_first_72_bytes_match():
    stored = hash_password("a" * 72, ROUNDS)
    assert check_password("a" * 72 + "b", stored) is False


def test_login_attempt_over_72_bytes_still_does_one_bcrypt_check(checkpw_calls):
    check_password("€" * 25, hash_password("right", ROUNDS))
    assert len(checkpw_calls) == 1


@pytest.mark.parametrize("password", ["", " ", "   ", "\t\n"])
def test_empty_or_whitespace_password_is_refused(password):
    with pytest.raises(PasswordError, match="empty"):
        hash_password(password, ROUNDS)


@pytest.mark.parametrize(
    "stored",
    [
        "pbkdf2:sha256:260000$salt$0123456789abcdef",
        "",
        "$2b$04$tooshort",
        "not a hash at all",
        "$2b$04$ünïcödé-is-not-ascii.................................",
    ],
)
def test_odd_stored_hash_is_false_not_an_exception(stored):
    assert check_password("anything", stored) is False


def test_login_attempt_with_lone_surrogate_is_false_not_an_exception():
    assert check_password("\udcff", hash_password("right", ROUNDS)) is False


def test_unknown_user_is_never_let_in():
    # Even the text the dummy hash was made from must not get in.
    assert check_password_of_unknown_user("\x00no-such-user", ROUNDS) is False


def test_unknown_user_check_does_one_bcrypt_check(checkpw_calls):
    check_password_of_unknown_user("a guess", 5)
    assert len(checkpw_calls) == 1


def test_unknown_user_check_uses_a_hash_at_the_configured_cost(checkpw_calls):
    check_password_of_unknown_user("a guess", 5)
    ((_, used_hash),) = checkpw_calls
    assert cost_of(used_hash.decode("ascii")) == 5


def test_unknown_user_check_costs_the_same_as_a_known_users_wrong_password(checkpw_calls):
    check_password("a guess", hash_password("right", 5))
    check_password_of_unknown_user("a guess", 5)
    assert [cost_of(used_hash.decode("ascii")) for _, used_hash in checkpw_calls] == [5, 5]
