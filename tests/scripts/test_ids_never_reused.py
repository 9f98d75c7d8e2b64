"""A deleted user's saved cookie never logs anyone in, and a deleted comment's id is never given
again: shown with the real scripts (``initialize_scratchpad_db``, ``scratchpad-admin``) and the
whole app on the same database, on SQLite and on MariaDB."""

import pytest

from tests.support.databases import execute

U_PASSWORD, V_PASSWORD = "pw-u-123456", "pw-v-123456"


@pytest.fixture
def database(empty_database_url, run_script):
    """A migrated database holding the member ``u``; its URL."""
    url = empty_database_url
    created = run_script("initialize_scratchpad_db", url, "--user", "u", stdin=f"{U_PASSWORD}\n")
    assert created.returncode == 0, created.stderr
    return url


def post(browser, text):
    form = next(form for form in browser.get("/").forms.values() if "contents" in form.fields)
    form["contents"] = text
    form.submit(status=303)


def test_a_deleted_users_cookie_is_anonymous_even_after_a_new_admin_is_added(database, run_script, app_on):
    with app_on(database) as browser:
        browser.login("u", U_PASSWORD)
        deleted = run_script("scratchpad-admin", database, "users", "delete", "u")
        added = run_script(
            "scratchpad-admin", database, "users", "add", "v", "--admin", stdin=f"{V_PASSWORD}\n"
        )
        # The browser still sends u's auth cookie, as a saved copy of it would.
        front_page = browser.get("/")
        moderation = browser.get("/admin/moderation", expect_errors=True)
    assert (deleted.returncode, added.returncode) == (0, 0), deleted.stderr + added.stderr
    assert ("Log in" in front_page.text, "Log out" in front_page.text, moderation.status_int == 200) == (
        True,
        False,
        False,
    )


def test_a_comment_posted_after_the_newest_was_deleted_gets_a_larger_id(database, app_on):
    with app_on(database) as browser:
        browser.login("u", U_PASSWORD)
        post(browser, "first")
        [(deleted_id,)] = execute(database, "SELECT id FROM comments WHERE content = 'first'")
        browser.get(f"/comments/{deleted_id}/delete").forms[1].submit(status=303)
        post(browser, "second")
    [(new_id,)] = execute(database, "SELECT id FROM comments WHERE content = 'second'")
    still_there = execute(database, "SELECT id FROM comments WHERE id = :i", i=deleted_id)
    assert (still_there, new_id > deleted_id) == ([], True)
