"""Checks on URLs that come from the visitor, and URLs made fit to send back."""

from urllib.parse import quote, urlsplit

from pyramid.request import Request

#: What may stay as it is in a URI (RFC 3986's reserved and unreserved characters, and ``%``
#: of the escapes already there); everything else is percent-encoded from its UTF-8 bytes.
URI_CHARACTERS = "!#$%&'()*+,/:;=?@[]~"


def is_safe_url(url: str) -> bool:
    """True for a path on this site (``/``, ``/?before=10``); False for anything that could
    send the browser elsewhere (``//evil``, ``https://evil``, ``/\\evil``, control characters)."""
    if not url or not url.startswith("/") or url.startswith(("//", "/\\")):
        return False
    if any(ord(character) < 32 or character == "\x7f" for character in url):
        return False
    parts = urlsplit(url.replace("\\", "/"))
    return not parts.scheme and not parts.netloc


def local_or_board(request: Request, url: str) -> str:
    """``url`` if it is a path on this site (``is_safe_url``), else the board: where to send
    a browser back to after a form or a link that names its own way back."""
    return url if is_safe_url(url) else request.route_path("comments.index")


def as_uri(url: str) -> str:
    """``url`` with every character a URI cannot hold percent-encoded, as RFC 3987 maps an IRI
    to a URI: ``/Ā`` becomes ``/%C4%80``, a space ``%20``, CR and LF ``%0D%0A``, and a lone
    surrogate (from ``next=%ED%B2%80``, say) its bytes. The result is ASCII, so it fits any
    header, and names the same address for a browser."""
    return quote(url, safe=URI_CHARACTERS, errors="surrogatepass")
