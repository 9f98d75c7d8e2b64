"""What may be done to a user, and doing it: one set of rules for the admins' page
(``/admin/users``) and the command line (``scratchpad-admin users``).

Each act takes who acts (:class:`Actor`) and the user acted on, changes the row in the caller's
transaction and adds the moderation log's entry, or raises :class:`Refused` with a message for
the person acting, having changed nothing. The callers write the audit log once the change is
theirs to report (the command line after its commit).

The rules: the last active admin cannot be demoted or deleted (nobody could moderate the
board); disabling them is allowed to the command line alone, as the emergency brake for a
stolen account. On the page an admin may step down to member while another admin stays, but
cannot disable, suspend or delete themselves, nor take a reset link for themselves (their
account page changes their password); an admin cannot be suspended (make them a member
first, or disable them), nor a disabled user (who cannot log in anyway).
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm import Session

from scratchpad.accounts import suspension, tokens
from scratchpad.i18n.messages import Explained, _, message_of
from scratchpad.models import AccountToken, ModerationAction, User
from scratchpad.models import moderation as log
from scratchpad.models.user import ADMIN, MEMBER
from scratchpad.notifications import feed_address

#: How messages name a role.
ROLE_NAMES = {ADMIN: "an admin", MEMBER: "a member"}


class Refused(Explained, Exception):
    """The act is not allowed; nothing was changed. The message says why."""


class LastActiveAdmin(Refused):
    """Refused because the board would be left without an active admin."""


@dataclass(frozen=True)
class Actor:
    """Who acts: an admin on the page (``user``), or the operator at the command line
    (``user`` None, ``name`` "command line")."""

    name: str
    user: User | None = None

    @classmethod
    def admin(cls, user: User) -> "Actor":
        return cls(user.username, user)

    def is_self(self, target: User) -> bool:
        return self.user is not None and self.user.id == target.id


def is_last_active_admin(dbsession: Session, user: User) -> bool:
    """True when ``user`` is the only active admin, so taking them away leaves nobody to moderate.

    Locks the active admins' rows until the transaction ends, so two changes at once cannot
    each take away one of the last two admins (on SQLite, which ignores FOR UPDATE, the second
    of two such transactions to write fails instead of acting on what it read).
    """
    if not (user.is_admin and user.is_active):
        return False
    admin_ids = dbsession.scalars(
        sa.select(User.id).where(User.role == ADMIN, User.is_active).with_for_update()
    ).all()
    return admin_ids == [user.id]


#: Why the last active admin may not lose their powers, by the change refused.
LAST_ADMIN_REFUSALS = {
    "demote": _(
        "${username} is the last active admin: making ${username} a member would leave nobody to "
        "moderate the board. Make another user an admin first."
    ),
    "disable": _(
        "${username} is the last active admin: disabling ${username} would leave nobody to "
        "moderate the board. Make another user an admin first."
    ),
    "delete": _(
        "${username} is the last active admin: deleting ${username} would leave nobody to "
        "moderate the board. Make another user an admin first."
    ),
}
#: Why an admin may not do this to themselves from the users page, by the act.
SELF_REFUSALS = {
    "disable": _("You cannot disable yourself here; another admin (or the command line) can."),
    "suspend": _("You cannot suspend yourself here; another admin (or the command line) can."),
    "make a reset link for": _(
        "You cannot make a reset link for yourself here; another admin (or the command line) can."
    ),
    "delete": _("You cannot delete yourself here; another admin (or the command line) can."),
}


def refuse_last_active_admin(dbsession: Session, user: User, change: str) -> None:
    if is_last_active_admin(dbsession, user):
        raise LastActiveAdmin(_(LAST_ADMIN_REFUSALS[change], mapping={"username": user.username}))


def refuse_self(actor: Actor, target: User, what: str) -> None:
    if actor.is_self(target):
        raise Refused(SELF_REFUSALS[what])


def _log(dbsession: Session, actor: Actor, action: str, target_name: str, detail: str | None = None) -> None:
    dbsession.add(ModerationAction.record_user_act(actor.user, actor.name, action, target_name, detail))


class RoleChange(NamedTuple):
    changed: bool  # False: they had the role already
    links_revoked: int  # open links a demoted admin had made (``tokens.revoke_made_by``)


def change_role(dbsession: Session, actor: Actor, target: User, role: str) -> RoleChange:
    """Make ``target`` an admin or a member. An admin made a member loses the open links they
    made with the admin's power (``tokens.revoke_made_by``)."""
    if target.role == role:
        return RoleChange(False, 0)
    refuse_last_active_admin(dbsession, target, "demote")
    if role == ADMIN:
        target.suspended_until = None  # an admin is never suspended
    target.role = role
    _log(dbsession, actor, log.PROMOTE if role == ADMIN else log.DEMOTE, target.username)
    revoked = 0 if role == ADMIN else tokens.revoke_made_by(dbsession, target.username)
    return RoleChange(True, revoked)


def revoked_detail(links_revoked: int) -> dict[str, int]:
    """The audit line's ``links_revoked`` (``change_role``, ``disable``), when there were any."""
    return {"links_revoked": links_revoked} if links_revoked else {}


def end_every_way_in(dbsession: Session, user: User) -> bool:
    """End ``user``'s sessions and every other way into their account but the password itself:
    their open reset links and their notifications' feed address. What a new password,
    "log out everywhere else" and disabling do, so that whoever holds any of them (a thief
    with a stolen session mints a feed address in one click) loses it with the sessions.
    Whether a feed address was ended (the page says so: a feed reader stops with it)."""
    user.end_sessions()
    return end_other_ways_in(dbsession, user)


def end_other_ways_in(dbsession: Session, user: User) -> bool:
    """``end_every_way_in`` but the sessions: for a new password, whose ``User.set_password``
    has ended them already. Whether a feed address was ended."""
    tokens.revoke_resets(dbsession, user)
    return feed_address.end(dbsession, user.id)


class Disabled(NamedTuple):
    changed: bool  # False: they were disabled already
    left_no_admin: bool  # the board has no active admin now (only the command line may do that)
    links_revoked: int  # open links they had made (``tokens.revoke_made_by``)


def disable(dbsession: Session, actor: Actor, target: User) -> Disabled:
    """Stop ``target`` logging in, end every way into their account (``end_every_way_in``),
    and revoke the open links they made: disabling is the brake for a stolen admin account,
    which would otherwise come back through a reset link for another admin or an invitation."""
    if not target.is_active:
        return Disabled(False, False, 0)
    refuse_self(actor, target, "disable")
    last_admin = is_last_active_admin(dbsession, target)
    if last_admin and actor.user is not None:
        refuse_last_active_admin(dbsession, target, "disable")
    target.is_active = False
    end_every_way_in(dbsession, target)
    _log(dbsession, actor, log.DISABLE, target.username)
    return Disabled(True, last_admin, tokens.revoke_made_by(dbsession, target.username))


def enable(dbsession: Session, actor: Actor, target: User) -> bool:
    if target.is_active:
        return False
    target.is_active = True
    _log(dbsession, actor, log.ENABLE, target.username)
    return True


def suspend(dbsession: Session, actor: Actor, target: User, until: datetime) -> None:
    """Let ``target`` read and log in but not post, reply or edit until ``until`` (a later or
    earlier end replaces the one they had). ``until`` comes from ``suspension.parse_until``."""
    refuse_self(actor, target, "suspend")
    if target.is_admin:
        raise Refused(
            _(
                "${username} is an admin, who cannot be suspended: make them a member first, or disable them.",
                mapping={"username": target.username},
            )
        )
    if not target.is_active:
        raise Refused(
            _(
                "${username} is disabled, which already stops them posting.",
                mapping={"username": target.username},
            )
        )
    target.suspended_until = until
    _log(dbsession, actor, log.SUSPEND, target.username, until.strftime(SUSPENSION_DETAIL))


#: How ``suspend`` writes the end in the log entry's ``detail``: in UTC, the same words in any
#: language (the log page writes it in the reader's, ``suspension_end``).
SUSPENSION_DETAIL = "until %Y-%m-%d %H:%M UTC"


def suspension_end(detail: str | None) -> datetime | None:
    """The end a suspension's log entry names (``SUSPENSION_DETAIL``), None for any other
    detail: for the log page, which writes it as every time is written to its reader."""
    try:
        return datetime.strptime(detail or "", SUSPENSION_DETAIL).replace(tzinfo=UTC)
    except ValueError:
        return None


def unsuspend(dbsession: Session, actor: Actor, target: User) -> bool:
    """Lift ``target``'s suspension now; False when they were not suspended."""
    if suspension.active_until(target) is None:
        target.suspended_until = None
        return False
    target.suspended_until = None
    _log(dbsession, actor, log.UNSUSPEND, target.username)
    return True


def reset_link(dbsession: Session, actor: Actor, target: User, hours: int) -> tuple[str, AccountToken]:
    """A one-time link where ``target`` chooses a new password (tokens.create_reset)."""
    refuse_self(actor, target, "make a reset link for")
    try:
        token, link = tokens.create_reset(dbsession, target, actor.name, hours)
    except tokens.LinkRefused as error:
        raise Refused(message_of(error)) from None
    _log(dbsession, actor, log.RESET, target.username)
    return token, link


def invite(dbsession: Session, actor: Actor, name: str, role: str, hours: int) -> tuple[str, AccountToken]:
    """A one-time link where a new user ``name`` chooses their password (tokens.create_invitation;
    raises ``InvalidUsername`` for a name nobody could type)."""
    try:
        token, link = tokens.create_invitation(dbsession, name, role, actor.name, hours)
    except tokens.LinkRefused as error:
        raise Refused(message_of(error)) from None
    _log(dbsession, actor, log.INVITE, link.username, ROLE_NAMES[role])
    return token, link


def check_deletable(dbsession: Session, actor: Actor, target: User) -> None:
    """Refuse deleting the last active admin (the command line then deletes: scripts/admin.py)."""
    refuse_self(actor, target, "delete")
    refuse_last_active_admin(dbsession, target, "delete")
