"""scratchpad.accounts.passwords: bcrypt hashes, the rules for new passwords, and checks that never raise."""

import hashlib

import bcrypt
import pytest

from scratchpad.accounts import passwords
from scratchpad.accounts.passwords import PasswordError, check_login, check_password, hash_password
from tests.support.hash_work import record_hash_work

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
    assert check_login("\x00no-such-user", None, ROUNDS) is False


def test_unknown_user_check_does_one_bcrypt_check(checkpw_calls):
    check_login("a guess", None, 5)
    assert len(checkpw_calls) == 1


def test_unknown_user_check_uses_a_hash_at_the_configured_cost(checkpw_calls):
    check_login("a guess", None, 5)
    ((_, used_hash),) = checkpw_calls
    assert cost_of(used_hash.decode("ascii")) == 5


def test_unknown_user_check_costs_the_same_as_a_known_users_wrong_password(checkpw_calls):
    check_login("a guess", hash_password("right", 5), 5)
    check_login("a guess", None, 5)
    assert [cost_of(used_hash.decode("ascii")) for _, used_hash in checkpw_calls] == [5, 5]


# Hash work per login path: every wrong answer costs one bcrypt check at the configured cost.


def werkzeug_pbkdf2(password, salt="salt", iterations=1000):
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), iterations).hex()
    return f"pbkdf2:sha256:{iterations}${salt}${digest}"


@pytest.fixture
def hash_work(monkeypatch):
    return record_hash_work(monkeypatch, 5)


FAILING_LOGINS = {
    "unknown user": ("a guess", lambda: None, [("bcrypt", 5)]),
    "bcrypt, wrong password": ("a guess", lambda: hash_password("right", 5), [("bcrypt", 5)]),
    "werkzeug, wrong password": (
        "a guess",
        lambda: werkzeug_pbkdf2("right"),
        [("werkzeug", True), ("bcrypt", 5)],
    ),
    "unusable hash": ("a guess", lambda: "!", [("bcrypt", 5)]),
    "empty hash": ("a guess", lambda: "", [("bcrypt", 5)]),
    "odd bcrypt-like hash": ("a guess", lambda: "$2b$05$tooshort", [("bcrypt", 5)]),
    "werkzeug, password over 72 bytes": ("é" * 37, lambda: werkzeug_pbkdf2("é" * 37), [("bcrypt", 5)]),
}


@pytest.mark.parametrize("case", list(FAILING_LOGINS))
def test_every_failing_login_path_costs_one_bcrypt_check_at_the_configured_cost(hash_work, case):
    password, stored, expected = FAILING_LOGINS[case]
    stored = stored()
    hash_work.clear()
    assert (check_login(password, stored, 5), hash_work) == (False, expected)


def test_a_werkzeug_hash_with_the_right_password_logs_in_after_one_werkzeug_check(hash_work):
    # The login view then rehashes it with bcrypt at the configured cost.
    assert (check_login("right", werkzeug_pbkdf2("right"), 5), hash_work) == (True, [("werkzeug", True)])
