"""What ends with a hold on an account (accounts/rules.py): a new password, "log out
everywhere else" and disabling end the user's open reset links and their notifications' feed
address with their sessions (``end_every_way_in``); disabling an admin, or making them a
member, revokes the open links they made (``tokens.revoke_made_by``), so a stolen admin
account cannot come back through a reset link for another admin or an admin invitation.
Each through the whole WSGI stack, on both backends."""

import pytest

from scratchpad.accounts import tokens
from tests.support.factories import PASSWORD, make_user

NEW_PASSWORD = "a brand new password"


@pytest.fixture
def link(dbsession):
    """``link(kind, for_or_name, created_by)``: the path of a new reset link for a user, or of
    an admin invitation for a name, made by ``created_by``."""

    def make(kind, target, created_by):
        if kind == "reset":
            token, _ = tokens.create_reset(dbsession, target, created_by, 24)
        else:
            token, _ = tokens.create_invitation(dbsession, target, "admin", created_by, 168)
        dbsession.flush()
        return f"/{'reset' if kind == 'reset' else 'invitations'}/{token}"

    return make


def new_feed_address(member):
    page = member.get("/account").forms["feed-address-form"].submit(status=200)
    return page.html.find("input", id="feed-url")["value"]


def flashes(page):
    return [" ".join(p.get_text().split()) for p in page.html.select(".flash-message")]


def form_to(page, action):
    """The page's form that posts to ``action`` (a path)."""
    return next(form for form in page.forms.values() if form.action == action)


def statuses(reader, *paths):
    return [reader.get(path, expect_errors=True).status_int for path in paths]


@pytest.fixture
def eve(dbsession):
    """An admin whose account was stolen: the thief made links with it."""
    return make_user(dbsession, "eve", role="admin")


@pytest.mark.parametrize("act", ["disable", "demote"])
def test_an_admin_who_loses_the_power_loses_the_links_they_made(
    act, root, eve, dbsession, browser, link, caplog
):
    caplog.set_level("INFO", logger="scratchpad.audit")
    dave = make_user(dbsession, "dave", role="admin")
    takeover = link("reset", dave, created_by="eve")
    sleeper = link("invitation", "sleeper", created_by="eve")
    others = link("invitation", "newcomer", created_by="root")  # another admin's: it stays
    form = form_to(
        root.get("/admin/users"), f"/admin/users/{eve.id}/{'disable' if act == 'disable' else 'role'}"
    )
    if act == "demote":
        form["role"] = "member"
    shown = form.submit(status=303).follow()
    assert (
        statuses(browser(), takeover, sleeper, others),
        "The open links eve made (invitations and password resets) no longer work." in flashes(shown),
        any("links_revoked=2" in record.getMessage() for record in caplog.records),
    ) == ([404, 404, 200], True, True)


def test_an_admin_made_admin_again_keeps_their_links(root, eve, dbsession, browser, link):
    invitation = link("invitation", "sleeper", created_by="eve")
    member = make_user(dbsession, "mallory")
    form = form_to(root.get("/admin/users"), f"/admin/users/{member.id}/role")
    form["role"] = "admin"
    shown = form.submit(status=303).follow()
    assert (statuses(browser(), invitation), [f for f in flashes(shown) if "no longer work" in f]) == (
        [200],
        [],
    )


@pytest.mark.parametrize("how", ["new password", "log out everywhere else"])
def test_securing_an_account_ends_its_reset_links_and_feed_address(how, alice, browser, link):
    reset = link("reset", alice, created_by="root")
    member = browser()
    member.login("alice", PASSWORD)
    feed = new_feed_address(member)
    account = member.get("/account")
    if how == "new password":
        form = form_to(account, "/account/password")
        form["current_password"] = PASSWORD
        form["new_password"] = form["new_password_again"] = NEW_PASSWORD
    else:
        form = form_to(account, "/account/sessions")
    shown = form.submit(status=303).follow()
    assert (
        statuses(browser(), reset, feed),
        any("feed address has ended too" in flash for flash in flashes(shown)),
        "You have no feed address." in shown,
    ) == ([404, 404], True, True)


def test_without_a_feed_address_nothing_is_said_of_one(alice, browser):
    member = browser()
    member.login("alice", PASSWORD)
    shown = form_to(member.get("/account"), "/account/sessions").submit(status=303).follow()
    assert [flash for flash in flashes(shown) if "feed" in flash] == []


def test_logging_out_keeps_the_feed_address_and_reset_links(alice, browser, link):
    """A plain logout ends every ticket (views/login.py) but is no alarm: a feed reader goes on."""
    reset = link("reset", alice, created_by="root")
    member = browser()
    member.login("alice", PASSWORD)
    feed = new_feed_address(member)
    form_to(member.get("/logout/"), "/logout/").submit(status=303)
    assert statuses(browser(), feed, reset) == [200, 200]


def test_disabling_ends_the_feed_address_and_a_disabled_members_feed_is_a_404(
    root, alice, dbsession, browser
):
    member = browser()
    member.login("alice", PASSWORD)
    feed = new_feed_address(member)
    # Disabled before this rule (the row kept): the feed still answers nobody.
    alice.is_active = False
    dbsession.flush()
    before = statuses(browser(), feed)
    alice.is_active = True
    dbsession.flush()
    form_to(root.get("/admin/users"), f"/admin/users/{alice.id}/disable").submit(status=303)
    alice.is_active = True  # enabled again by hand: the address stays ended
    dbsession.flush()
    assert (before, statuses(browser(), feed)) == ([404], [404])


def test_a_reset_link_used_ends_the_users_feed_address(alice, browser, link):
    member = browser()
    member.login("alice", PASSWORD)
    feed = new_feed_address(member)
    reset = link("reset", alice, created_by="root")
    visitor = browser()
    form = next(form for form in visitor.get(reset).forms.values() if "password_again" in form.fields)
    form["password"] = form["password_again"] = NEW_PASSWORD
    form.submit(status=303)
    assert statuses(browser(), feed) == [404]
