"""Token hashing and shape checks for invitation and reset links (accounts/tokens.py); the
database side is tested through the app in tests/functional/accounts/."""

import hashlib
import secrets

from scratchpad.accounts.tokens import MAX_TOKEN_LENGTH, TOKEN_BYTES, hash_token, looks_like_token


def test_the_stored_hash_is_the_tokens_sha256_in_hex():
    token = secrets.token_urlsafe(TOKEN_BYTES)
    assert (hash_token(token), len(hash_token(token))) == (hashlib.sha256(token.encode()).hexdigest(), 64)


def test_a_fresh_token_looks_like_one():
    assert looks_like_token(secrets.token_urlsafe(TOKEN_BYTES))


def test_odd_strings_are_not_tokens_and_are_never_hashed():
    odd = ["", "a" * (MAX_TOKEN_LENGTH + 1), "abc/def", "abc def", "é" * 10, "abc%00", "a.b"]
    assert [looks_like_token(text) for text in odd] == [False] * len(odd)
