"""The token in a notification's unsubscribe link: ``<user id>.<HMAC>``.

Every notification needs the link, and a one-time hashed token (accounts/tokens.py) could
not be written into the next mail once stored as its hash; so the token is a signature
instead, made with ``scratchpad.secret`` over the user's id and their address. Nothing is
stored, nothing in the database opens it, and it stops working when the address changes
(the new address has to be confirmed, and gets mails with a new link) or the secret is
rotated. 256 bits of HMAC-SHA256: as unguessable as the auth ticket signed with the same
secret, which is why the link may act without a login (RFC 8058's one click).
"""

import base64
import hashlib
import hmac

import sqlalchemy as sa
from sqlalchemy.orm import Session

from scratchpad.models import User

#: Keeps these signatures apart from anything else the secret signs.
PURPOSE = b"scratchpad unsubscribe\0"
MAX_TOKEN_LENGTH = 64


def _signature(secret: str, user_id: int, email: str) -> str:
    digest = hmac.new(secret.encode("utf-8"), PURPOSE + f"{user_id}\0{email}".encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(digest.digest()).rstrip(b"=").decode("ascii")


def unsubscribe_token(secret: str, user: User) -> str:
    """The token for ``user``'s current address (they must have one)."""
    if not user.email:
        raise ValueError("a user without an address has nothing to unsubscribe from")
    return f"{user.id}.{_signature(secret, user.id, user.email)}"


def find_subscriber(dbsession: Session, secret: str, token: str) -> User | None:
    """The user ``token`` was made for, if it still matches their address; else None."""
    user_id, dot, signature = token.partition(".")
    if not dot or len(token) > MAX_TOKEN_LENGTH or not user_id.isdigit() or not user_id.isascii():
        return None
    user = dbsession.scalars(sa.select(User).where(User.id == int(user_id))).one_or_none()
    if user is None or not user.email:
        return None
    expected = _signature(secret, user.id, user.email)
    return (
        user if hmac.compare_digest(expected.encode("ascii"), signature.encode("utf-8", "replace")) else None
    )
