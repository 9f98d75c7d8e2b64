"""The tutorial's werkzeug password hashes, checked with hashlib alone: every format werkzeug has
written, made here with hashlib exactly as werkzeug makes them; wrong passwords, odd hashes and
absurd costs are simply False."""

import hashlib
import hmac

import pytest

from scratchpad.accounts import passwords, werkzeug_hashes
from scratchpad.accounts.passwords import check_password, hash_scheme, needs_rehash

PASSWORD = "8fwe5jYCE98lXl0ZovYW"  # one of the tutorial's own examples
SALT = "tmVmSuqCXZOZsxe1"


def pbkdf2(password, digest="sha256", iterations=600000, salt=SALT):
    derived = hashlib.pbkdf2_hmac(digest, password.encode(), salt.encode(), iterations).hex()
    return f"pbkdf2:{digest}:{iterations}${salt}${derived}"


def scrypt(password, n=32768, r=8, p=1, salt=SALT):
    derived = hashlib.scrypt(
        password.encode(), salt=salt.encode(), n=n, r=r, p=p, maxmem=132 * n * r * p, dklen=64
    ).hex()
    return f"scrypt:{n}:{r}:{p}${salt}${derived}"


def salted(password, digest="sha256", salt=SALT):
    """werkzeug before 2.3 with method="sha256": an HMAC keyed with the salt."""
    return f"{digest}${salt}${hmac.new(salt.encode(), password.encode(), digest).hexdigest()}"


WERKZEUG_HASHES = {
    "pbkdf2:sha256:600000 (werkzeug 2.3)": lambda password: pbkdf2(password),
    "pbkdf2:sha256:150000 (werkzeug 1.0)": lambda password: pbkdf2(password, iterations=150000),
    "pbkdf2:sha1:1000 (werkzeug 0.9)": lambda password: pbkdf2(password, "sha1", 1000),
    "scrypt:32768:8:1 (werkzeug 3)": lambda password: scrypt(password),
    "sha256$salt$hmac (werkzeug 0.x)": lambda password: salted(password),
    "sha1$$digest, unsalted": lambda password: f"sha1$${hashlib.sha1(password.encode()).hexdigest()}",
}


@pytest.fixture(scope="module", params=sorted(WERKZEUG_HASHES))
def werkzeug_hash(request):
    return WERKZEUG_HASHES[request.param](PASSWORD)


def test_right_password_checks_against_a_werkzeug_hash(werkzeug_hash):
    assert check_password(PASSWORD, werkzeug_hash) is True


def test_wrong_password_does_not_check_against_a_werkzeug_hash(werkzeug_hash):
    assert check_password(PASSWORD + "x", werkzeug_hash) is False


def test_werkzeug_hash_needs_rehashing_to_bcrypt(werkzeug_hash):
    assert needs_rehash(werkzeug_hash, 4) is True


def test_werkzeug_hash_is_named_for_the_admin(werkzeug_hash):
    assert hash_scheme(werkzeug_hash).split(":")[0] in {"pbkdf2", "scrypt", "sha256", "sha1"}


def test_scrypt_hash_is_longer_than_the_old_password_hash_column():
    assert len(scrypt(PASSWORD)) > 128


def test_scrypt_hash_fits_the_password_hash_column():
    from scratchpad.models import User

    assert len(scrypt(PASSWORD)) <= User.__table__.c.password_hash.type.length


def test_non_ascii_password_checks_as_werkzeug_encoded_it():
    assert check_password("pässwörd €", pbkdf2("pässwörd €", iterations=1000)) is True


def test_comparison_is_constant_time(monkeypatch):
    compared = []
    real = hmac.compare_digest
    monkeypatch.setattr(werkzeug_hashes.hmac, "compare_digest", lambda a, b: compared.append(1) or real(a, b))
    check_password("wrong", pbkdf2(PASSWORD, iterations=1000))
    assert compared == [1]


@pytest.mark.parametrize("password", ["", "   ", "a" * 73])
def test_password_bcrypt_could_not_store_is_refused_even_if_it_matches(password):
    # The login view replaces the hash with bcrypt at once, which would refuse this password.
    assert check_password(password, pbkdf2(password, iterations=1000)) is False


@pytest.mark.parametrize(
    "stored",
    [
        "plain$$" + PASSWORD,  # werkzeug's "plain" method is the password itself
        "pbkdf2:sha256$salt$abcd",  # no iteration count
        "pbkdf2:sha256:100000000$salt$abcd",  # absurd cost
        "pbkdf2:whirlpool:1000$salt$abcd",
        "pbkdf2:sha256:-5$salt$abcd",
        "scrypt:1048576:8:1$salt$abcd",  # a gigabyte of memory
        "scrypt:1000:8:1$salt$abcd",  # n not a power of two
        "scrypt:32768:8$salt$abcd",
        "sha256$salt$NOT-HEX",
        "sha256$salt$ÄBCD",
        "md4$salt$abcd",
        "pbkdf2:sha256:1000$a$b$c",
        "",
    ],
)
def test_odd_werkzeug_like_hash_is_false_not_an_exception(stored):
    assert check_password(PASSWORD, stored) is False


def test_lone_surrogate_against_a_werkzeug_hash_is_false_not_an_exception():
    assert check_password("\udcff", salted("x")) is False


def test_bcrypt_hashes_still_check():
    assert check_password(PASSWORD, passwords.hash_password(PASSWORD, 4)) is True


def test_bcrypt_hash_at_the_current_cost_needs_no_rehash():
    assert needs_rehash(passwords.hash_password(PASSWORD, 4), 4) is False


def test_empty_hash_is_named_none():
    assert hash_scheme("") == "none"
