"""Passwords: old bcrypt costs upgraded at login, a minimum length for new ones, 72 bytes."""

import contextlib
import hashlib
import sqlite3

import bcrypt
import pytest
import sqlalchemy as sa

from scratchpad import main
from scratchpad.accounts.passwords import PasswordError
from scratchpad.models import User
from tests.support.apps import is_logged_in
from tests.support.commands import run_command
from tests.support.factories import PASSWORD, make_user
from tests.support.hash_work import record_hash_work


@pytest.fixture(scope="module")
def cost_5_app(app_settings, dbengine):
    return main({}, **{**app_settings, "scratchpad.bcrypt_rounds": 5}, dbengine=dbengine)


@pytest.fixture
def carol(dbsession):
    """A user whose hash was made at cost 4, before the site moved to cost 5."""
    return make_user(dbsession, "carol", PASSWORD, rounds=4)


def stored_hash(dbsession, username):
    dbsession.expire_all()
    return dbsession.scalar(sa.select(User.password_hash).where(User.username == username))


# Rehash at login


def test_login_replaces_an_old_cost_hash_with_the_current_cost(browser, cost_5_app, dbsession, carol):
    browser(cost_5_app).login("carol", PASSWORD)
    assert stored_hash(dbsession, "carol").startswith("$2b$05$")


def test_user_still_logs_in_after_the_rehash(browser, cost_5_app, carol):
    browser(cost_5_app).login("carol", PASSWORD)
    visitor = browser(cost_5_app)
    visitor.login("carol", PASSWORD)
    assert is_logged_in(visitor)


def test_rehash_keeps_the_users_other_sessions(browser, cost_5_app, carol):
    # Same password, new cost: not a password change, so nobody is logged out.
    elsewhere = browser()
    elsewhere.login("carol", PASSWORD)  # cost 4 here: no rehash
    browser(cost_5_app).login("carol", PASSWORD)
    assert is_logged_in(elsewhere)


def test_failed_login_does_not_rehash(browser, cost_5_app, dbsession, carol):
    before = stored_hash(dbsession, "carol")
    browser(cost_5_app).login("carol", "not the password", status=400)
    assert stored_hash(dbsession, "carol") == before


def test_hash_at_the_current_cost_is_left_alone(browser, dbsession, carol):
    before = stored_hash(dbsession, "carol")
    browser().login("carol", PASSWORD)  # testing.ini's cost is 4 as well
    assert stored_hash(dbsession, "carol") == before


# Minimum length of a new password


def test_set_password_refuses_one_shorter_than_min_length(dbsession, carol, rounds):
    with pytest.raises(PasswordError, match="at least 10 characters"):
        carol.set_password("123456789", rounds, min_length=10)


def test_set_password_accepts_one_of_exactly_min_length(dbsession, carol, rounds):
    carol.set_password("1234567890", rounds, min_length=10)
    assert carol.check_password("1234567890")


def test_minimum_length_counts_characters_not_bytes(dbsession, carol, rounds):
    carol.set_password("€" * 10, rounds, min_length=10)
    assert carol.check_password("€" * 10)


def test_init_script_refuses_a_nine_character_password(tmp_path):
    database = tmp_path / "scratchpad.sqlite"
    result = run_command(
        "initialize_scratchpad_db",
        "testing.ini",
        "--user",
        "dave",
        database_url=f"sqlite:///{database}",
        stdin="123456789\n",
    )
    assert (result.returncode, result.stderr.strip(), usernames_in(database)) == (
        1,
        "initialize_scratchpad_db: dave: The password must be at least 10 characters long.",
        [],
    )


def usernames_in(database):
    """The users an SQLite database file holds; none if the script never created the file."""
    if not database.exists():
        return []
    with contextlib.closing(sqlite3.connect(database)) as connection:
        tables = {name for (name,) in connection.execute("SELECT name FROM sqlite_master")}
        if "users" not in tables:
            return []
        return [name for (name,) in connection.execute("SELECT username FROM users")]


# Longer than 72 bytes (docs/interface.md, "Passwords"): refused when set, simply wrong at login


def test_password_of_72_bytes_logs_in(browser, dbsession):
    make_user(dbsession, "erin", "e" * 72)
    visitor = browser()
    visitor.login("erin", "e" * 72)
    assert is_logged_in(visitor)


def test_73_bytes_sharing_the_first_72_do_not_log_in(browser, dbsession):
    make_user(dbsession, "erin", "e" * 72)
    res = browser().login("erin", "e" * 72 + "X", status=400)
    assert "Incorrect username or password" in res


def test_password_over_72_bytes_is_refused_when_set(dbsession, carol, rounds):
    with pytest.raises(PasswordError, match="longer than 72 bytes"):
        carol.set_password("é" * 37, rounds, min_length=10)  # 37 characters, 74 bytes


# User enumeration by timing: every failed login costs the same bcrypt work


@pytest.fixture
def bcrypt_checks(monkeypatch):
    """The bcrypt hashes that passwords are checked against, in order."""
    checked = []
    real_checkpw = bcrypt.checkpw

    def counting_checkpw(password, hashed_password):
        checked.append(hashed_password)
        return real_checkpw(password, hashed_password)

    monkeypatch.setattr(bcrypt, "checkpw", counting_checkpw)
    return checked


def checks_for_one_login(visitor, bcrypt_checks, username, password):
    form = visitor.get("/login/").forms["login-form"]
    form["username"], form["password"] = username, password
    bcrypt_checks.clear()
    form.submit(status="*")
    return len(bcrypt_checks)


LOGINS_THAT_FAIL = {
    "wrong password": ("carol", "not the password"),
    "unknown user": ("nobody", PASSWORD),
    "disabled user, right password": ("dora", PASSWORD),
    "disabled user, wrong password": ("dora", "not the password"),
}


@pytest.mark.parametrize("case", list(LOGINS_THAT_FAIL))
def test_every_failed_login_costs_one_bcrypt_check(browser, dbsession, carol, bcrypt_checks, case):
    make_user(dbsession, "dora", PASSWORD).is_active = False
    dbsession.flush()
    username, password = LOGINS_THAT_FAIL[case]
    assert checks_for_one_login(browser(), bcrypt_checks, username, password) == 1


def test_a_disabled_users_login_checks_a_hash_at_the_sites_cost(browser, dbsession, bcrypt_checks):
    # Not a cheaper one: the answer must take as long as for an active user.
    make_user(dbsession, "dora", PASSWORD).is_active = False
    dbsession.flush()
    checks_for_one_login(browser(), bcrypt_checks, "dora", PASSWORD)
    assert [checked[:7] for checked in bcrypt_checks] == [b"$2b$04$"]


# The same, counted per kind of account, werkzeug hashes (adopted from the tutorial) included


def werkzeug_pbkdf2(password, salt="salt", iterations=1000):
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), iterations).hex()
    return f"pbkdf2:sha256:{iterations}${salt}${digest}"


@pytest.fixture
def hash_work(monkeypatch, rounds):
    return record_hash_work(monkeypatch, rounds)


@pytest.fixture
def accounts(dbsession, carol):
    """carol (bcrypt), walt (a werkzeug hash), una (a hash nobody can log in with), dora (disabled)."""
    make_user(dbsession, "walt").password_hash = werkzeug_pbkdf2(PASSWORD)
    make_user(dbsession, "una").password_hash = "!"
    make_user(dbsession, "dora").is_active = False
    dbsession.flush()


def work_for_one_login(visitor, hash_work, username, password, status):
    form = visitor.get("/login/").forms["login-form"]
    form["username"], form["password"] = username, password
    hash_work.clear()
    form.submit(status=status)
    return list(hash_work)


BCRYPT_ONCE = [("bcrypt", 4)]
HASH_WORK_OF_FAILED_LOGINS = {
    "unknown user": ("nobody", PASSWORD, BCRYPT_ONCE),
    "bcrypt, wrong password": ("carol", "not the password", BCRYPT_ONCE),
    "werkzeug, wrong password": ("walt", "not the password", [("werkzeug", True), *BCRYPT_ONCE]),
    "unusable hash": ("una", PASSWORD, BCRYPT_ONCE),
    "disabled user": ("dora", PASSWORD, BCRYPT_ONCE),
}


@pytest.mark.parametrize("case", list(HASH_WORK_OF_FAILED_LOGINS))
def test_every_failed_login_costs_one_bcrypt_check_at_the_sites_cost(browser, accounts, hash_work, case):
    username, password, expected = HASH_WORK_OF_FAILED_LOGINS[case]
    assert work_for_one_login(browser(), hash_work, username, password, status=400) == expected


def test_a_werkzeug_login_checks_inside_the_bcrypt_limit_then_stores_bcrypt(
    browser, dbsession, accounts, hash_work
):
    work = work_for_one_login(browser(), hash_work, "walt", PASSWORD, status=303)
    assert (work, stored_hash(dbsession, "walt")[:7]) == ([("werkzeug", True)], "$2b$04$")
