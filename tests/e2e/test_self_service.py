"""Members and admins helping themselves in a real browser (issue 15): an invitation made on
the admin's users page, taken up by the invitee, who posts their first comment and then
changes their password (their other session ends); at desktop and phone sizes, each page
axe-clean and without sideways scroll."""

from urllib.parse import urlsplit

import pytest

from tests.support.browsing import ADMIN, ADMIN_PASSWORD, DESKTOP, PHONE

pytestmark = pytest.mark.e2e

NO_SIDEWAYS_SCROLL = "() => document.scrollingElement.scrollWidth <= document.scrollingElement.clientWidth"
CHOSEN, CHANGED = "a password I chose myself", "a password I changed to"


def assert_readable(tab):
    tab.page.mouse.move(0, 0)
    tab.page.wait_for_timeout(300)  # Bootstrap's colour transitions over, for axe
    assert tab.page.evaluate(NO_SIDEWAYS_SCROLL) is True
    assert tab.axe_violations() == []


def press(tab, name):
    tab.navigate(lambda: tab.page.get_by_role("button", name=name, exact=True).click())


def is_logged_in_as(tab, username):
    tab.goto("/")
    return (
        tab.page.locator("#logout-form").count() == 1
        and username in tab.page.get_by_role("navigation", name="Main").inner_text()
    )


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_an_invitation_leads_to_a_first_post_and_a_password_change(open_tab, size):
    name = f"newcomer{size[0]}"

    admin = open_tab(size)
    admin.log_in(ADMIN, ADMIN_PASSWORD)
    admin.goto("/admin/users")
    assert_readable(admin)
    admin.page.fill("#invite-username", name)
    press(admin, "Invite")
    link = admin.page.get_by_label("Invitation link").input_value()
    assert_readable(admin)

    invitee = open_tab(size)
    invitee.goto(urlsplit(link).path)
    assert_readable(invitee)
    invitee.page.fill("#password", CHOSEN)
    invitee.page.fill("#password_again", CHOSEN)
    press(invitee, "Create my account")
    assert invitee.flash_messages() == [f"Welcome, {name}: your account is ready and you are logged in."]
    invitee.page.fill("#contents", f"The first words of {name}")
    press(invitee, "Post comment")
    assert invitee.comments()[0][0] == f"The first words of {name}"
    assert invitee.comments()[0][1].endswith(f"by {name}")
    assert_readable(invitee)

    # A second session of theirs, elsewhere, which changing the password ends.
    elsewhere = open_tab(size)
    elsewhere.log_in(name, CHOSEN)
    assert is_logged_in_as(elsewhere, name)

    invitee.goto("/account")
    assert_readable(invitee)
    invitee.page.fill("#current_password", CHOSEN)
    invitee.page.fill("#new_password", CHANGED)
    invitee.page.fill("#new_password_again", CHANGED)
    press(invitee, "Change password")
    assert invitee.page.url.endswith("/account")
    assert len(invitee.flash_messages()) == 1
    assert_readable(invitee)
    assert is_logged_in_as(invitee, name)
    assert not is_logged_in_as(elsewhere, name)

    elsewhere.expect_error(400, "POST", "/login/")
    elsewhere.log_in(name, CHOSEN)
    assert not is_logged_in_as(elsewhere, name)
    elsewhere.log_in(name, CHANGED)
    assert is_logged_in_as(elsewhere, name)
