"""``/confirm-email/<token>``: the link in the confirmation mail.

GET shows a button, POST confirms: mail providers' link scanners open every link in a mail,
and a GET that confirmed would let a scanner confirm an address nobody read. No login is
needed (the mail may be read on another device): the one-time token is the authority,
as for invitation links, and a link that does not work counts against the visitor's
address like a guessed invitation link (accounts/views/links.py).
"""

from typing import cast

from pyramid.httpexceptions import HTTPSeeOther
from pyramid.renderers import render_to_response
from pyramid.request import Request
from pyramid.response import Response
from pyramid.view import view_config

from scratchpad import audit
from scratchpad.accounts import throttle, tokens
from scratchpad.i18n.messages import _, translate
from scratchpad.models import AccountToken, User
from scratchpad.models.account_token import EMAIL_CONFIRMATION
from scratchpad.models.types import utcnow

CONFIRM_TEMPLATE = "scratchpad:templates/mail/confirm.jinja2"
UNUSABLE_TEMPLATE = "scratchpad:templates/mail/confirm_unusable.jinja2"


def refused(request: Request, throttled: throttle.Throttled | None = None) -> Response:
    """One page for every link that does not work (404), or for too many tries (429)."""
    retry_minutes = None
    if throttled is not None:
        throttle.refuse(request.response, throttled)
        retry_minutes = -(-throttled.retry_after // 60)
    else:
        request.response.status = 404
        throttle.record_link_failure(
            request.dbsession, request.registry.settings, throttle.client_addr(request)
        )
        audit.record("link", "refused", "-", throttle.client_addr(request), kind=EMAIL_CONFIRMATION)
    values = {"retry_minutes": retry_minutes}
    return render_to_response(UNUSABLE_TEMPLATE, values, request=request, response=request.response)


def usable_link(request: Request, lock: bool = False) -> AccountToken | Response:
    """The open link the URL names, or the page refusing it. Read through a session of its
    own, as links.py does: the request's transaction then begins with its first write (the
    failure counted, or the link used, looked up again and locked with ``lock``), so on
    SQLite a GET never turns a read transaction into a write one that could fail."""
    # The token is in the URL: no Referer may carry it to the page's CSS, or anywhere else.
    request.response.headers["Referrer-Policy"] = "no-referrer"
    settings = request.registry.settings
    token = request.matchdict["token"]
    with request.read_dbsession() as reads:
        throttled = throttle.check_address(reads, settings, throttle.client_addr(request))
        link = None if throttled else tokens.find_open(reads, EMAIL_CONFIRMATION, token)
        usable = link is not None and link.user is not None and bool(link.user.email)
    if throttled:
        return refused(request, throttled)
    if lock and usable:
        link = tokens.find_open(request.dbsession, EMAIL_CONFIRMATION, token, lock=True)
        usable = link is not None and link.user is not None and bool(link.user.email)
    if link is None or not usable:
        return refused(request)
    return link


@view_config(route_name="mail.confirm", request_method="GET", renderer=CONFIRM_TEMPLATE)
def confirm_form(request: Request) -> dict | Response:
    link = usable_link(request)
    if isinstance(link, Response):
        return link
    return {"username": link.username, "action": request.path}


@view_config(route_name="mail.confirm", request_method="POST")
def confirm(request: Request) -> Response:
    link = usable_link(request, lock=True)
    if isinstance(link, Response):
        return link
    user = cast(User, link.user)  # usable_link refused a link without one
    now = utcnow()
    link.used_at = now
    user.email_confirmed_at = now
    audit.record("account", "email confirmed", user.username, throttle.client_addr(request))
    request.session.flash(translate(request, _("Your email address is confirmed.")))
    logged_in_as_them = request.authenticated_userid == user.id
    target = request.route_url("accounts.account" if logged_in_as_them else "comments.index")
    # The redirect's own policy governs the Referer of the request it leads to.
    return HTTPSeeOther(location=target, headers=[("Referrer-Policy", "no-referrer")])
