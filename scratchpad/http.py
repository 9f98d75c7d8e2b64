"""Checks on URLs that come from the visitor."""

from urllib.parse import urlsplit

from pyramid.events import NewRequest
from pyramid.httpexceptions import HTTPBadRequest


def is_safe_url(url):
    """True for a path on this site (``/``, ``/?before=10``); False for anything that could
    send the browser elsewhere (``//evil``, ``https://evil``, ``/\\evil``, control characters)."""
    if not url or not url.startswith("/") or url.startswith(("//", "/\\")):
        return False
    if any(ord(character) < 32 or character == "\x7f" for character in url):
        return False
    parts = urlsplit(url.replace("\\", "/"))
    return not parts.scheme and not parts.netloc


def reject_unreadable_request(event):
    """Answer 400, before routing, to a request whose address or form WebOb cannot read.

    WebOb decodes ``path_info``, ``GET`` and ``POST`` on first use and raises for an address
    that is not UTF-8, a multipart body without a usable boundary, or a form declared in a
    charset other than UTF-8 (a raised ``DeprecationWarning``). Left to the views and to the
    CSRF check (which reads ``POST``) these were 500s; for a bad path even the error page
    failed, since it reads ``request.path`` too. No form here uploads files, so a file where
    a view expects text is refused as well.
    """
    request = event.request
    try:
        request.path_info
        request.GET
    except UnicodeDecodeError:
        raise HTTPBadRequest("That address is not valid: it is not UTF-8 text.") from None
    try:
        values = request.POST.values()
    except (ValueError, DeprecationWarning):
        message = "The form could not be read: it is malformed, or not sent as UTF-8."
        raise HTTPBadRequest(message) from None
    if any(not isinstance(value, str) for value in values):
        raise HTTPBadRequest("This site does not accept file uploads.")


def includeme(config):
    config.add_subscriber(reject_unreadable_request, NewRequest)
