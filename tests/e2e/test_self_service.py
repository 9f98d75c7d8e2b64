"""Members and admins helping themselves in a real browser (issue 15): an invitation made on
the admin's users page, taken up by the invitee, who posts their first comment and then
changes their password (their other session ends); at desktop and phone sizes, each page
axe-clean and without sideways scroll."""

from urllib.parse import urlsplit

import pytest

from tests.support.browsing import ADMIN, ADMIN_PASSWORD, DESKTOP, PHONE

pytestmark = pytest.mark.e2e

CHOSEN, CHANGED = "a password I chose myself", "a password I changed to"


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
    admin.assert_readable()
    admin.page.fill("#invite-username", name)
    admin.press_button("Invite")
    link = admin.page.get_by_label("Invitation link").input_value()
    admin.assert_readable()

    invitee = open_tab(size)
    invitee.goto(urlsplit(link).path)
    invitee.assert_readable()
    invitee.page.fill("#password", CHOSEN)
    invitee.page.fill("#password_again", CHOSEN)
    invitee.press_button("Create my account")
    assert invitee.flash_messages() == [f"Welcome, {name}: your account is ready and you are logged in."]
    invitee.page.fill("#contents", f"The first words of {name}")
    invitee.press_button("Post comment")
    assert invitee.comments()[0][0] == f"The first words of {name}"
    assert invitee.comments()[0][1].endswith(f"by {name}")
    invitee.assert_readable()

    # A second session of theirs, elsewhere, which changing the password ends.
    elsewhere = open_tab(size)
    elsewhere.log_in(name, CHOSEN)
    assert is_logged_in_as(elsewhere, name)

    invitee.goto("/account")
    invitee.assert_readable()
    invitee.page.fill("#current_password", CHOSEN)
    invitee.page.fill("#new_password", CHANGED)
    invitee.page.fill("#new_password_again", CHANGED)
    invitee.press_button("Change password")
    assert invitee.page.url.endswith("/account")
    assert len(invitee.flash_messages()) == 1
    invitee.assert_readable()
    assert is_logged_in_as(invitee, name)
    assert not is_logged_in_as(elsewhere, name)

    elsewhere.expect_error(400, "POST", "/login/")
    elsewhere.log_in(name, CHOSEN)
    assert not is_logged_in_as(elsewhere, name)
    elsewhere.log_in(name, CHANGED)
    assert is_logged_in_as(elsewhere, name)
