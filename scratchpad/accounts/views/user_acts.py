"""What an admin does to one user from ``/admin/users``: disable or enable them, make them an
admin or a member, give them a reset link, suspend them for a time or lift it. Each is a POST
(CSRF-checked like every other), decided by the rules the command line uses too
(accounts/rules.py, which writes the moderation log), written to the audit log, and said in a
flash message; a refusal re-renders the page with the rules' reason and changes nothing."""

from typing import Any

from pyramid.httpexceptions import HTTPNotFound, HTTPSeeOther
from pyramid.request import Request
from pyramid.response import Response
from pyramid.view import view_config

from scratchpad import audit
from scratchpad.accounts import rules, suspension, throttle
from scratchpad.accounts.views.users import USERS_TEMPLATE, page
from scratchpad.i18n.messages import _, nothing_changed, translate
from scratchpad.models import User
from scratchpad.models.user import ADMIN, ROLES


def target_of(request: Request) -> User:
    user = request.dbsession.get(User, int(request.matchdict["user_id"]))
    if user is None:
        raise HTTPNotFound(_("There is no user with that number."))
    return user


def actor_of(request: Request) -> rules.Actor:
    return rules.Actor.admin(request.identity)


def record(request: Request, outcome: str, target: User, **details: object) -> None:
    address = throttle.client_addr(request)
    audit.record("user", outcome, target.username, address, by=request.identity.username, **details)


def done(request: Request, message: str, **mapping: object) -> Response:
    request.session.flash(translate(request, message, **mapping))
    # 303 so a reload re-GETs the list instead of acting again.
    return HTTPSeeOther(location=request.route_url("admin.users"))


def refused(request: Request, error: Exception, status: int = 409, **values: Any) -> dict[str, Any]:
    return page(request, status, act_error=nothing_changed(request, error), **values)


def user_act(act: str) -> Any:
    """The view settings every act shares: admins only, POST only, the users page on refusal."""
    return view_config(
        route_name=f"admin.user_{act}",
        request_method="POST",
        renderer=USERS_TEMPLATE,
        permission="manage_users",
    )


def say_links_revoked(request: Request, target: User, revoked: int) -> None:
    """Tells the admin that the open links ``target`` made stopped working, when there were any
    (rules.disable, rules.change_role): the invitations list no longer shows theirs."""
    if revoked:
        request.session.flash(
            translate(
                request,
                _("The open links ${username} made (invitations and password resets) no longer work."),
                username=target.username,
            )
        )


@user_act("disable")
def disable(request: Request) -> dict[str, Any] | Response:
    target = target_of(request)
    try:
        disabled = rules.disable(request.dbsession, actor_of(request), target)
    except rules.Refused as error:
        return refused(request, error)
    if not disabled.changed:
        return done(request, _("${username} was already disabled."), username=target.username)
    record(request, "disabled", target, **rules.revoked_detail(disabled.links_revoked))
    response = done(
        request,
        _("Disabled ${username}: they cannot log in, and their sessions have ended."),
        username=target.username,
    )
    say_links_revoked(request, target, disabled.links_revoked)
    return response


@user_act("enable")
def enable(request: Request) -> Response:
    target = target_of(request)
    if not rules.enable(request.dbsession, actor_of(request), target):
        return done(request, _("${username} was already enabled."), username=target.username)
    record(request, "enabled", target)
    return done(request, _("Enabled ${username}: they can log in again."), username=target.username)


@user_act("role")
def change_role(request: Request) -> dict[str, Any] | Response:
    target = target_of(request)
    role = request.POST.get("role", "")
    if role not in ROLES:
        # Each role by its name in the reader's language, as the users page shows it.
        names = {"admin": translate(request, _("admin")), "member": translate(request, _("member"))}
        return refused(request, ValueError(_("The role must be ${admin} or ${member}.", mapping=names)), 400)
    try:
        changed, links_revoked = rules.change_role(request.dbsession, actor_of(request), target, role)
    except rules.Refused as error:
        return refused(request, error)
    if not changed:
        if role == ADMIN:
            return done(request, _("${username} is already an admin."), username=target.username)
        return done(request, _("${username} is already a member."), username=target.username)
    record(request, "role changed", target, role=role, **rules.revoked_detail(links_revoked))
    if role == ADMIN:
        return done(
            request, _("${username} is now an admin and may moderate the board."), username=target.username
        )
    response = done(
        request, _("${username} is now a member and no longer moderates."), username=target.username
    )
    say_links_revoked(request, target, links_revoked)
    return response


@user_act("reset")
def reset_link(request: Request) -> dict[str, Any]:
    """Shows the link on the page this POST answers, once, as an invitation is (users.invite)."""
    target = target_of(request)
    hours = request.registry.settings["scratchpad.reset_hours"]
    try:
        token, link = rules.reset_link(request.dbsession, actor_of(request), target, hours)
    except rules.Refused as error:
        return refused(request, error)
    audit.record(
        "reset", "created", target.username, throttle.client_addr(request), by=request.identity.username
    )
    reset = {
        "username": target.username,
        "url": request.route_url("accounts.reset", token=token),
        "expires_at": link.expires_at,
    }
    return page(request, reset_created=reset)


@user_act("suspend")
def suspend(request: Request) -> dict[str, Any] | Response:
    """Until the date typed, if one was, else for the length chosen."""
    target = target_of(request)
    typed = request.POST.get("until_date", "").strip()
    try:
        until = suspension.parse_until(typed or request.POST.get("duration", ""))
        rules.suspend(request.dbsession, actor_of(request), target, until)
    except suspension.InvalidUntil as error:
        return refused(request, error, 400, typed_until={target.id: typed})
    except rules.Refused as error:
        return refused(request, error)
    ends = f"{until:%Y-%m-%d %H:%M} UTC"
    record(request, "suspended", target, until=ends)
    return done(
        request,
        _("Suspended ${username} until ${until}: they can read, but not post, reply or edit."),
        username=target.username,
        until=ends,
    )


@user_act("unsuspend")
def unsuspend(request: Request) -> Response:
    target = target_of(request)
    if not rules.unsuspend(request.dbsession, actor_of(request), target):
        return done(request, _("${username} was not suspended."), username=target.username)
    record(request, "unsuspended", target)
    return done(
        request, _("Lifted the suspension of ${username}: they can post again."), username=target.username
    )
