"""``/unsubscribe/<token>``, the link in every notification's List-Unsubscribe header: a POST
of ``List-Unsubscribe=One-Click`` (RFC 8058) turns notification mail off with no login, no
cookie and no CSRF token; a GET only shows a button, so link scanners unsubscribe nobody."""

import re

import pytest

from scratchpad.accounts import tokens
from scratchpad.mail.unsubscribe import unsubscribe_token
from scratchpad.models.types import utcnow
from tests.support.factories import make_user, stored_user
from tests.support.html_safety import page_problems
from tests.support.xss_vectors import HTML_VECTORS

ONE_CLICK = "List-Unsubscribe=One-Click"


@pytest.fixture
def unsubscribe_path(notify, subscriber, deliver, smtp_server):
    """The path in the List-Unsubscribe header of a notification mailed to carol."""
    notify(subscriber)
    deliver()
    header = smtp_server.wait_for(1)[0][2]["List-Unsubscribe"]
    return re.fullmatch(r"<http://example\.com(/unsubscribe/[^>]+)>", header).group(1)


@pytest.fixture
def unsubscribe_token_for(mail_app):
    def path(user):
        return f"/unsubscribe/{unsubscribe_token(mail_app.registry.settings['scratchpad.secret'], user)}"

    return path


def one_click(browser, mail_app, path, body=ONE_CLICK, status=200):
    """What a mail client's unsubscribe button sends: a bare POST, from a client with no cookies."""
    client = browser(mail_app)
    response = client.post(path, params=body, content_type="application/x-www-form-urlencoded", status=status)
    assert client.cookies == {}
    return response


def test_one_click_post_without_cookies_turns_notification_mail_off(
    unsubscribe_path, browser, mail_app, dbsession
):
    page = one_click(browser, mail_app, unsubscribe_path)
    assert "gets no more notifications by email" in page.text
    assert page.headers["Referrer-Policy"] == "no-referrer"
    user = stored_user(dbsession, "carol")
    assert (user.email_notifications, user.email, user.email_confirmed_at is not None) == (
        False,
        "carol@example.org",
        True,
    )
    one_click(browser, mail_app, unsubscribe_path)  # again: still fine, still off
    assert stored_user(dbsession, "carol").email_notifications is False


def test_get_only_shows_a_button_and_the_button_unsubscribes(unsubscribe_path, browser, mail_app, dbsession):
    visitor = browser(mail_app)
    page = visitor.get(unsubscribe_path)
    assert stored_user(dbsession, "carol").email_notifications is True
    assert page.headers["Referrer-Policy"] == "no-referrer"
    form = page.forms["unsubscribe-form"]
    assert form["List-Unsubscribe"].value == "One-Click"
    form.submit(status=200)
    assert stored_user(dbsession, "carol").email_notifications is False


def test_a_post_without_the_one_click_body_changes_nothing(unsubscribe_path, browser, mail_app, dbsession):
    one_click(browser, mail_app, unsubscribe_path, body="", status=400)
    assert stored_user(dbsession, "carol").email_notifications is True


@pytest.mark.parametrize("tamper", ["wrong-signature", "other-user", "garbage"])
def test_a_forged_or_mistyped_token_changes_nothing(
    unsubscribe_path, browser, mail_app, dbsession, alice, tamper
):
    token = unsubscribe_path.rsplit("/", 1)[1]
    user_id, signature = token.split(".")
    forged = {
        "wrong-signature": f"{user_id}.{signature[:-2]}AA",
        "other-user": f"{alice.id}.{signature}",
        "garbage": "x" * 300,
    }[tamper]
    page = one_click(browser, mail_app, f"/unsubscribe/{forged}", status=404)
    assert "does not work" in page.text
    assert stored_user(dbsession, "carol").email_notifications is True


def test_the_link_stops_working_when_the_address_changes(
    unsubscribe_path, browser, mail_app, dbsession, subscriber
):
    subscriber.email = "carol@example.net"
    dbsession.flush()
    one_click(browser, mail_app, unsubscribe_path, status=404)
    assert stored_user(dbsession, "carol").email_notifications is True


def test_only_this_route_is_exempt_from_the_csrf_check(member, dbsession):
    """The account's email form, on the same app, still refuses a POST without a token."""
    member.post("/account/email", params={"email": "x@example.org"}, status=400)
    assert stored_user(dbsession).email is None


@pytest.mark.parametrize("name", HTML_VECTORS[:8])
def test_a_username_made_of_markup_cannot_break_the_pages(
    name, dbsession, browser, mail_app, unsubscribe_token_for
):
    user = make_user(dbsession, name)
    user.email, user.email_confirmed_at, user.email_notifications = "x@example.org", utcnow(), True
    token, _ = tokens.create_email_confirmation(dbsession, user, 48)
    dbsession.flush()
    visitor = browser(mail_app)
    pages = [visitor.get(unsubscribe_token_for(user)), visitor.get(f"/confirm-email/{token}")]
    assert [page_problems(page.text) for page in pages] == [[], []]
    assert all(name not in page.text for page in pages)  # escaped, never as markup
