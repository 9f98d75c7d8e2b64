"""Logging in and out."""

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from pyramid.csrf import new_csrf_token
from pyramid.httpexceptions import HTTPSeeOther
from pyramid.request import Request
from pyramid.response import Response
from pyramid.security import forget, remember
from pyramid.view import forbidden_view_config, view_config

from scratchpad import audit
from scratchpad.accounts import passwords, throttle
from scratchpad.i18n.messages import Quantity, _, plural, translate
from scratchpad.metrics import instruments
from scratchpad.models import User
from scratchpad.models.types import utcnow
from scratchpad.models.user import MAX_USERNAME_LENGTH, canonical_username
from scratchpad.resources import CommentResource
from scratchpad.web.http import local_or_board

LOGIN_TEMPLATE = "scratchpad:templates/accounts/login.jinja2"
LOGIN_FAILED = _("Incorrect username or password")


def safe_next_url(request: Request, params: Mapping[str, str]) -> str:
    """Where to go after logging in: ``next`` (or the older ``came_from``) if it stays on this site."""
    next_url = params.get("next") or params.get("came_from") or ""
    return local_or_board(request, next_url)


@view_config(route_name="accounts.login", request_method="GET", renderer=LOGIN_TEMPLATE)
def login_form(request: Request) -> dict[str, str]:
    return dict(next_url=safe_next_url(request, request.GET), username="")


@view_config(route_name="accounts.login", request_method="POST", renderer=LOGIN_TEMPLATE)
def login(request: Request) -> dict[str, str] | Response:
    username = canonical_username(request.POST.get("username", ""))[:MAX_USERNAME_LENGTH]
    password = request.POST.get("password", "")
    next_url = safe_next_url(request, request.POST)
    settings = request.registry.settings
    address = throttle.client_addr(request)
    rounds = settings["scratchpad.bcrypt_rounds"]

    # Read, then let go of the database before the ~200 ms of bcrypt: on SQLite the request's
    # own (IMMEDIATE) transaction would hold the write lock, and nobody could post meanwhile.
    with request.read_dbsession() as reads:
        # Before any bcrypt work, and whatever the password: a throttled guess learns nothing.
        throttled = throttle.check_login(reads, settings, username, address, lock=False)
        # The row (id, password_hash, is_active), or None for no such user. Any: read
        # through the request's session, which Pyramid (untyped) hands out.
        account: Any = None
        if username and not throttled:
            account = reads.execute(
                sa.select(User.id, User.password_hash, User.is_active).where(User.username == username)
            ).one_or_none()
    if throttled:
        return refuse_throttled(request, throttled, next_url, username, address)

    password_hash = None if account is None else account.password_hash
    # The password first: a disabled user's login costs the same bcrypt work as anyone's.
    accepted = passwords.check_login(password, password_hash, rounds) and account.is_active
    new_hash = None
    # (An accepted password always has a hash: None is only for no such user.)
    if accepted and password_hash is not None and passwords.needs_rehash(password_hash, rounds):
        # Same password, current cost; the user's other sessions stay valid.
        new_hash = passwords.hash_password(password, rounds)

    # The write transaction begins here. Count again: guesses made while bcrypt ran may have
    # used up the allowance, and on SQLite this count and the write below are one transaction.
    throttled = throttle.check_login(request.dbsession, settings, username, address)
    if throttled:
        return refuse_throttled(request, throttled, next_url, username, address)
    user = request.dbsession.get(User, account.id) if accepted else None
    # Still the account that was checked: not disabled, nor given a new password, meanwhile.
    if user is not None and user.is_active and user.password_hash == password_hash:
        if new_hash is not None:
            user.password_hash = new_hash
        user.last_login_at = utcnow()
        throttle.clear_login_failures(request.dbsession, username)
        audit.record("login", "succeeded", username, address)
        # A fresh session and CSRF token, so nothing planted before login survives it.
        request.session.invalidate()
        new_csrf_token(request)
        request.session.flash(
            translate(request, _("You are logged in as ${username}."), username=user.username)
        )
        return HTTPSeeOther(location=next_url, headers=remember(request, user.id))

    throttle.record_login_failure(request.dbsession, settings, username, address)
    instruments.count_when_committed(request, instruments.LOGIN_FAILURES)
    audit.record("login", "failed", username, address)
    request.response.status = 400
    return dict(next_url=next_url, username=username, error=LOGIN_FAILED)


def refuse_throttled(
    request: Request, throttled: throttle.Throttled, next_url: str, username: str, address: str
) -> dict[str, str]:
    audit.record("login", "throttled", username, address, limit=throttled.reason)
    instruments.THROTTLE_REFUSALS.labels("login").inc()
    request.response.status = 429
    request.response.headers["Retry-After"] = str(throttled.retry_after)
    minutes = -(-throttled.retry_after // 60)
    error = plural(
        request,
        "Too many failed logins. Please wait ${count} minute and try again.",
        "Too many failed logins. Please wait ${count} minutes and try again.",
        minutes,
    )
    return dict(next_url=next_url, username=username, error=error)


@view_config(
    route_name="accounts.logout",
    request_method="GET",
    renderer="scratchpad:templates/accounts/logout.jinja2",
)
def logout_form(request: Request) -> dict[str, str]:
    """A GET must never log anyone out (any page could embed the link), so it asks instead."""
    return {}


@view_config(route_name="accounts.logout", request_method="POST")
def logout(request: Request) -> Response:
    user = request.identity
    if user is not None:
        # Every ticket issued so far stops working, saved copies of this cookie included.
        user.end_sessions()
        audit.record("logout", "succeeded", user.username, throttle.client_addr(request))
    request.session.invalidate()
    new_csrf_token(request)
    request.session.flash(translate(request, _("You are logged out.")))
    return HTTPSeeOther(location=request.route_url("comments.index"), headers=forget(request))


@forbidden_view_config(renderer="scratchpad:templates/errors/error.jinja2")
def forbidden(request: Request) -> dict[str, str] | Response:
    """Visitors who are not logged in are sent to log in, and then back to where they were."""
    if request.identity is None:
        next_url = request.path_qs if request.method == "GET" else request.path
        return HTTPSeeOther(location=request.route_url("accounts.login", _query={"next": next_url}))
    request.response.status = 403
    message = _("You are not allowed to do that.")
    context = request.context
    if isinstance(context, CommentResource) and context.comment.commenter_id == request.identity.id:
        minutes = context.edit_window.total_seconds() / 60
        message = _(
            "A comment can be edited or deleted only in the ${minutes} minutes after it was posted, "
            "and not while a moderator has hidden it. Nothing was changed.",
            mapping={"minutes": Quantity(minutes)},
        )
    return dict(title=translate(request, _("Not allowed")), message=translate(request, message))
