"""bcrypt hashing, and the rules a new password must meet.

bcrypt only reads the first 72 bytes of a password. Rather than let two long passwords that
share those bytes count as the same one, a new password over 72 bytes (UTF-8) is refused with
a message, and a login with one is simply wrong: no stored password can be that long.

Users adopted from the Flask tutorial's database bring werkzeug hashes
(``pbkdf2:sha256:600000$salt$hex``, ``scrypt:32768:8:1$salt$hex``, the older ``sha256$salt$hex``);
:mod:`scratchpad.werkzeug_hashes` checks those, and the login view replaces them with bcrypt
at the user's next successful login (:func:`needs_rehash` is true for them).
"""

import functools
import os
import threading

import bcrypt

from . import werkzeug_hashes

MAX_PASSWORD_BYTES = 72

#: bcrypt releases the GIL, so simultaneous logins could take every core and starve the
#: threads serving pages: at most this many checks run at once, leaving a core for the pages.
BCRYPT_SLOTS = threading.BoundedSemaphore(max(1, (os.cpu_count() or 2) - 1))


class PasswordError(ValueError):
    """A new password breaks a rule; the message is meant for the person who chose it."""


def validate_new_password(password, min_length=1):
    if not password or not password.strip():
        raise PasswordError("The password must not be empty.")
    if len(password) < min_length:
        raise PasswordError(f"The password must be at least {min_length} characters long.")
    if len(password.encode("utf-8")) > MAX_PASSWORD_BYTES:
        raise PasswordError(
            f"The password is longer than {MAX_PASSWORD_BYTES} bytes (UTF-8), "
            "which bcrypt cannot tell apart; choose a shorter one."
        )


def hash_password(password, rounds, min_length=1):
    validate_new_password(password, min_length)
    return bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt(rounds)).decode("ascii")


def check_password(password, password_hash):
    """True only if ``password`` matches; never raises for odd input or an odd stored hash.

    bcrypt hashes are ours; werkzeug's are the tutorial's. A werkzeug hash accepts only a
    password that could also be stored as bcrypt (not empty, at most 72 bytes), because the
    login view rehashes it at once: a longer one is refused as for everyone else, and such a
    user needs a new password from ``scratchpad-admin users passwd``.
    """
    if werkzeug_hashes.is_werkzeug_hash(password_hash):
        try:
            validate_new_password(password)
        except (PasswordError, UnicodeError):
            return False
        return werkzeug_hashes.check(password, password_hash)
    candidate = password.encode("utf-8", "surrogatepass")
    try:
        stored = password_hash.encode("ascii")
        with BCRYPT_SLOTS:
            if len(candidate) > MAX_PASSWORD_BYTES:
                # Still pay for one bcrypt round so the answer takes as long as any other.
                bcrypt.checkpw(candidate[:MAX_PASSWORD_BYTES], stored)
                return False
            return bcrypt.checkpw(candidate, stored)
    except (ValueError, UnicodeError):
        return False


def hash_scheme(password_hash):
    """What kind of hash is stored, for the admin's user list: ``bcrypt``, a werkzeug method
    such as ``pbkdf2:sha256`` or ``scrypt`` (replaced at the next login), or ``none``."""
    if password_hash and password_hash.startswith("$2") and password_hash.count("$") == 3:
        return "bcrypt"
    return werkzeug_hashes.scheme(password_hash) or "none"


def needs_rehash(password_hash, rounds):
    """True when the stored hash is not bcrypt (a werkzeug hash from the tutorial, say) or was
    made at another cost than the current setting."""
    parts = password_hash.split("$")
    return len(parts) < 4 or parts[1] != "2b" or parts[2] != f"{rounds:02d}"


@functools.lru_cache(maxsize=None)
def dummy_hash(rounds):
    """A hash of nothing anyone can type, to check against when the username is unknown,
    so a miss costs the same bcrypt work as a wrong password."""
    return bcrypt.hashpw(b"\x00no-such-user", bcrypt.gensalt(rounds)).decode("ascii")


def check_password_of_unknown_user(password, rounds):
    """Always False, after the same bcrypt work a real check at ``rounds`` costs."""
    check_password(password, dummy_hash(rounds))
    return False
