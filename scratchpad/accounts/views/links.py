"""The pages behind invitation and reset links: ``/invitations/<token>`` (choose a password,
become a member) and ``/reset/<token>`` (choose a new password; every session ends).

A link that cannot be used, whether unknown, used, revoked or expired, gets one and the same
404 page, so the page tells a guesser nothing, not even whether a name exists. Each such
visit counts against the address's allowance of failed logins, and a visitor over it gets a
429 before any link is looked up. The token itself never reaches a log (the access log
shortens these paths) and is stored only as a hash (tokens.py).
"""

import sqlalchemy as sa
from pyramid.csrf import new_csrf_token
from pyramid.httpexceptions import HTTPSeeOther
from pyramid.renderers import render_to_response
from pyramid.request import Request
from pyramid.response import Response
from pyramid.security import remember
from pyramid.view import view_config

from scratchpad import audit
from scratchpad.accounts import passwords, rules, throttle, tokens
from scratchpad.i18n.messages import _, message_of, translate
from scratchpad.metrics import instruments
from scratchpad.models import AccountToken, User
from scratchpad.models.account_token import INVITATION, RESET
from scratchpad.models.types import utcnow

CHOOSE_TEMPLATE = "scratchpad:templates/accounts/choose_password.jinja2"
INVALID_TEMPLATE = "scratchpad:templates/accounts/link_invalid.jinja2"
#: route name -> the kind of link it takes
ROUTE_KINDS = {"accounts.invitation": INVITATION, "accounts.reset": RESET}


def link_kind(request: Request) -> str:
    return ROUTE_KINDS[request.matched_route.name]


def refused(request: Request, throttled: throttle.Throttled | None = None) -> Response:
    """The one page for every link that cannot be used (404), or for too many tries (429)."""
    retry_minutes = None
    if throttled is not None:
        throttle.refuse(request.response, throttled)
        instruments.THROTTLE_REFUSALS.labels("link").inc()
        retry_minutes = -(-throttled.retry_after // 60)
    else:
        request.response.status = 404
    values = {"kind": link_kind(request), "retry_minutes": retry_minutes}
    return render_to_response(INVALID_TEMPLATE, values, request=request, response=request.response)


def look_up(request: Request) -> tuple[AccountToken | None, throttle.Throttled | None]:
    """(the open link, or None; a Throttled, or None), read before any slow work and outside
    the request's transaction, so bcrypt never runs while it holds SQLite's write lock.

    Also tells the browser to send no ``Referer`` from this page: the site-wide policy
    (same-origin) would put the token in the requests for the page's own CSS and icon, and
    from there in a proxy's access log.
    """
    request.response.headers["Referrer-Policy"] = "no-referrer"
    settings = request.registry.settings
    address = throttle.client_addr(request)
    with request.read_dbsession() as reads:
        throttled = throttle.check_address(reads, settings, address)
        if throttled:
            return None, throttled
        # Closing the session leaves the row's loaded values readable.
        return tokens.find_open(reads, link_kind(request), request.matchdict["token"]), None


def count_failure(request: Request) -> None:
    # The request's transaction begins with this write (nothing read through it yet), so on
    # SQLite it waits for the lock rather than failing.
    throttle.record_link_failure(request.dbsession, request.registry.settings, throttle.client_addr(request))
    audit.record("link", "refused", "-", throttle.client_addr(request), kind=link_kind(request))


def usable_link(request: Request) -> AccountToken | Response:
    """The open link the URL names, or the page refusing it: a 429 for an address over its
    allowance, else a 404 for a link that cannot be used, counted as a failed try. Both the
    form and its POST start here, so neither lets a guesser learn more than the other."""
    link, throttled = look_up(request)
    if throttled:
        return refused(request, throttled)
    if link is None:
        count_failure(request)
        return refused(request)
    return link


def form(request: Request, link: AccountToken, status: int = 200, error: str | None = None) -> dict:
    request.response.status = status
    return {
        "kind": link.kind,
        "username": link.username,
        "action": request.path,
        "min_password_length": request.registry.settings["scratchpad.min_password_length"],
        "error": error,
    }


@view_config(route_name="accounts.invitation", request_method="GET", renderer=CHOOSE_TEMPLATE)
@view_config(route_name="accounts.reset", request_method="GET", renderer=CHOOSE_TEMPLATE)
def choose_password_form(request: Request) -> dict | Response:
    link = usable_link(request)
    if isinstance(link, Response):
        return link
    return form(request, link)


@view_config(route_name="accounts.invitation", request_method="POST", renderer=CHOOSE_TEMPLATE)
@view_config(route_name="accounts.reset", request_method="POST", renderer=CHOOSE_TEMPLATE)
def choose_password(request: Request) -> dict | Response:
    settings = request.registry.settings
    link = usable_link(request)
    if isinstance(link, Response):
        return link
    password = request.POST.get("password", "")
    if password != request.POST.get("password_again", ""):
        return form(request, link, 400, _("The two passwords are not the same."))
    try:
        password_hash = passwords.hash_password(
            password, settings["scratchpad.bcrypt_rounds"], settings["scratchpad.min_password_length"]
        )
    except passwords.PasswordError as error:
        return form(request, link, 400, message_of(error))

    # The write transaction: look again, locked, so a link is used once even by two
    # requests at the same moment (and one revoked meanwhile is not used at all).
    link = tokens.find_open(request.dbsession, link_kind(request), request.matchdict["token"], lock=True)
    user = None if link is None else use_link(request, link, password_hash)
    if link is None or user is None:
        return refused(request)
    address = throttle.client_addr(request)
    if link.kind == INVITATION:
        audit.record(
            "invitation", "accepted", user.username, address, role=user.role, invited_by=link.created_by
        )
        message = translate(
            request,
            _("Welcome, ${username}: your account is ready and you are logged in."),
            username=user.username,
        )
    else:
        audit.record("reset", "password changed", user.username, address)
        message = translate(
            request, _("Your new password is set; every other session has ended and you are logged in here.")
        )
    # A fresh session and CSRF token, as at login.
    request.session.invalidate()
    new_csrf_token(request)
    request.session.flash(message)
    # The redirect's own policy governs the Referer of the request it leads to (Fetch, "set
    # request's referrer policy on redirect"): that request would carry the token too.
    headers = [*remember(request, user.id), ("Referrer-Policy", "no-referrer")]
    return HTTPSeeOther(location=request.route_url("comments.index"), headers=headers)


def use_link(request: Request, link: AccountToken, password_hash: str) -> User | None:
    """Use up the link: create the invited user, or give the reset's user the new password
    (which ends their sessions). None when the invitation's name was taken meanwhile (by
    ``users add``, say): the invitation is used up all the same, and the page is the one for
    any unusable link."""
    now = utcnow()
    link.used_at = now
    user: User | None
    if link.kind == INVITATION:
        taken = request.dbsession.scalars(sa.select(User.id).where(User.username == link.username)).first()
        if taken is not None:
            return None
        user = User(username=link.username, role=link.role, password_hash=password_hash)
        request.dbsession.add(user)
    else:
        user = link.user  # find_open only returns a reset whose user exists and is active
        if user is None:
            return None
        user.password_hash = password_hash
        rules.end_every_way_in(request.dbsession, user)
    user.last_login_at = now
    request.dbsession.flush()
    return user
