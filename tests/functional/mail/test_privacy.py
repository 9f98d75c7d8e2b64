"""A member's email address is theirs alone: through the whole life of an address (saved,
confirmed, notified, unsubscribed) it reaches no other user's page, the API, the feed, the
search, the admin's pages, nor the access, audit or mail logs (which name the user instead)."""

import logging
import re

import pytest

from tests.support.factories import PASSWORD, make_comment, make_user

ADDRESS = "alice.private@example.org"
LINK = re.compile(r"http://example\.com(/confirm-email/[A-Za-z0-9_-]+)")


@pytest.fixture
def every_log(caplog):
    for name in ("scratchpad.access", "scratchpad.audit", "scratchpad.mail"):
        caplog.set_level(logging.INFO, logger=name)
    return caplog


def test_the_address_appears_in_no_page_api_feed_or_log(
    member, deliver, smtp_server, notify, dbsession, browser, mail_app, every_log, alice
):
    form = member.get("/account").forms["email-form"]
    form["email"], form["email_notifications"] = ADDRESS, True
    form.submit(status=303)
    deliver()
    path = LINK.search(smtp_server.wait_for(1)[0][2].get_content()).group(1)
    member.get(path).forms["confirm-form"].submit(status=303)
    comment = make_comment(dbsession, "Alice writes here", commenter=alice)
    dbsession.refresh(alice)
    notify(alice, actor="bob", comment_url=f"http://example.com/comments/{comment.id}")
    deliver()
    unsubscribe = (
        smtp_server.wait_for(2)[1][2]["List-Unsubscribe"].strip("<>").removeprefix("http://example.com")
    )
    assert ADDRESS in member.get("/account").text  # its owner sees it

    make_user(dbsession, "bob", role="admin")
    bob = browser(mail_app)
    bob.login("bob", PASSWORD)
    anonymous = browser(mail_app)
    pages = [
        bob.get("/"),
        bob.get(f"/comments/{comment.id}"),
        bob.get("/admin/users"),
        bob.get("/admin/moderation"),
        bob.get("/search", params={"q": "Alice"}),
        anonymous.get("/"),
        anonymous.get("/feed.atom"),
        anonymous.get("/api/comments"),
        anonymous.get("/api/comments", params={"q": "Alice"}),
        anonymous.get(unsubscribe),
        anonymous.post(
            unsubscribe, params="List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
        ),
    ]
    assert [response.status_int for response in pages] == [200] * len(pages)
    assert "alice" in pages[2].text  # the admins' list names her, without the address
    leaks = [
        response.request.path
        for response in pages
        if ADDRESS in response.text or "alice.private" in response.text
    ]
    assert leaks == []
    assert "alice.private" not in every_log.text
    audit = [record.getMessage() for record in every_log.records if record.name == "scratchpad.audit"]
    assert any("email confirmed user='alice'" in line for line in audit)
    # The access log saw the links opened, never their tokens.
    assert "GET /confirm-email/... 200" in every_log.text
    assert "POST /unsubscribe/... 200" in every_log.text
    assert path not in every_log.text
    assert unsubscribe not in every_log.text
