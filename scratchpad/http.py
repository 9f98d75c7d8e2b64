"""Checks on URLs that come from the visitor."""

from urllib.parse import urlsplit


def is_safe_url(url):
    """True for a path on this site (``/``, ``/?before=10``); False for anything that could
    send the browser elsewhere (``//evil``, ``https://evil``, ``/\\evil``, control characters)."""
    if not url or not url.startswith("/") or url.startswith(("//", "/\\")):
        return False
    if any(ord(character) < 32 or character == "\x7f" for character in url):
        return False
    parts = urlsplit(url.replace("\\", "/"))
    return not parts.scheme and not parts.netloc
