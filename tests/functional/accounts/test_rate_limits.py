"""Limits that cannot be dodged: posts, edits and deletions are counted per user as they are
made (``rate_events``), so deleting one's comments does not free the posting quota, and
editing or deleting over the limit is a 429 with Retry-After that keeps what was typed.
testing.ini allows 10 of each a minute."""

import sqlalchemy as sa

from scratchpad.models import RateEvent
from tests.support.factories import PASSWORD, make_comment, stored_comment, stored_comments

LIMIT = 10  # testing.ini's posts_per_minute, edits_per_minute and deletions_per_minute


def post(visitor, token, contents, status=303):
    return visitor.post("/", {"contents": contents, "csrf_token": token}, status=status)


def delete(visitor, token, comment_id, status=303):
    return visitor.post(f"/comments/{comment_id}/delete", {"csrf_token": token}, status=status)


def edit(visitor, token, comment_id, contents, status=303):
    fields = {"contents": contents, "csrf_token": token}
    return visitor.post(f"/comments/{comment_id}/edit", fields, status=status)


def test_deleting_ones_comments_does_not_free_the_posting_quota(logged_in, dbsession):
    token = logged_in.get_csrf_token()
    for number in range(LIMIT):
        post(logged_in, token, f"comment {number}")
    for comment in stored_comments(dbsession):
        delete(logged_in, token, comment.id)
    assert stored_comments(dbsession) == []
    refused = post(logged_in, token, "the eleventh in a minute", status="*")
    assert (refused.status_int, stored_comments(dbsession)) == (429, [])


def test_the_posting_limit_counts_rows_of_its_own(logged_in, dbsession):
    token = logged_in.get_csrf_token()
    post(logged_in, token, "counted")
    actions = dbsession.scalars(sa.select(RateEvent.action)).all()
    assert actions == ["post"]


def test_the_eleventh_edit_in_a_minute_is_a_429_that_keeps_the_text(logged_in, dbsession, alice):
    comment = make_comment(dbsession, "first words", commenter=alice)
    token = logged_in.get_csrf_token()
    for number in range(LIMIT):
        edit(logged_in, token, comment.id, f"version {number}")
    refused = edit(logged_in, token, comment.id, "one <edit> too many\nlines", status="*")
    form = refused.forms[1]
    assert refused.status_int == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert form["contents"].value == "one <edit> too many\nlines"
    assert "please wait" in refused.html.select_one("#contents-error").get_text()
    assert stored_comment(dbsession, comment.id).content == f"version {LIMIT - 1}"


def test_saving_unchanged_text_is_not_counted_as_an_edit(logged_in, dbsession, alice):
    comment = make_comment(dbsession, "same", commenter=alice)
    token = logged_in.get_csrf_token()
    for _ in range(LIMIT + 1):
        edit(logged_in, token, comment.id, "same")
    assert edit(logged_in, token, comment.id, "changed at last").status_int == 303


def test_the_eleventh_deletion_in_a_minute_is_a_429_and_keeps_the_comment(logged_in, dbsession, alice):
    comments = [make_comment(dbsession, f"comment {number}", commenter=alice) for number in range(LIMIT + 1)]
    token = logged_in.get_csrf_token()
    for comment in comments[:LIMIT]:
        delete(logged_in, token, comment.id)
    refused = delete(logged_in, token, comments[-1].id, status="*")
    assert refused.status_int == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert "This one was kept." in " ".join(refused.html.select_one("main").get_text().split())
    assert [comment.content for comment in stored_comments(dbsession)] == [f"comment {LIMIT}"]


def test_a_higher_edit_limit_takes_effect(browser, app_with, dbsession, alice):
    visitor = browser(app_with(edits_per_minute=LIMIT + 2))
    visitor.login("alice", PASSWORD)
    comment = make_comment(dbsession, "first words", commenter=alice)
    token = visitor.get_csrf_token()
    for number in range(LIMIT + 2):
        edit(visitor, token, comment.id, f"version {number}")
    assert edit(visitor, token, comment.id, "over", status="*").status_int == 429
