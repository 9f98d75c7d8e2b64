"""Admins hide, unhide and delete any comment; every such act is logged and shown to them."""

import logging
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from scratchpad.models import ModerationAction
from scratchpad.models.types import utcnow
from tests.support.factories import PASSWORD, make_comment, make_reply, make_user, stored_comment

LONG_AGO = datetime(2026, 1, 1, tzinfo=UTC)
REMOVED = "This comment was removed by a moderator."


@pytest.fixture
def comment(dbsession, alice):
    return make_comment(dbsession, "Buy cheap *pills*", commenter=alice, posted_at=LONG_AGO)


@pytest.fixture
def as_admin(testapp, admin):
    testapp.login("root", PASSWORD)
    return testapp


def log_entries(dbsession):
    return [
        (entry.moderator_name, entry.action, entry.comment_id, entry.comment_author, entry.comment_excerpt)
        for entry in dbsession.scalars(sa.select(ModerationAction).order_by(ModerationAction.id))
    ]


def article(page, comment_id):
    return page.html.find("article", id=f"comment-{comment_id}")


def post_action(testapp, csrf_token, comment_id, action, status=303):
    return testapp.post(f"/comments/{comment_id}/{action}", {"csrf_token": csrf_token()}, status=status)


def test_an_admin_sees_hide_and_delete_on_any_comment(as_admin, comment):
    buttons = [
        " ".join(b.get_text().split())
        for b in article(as_admin.get("/"), comment.id).find_all(["a", "button"])
    ]
    assert f"Hide comment {comment.id}" in buttons
    assert f"Delete comment {comment.id}" in buttons


def test_a_member_sees_no_moderation_buttons(testapp, comment, dbsession):
    make_user(dbsession, "bob", PASSWORD)
    testapp.login("bob", PASSWORD)
    assert article(testapp.get("/"), comment.id).find("button") is None


def test_hiding_replaces_the_text_for_everyone_else(as_admin, browser, dbsession, comment, csrf_token):
    post_action(as_admin, csrf_token, comment.id, "hide")
    assert stored_comment(dbsession, comment.id).hidden_at is not None
    for visitor in ("anonymous", "alice"):
        other = browser()
        if visitor == "alice":
            other.login("alice", PASSWORD)
        shown = article(other.get("/"), comment.id)
        assert REMOVED in shown.get_text()
        assert "pills" not in shown.decode()


def test_the_admin_still_sees_a_hidden_comment_marked_with_unhide(as_admin, dbsession, comment, csrf_token):
    page = post_action(as_admin, csrf_token, comment.id, "hide").follow()
    shown = article(page, comment.id)
    assert "<em>pills</em>" in shown.decode()
    assert "Hidden from others" in shown.get_text()
    assert f"Unhide comment {comment.id}" in " ".join(shown.get_text().split())


def test_unhiding_shows_the_comment_again(as_admin, dbsession, comment, csrf_token):
    post_action(as_admin, csrf_token, comment.id, "hide")
    post_action(as_admin, csrf_token, comment.id, "unhide")
    assert stored_comment(dbsession, comment.id).hidden_at is None
    as_admin.post("/logout/", {"csrf_token": csrf_token()})
    assert REMOVED not in article(as_admin.get("/"), comment.id).get_text()


def test_every_moderation_act_is_logged_with_who_what_and_when(as_admin, dbsession, comment, csrf_token):
    before = utcnow()
    comment_id = comment.id
    post_action(as_admin, csrf_token, comment_id, "hide")
    post_action(as_admin, csrf_token, comment_id, "unhide")
    post_action(as_admin, csrf_token, comment_id, "delete")
    assert log_entries(dbsession) == [
        ("root", action, comment_id, "alice", "Buy cheap *pills*") for action in ("hide", "unhide", "delete")
    ]
    times = dbsession.scalars(sa.select(ModerationAction.acted_at)).all()
    assert all(before - timedelta(seconds=1) <= moment <= utcnow() for moment in times)
    assert stored_comment(dbsession, comment_id) is None


def test_hiding_twice_is_logged_once(as_admin, dbsession, comment, csrf_token):
    post_action(as_admin, csrf_token, comment.id, "hide")
    post_action(as_admin, csrf_token, comment.id, "hide")
    assert [entry[1] for entry in log_entries(dbsession)] == ["hide"]


def test_moderation_goes_to_the_audit_log(as_admin, comment, csrf_token, caplog):
    with caplog.at_level(logging.INFO, logger="scratchpad.audit"):
        post_action(as_admin, csrf_token, comment.id, "hide")
    assert any(
        "moderation hide user='root'" in line and f"comment={comment.id}" in line for line in caplog.messages
    )


def test_an_admin_deletes_after_confirming(as_admin, dbsession, comment):
    comment_id = comment.id
    page = as_admin.get(f"/comments/{comment_id}/delete")
    assert "recorded in the moderation log" in page
    page.forms["delete-form"].submit(status=303)
    assert stored_comment(dbsession, comment_id) is None


@pytest.mark.parametrize("action", ["hide", "unhide", "delete"])
def test_a_member_cannot_moderate(testapp, dbsession, comment, csrf_token, action):
    make_user(dbsession, "bob", PASSWORD)
    testapp.login("bob", PASSWORD)
    if action == "unhide":
        comment.hidden_at = LONG_AGO
        dbsession.flush()
    post_action(testapp, csrf_token, comment.id, action, status=403)
    after = stored_comment(dbsession, comment.id)
    assert after is not None
    assert (after.hidden_at is None) == (action != "unhide")
    assert log_entries(dbsession) == []


@pytest.mark.parametrize("action", ["hide", "unhide", "delete"])
def test_visitors_cannot_moderate(testapp, dbsession, comment, action):
    response = testapp.post(
        f"/comments/{comment.id}/{action}", {"csrf_token": testapp.get_csrf_token()}, status=303
    )
    assert "/login/" in response.location
    assert stored_comment(dbsession, comment.id).hidden_at is None
    assert log_entries(dbsession) == []


def test_moderating_without_the_csrf_token_changes_nothing(as_admin, dbsession, comment):
    as_admin.post(f"/comments/{comment.id}/hide", {"csrf_token": "forged"}, status=400)
    assert stored_comment(dbsession, comment.id).hidden_at is None
    assert log_entries(dbsession) == []


def test_hiding_an_unknown_comment_is_not_found(as_admin, csrf_token):
    post_action(as_admin, csrf_token, 987654, "hide", status=404)


def test_the_admin_page_shows_the_log_newest_first(as_admin, dbsession, comment, csrf_token):
    post_action(as_admin, csrf_token, comment.id, "hide")
    post_action(as_admin, csrf_token, comment.id, "delete")
    rows = as_admin.get("/admin/moderation").html.select("table.moderation-log tbody tr")
    cells = [[" ".join(cell.get_text().split()) for cell in row.find_all("td")] for row in rows]
    assert [row[1:] for row in cells] == [
        ["root", "deleted", f"comment {comment.id} by alice: Buy cheap *pills*"],
        ["root", "hid", f"comment {comment.id} by alice: Buy cheap *pills*"],
    ]
    times = [datetime.fromisoformat(row.find("time")["datetime"]) for row in rows]
    assert all(utcnow() - timedelta(minutes=1) < moment <= utcnow() for moment in times)


def test_the_admin_page_pages_through_a_long_log(as_admin, dbsession, admin, comment):
    for _ in range(51):
        dbsession.add(ModerationAction.record(admin, "hide", comment))
    dbsession.flush()
    first = as_admin.get("/admin/moderation")
    assert len(first.html.select("table.moderation-log tbody tr")) == 50
    older = first.click("Older entries")
    assert len(older.html.select("table.moderation-log tbody tr")) == 1
    assert "Newest entries" in older


def test_the_admin_page_is_linked_for_admins(as_admin):
    assert as_admin.get("/").html.find("a", string="Moderation log")["href"] == "/admin/moderation"


def test_members_may_not_see_the_admin_page(testapp, alice):
    testapp.login("alice", PASSWORD)
    assert testapp.get("/").html.find("a", string="Moderation log") is None
    testapp.get("/admin/moderation", status=403)


def test_visitors_are_sent_to_log_in_for_the_admin_page(testapp):
    response = testapp.get("/admin/moderation", status=303)
    assert response.location.endswith("/login/?next=%2Fadmin%2Fmoderation")


def test_the_log_survives_the_moderator_being_deleted(as_admin, dbsession, admin, comment, csrf_token):
    post_action(as_admin, csrf_token, comment.id, "hide")
    dbsession.delete(admin)
    dbsession.flush()
    assert log_entries(dbsession) == [("root", "hide", comment.id, "alice", "Buy cheap *pills*")]


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_log_isolates_the_author_and_the_excerpt_from_the_sentence(
    as_admin, dbsession, admin, comment, language
):
    """On an Arabic page a deleted reply's row read "“root: ”A reply from root بقلم 8 ردًا على ,9
    التعليق": the author's name (<bdi>) and the excerpt (dir="auto") are typed text, each in
    its own direction, whatever the sentence's."""
    reply = make_reply(dbsession, comment, "A reply from root", commenter=admin)
    dbsession.add(ModerationAction.record(admin, "delete", reply))
    dbsession.flush()
    as_admin.set_cookie("language", language)
    row = as_admin.get("/admin/moderation").html.select_one("table.moderation-log tbody tr")
    what = row.find_all("td")[3]
    assert ([name.get_text() for name in what.find_all("bdi")], what.q.get("dir"), what.q.get_text()) == (
        ["root"],
        "auto",
        "A reply from root",
    )
