"""Giving an address on /account sends a one-time confirmation link through the outbox and a
real SMTP server; opening it (GET shows a button, POST confirms) confirms the address."""

import re
from datetime import timedelta

import sqlalchemy as sa

from scratchpad.mail.confirmation import CONFIRMATIONS_PER_HOUR
from scratchpad.models import AccountToken, OutboxMail
from scratchpad.models.types import utcnow
from tests.support.factories import stored_user

ADDRESS = "alice@example.org"
LINK = re.compile(r"http://example\.com/confirm-email/[A-Za-z0-9_-]+")


def save_email(member, address, notifications=False, status=303):
    form = member.get("/account").forms["email-form"]
    form["email"] = address
    form["email_notifications"] = notifications
    return form.submit(status=status)


def mailed_link(smtp_server, count=1):
    """The confirmation link in the ``count``-th mail to arrive."""
    _, recipients, message = smtp_server.wait_for(count)[count - 1]
    return recipients, message, LINK.search(message.get_content()).group(0)


def test_the_confirmation_mail_arrives_and_its_link_confirms_the_address(
    member, deliver, smtp_server, dbsession
):
    page = save_email(member, ADDRESS).follow()
    assert "confirmation link" in page.text
    assert stored_user(dbsession).email_confirmed_at is None
    assert deliver().sent == 1
    recipients, message, link = mailed_link(smtp_server)
    assert (recipients, message["To"], message["From"]) == (
        [ADDRESS],
        ADDRESS,
        "Scratchpad <board@example.com>",
    )
    assert "List-Unsubscribe" not in message  # a confirmation is not a notification

    form_page = member.get(link)
    assert form_page.headers["Referrer-Policy"] == "no-referrer"
    assert stored_user(dbsession).email_confirmed_at is None  # GET alone confirms nothing
    confirmed = form_page.forms["confirm-form"].submit(status=303).follow()
    assert "Your email address is confirmed." in confirmed.text
    assert stored_user(dbsession).email_confirmed_at is not None
    assert "Confirmed." in member.get("/account").text


def test_the_link_works_without_being_logged_in(member, deliver, smtp_server, dbsession, browser, mail_app):
    save_email(member, ADDRESS)
    deliver()
    _, _, link = mailed_link(smtp_server)
    stranger = browser(mail_app)  # another device, logged out
    stranger.get(link).forms["confirm-form"].submit(status=303)
    assert stored_user(dbsession).email_confirmed_at is not None


def test_a_link_works_once(member, deliver, smtp_server):
    save_email(member, ADDRESS)
    deliver()
    _, _, link = mailed_link(smtp_server)
    form = member.get(link).forms["confirm-form"]
    form.submit(status=303)
    assert "This link does not work" in form.submit(status=404).text
    member.get(link, status=404)


def test_changing_the_address_unconfirms_it_and_the_old_link_stops_working(
    member, deliver, smtp_server, dbsession
):
    save_email(member, ADDRESS)
    deliver()
    _, _, first_link = mailed_link(smtp_server)
    save_email(member, "alice@example.net")
    assert stored_user(dbsession).email_confirmed_at is None
    member.get(first_link, status=404)  # the link confirmed the old address: not the new one
    deliver()
    recipients, _, second_link = mailed_link(smtp_server, 2)
    assert recipients == ["alice@example.net"]
    member.get(second_link).forms["confirm-form"].submit(status=303)
    user = stored_user(dbsession)
    assert (user.email, user.email_confirmed_at is not None) == ("alice@example.net", True)
    save_email(member, "alice@example.com")
    assert stored_user(dbsession).email_confirmed_at is None


def test_removing_the_address_revokes_its_link(member, deliver, smtp_server):
    save_email(member, ADDRESS)
    deliver()
    _, _, link = mailed_link(smtp_server)
    save_email(member, "")
    member.get(link, status=404)


def test_an_expired_link_does_not_work(member, deliver, smtp_server, dbsession):
    save_email(member, ADDRESS)
    deliver()
    _, _, link = mailed_link(smtp_server)
    dbsession.execute(sa.update(AccountToken).values(expires_at=utcnow() - timedelta(seconds=1)))
    member.get(link, status=404)


def test_a_mistyped_link_is_refused_and_counted(member, dbsession):
    page = member.get("/confirm-email/not-a-real-token", status=404)
    assert "This link does not work" in page.text


def test_only_a_few_confirmation_mails_an_hour(member, dbsession):
    for _ in range(CONFIRMATIONS_PER_HOUR + 2):
        page = save_email(member, ADDRESS).follow()
    assert "Confirmation links were sent several times this hour" in page.text
    assert dbsession.scalar(sa.select(sa.func.count()).select_from(OutboxMail)) == CONFIRMATIONS_PER_HOUR


def test_with_mail_off_an_address_is_saved_and_nothing_is_queued(logged_in, dbsession):
    form = logged_in.get("/account").forms["email-form"]
    form["email"] = ADDRESS
    page = form.submit(status=303).follow()
    assert "confirmation" not in page.text
    assert "this board sends no email" in page.text
    assert dbsession.scalar(sa.select(sa.func.count()).select_from(OutboxMail)) == 0


def test_notifications_are_off_by_default_and_the_box_turns_them_on(member, dbsession):
    save_email(member, ADDRESS)
    assert stored_user(dbsession).email_notifications is False
    assert 'id="email_notifications"' in member.get("/account").text
    save_email(member, ADDRESS, notifications=True)
    assert stored_user(dbsession).email_notifications is True
    assert member.get("/account").forms["email-form"]["email_notifications"].checked
    save_email(member, ADDRESS, notifications=False)
    assert stored_user(dbsession).email_notifications is False


def test_removing_the_address_turns_notifications_off(member, dbsession):
    save_email(member, ADDRESS, notifications=True)
    save_email(member, "", notifications=True)
    assert stored_user(dbsession).email_notifications is False


def test_a_refused_address_keeps_what_was_typed_and_the_box(member):
    page = save_email(member, "not an address", notifications=True, status=400)
    assert page.forms["email-form"]["email"].value == "not an address"
    assert page.forms["email-form"]["email_notifications"].checked
