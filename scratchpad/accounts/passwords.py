"""bcrypt hashing, and the rules a new password must meet.

bcrypt only reads the first 72 bytes of a password. Rather than let two long passwords that
share those bytes count as the same one, a new password over 72 bytes (UTF-8) is refused with
a message, and a login with one is simply wrong: no stored password can be that long.

Users adopted from the Flask tutorial's database bring werkzeug hashes
(``pbkdf2:sha256:600000$salt$hex``, ``scrypt:32768:8:1$salt$hex``, the older ``sha256$salt$hex``);
:mod:`scratchpad.accounts.werkzeug_hashes` checks those, and the login view replaces them with bcrypt
at the user's next successful login (:func:`needs_rehash` is true for them).
"""

import functools
import os
import threading

import bcrypt

from scratchpad.accounts import werkzeug_hashes
from scratchpad.i18n.messages import Explained, _, counted

MAX_PASSWORD_BYTES = 72

#: bcrypt releases the GIL, so simultaneous logins could take every core and starve the
#: threads serving pages: at most this many hash checks (bcrypt or werkzeug) or new bcrypt
#: hashes run at once, leaving a core for the pages. Never taken twice by one thread.
BCRYPT_SLOTS = threading.BoundedSemaphore(max(1, (os.cpu_count() or 2) - 1))


class PasswordError(Explained, ValueError):
    """A new password breaks a rule; the message is meant for the person who chose it."""


def validate_new_password(password: str, min_length: int = 1) -> None:
    if not password or not password.strip():
        raise PasswordError(_("The password must not be empty."))
    if len(password) < min_length:
        raise PasswordError(
            counted(
                "The password must be at least ${count} character long.",
                "The password must be at least ${count} characters long.",
                min_length,
            )
        )
    if len(password.encode("utf-8")) > MAX_PASSWORD_BYTES:
        raise PasswordError(
            counted(
                "The password is longer than ${count} byte (UTF-8), which bcrypt cannot tell apart; choose a shorter one.",
                "The password is longer than ${count} bytes (UTF-8), which bcrypt cannot tell apart; choose a shorter one.",
                MAX_PASSWORD_BYTES,
            )
        )


def hash_password(password: str, rounds: int, min_length: int = 1) -> str:
    validate_new_password(password, min_length)
    with BCRYPT_SLOTS:
        return bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt(rounds)).decode("ascii")


def _matches(password: str, password_hash: str | None) -> tuple[bool, bool]:
    """(whether ``password`` matches, whether a bcrypt check ran to find out); never raises.

    bcrypt hashes are ours; werkzeug's are the tutorial's. A werkzeug hash accepts only a
    password that could also be stored as bcrypt (not empty, at most 72 bytes), because the
    login view rehashes it at once: a longer one is refused as for everyone else, and such a
    user needs a new password from ``scratchpad-admin users passwd``.
    """
    if not password_hash:
        return False, False
    if werkzeug_hashes.is_werkzeug_hash(password_hash):
        try:
            validate_new_password(password)
        except (PasswordError, UnicodeError):
            return False, False
        return werkzeug_hashes.check(password, password_hash), False
    candidate = password.encode("utf-8", "surrogatepass")
    try:
        stored = password_hash.encode("ascii")
        if len(candidate) > MAX_PASSWORD_BYTES:
            # Still pay for one bcrypt round so the answer takes as long as any other.
            bcrypt.checkpw(candidate[:MAX_PASSWORD_BYTES], stored)
            return False, True
        return bcrypt.checkpw(candidate, stored), True
    except (ValueError, UnicodeError):
        return False, False


def check_password(password: str, password_hash: str | None) -> bool:
    """True only if ``password`` matches; never raises for odd input or an odd stored hash."""
    with BCRYPT_SLOTS:
        return _matches(password, password_hash)[0]


def check_login(password: str, password_hash: str | None, rounds: int) -> bool:
    """True only if ``password`` matches ``password_hash`` (None: there is no such user).

    Every wrong answer costs one bcrypt check at ``rounds``, whatever the account: an unknown
    name, a werkzeug hash (fast to check) or a hash nobody can log in with would otherwise
    answer a hundred times faster than a bcrypt account, telling them apart. Werkzeug checks
    count against the same limit as bcrypt's (``BCRYPT_SLOTS``): scrypt is as heavy.
    """
    with BCRYPT_SLOTS:
        matches, bcrypt_ran = _matches(password, password_hash)
        if not matches and not bcrypt_ran:
            candidate = password.encode("utf-8", "surrogatepass")[:MAX_PASSWORD_BYTES]
            bcrypt.checkpw(candidate, dummy_hash(rounds).encode("ascii"))
    return matches


def hash_scheme(password_hash: str | None) -> str:
    """What kind of hash is stored, for the admin's user list: ``bcrypt``, a werkzeug method
    such as ``pbkdf2:sha256`` or ``scrypt`` (replaced at the next login), or ``none``."""
    if password_hash and password_hash.startswith("$2") and password_hash.count("$") == 3:
        return "bcrypt"
    return werkzeug_hashes.scheme(password_hash) or "none"


def needs_rehash(password_hash: str, rounds: int) -> bool:
    """True when the stored hash is not bcrypt (a werkzeug hash from the tutorial, say) or was
    made at another cost than the current setting."""
    parts = password_hash.split("$")
    return len(parts) < 4 or parts[1] != "2b" or parts[2] != f"{rounds:02d}"


@functools.cache
def dummy_hash(rounds: int) -> str:
    """A hash of nothing anyone can type, to check against when there is no usable hash (an
    unknown user, a werkzeug hash, an odd row), so such a login costs what a wrong one does."""
    return bcrypt.hashpw(b"\x00no-such-user", bcrypt.gensalt(rounds)).decode("ascii")
