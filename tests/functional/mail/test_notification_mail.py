"""Notifications by email, end to end (issue 14, lines 5 and 6): a reply or a mention made on
the board queues a mail in the same transaction, for a member who opted in with a confirmed
address, and the worker delivers it; a comment waiting for a moderator tells nobody, by page
or by mail, until an admin approves it."""

import pytest
import sqlalchemy as sa

from scratchpad.models import Comment, Notification, OutboxMail
from tests.functional.mail.conftest import MAIL_FROM, PUBLIC_URL
from tests.support.factories import PASSWORD, make_comment, make_user

ADDRESS = "carol@example.org"


def reply_form(member, comment_id, text):
    form = member.get(f"/comments/{comment_id}/reply").forms["reply-form"]
    form["contents"] = text
    return form.submit(status=303)


def test_a_reply_on_the_board_is_mailed_to_the_member_it_answers(
    browser, mail_app, subscriber, dbsession, deliver, smtp_server
):
    root = make_comment(dbsession, "What do you all think?", commenter=subscriber)
    make_user(dbsession, "bob", PASSWORD)
    member = browser(mail_app)
    member.login("bob", PASSWORD)
    reply_form(member, root.id, "I think it is *fine*.")
    reply_id = dbsession.scalars(sa.select(Comment.id).where(Comment.parent_id == root.id)).one()
    assert deliver().sent == 1
    [(_, recipients, message)] = smtp_server.wait_for(1)
    body = message.get_body().get_content()
    assert (recipients, message["Subject"]) == ([ADDRESS], "bob replied to you on Scratchpad")
    assert f"http://example.com/comments/{reply_id}" in body
    assert "I think it is *fine*." in body


def test_a_mention_on_the_board_is_mailed_as_a_mention(
    browser, mail_app, subscriber, dbsession, deliver, smtp_server
):
    make_user(dbsession, "bob", PASSWORD)
    member = browser(mail_app)
    member.login("bob", PASSWORD)
    form = member.get("/").forms["comment-form"]
    form["contents"] = "Thanks, @carol!"
    form.submit(status=303)
    assert deliver().sent == 1
    assert smtp_server.wait_for(1)[0][2]["Subject"] == "bob mentioned you on Scratchpad"


def test_nobody_is_mailed_who_did_not_ask(browser, mail_app, alice, dbsession, deliver):
    # alice gets the notification on the board; she never asked for mail.
    root = make_comment(dbsession, "Hello", commenter=alice)
    make_user(dbsession, "bob", PASSWORD)
    member = browser(mail_app)
    member.login("bob", PASSWORD)
    reply_form(member, root.id, "Hello to you")
    assert dbsession.scalars(sa.select(Notification.recipient_id)).all() == [alice.id]
    assert dbsession.scalars(sa.select(OutboxMail)).all() == []
    assert deliver().sent == 0


@pytest.fixture
def premoderated_mail_app(app_with, smtp_server):
    return app_with(smtp_url=smtp_server.url, mail_from=MAIL_FROM, public_url=PUBLIC_URL, premoderate_first=1)


def test_a_waiting_reply_tells_nobody_until_it_is_approved(
    browser, premoderated_mail_app, subscriber, dbsession, deliver, smtp_server
):
    make_user(dbsession, "newcomer", PASSWORD)
    make_user(dbsession, "root", PASSWORD, role="admin")
    root = make_comment(dbsession, "Welcome, newcomers", commenter=subscriber)
    newcomer = browser(premoderated_mail_app)
    newcomer.login("newcomer", PASSWORD)
    reply_form(newcomer, root.id, "Hello, @carol, I am new")
    waiting_id = dbsession.scalars(sa.select(Comment.id).where(Comment.parent_id == root.id)).one()
    assert dbsession.scalars(sa.select(Notification)).all() == []
    assert deliver().sent == 0

    admin = browser(premoderated_mail_app)
    admin.login("root", PASSWORD)
    admin.get("/admin/inbox/waiting").forms["waiting-form"].submit(
        "act", value=f"approve {waiting_id}", status=303
    )
    assert dbsession.scalars(sa.select(Notification.comment_id)).all() == [waiting_id]
    assert deliver().sent == 1
    assert smtp_server.wait_for(1)[0][2]["Subject"] == "newcomer replied to you on Scratchpad"


def test_a_notification_mail_is_in_its_recipients_saved_language(
    browser, mail_app, subscriber, dbsession, translations
):
    """In carol's saved language, German, whatever language bob, who answers, reads in."""
    translations(
        {
            "de": {
                "${actor} replied to you on Scratchpad": "${actor} hat dir auf Scratchpad geantwortet",
                "Hello ${username},\n\n${actor} replied to you on Scratchpad:\n\n> ${excerpt}\n\n"
                "Read it and answer: ${url}\n\n-- \n"
                "You get this mail because you turned on notifications by email on your account page.\n"
                "Turn them off: ${unsubscribe_url}\n": "Hallo ${username}, ${actor}: ${excerpt} ${url} ${unsubscribe_url}",
            }
        },
        wsgi=mail_app,
    )
    subscriber.language = "de"
    root = make_comment(dbsession, "Was denkt ihr?", commenter=subscriber)
    make_user(dbsession, "bob", PASSWORD)
    member = browser(mail_app, HTTP_ACCEPT_LANGUAGE="fr")
    member.login("bob", PASSWORD)
    reply_form(member, root.id, "Gut.")
    mail = dbsession.scalars(sa.select(OutboxMail)).one()
    assert (mail.subject, mail.body.split(" http")[0]) == (
        "bob hat dir auf Scratchpad geantwortet",
        "Hallo carol, bob: Gut.",
    )


@pytest.mark.parametrize("removal", ["hide", "delete"])
def test_a_reply_removed_before_its_mail_went_is_not_mailed(
    browser, mail_app, subscriber, dbsession, deliver, smtp_server, removal
):
    """A moderator hid or deleted an abusive reply; the mail quoting it, still in the outbox
    (the worker runs every minute, or the mail server was down), went out all the same."""
    root = make_comment(dbsession, "What do you all think?", commenter=subscriber)
    make_user(dbsession, "bob", PASSWORD)
    make_user(dbsession, "root", PASSWORD, role="admin")
    member = browser(mail_app)
    member.login("bob", PASSWORD)
    reply_form(member, root.id, "Something abusive")
    reply_id = dbsession.scalars(sa.select(Comment.id).where(Comment.parent_id == root.id)).one()
    moderator = browser(mail_app)
    moderator.login("root", PASSWORD)
    if removal == "hide":
        moderator.post(f"/comments/{reply_id}/hide", {"csrf_token": moderator.get_csrf_token()}, status=303)
    else:
        moderator.get(f"/comments/{reply_id}/delete").forms["delete-form"].submit(status=303)
    result = deliver()
    dbsession.expire_all()
    # Hidden: the worker cancels it. Deleted (no replies): its row went, and the mail with it.
    left = [(mail.comment_id, mail.sent_at) for mail in dbsession.scalars(sa.select(OutboxMail))]
    assert (result.sent, result.cancelled, smtp_server.recorder.messages, left) == (
        (0, 1, [], [(reply_id, None)]) if removal == "hide" else (0, 0, [], [])
    )
