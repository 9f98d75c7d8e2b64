"""An edit refused after it was typed gives the text back: the author whose window closed,
or whose comment a moderator hid or deleted meanwhile, finds the words they wrote."""

from datetime import timedelta

from scratchpad.models.types import utcnow
from tests.support.factories import make_comment, make_user, stored_comment


def edit(visitor, comment_id, contents, status):
    fields = {"contents": contents, "csrf_token": visitor.get_csrf_token()}
    return visitor.post(f"/comments/{comment_id}/edit", fields, status=status)


def test_an_edit_after_the_window_says_why_and_keeps_the_text(logged_in, dbsession, alice):
    stale = make_comment(dbsession, "Old words", commenter=alice, posted_at=utcnow() - timedelta(hours=1))
    page = edit(logged_in, stale.id, "My <new> words", status=403)
    assert "only in the 15 minutes after it was posted" in page.html.select_one("#contents-error").get_text()
    assert page.forms[1]["contents"].value == "My <new> words"
    assert stored_comment(dbsession, stale.id).content == "Old words"


def test_an_edit_of_a_hidden_comment_says_why_and_keeps_the_text(logged_in, dbsession, alice):
    hidden = make_comment(dbsession, "Words", commenter=alice)
    hidden.hidden_at = utcnow()
    dbsession.flush()
    page = edit(logged_in, hidden.id, "Better words", status=403)
    assert "not while a moderator has hidden it" in page.html.select_one("#contents-error").get_text()
    assert page.forms[1]["contents"].value == "Better words"


def test_an_edit_of_a_deleted_comment_gives_the_text_back_to_post(logged_in, dbsession, alice):
    comment_id = make_comment(dbsession, "Words", commenter=alice).id
    dbsession.delete(stored_comment(dbsession, comment_id))
    dbsession.flush()
    page = edit(logged_in, comment_id, "Better words", status=404)
    assert "That comment no longer exists" in page.html.select_one("#contents-error").get_text()
    (form,) = [form for form in page.forms.values() if form.action == "/"]
    assert form["contents"].value == "Better words"


def test_someone_elses_comment_gets_the_plain_refusal(logged_in, dbsession):
    bob = make_user(dbsession, "bob")
    comment = make_comment(dbsession, "Bob's words", commenter=bob)
    page = edit(logged_in, comment.id, "Words in bob's mouth", status=403)
    assert "You are not allowed to do that." in page
    assert "Words in bob&#39;s mouth" not in page.text
    assert "Words in bob's mouth" not in page.text
