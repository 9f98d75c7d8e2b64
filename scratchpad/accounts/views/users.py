"""``/admin/users``, for admins: every user (role, status, last login, how many comments),
newest first a page at a time; invite someone (a one-time link they open to choose their own
password) and see or revoke the invitations still open. The command line does the same
(``scratchpad-admin CONFIG users invite``), through the same rules (accounts/rules.py); the
acts on one user are in user_acts.py."""

import sqlalchemy as sa
from pyramid.httpexceptions import HTTPSeeOther
from pyramid.request import Request
from pyramid.response import Response
from pyramid.view import view_config

from scratchpad import audit
from scratchpad.accounts import rules, throttle, tokens
from scratchpad.board import keyset
from scratchpad.i18n.messages import _, message_of, translate
from scratchpad.models import Comment, User
from scratchpad.models.types import utcnow
from scratchpad.models.user import ADMIN, MEMBER, InvalidUsername

USERS_TEMPLATE = "scratchpad:templates/admin/users.jinja2"
USERS_PAGE_SIZE = 50
#: The suspension lengths offered on the page (any date can be typed instead).
SUSPEND_CHOICES = (("1d", _("1 day")), ("7d", _("7 days")), ("30d", _("30 days")))


def users_page_of(request: Request) -> keyset.Page:
    """One page of users, newest first, in one statement: each user's comments are counted
    by a subquery on the commenter index, so the page costs the same however many users and
    comments the board has. Never the password hash, session secret or email."""
    before = keyset.before_param(request, "user")
    comments = sa.select(sa.func.count()).where(Comment.commenter_id == User.id).scalar_subquery()
    query = sa.select(
        User.id,
        User.username,
        User.role,
        User.is_active,
        User.suspended_until,
        User.last_login_at,
        comments.label("comment_count"),
    )
    rows = request.dbsession.execute(keyset.newest_first(query, User.id, USERS_PAGE_SIZE, before))
    return keyset.page_of(rows, USERS_PAGE_SIZE)


def page(request: Request, status: int = 200, **values: object) -> dict[str, object]:
    """The page's values; a failed invitation adds its error and the typed name and role."""
    request.response.status = status
    users = users_page_of(request)
    return {
        "users": users.rows,
        "older_than": users.older_than,
        "is_newest": "before" not in request.GET,
        "invitations": tokens.open_invitations(request.dbsession),
        "invite_name": "",
        "invite_admin": False,
        "hours": request.registry.settings["scratchpad.invitation_hours"],
        "now": utcnow(),
        "suspend_choices": SUSPEND_CHOICES,
        "typed_until": {},
        **values,
    }


@view_config(
    route_name="admin.users", request_method="GET", renderer=USERS_TEMPLATE, permission="manage_users"
)
def users_page(request: Request) -> dict:
    return page(request)


@view_config(
    route_name="admin.invitations", request_method="POST", renderer=USERS_TEMPLATE, permission="manage_users"
)
def invite(request: Request) -> dict:
    """Shows the new link on the page this POST answers, once: it is stored only as a hash,
    and a redirect would have to carry it in the (signed, not encrypted) session cookie."""
    admin = request.identity
    name = request.POST.get("username", "")
    as_admin = request.POST.get("admin") == "on"
    role = ADMIN if as_admin else MEMBER
    settings = request.registry.settings
    try:
        token, link = rules.invite(
            request.dbsession, rules.Actor.admin(admin), name, role, settings["scratchpad.invitation_hours"]
        )
    except (InvalidUsername, rules.Refused) as error:
        return page(
            request,
            400,
            invite_error=translate(
                request, _("${error} No invitation was made."), error=translate(request, message_of(error))
            ),
            invite_name=name,
            invite_admin=as_admin,
        )
    audit.record(
        "invitation", "created", link.username, throttle.client_addr(request), role=role, by=admin.username
    )
    return page(
        request,
        created={
            "username": link.username,
            "role": role,
            "url": request.route_url("accounts.invitation", token=token),
            "expires_at": link.expires_at,
        },
    )


@view_config(route_name="admin.invitation_revoke", request_method="POST", permission="manage_users")
def revoke(request: Request) -> Response:
    link = tokens.revoke_invitation(request.dbsession, int(request.matchdict["invitation_id"]))
    if link is None:
        request.session.flash(translate(request, _("That invitation was already used, revoked or expired.")))
    else:
        audit.record(
            "invitation",
            "revoked",
            link.username,
            throttle.client_addr(request),
            by=request.identity.username,
        )
        request.session.flash(
            translate(
                request,
                _("The invitation for ${username} is revoked; its link no longer works."),
                username=link.username,
            )
        )
    return HTTPSeeOther(location=request.route_url("admin.users"))
