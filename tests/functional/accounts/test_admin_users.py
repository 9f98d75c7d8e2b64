"""``/admin/users``: an admin invites someone and sees or revokes the open invitations;
members and visitors cannot reach it. Through the whole WSGI stack on both backends."""

import pytest
import sqlalchemy as sa

from scratchpad.accounts import tokens
from scratchpad.models import User
from scratchpad.models.user import InvalidUsername
from tests.support.factories import make_comment, make_user
from tests.support.xss_vectors import HTML_VECTORS

PASSWORD = "correct horse battery"
CHOSEN = "my own chosen password"


def invite_form(visitor):
    return next(form for form in visitor.get("/admin/users").forms.values() if "username" in form.fields)


def invite(visitor, name, as_admin=False, status=200):
    form = invite_form(visitor)
    form["username"] = name
    form["admin"] = as_admin
    return form.submit(status=status)


def open_names(dbsession):
    dbsession.expire_all()
    return [link.username for link in tokens.open_invitations(dbsession)]


def test_visitors_are_sent_to_log_in(testapp):
    assert (
        testapp.get("/admin/users", status=303).location == "http://example.com/login/?next=%2Fadmin%2Fusers"
    )


def test_members_get_403(logged_in):
    logged_in.get("/admin/users", status=403)


def test_members_cannot_invite(logged_in, dbsession):
    token = logged_in.get_csrf_token()
    logged_in.post(
        "/admin/users/invitations", {"username": "mallory", "admin": "on", "csrf_token": token}, status=403
    )
    assert open_names(dbsession) == []


def test_members_cannot_revoke(logged_in, dbsession):
    _, link = tokens.create_invitation(dbsession, "dave", "member", "root", 168)
    dbsession.flush()
    logged_in.post(
        f"/admin/invitations/{link.id}/revoke", {"csrf_token": logged_in.get_csrf_token()}, status=403
    )
    assert open_names(dbsession) == ["dave"]


def test_the_navbar_shows_admins_the_users_page(root):
    assert root.get("/").html.find("a", href="/admin/users") is not None


def test_the_navbar_hides_it_from_members(logged_in):
    assert logged_in.get("/").html.find("a", href="/admin/users") is None


def test_inviting_shows_the_link_once_and_lists_the_invitation(root, dbsession):
    response = invite(root, "Dave")
    url = response.html.find(id="invitation-link")["value"]
    listed = root.get("/admin/users")
    assert (
        url.startswith("http://example.com/invitations/"),
        tokens.find_open(dbsession, "invitation", url.rsplit("/", 1)[1]).username,
        response.headers["Cache-Control"],
        listed.html.find(id="invitation-link"),
        [cell.text for cell in listed.html.select("table.open-invitations td")[:3]],
    ) == (True, "dave", "no-store", None, ["dave", "member", "root"])


def test_the_shown_link_lets_the_invitee_in(root, browser, dbsession):
    url = invite(root, "dave", as_admin=True).html.find(id="invitation-link")["value"]
    newcomer = browser()
    form = next(form for form in newcomer.get(url).forms.values() if "password_again" in form.fields)
    form["password"] = form["password_again"] = CHOSEN
    form.submit(status=303)
    dbsession.expire_all()
    assert dbsession.scalars(sa.select(User.role).where(User.username == "dave")).one() == "admin"


def test_inviting_is_audited(root, caplog):
    caplog.set_level("INFO", logger="scratchpad.audit")
    invite(root, "dave")
    assert "invitation created user='dave'" in caplog.text
    assert "by='root'" in caplog.text


@pytest.mark.parametrize(
    "name, message", [("alice", "already exists"), ("   ", "must not be empty"), ("x" * 129, "at most 128")]
)
def test_an_invitation_that_cannot_be_made_says_why_keeping_the_typed_name(
    root, alice, dbsession, name, message
):
    response = invite(root, name, as_admin=True, status=400)
    assert (
        message in response.text,
        response.html.find(id="invite-username")["value"],
        response.html.find(id="invite-admin").has_attr("checked"),
        open_names(dbsession),
    ) == (True, name, True, [])


def test_inviting_needs_a_csrf_token(root, dbsession):
    root.post("/admin/users/invitations", {"username": "dave"}, status=400)
    assert open_names(dbsession) == []


def test_revoking_an_invitation_stops_its_link(root, browser, dbsession):
    url = invite(root, "dave").html.find(id="invitation-link")["value"]
    page = root.get("/admin/users")
    revoke = next(form for form in page.forms.values() if form.action.endswith("/revoke"))
    response = revoke.submit(status=303).follow()
    assert (
        "The invitation for dave is revoked" in response.text,
        open_names(dbsession),
        browser().get(url, status=404).status_int,
    ) == (True, [], 404)


def test_revoking_twice_says_it_was_already_gone(root, dbsession):
    invite(root, "dave")
    page = root.get("/admin/users")
    revoke = next(form for form in page.forms.values() if form.action.endswith("/revoke"))
    revoke.submit(status=303)
    again = revoke.submit(status=303).follow()
    assert "already used, revoked or expired" in again.text


def test_revoking_needs_a_csrf_token(root, dbsession):
    _, link = tokens.create_invitation(dbsession, "dave", "member", "root", 168)
    dbsession.flush()
    root.post(f"/admin/invitations/{link.id}/revoke", {}, status=400)
    assert open_names(dbsession) == ["dave"]


def test_used_invitations_leave_the_list(root, dbsession):
    _, link = tokens.create_invitation(dbsession, "dave", "member", "root", 168)
    link.used_at = link.created_at
    dbsession.flush()
    assert "No open invitations" in root.get("/admin/users")


def test_names_are_escaped_in_the_list_and_on_the_invitation_page(root, browser, dbsession):
    urls = []
    for number, vector in enumerate(HTML_VECTORS):
        try:
            token, _ = tokens.create_invitation(dbsession, f"{number}{vector}"[:128], "member", "root", 168)
        except InvalidUsername:  # a tab or newline in the vector: no user could be called that
            continue
        urls.append(f"/invitations/{token}")
    dbsession.flush()
    pages = [root.get("/admin/users")] + [browser().get(url) for url in urls[:15]]
    for page in pages:
        assert page.html.find("script") is None
        assert not any(
            attribute.startswith("on") for tag in page.html.find_all(True) for attribute in tag.attrs
        ), page.request.path


# The list of every user


def user_rows(page):
    return [
        [cell.get_text(strip=True) for cell in row.find_all("td")]
        for row in page.html.select("table.user-list tbody tr")
    ]


def test_the_list_shows_each_users_role_status_last_login_and_comment_count(root, dbsession, alice):
    carol = make_user(dbsession, "carol", PASSWORD)
    carol.is_active = False
    for number in range(3):
        make_comment(dbsession, f"c{number}", commenter=alice)
    dbsession.flush()
    rows = user_rows(root.get("/admin/users"))
    # Newest first (root was made first); root logged in through the form, the others never.
    assert [[*row[:3], row[3] == "never", row[4]] for row in rows] == [
        ["carol", "member", "disabled", True, "0"],
        ["alice", "member", "active", True, "3"],
        ["root", "admin", "active", False, "0"],
    ]


def test_logging_in_records_the_last_login(root, dbsession, alice, browser):
    browser().login("alice", PASSWORD)
    dbsession.expire_all()
    alice_row = next(row for row in user_rows(root.get("/admin/users")) if row[0] == "alice")
    assert (alice_row[3] != "never", dbsession.get(User, alice.id).last_login_at is not None) == (True, True)


def test_accepting_an_invitation_records_the_last_login(root, browser, dbsession):
    url = invite(root, "dave").html.find(id="invitation-link")["value"]
    newcomer = browser()
    form = next(form for form in newcomer.get(url).forms.values() if "password_again" in form.fields)
    form["password"] = form["password_again"] = CHOSEN
    form.submit(status=303)
    dbsession.expire_all()
    assert dbsession.scalars(sa.select(User.last_login_at).where(User.username == "dave")).one() is not None


def test_the_list_is_paged_newest_first(root, dbsession, monkeypatch):
    monkeypatch.setattr("scratchpad.accounts.views.users.USERS_PAGE_SIZE", 3)
    for number in range(4):
        make_user(dbsession, f"user{number}", PASSWORD)
    first = root.get("/admin/users")
    second = root.get(first.html.find("a", rel="next")["href"])
    assert (
        [row[0] for row in user_rows(first)],
        [row[0] for row in user_rows(second)],
        second.html.find("a", rel="next"),
    ) == (["user3", "user2", "user1"], ["user0", "root"], None)


def test_a_bad_page_parameter_is_a_400(root):
    root.get("/admin/users?before=abc", status=400)


def test_the_list_shows_no_email_or_hash(root, dbsession, alice):
    alice.email = "secret-address@example.org"
    dbsession.flush()
    page = root.get("/admin/users").text
    assert ("secret-address" in page, alice.password_hash in page) == (False, False)


def test_names_are_escaped_in_the_user_list(root, dbsession):
    for number, vector in enumerate(HTML_VECTORS[:40]):
        try:
            make_user(dbsession, tokens.validate_username(f"{number}{vector}"[:128]), PASSWORD)
        except InvalidUsername:
            continue
    page = root.get("/admin/users")
    assert page.html.find("script") is None
    assert not any(attribute.startswith("on") for tag in page.html.find_all(True) for attribute in tag.attrs)


def test_a_users_name_in_the_suspend_label_is_isolated(root, dbsession):
    """The name is typed text: isolated (<bdi>) in "Suspend <name> for", in its own direction,
    and a box the stylesheet can wrap when the name is long."""
    make_user(dbsession, "سارة", PASSWORD)
    label = next(
        label
        for label in root.get("/admin/users").html.select(".user-acts label")
        if "سارة" in label.get_text()
    )
    assert [name.get_text() for name in label.find_all("bdi")] == ["سارة"]
