"""Check the password hashes the Flask tutorial stored (werkzeug's formats) with hashlib alone.

Users adopted from the tutorial's database keep these hashes until their next successful login,
when the login view replaces them with bcrypt. werkzeug writes ``method$salt$hexdigest``:

- ``pbkdf2:<digest>:<iterations>$salt$hex`` (every werkzeug release; sha256 since 0.15,
  sha1 before): ``hashlib.pbkdf2_hmac(digest, password, salt, iterations).hex()``;
- ``scrypt:<n>:<r>:<p>$salt$hex`` (the default since werkzeug 3.0):
  ``hashlib.scrypt(password, salt=salt, n=n, r=r, p=p, maxmem=132 * n * r * p).hex()``, 64 bytes;
- ``<digest>$salt$hex`` (werkzeug before 2.3, method ``sha256`` and the like): an HMAC of the
  password keyed with the salt, or a plain digest when the salt is empty.

werkzeug's ``plain`` method (the password itself) is not accepted. Costs are bounded, so an odd
row cannot make one login take minutes or gigabytes.
"""

import hashlib
import hmac
import re
from collections.abc import Callable

PBKDF2_DIGESTS = frozenset({"sha1", "sha224", "sha256", "sha384", "sha512"})
HMAC_DIGESTS = PBKDF2_DIGESTS | {"md5"}
MAX_PBKDF2_ITERATIONS = 10_000_000
#: werkzeug's own maxmem formula; its default (n=32768, r=8, p=1) needs about 35 MB.
MAX_SCRYPT_MEMORY = 1 << 30

_NUMBER = re.compile(r"[0-9]{1,10}\Z")
_HEX = re.compile(r"[0-9a-f]+\Z")


#: Computes a hash's hex digest from the password and the salt (both bytes).
Derive = Callable[[bytes, bytes], str]


def _number(text: str, highest: int) -> int | None:
    if not _NUMBER.match(text):
        return None
    value = int(text)
    return value if 1 <= value <= highest else None


def _pbkdf2(args: list[str]) -> Derive | None:
    if len(args) != 2 or args[0] not in PBKDF2_DIGESTS:
        return None
    digest, iterations = args[0], _number(args[1], MAX_PBKDF2_ITERATIONS)
    if iterations is None:
        return None
    return lambda password, salt: hashlib.pbkdf2_hmac(digest, password, salt, iterations).hex()


def _scrypt(args: list[str]) -> Derive | None:
    if len(args) != 3:
        return None
    n, r, p = (_number(arg, MAX_SCRYPT_MEMORY) for arg in args)
    if n is None or r is None or p is None or n < 2 or n & (n - 1):  # n must be a power of two
        return None
    maxmem = 132 * n * r * p
    if maxmem > MAX_SCRYPT_MEMORY:
        return None
    return lambda password, salt: hashlib.scrypt(
        password, salt=salt, n=n, r=r, p=p, maxmem=maxmem, dklen=64
    ).hex()


def _salted_digest(name: str) -> Derive:
    def derive(password: bytes, salt: bytes) -> str:
        if salt:
            return hmac.new(salt, password, name).hexdigest()
        return hashlib.new(name, password).hexdigest()

    return derive


def _parse(password_hash: object) -> tuple[Derive, str, str] | None:
    """(derive, salt, hexdigest) for a werkzeug hash we can check, else None."""
    if not isinstance(password_hash, str) or password_hash.count("$") != 2:
        return None
    method, salt, hexdigest = password_hash.split("$")
    if not _HEX.match(hexdigest):
        return None
    name, *args = method.split(":")
    if name == "pbkdf2":
        derive: Derive | None = _pbkdf2(args)
    elif name == "scrypt":
        derive = _scrypt(args)
    elif name in HMAC_DIGESTS and not args:
        derive = _salted_digest(name)
    else:
        derive = None
    return None if derive is None else (derive, salt, hexdigest)


def scheme(password_hash: str | None) -> str | None:
    """``pbkdf2:sha256``, ``scrypt`` or ``sha256`` (say) for a hash :func:`check` can read, else None."""
    if password_hash is None or _parse(password_hash) is None:
        return None
    method = password_hash.split("$", 1)[0]
    return ":".join(method.split(":")[:2]) if method.startswith("pbkdf2:") else method.split(":")[0]


def is_werkzeug_hash(password_hash: object) -> bool:
    return _parse(password_hash) is not None


def check(password: str, password_hash: object) -> bool:
    """True only if ``password`` matches the werkzeug hash; never raises, compares in constant time."""
    parsed = _parse(password_hash)
    if parsed is None:
        return False
    derive, salt, hexdigest = parsed
    try:
        computed = derive(password.encode("utf-8"), salt.encode("utf-8"))
    except (UnicodeError, ValueError, MemoryError):
        return False
    return hmac.compare_digest(computed.encode("ascii"), hexdigest.encode("ascii"))
