"""Counting the password-hash work a login does, for the tests that show every failing login
costs the same (tests/unit/accounts/test_passwords.py, tests/functional/accounts/test_passwords.py)."""

import threading

import bcrypt

from scratchpad.accounts import passwords, werkzeug_hashes


def record_hash_work(monkeypatch, dummy_cost):
    """The hash work done from now on, in order: ("bcrypt", cost) for each bcrypt check that
    ran (not one refused at once for an odd hash), ("werkzeug", slot held) for each werkzeug
    check, "slot held" saying whether it ran inside the bcrypt concurrency limit."""
    work = []
    slots = threading.BoundedSemaphore(1)
    real_checkpw, real_check = bcrypt.checkpw, werkzeug_hashes.check

    def counting_checkpw(password, hashed_password):
        matched = real_checkpw(password, hashed_password)
        work.append(("bcrypt", int(hashed_password.split(b"$")[2])))
        return matched

    def counting_check(password, password_hash):
        held = not slots.acquire(blocking=False)
        if not held:
            slots.release()
        work.append(("werkzeug", held))
        return real_check(password, password_hash)

    monkeypatch.setattr(passwords, "BCRYPT_SLOTS", slots)
    monkeypatch.setattr(bcrypt, "checkpw", counting_checkpw)
    monkeypatch.setattr(werkzeug_hashes, "check", counting_check)
    passwords.dummy_hash(dummy_cost)  # made once per cost; not part of any one login's work
    return work
