"""The account page (``/account``): a member changes their password, ends their other
sessions, gives an email for notifications. Downloading their data is in ``export.py``.

Ending "every other session" renews the user's session secret, which every auth ticket
carries (models/user.py): all tickets issued so far stop working, and this request gets a
new ticket with the new secret, so the browser that asked goes on.
"""

from pyramid.httpexceptions import HTTPSeeOther
from pyramid.request import Request
from pyramid.response import Response
from pyramid.security import remember
from pyramid.view import view_config

from scratchpad import audit
from scratchpad.accounts import passwords, rules, throttle, tokens
from scratchpad.accounts.email import InvalidEmail, validate_email
from scratchpad.i18n import views as time_zone_form
from scratchpad.i18n.messages import _, nothing_changed, plural, translate
from scratchpad.mail.confirmation import TooManyConfirmations, queue_confirmation
from scratchpad.mail.settings import mail_enabled

ACCOUNT_TEMPLATE = "scratchpad:templates/accounts/account.jinja2"
WRONG_PASSWORD = _("Your current password is not correct. Nothing was changed.")


def page(request: Request, status: int = 200, **values: object) -> dict[str, object]:
    """The account page's values; a form that failed adds its error (and its typed text)."""
    request.response.status = status
    user = request.identity
    return {
        "user": user,
        # What the email field shows: the stored address, or the refused one as typed.
        "email": user.email or "",
        "email_notifications": user.email_notifications,
        "mail_enabled": mail_enabled(request.registry.settings),
        "min_password_length": request.registry.settings["scratchpad.min_password_length"],
        **time_zone_form.form_values(request, request.route_path("accounts.account")),
        **values,
    }


@view_config(
    route_name="accounts.account", request_method="GET", renderer=ACCOUNT_TEMPLATE, permission="account"
)
def account_page(request: Request) -> dict:
    return page(request)


def keep_this_session(request: Request, message: str, feed_ended: bool = False) -> Response:
    """Back to the account page with a ticket carrying the user's new session secret; saying
    so when their feed address ended too (``rules.end_every_way_in``): their feed reader
    stops, and the page is where a new one is made."""
    request.session.flash(translate(request, message))
    if feed_ended:
        request.session.flash(
            translate(
                request,
                _(
                    "Your notifications' feed address has ended too; make a new one on this page if a feed reader uses it."
                ),
            )
        )
    return HTTPSeeOther(
        location=request.route_url("accounts.account"), headers=remember(request, request.identity.id)
    )


@view_config(
    route_name="accounts.password", request_method="POST", renderer=ACCOUNT_TEMPLATE, permission="account"
)
def change_password(request: Request) -> dict | Response:
    """Cheap checks first (the two new passwords, the rules), then the throttled bcrypt check
    of the current one, then the new hash.

    Unlike a login, this runs inside the request's write transaction (the identity was loaded
    through it), so on SQLite the write lock is held through the two bcrypt steps, a few
    hundred milliseconds at 12 rounds; on MariaDB only the user's row is locked. Rare enough
    not to split the request in two transactions.
    """
    user = request.identity
    settings = request.registry.settings
    address = throttle.client_addr(request)
    current = request.POST.get("current_password", "")
    new = request.POST.get("new_password", "")
    if new != request.POST.get("new_password_again", ""):
        return page(
            request,
            400,
            password_error=_("The two new passwords are not the same. Nothing was changed."),
        )
    try:
        passwords.validate_new_password(new, settings["scratchpad.min_password_length"])
    except passwords.PasswordError as error:
        return page(request, 400, password_error=nothing_changed(request, error))

    # Counted like a login, against the same allowance: someone holding a stolen session
    # must not get unlimited guesses at the password it lacks. Locks the user's row.
    throttled = throttle.check_login(request.dbsession, settings, user.username, address)
    if throttled:
        audit.record("account", "password change throttled", user.username, address, limit=throttled.reason)
        throttle.refuse(request.response, throttled)
        minutes = -(-throttled.retry_after // 60)
        message = plural(
            request,
            "Too many wrong passwords. Please wait ${count} minute and try again.",
            "Too many wrong passwords. Please wait ${count} minutes and try again.",
            minutes,
        )
        return page(request, 429, password_error=message)
    if not user.check_password(current):
        throttle.record_login_failure(request.dbsession, settings, user.username, address)
        audit.record("account", "password change refused", user.username, address)
        return page(request, 400, password_error=WRONG_PASSWORD)

    # set_password renews the session secret too: every other session ends.
    user.set_password(new, settings["scratchpad.bcrypt_rounds"], settings["scratchpad.min_password_length"])
    feed_ended = rules.end_other_ways_in(request.dbsession, user)
    throttle.clear_login_failures(request.dbsession, user.username)
    audit.record("account", "password changed", user.username, address)
    return keep_this_session(
        request,
        _("Your password is changed. You are still logged in here; every other session has ended."),
        feed_ended,
    )


@view_config(route_name="accounts.sessions", request_method="POST", permission="account")
def end_other_sessions(request: Request) -> Response:
    user = request.identity
    feed_ended = rules.end_every_way_in(request.dbsession, user)
    audit.record("account", "other sessions ended", user.username, throttle.client_addr(request))
    return keep_this_session(
        request, _("Every other session has ended; you are still logged in here."), feed_ended
    )


@view_config(
    route_name="accounts.email", request_method="POST", renderer=ACCOUNT_TEMPLATE, permission="account"
)
def change_email(request: Request) -> dict | Response:
    """Save the address and the opt-in together (one form). A new address is unconfirmed and
    gets a confirmation link; saving an unconfirmed one again sends a new link (the older
    ones stop working), a few times an hour at most."""
    user = request.identity
    typed = request.POST.get("email", "")
    wants_notifications = request.POST.get("email_notifications") == "on"
    try:
        email = validate_email(typed)
    except InvalidEmail as error:
        return page(
            request,
            400,
            email_error=nothing_changed(request, error),
            email=typed,
            email_notifications=wants_notifications,
        )
    address = throttle.client_addr(request)
    messages = []
    if email != user.email:
        user.email = email
        user.email_confirmed_at = None
        # Never the address itself: the audit log is read by more people than the owner.
        audit.record("account", "email changed" if email else "email removed", user.username, address)
        messages.append(_("Your email address is saved.") if email else _("Your email address is removed."))
        if email is None:
            tokens.revoke_email_confirmations(request.dbsession, user)
    else:
        messages.append(_("Your email settings are saved."))
    if user.email_notifications != (wants_notifications and email is not None):
        user.email_notifications = wants_notifications and email is not None
        audit.record(
            "account",
            f"email notifications {'on' if user.email_notifications else 'off'}",
            user.username,
            address,
        )
    if email is not None and user.email_confirmed_at is None:
        try:
            if queue_confirmation(request, user) is not None:
                messages.append(
                    _("We are sending a confirmation link to it: open it to confirm the address.")
                )
        except TooManyConfirmations:
            messages.append(
                _(
                    "Confirmation links were sent several times this hour: use one of those, or try again later."
                )
            )
    request.session.flash(" ".join(translate(request, message) for message in messages))
    return HTTPSeeOther(location=request.route_url("accounts.account"))
