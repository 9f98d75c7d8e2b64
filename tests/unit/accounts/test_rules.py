"""The rules every act on a user follows, for the page and the command line alike
(accounts/rules.py), called directly on a real database (both backends): what each allows,
what it refuses, and that a refusal changes nothing and logs nothing."""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from scratchpad.accounts import rules
from scratchpad.models import ModerationAction
from scratchpad.models.types import utcnow
from scratchpad.models.user import ADMIN, MEMBER
from tests.support.factories import make_user

OPERATOR = rules.Actor("command line")
LATER = utcnow() + timedelta(days=7)


@pytest.fixture
def root(dbsession):
    return make_user(dbsession, "root", role=ADMIN)


def entries(dbsession):
    dbsession.flush()
    query = sa.select(ModerationAction).order_by(ModerationAction.id)
    return [(e.moderator_name, e.action, e.user_name, e.detail) for e in dbsession.scalars(query)]


def test_the_last_active_admin_cannot_be_demoted_by_anyone(dbsession, root):
    with pytest.raises(rules.LastActiveAdmin, match="root is the last active admin: making root a member"):
        rules.change_role(dbsession, rules.Actor.admin(root), root, MEMBER)
    assert (root.role, entries(dbsession)) == (ADMIN, [])


def test_an_admin_may_be_demoted_while_another_active_one_stays(dbsession, root, bob):
    bob.role = ADMIN
    assert rules.change_role(dbsession, OPERATOR, root, MEMBER) == (True, 0)
    assert (root.role, entries(dbsession)) == (MEMBER, [("command line", "demote", "root", None)])


def test_a_disabled_admin_does_not_count(dbsession, root, bob):
    bob.role, bob.is_active = ADMIN, False
    with pytest.raises(rules.LastActiveAdmin):
        rules.check_deletable(dbsession, OPERATOR, root)


def test_the_role_someone_has_already_is_no_change_and_no_entry(dbsession, bob):
    assert (rules.change_role(dbsession, OPERATOR, bob, MEMBER), entries(dbsession)) == ((False, 0), [])


def test_making_a_suspended_member_an_admin_lifts_the_suspension(dbsession, bob):
    bob.suspended_until = LATER
    rules.change_role(dbsession, OPERATOR, bob, ADMIN)
    assert (bob.role, bob.suspended_until) == (ADMIN, None)


def test_the_command_line_may_disable_the_last_active_admin_and_is_told(dbsession, root):
    secret = root.session_secret
    assert rules.disable(dbsession, OPERATOR, root) == (True, True, 0)
    assert (root.is_active, root.session_secret != secret) == (False, True)


def test_no_admin_on_the_page_may_disable_the_last_active_admin(dbsession, root, bob):
    with pytest.raises(rules.LastActiveAdmin):
        rules.disable(dbsession, rules.Actor.admin(bob), root)
    assert (root.is_active, entries(dbsession)) == (True, [])


@pytest.mark.parametrize(
    "act, said",
    [
        (lambda db, me: rules.disable(db, rules.Actor.admin(me), me), "cannot disable yourself"),
        (lambda db, me: rules.suspend(db, rules.Actor.admin(me), me, LATER), "cannot suspend yourself"),
        (
            lambda db, me: rules.reset_link(db, rules.Actor.admin(me), me, 24),
            "make a reset link for yourself",
        ),
        (lambda db, me: rules.check_deletable(db, rules.Actor.admin(me), me), "cannot delete yourself"),
    ],
    ids=["disable", "suspend", "reset", "delete"],
)
def test_an_admin_cannot_act_on_themselves_where_it_makes_no_sense(dbsession, root, act, said):
    make_user(dbsession, "second", role=ADMIN)
    with pytest.raises(rules.Refused, match=said):
        act(dbsession, root)
    assert (root.is_active, root.suspended_until, entries(dbsession)) == (True, None, [])


def test_suspending_sets_the_end_and_logs_it(dbsession, root, bob):
    rules.suspend(dbsession, rules.Actor.admin(root), bob, LATER)
    assert (bob.suspended_until, entries(dbsession)) == (
        LATER,
        [("root", "suspend", "bob", f"until {LATER:%Y-%m-%d %H:%M} UTC")],
    )


def test_admins_and_disabled_users_cannot_be_suspended(dbsession, root, bob):
    bob.is_active = False
    with pytest.raises(rules.Refused, match="root is an admin, who cannot be suspended"):
        rules.suspend(dbsession, OPERATOR, root, LATER)
    with pytest.raises(rules.Refused, match="bob is disabled"):
        rules.suspend(dbsession, OPERATOR, bob, LATER)
    assert ((root.suspended_until, bob.suspended_until), entries(dbsession)) == ((None, None), [])


@pytest.mark.parametrize(
    "until, lifted", [(LATER, True), (utcnow() - timedelta(seconds=1), False), (None, False)]
)
def test_lifting_a_suspension_is_a_change_only_while_it_lasts(dbsession, bob, until, lifted):
    bob.suspended_until = until
    assert (rules.unsuspend(dbsession, OPERATOR, bob), bob.suspended_until, len(entries(dbsession))) == (
        lifted,
        None,
        int(lifted),
    )


def test_enabling_and_disabling_twice_is_one_change_each(dbsession, bob):
    changes = [
        rules.disable(dbsession, OPERATOR, bob)[0],
        rules.disable(dbsession, OPERATOR, bob)[0],
        rules.enable(dbsession, OPERATOR, bob),
        rules.enable(dbsession, OPERATOR, bob),
    ]
    assert (changes, [entry[1] for entry in entries(dbsession)]) == (
        [True, False, True, False],
        ["disable", "enable"],
    )


def test_a_disabled_user_gets_no_reset_link(dbsession, bob):
    bob.is_active = False
    with pytest.raises(rules.Refused, match="bob is disabled; enable them first"):
        rules.reset_link(dbsession, OPERATOR, bob, 24)


def test_an_invitation_is_logged_with_its_role_and_refused_for_a_taken_name(dbsession, bob):
    rules.invite(dbsession, OPERATOR, "Dave", ADMIN, 168)
    with pytest.raises(rules.Refused, match="already exists"):
        rules.invite(dbsession, OPERATOR, "bob", MEMBER, 168)
    assert entries(dbsession) == [("command line", "invite", "dave", "an admin")]


@pytest.mark.parametrize(
    "detail, end",
    [
        ("until 2099-03-04 05:06 UTC", datetime(2099, 3, 4, 5, 6, tzinfo=UTC)),
        ("a member", None),  # an invitation's
        ("until next week", None),
        (None, None),
    ],
)
def test_the_log_reads_back_the_end_a_suspension_wrote(detail, end):
    """What ``suspend`` writes in the log's detail, the log page reads back as a time to
    write in its reader's language and zone; any other detail is shown as it is."""
    assert rules.suspension_end(detail) == end
