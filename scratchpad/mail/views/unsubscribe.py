"""``/unsubscribe/<token>``: the link every notification mail carries (List-Unsubscribe).

GET shows a page with a button: link scanners fetch every URL in a mail, and must not
unsubscribe anyone. POST with ``List-Unsubscribe=One-Click`` (RFC 8058; what a mail client's
unsubscribe button sends, and what the page's button sends) turns notification mail off.

The POST is exempt from the CSRF check, this route alone: a mail client sends it with no
cookie and no session, so it cannot carry a CSRF token, and needs none. CSRF tricks a
visitor's browser into using *its* authority; here the authority is the token in the URL,
an HMAC no third party can make (mail/unsubscribe.py), and the only thing it can do is turn
one member's notification mail off.
"""

from pyramid.httpexceptions import HTTPBadRequest
from pyramid.request import Request
from pyramid.view import view_config

from scratchpad import audit
from scratchpad.accounts import throttle
from scratchpad.mail.message import ONE_CLICK
from scratchpad.mail.unsubscribe import find_subscriber
from scratchpad.models import User

TEMPLATE = "scratchpad:templates/mail/unsubscribe.jinja2"


def subscriber(request: Request) -> User | None:
    request.response.headers["Referrer-Policy"] = "no-referrer"
    user = find_subscriber(
        request.dbsession, request.registry.settings["scratchpad.secret"], request.matchdict["token"]
    )
    if user is None:
        request.response.status = 404
    return user


@view_config(route_name="mail.unsubscribe", request_method="GET", renderer=TEMPLATE)
def unsubscribe_page(request: Request) -> dict:
    user = subscriber(request)
    return {"user": user, "done": False, "action": request.path, "one_click": ONE_CLICK.split("=")}


@view_config(route_name="mail.unsubscribe", request_method="POST", renderer=TEMPLATE, require_csrf=False)
def unsubscribe(request: Request) -> dict:
    name, value = ONE_CLICK.split("=")
    if request.POST.get(name) != value:
        raise HTTPBadRequest(f"Send {ONE_CLICK} to unsubscribe.")
    user = subscriber(request)
    if user is not None and user.email_notifications:
        user.email_notifications = False
        audit.record(
            "account",
            "email notifications off (unsubscribe link)",
            user.username,
            throttle.client_addr(request),
        )
    return {"user": user, "done": user is not None, "action": request.path, "one_click": (name, value)}
