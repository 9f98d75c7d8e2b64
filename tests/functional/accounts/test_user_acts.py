"""What an admin does to one user from ``/admin/users`` (accounts/views/user_acts.py): each act
through the whole WSGI stack on both backends, with its flash message, audit and moderation
log entries, and the shared rules' refusals (accounts/rules.py), which change nothing."""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from scratchpad.accounts import rules
from scratchpad.models import ModerationAction
from scratchpad.models.types import utcnow
from scratchpad.models.user import InvalidUsername, validate_username
from tests.support.factories import PASSWORD, make_user, stored_user
from tests.support.html_safety import page_problems
from tests.support.xss_vectors import HTML_VECTORS

ACTS = ("disable", "enable", "role", "reset", "suspend", "unsuspend")


def act_form(page, user, act):
    """The form of ``act`` in ``user``'s row of the users page."""
    action = f"/admin/users/{user.id}/{act}"
    return next(form for form in page.forms.values() if form.action == action)


def act(visitor, user, act_name, status=303, **fields):
    form = act_form(visitor.get("/admin/users"), user, act_name)
    for name, value in fields.items():
        form[name] = value
    return form.submit(status=status)


def log_entries(dbsession):
    """(moderator, action, user, detail) of every moderation log entry about a user."""
    dbsession.expire_all()
    query = (
        sa.select(ModerationAction).where(ModerationAction.comment_id.is_(None)).order_by(ModerationAction.id)
    )
    return [
        (entry.moderator_name, entry.action, entry.user_name, entry.detail)
        for entry in dbsession.scalars(query)
    ]


@pytest.fixture
def audit_lines(caplog):
    caplog.set_level("INFO", logger="scratchpad.audit")
    return lambda: [record.getMessage() for record in caplog.records if record.name == "scratchpad.audit"]


# Disable and enable


def test_disabling_ends_the_users_sessions_and_is_logged(root, browser, alice, dbsession, audit_lines):
    alices_browser = browser()
    alices_browser.login("alice", PASSWORD)
    response = act(root, alice, "disable").follow()
    assert (
        "Disabled alice" in response.text,
        stored_user(dbsession).is_active,
        alices_browser.get("/account", status=303).location.startswith("http://example.com/login/"),
        log_entries(dbsession),
        any("user disabled user='alice'" in line and "by='root'" in line for line in audit_lines()),
    ) == (True, False, True, [("root", "disable", "alice", None)], True)


def test_enabling_lets_a_disabled_user_log_in_again(root, browser, alice, dbsession, audit_lines):
    alice.is_active = False
    dbsession.flush()
    response = act(root, alice, "enable").follow()
    assert (
        "Enabled alice" in response.text,
        browser().login("alice", PASSWORD).location,
        log_entries(dbsession),
        any("user enabled user='alice'" in line for line in audit_lines()),
    ) == (True, "http://example.com/", [("root", "enable", "alice", None)], True)


def test_an_admin_cannot_disable_themselves(root, dbsession):
    me = stored_user(dbsession, "root")
    response = root.post(f"/admin/users/{me.id}/disable", {"csrf_token": root.get_csrf_token()}, status=409)
    assert (
        "You cannot disable yourself" in response.html.find(id="act-error").text,
        stored_user(dbsession, "root").is_active,
        log_entries(dbsession),
    ) == (True, True, [])


# Roles


def test_making_a_member_an_admin_and_a_member_again(root, browser, alice, dbsession, audit_lines):
    promoted = act(root, alice, "role").follow()
    role_after_promotion = stored_user(dbsession).role
    alices_browser = browser()
    alices_browser.login("alice", PASSWORD)
    alice_sees_the_users_page = alices_browser.get("/admin/users").status_int
    demoted = act(root, alice, "role").follow()
    assert (
        "alice is now an admin" in promoted.text,
        role_after_promotion,
        alice_sees_the_users_page,
        "alice is now a member" in demoted.text,
        stored_user(dbsession).role,
        log_entries(dbsession),
        sum("user role changed user='alice'" in line for line in audit_lines()),
    ) == (
        True,
        "admin",
        200,
        True,
        "member",
        [("root", "promote", "alice", None), ("root", "demote", "alice", None)],
        2,
    )


def test_the_last_active_admin_cannot_step_down(root, dbsession):
    response = act(root, stored_user(dbsession, "root"), "role", status=409)
    assert (
        "root is the last active admin" in response.html.find(id="act-error").text,
        stored_user(dbsession, "root").role,
        log_entries(dbsession),
    ) == (True, "admin", [])


def test_an_admin_may_step_down_while_another_stays(root, dbsession):
    make_user(dbsession, "bob", role="admin")
    act(root, stored_user(dbsession, "root"), "role")
    assert (stored_user(dbsession, "root").role, root.get("/admin/users", status=403).status_int) == (
        "member",
        403,
    )


def test_a_role_that_does_not_exist_is_refused(root, alice, dbsession):
    response = root.post(
        f"/admin/users/{alice.id}/role", {"role": "owner", "csrf_token": root.get_csrf_token()}, status=400
    )
    assert ("The role must be admin or member" in response.text, stored_user(dbsession).role) == (
        True,
        "member",
    )


# Reset links


def test_a_reset_link_is_shown_once_and_works(root, browser, alice, dbsession, audit_lines):
    response = act(root, alice, "reset", status=200)
    url = response.html.find(id="reset-link")["value"]
    assert (
        url.startswith("http://example.com/reset/"),
        browser().get(url).status_int,
        root.get("/admin/users").html.find(id="reset-link"),
        log_entries(dbsession),
        any("reset created user='alice'" in line and "by='root'" in line for line in audit_lines()),
    ) == (True, 200, None, [("root", "reset", "alice", None)], True)


def test_a_disabled_user_gets_no_reset_link(root, alice, dbsession):
    alice.is_active = False
    dbsession.flush()
    response = root.post(f"/admin/users/{alice.id}/reset", {"csrf_token": root.get_csrf_token()}, status=409)
    assert ("alice is disabled; enable them first" in response.text, log_entries(dbsession)) == (True, [])


def test_an_admin_takes_no_reset_link_for_themselves(root, dbsession):
    me = stored_user(dbsession, "root")
    response = root.post(f"/admin/users/{me.id}/reset", {"csrf_token": root.get_csrf_token()}, status=409)
    assert (response.html.find(id="reset-link"), "yourself" in response.text) == (None, True)


# Suspensions


def test_suspending_for_a_chosen_length(root, alice, dbsession, audit_lines):
    before = utcnow()
    response = act(root, alice, "suspend", duration="7d").follow()
    until = stored_user(dbsession).suspended_until
    status = next(row for row in response.html.select("table.user-list tbody tr") if "alice" in row.text)
    assert (
        "Suspended alice until" in response.text,
        before + timedelta(days=7) <= until <= utcnow() + timedelta(days=7),
        status.select_one("td.user-status").text.startswith("suspended until"),
        log_entries(dbsession),
        any("user suspended user='alice'" in line for line in audit_lines()),
    ) == (True, True, True, [("root", "suspend", "alice", f"until {until:%Y-%m-%d %H:%M} UTC")], True)


def test_suspending_until_a_typed_date(root, alice, dbsession):
    day = (utcnow() + timedelta(days=3)).date()
    act(root, alice, "suspend", duration="1d", until_date=day.isoformat())
    assert stored_user(dbsession).suspended_until == datetime(day.year, day.month, day.day, tzinfo=UTC)


@pytest.mark.parametrize(
    "typed, said", [("2001-01-01", "has passed"), ("01/02/2030", "is not a time"), ("9999-01-01", "at most")]
)
def test_a_date_that_cannot_end_a_suspension_is_refused_and_kept(root, alice, dbsession, typed, said):
    form = act_form(root.get("/admin/users"), alice, "suspend")
    form["until_date"].force_value(typed)
    response = form.submit(status=400)
    assert (
        said in response.html.find(id="act-error").text,
        response.html.find(id=f"until-{alice.id}")["value"],
        stored_user(dbsession).suspended_until,
        log_entries(dbsession),
    ) == (True, typed, None, [])


def test_an_admin_cannot_be_suspended(root, dbsession):
    bob = make_user(dbsession, "bob", role="admin")
    response = root.post(
        f"/admin/users/{bob.id}/suspend", {"duration": "7d", "csrf_token": root.get_csrf_token()}, status=409
    )
    assert (
        "bob is an admin, who cannot be suspended" in response.text,
        stored_user(dbsession, "bob").suspended_until,
    ) == (True, None)


def test_lifting_a_suspension(root, alice, dbsession, audit_lines):
    alice.suspended_until = utcnow() + timedelta(days=2)
    dbsession.flush()
    response = act(root, alice, "unsuspend").follow()
    assert (
        "Lifted the suspension of alice" in response.text,
        stored_user(dbsession).suspended_until,
        log_entries(dbsession),
        any("user unsuspended user='alice'" in line for line in audit_lines()),
    ) == (True, None, [("root", "unsuspend", "alice", None)], True)


def test_the_list_shows_each_state(root, alice, dbsession):
    carol, dave = make_user(dbsession, "carol"), make_user(dbsession, "dave")
    carol.is_active = False
    dave.suspended_until = utcnow() - timedelta(minutes=1)  # over: active again
    alice.suspended_until = datetime(2099, 1, 2, 3, 4, tzinfo=UTC)
    dbsession.flush()
    page = root.get("/admin/users")
    statuses = {
        row.find("td").text: row.select_one("td.user-status").get_text(" ", strip=True)
        for row in page.html.select("table.user-list tbody tr")
    }
    assert statuses == {
        "root": "active",
        "alice": "suspended until Friday, 02 January 2099 at 03:04",
        "carol": "disabled",
        "dave": "active",
    }


def test_the_moderation_log_shows_acts_on_users(root, alice, dbsession):
    act(root, alice, "suspend", duration="1d")
    row = root.get("/admin/moderation").html.select("table.moderation-log tbody tr")[0]
    cells = [cell.get_text(" ", strip=True) for cell in row.find_all("td")]
    assert (cells[1:3], cells[3].startswith("user alice (until ")) == (["root", "suspended"], True)


def test_the_moderation_log_says_an_acts_detail_in_the_readers_words(root, alice, dbsession):
    """An invitation's role and a suspension's end were shown as rules.py logs them, in
    English ("(a member)", "(until 2026-12-06 17:40 UTC)") on a German or Japanese page: now
    in the reader's language, the end as every time is (their language and zone)."""
    until = datetime(2099, 3, 4, 5, 6, tzinfo=UTC)
    rules.invite(dbsession, rules.Actor.admin(stored_user(dbsession, "root")), "dave", "member", 24)
    rules.suspend(dbsession, rules.Actor.admin(stored_user(dbsession, "root")), alice, until)
    dbsession.flush()
    root.set_cookie("language", "de")
    rows = root.get("/admin/moderation").html.select("table.moderation-log tbody tr")
    cells = [row.find_all("td")[3] for row in rows[:2]]
    assert (
        [" ".join(cell.get_text().split()) for cell in cells],
        cells[0].time["datetime"],
    ) == (
        ["Benutzer alice (bis Mittwoch, 4. März 2099, 05:06)", "Benutzer dave (als Mitglied)"],
        "2099-03-04T05:06:00+00:00",
    )


# Who may act, and how


@pytest.mark.parametrize("act_name", ACTS)
def test_every_act_needs_the_csrf_token(root, alice, dbsession, act_name):
    alice.suspended_until = utcnow() + timedelta(days=1)
    dbsession.flush()
    root.post(f"/admin/users/{alice.id}/{act_name}", {"role": "admin", "duration": "7d"}, status=400)
    user = stored_user(dbsession)
    assert (user.is_active, user.role, log_entries(dbsession)) == (True, "member", [])


@pytest.mark.parametrize("act_name", ACTS)
def test_members_may_not_act(logged_in, dbsession, act_name):
    bob = make_user(dbsession, "bob")
    token = logged_in.get_csrf_token()
    logged_in.post(f"/admin/users/{bob.id}/{act_name}", {"role": "admin", "csrf_token": token}, status=403)
    assert (stored_user(dbsession, "bob").role, log_entries(dbsession)) == ("member", [])


@pytest.mark.parametrize("act_name", ACTS)
def test_visitors_are_sent_to_log_in(testapp, alice, act_name):
    token = testapp.get_csrf_token()
    response = testapp.post(f"/admin/users/{alice.id}/{act_name}", {"csrf_token": token}, status=303)
    assert response.location.startswith("http://example.com/login/")


def test_acting_on_a_user_who_is_gone_is_a_404(root):
    root.post("/admin/users/999999/disable", {"csrf_token": root.get_csrf_token()}, status=404)


def test_names_are_escaped_in_the_acts_and_the_log(root, dbsession):
    actor = rules.Actor.admin(stored_user(dbsession, "root"))
    for number, vector in enumerate(HTML_VECTORS[:20]):
        try:
            name = validate_username(f"{number}{vector}"[:128])
        except InvalidUsername:  # a tab or newline in the vector: no user could be called that
            continue
        rules.suspend(dbsession, actor, make_user(dbsession, name), utcnow() + timedelta(days=1))
    dbsession.flush()
    pages = [root.get("/admin/users"), root.get("/admin/moderation")]
    assert [page_problems(page.text) for page in pages] == [[], []]


def test_disabled_is_one_word_for_the_act_and_another_for_the_status(root, alice, dbsession):
    """Spanish says the act ("desactivó a") and the state ("desactivado") apart: two messages,
    told apart by their context (msgctxt)."""
    act(root, alice, "disable")
    status = root.get("/admin/users", headers={"Accept-Language": "es"}).html.find(class_="user-status")
    log = " ".join(root.get("/admin/moderation", headers={"Accept-Language": "es"}).html.get_text().split())
    assert (status.get_text().strip(), "root desactivó a usuario alice" in log) == ("desactivado", True)


def test_a_role_that_does_not_exist_is_refused_with_the_roles_in_the_readers_language(root, alice, dbsession):
    response = root.post(
        f"/admin/users/{alice.id}/role",
        {"role": "owner", "csrf_token": root.get_csrf_token()},
        headers={"Accept-Language": "fr"},
        status=400,
    )
    assert "Le rôle doit être administrateur ou membre." in response.html.find(id="act-error").text
