"""Authors edit and delete their own comments, within the edit window, by POST with CSRF."""

import logging
from datetime import timedelta

import pytest
import sqlalchemy as sa

from scratchpad.models import ModerationAction
from scratchpad.models.types import utcnow
from tests.support.factories import PASSWORD, make_comment, make_reply, stored_comment

WINDOW = timedelta(seconds=900)  # testing.ini's scratchpad.edit_window


@pytest.fixture
def fresh(dbsession, alice):
    """Alice's comment, posted a minute ago: inside the window."""
    return make_comment(
        dbsession, "Original *text*", commenter=alice, posted_at=utcnow() - timedelta(minutes=1)
    )


@pytest.fixture
def stale(dbsession, alice):
    """Alice's comment, posted just past the window."""
    return make_comment(
        dbsession, "Old words", commenter=alice, posted_at=utcnow() - WINDOW - timedelta(seconds=5)
    )


def article(page, comment):
    return page.html.find("article", id=f"comment-{comment.id}")


def action_names(page, comment):
    """The buttons under the comment but Reply and Report, which every member sees on every
    visible comment of someone else's (tests/functional/board/test_replying.py, test_reports.py)."""
    actions = article(page, comment).find(class_="comment-actions")
    return (
        []
        if actions is None
        else [
            " ".join(item.get_text().split())
            for item in actions.find_all(["a", "button"])
            if not {"comment-reply-link", "comment-report-link"} & set(item.get("class", []))
        ]
    )


def edit(testapp, csrf_token, comment, contents, status=303, token=None):
    params = {"contents": contents, "csrf_token": csrf_token() if token is None else token}
    return testapp.post(f"/comments/{comment.id}/edit", params, status=status)


def test_the_author_sees_edit_and_delete_on_a_fresh_comment(logged_in, fresh):
    assert action_names(logged_in.get("/"), fresh) == [
        f"Edit comment {fresh.id}",
        f"Delete comment {fresh.id}",
    ]


def test_no_buttons_after_the_window(logged_in, stale):
    assert action_names(logged_in.get("/"), stale) == []


def test_no_buttons_on_someone_elses_comment(testapp, fresh, bob):
    testapp.login("bob", PASSWORD)
    assert action_names(testapp.get("/"), fresh) == []


def test_no_buttons_for_visitors(testapp, fresh):
    assert action_names(testapp.get("/"), fresh) == []


def test_the_edit_form_holds_the_raw_text(logged_in, fresh):
    form = logged_in.get(f"/comments/{fresh.id}/edit").forms["comment-form"]
    assert (form["contents"].value, form["csrf_token"].value != "") == ("Original *text*", True)


def test_saving_changes_the_text_and_marks_it_edited(logged_in, dbsession, fresh):
    form = logged_in.get(f"/comments/{fresh.id}/edit").forms["comment-form"]
    form["contents"] = "Better **text**"
    response = form.submit(status=303)
    assert response.location == f"http://example.com/#comment-{fresh.id}"
    comment = stored_comment(dbsession, fresh.id)
    assert comment.content == "Better **text**"
    assert utcnow() - timedelta(seconds=60) < comment.edited_at <= utcnow()


def test_an_edited_comment_says_edited_with_the_time(logged_in, dbsession, fresh, csrf_token):
    edit(logged_in, csrf_token, fresh, "Changed")
    edited_at = stored_comment(dbsession, fresh.id).edited_at
    page = logged_in.get("/")
    byline = " ".join(article(page, fresh).find("small").get_text().split())
    assert ", edited " in byline
    assert [time["datetime"] for time in article(page, fresh).find_all("time")][-1] == edited_at.isoformat()
    assert "Your comment was saved." in page


def test_saving_the_same_text_is_not_an_edit(logged_in, dbsession, fresh, csrf_token):
    edit(logged_in, csrf_token, fresh, "Original *text*")
    assert stored_comment(dbsession, fresh.id).edited_at is None
    assert ", edited" not in article(logged_in.get("/"), fresh).get_text()


@pytest.mark.parametrize(
    "contents, message",
    [
        ("   ", "Please write something before posting."),
        ("x" * 4097, "Comments can be at most 4,096 characters long; this one has 4,097."),
    ],
)
def test_bad_text_is_refused_with_the_draft_kept(logged_in, dbsession, fresh, csrf_token, contents, message):
    page = edit(logged_in, csrf_token, fresh, contents, status=400)
    assert message in page
    assert page.forms["comment-form"]["contents"].value == contents
    comment = stored_comment(dbsession, fresh.id)
    assert (comment.content, comment.edited_at) == ("Original *text*", None)


def test_editing_someone_elses_comment_is_forbidden(testapp, dbsession, fresh, bob, csrf_token):
    testapp.login("bob", PASSWORD)
    testapp.get(f"/comments/{fresh.id}/edit", status=403)
    edit(testapp, csrf_token, fresh, "Words in alice's mouth", status=403)
    assert stored_comment(dbsession, fresh.id).content == "Original *text*"


def test_editing_after_the_window_is_forbidden_and_says_why(logged_in, dbsession, stale, csrf_token):
    page = edit(logged_in, csrf_token, stale, "Too late", status=403)
    assert "only in the 15 minutes after it was posted" in page
    assert (stored_comment(dbsession, stale.id).content, stored_comment(dbsession, stale.id).edited_at) == (
        "Old words",
        None,
    )


def test_editing_a_comment_without_a_time_is_forbidden(logged_in, dbsession, alice, csrf_token):
    timeless = make_comment(dbsession, "From the tutorial", commenter=alice, posted_at=None)
    edit(logged_in, csrf_token, timeless, "Changed", status=403)
    assert stored_comment(dbsession, timeless.id).content == "From the tutorial"


def test_visitors_are_sent_to_log_in_and_nothing_changes(testapp, dbsession, fresh):
    response = testapp.post(f"/comments/{fresh.id}/edit", {"contents": "Anon"}, status=303)
    assert "/login/" in response.location
    assert stored_comment(dbsession, fresh.id).content == "Original *text*"


def test_editing_without_the_csrf_token_changes_nothing(logged_in, dbsession, fresh, csrf_token):
    edit(logged_in, csrf_token, fresh, "Forged", status=400, token="wrong")
    assert stored_comment(dbsession, fresh.id).content == "Original *text*"


def test_editing_an_unknown_comment_is_not_found(logged_in, csrf_token):
    logged_in.get("/comments/999999/edit", status=404)
    logged_in.post("/comments/999999/edit", {"contents": "x", "csrf_token": csrf_token()}, status=404)


def test_a_hidden_comment_cannot_be_edited_by_its_author(logged_in, dbsession, fresh, csrf_token):
    fresh.hidden_at = utcnow()
    dbsession.flush()
    edit(logged_in, csrf_token, fresh, "Sneaky", status=403)
    assert stored_comment(dbsession, fresh.id).content == "Original *text*"


def test_deleting_asks_first(logged_in, dbsession, fresh):
    page = logged_in.get(f"/comments/{fresh.id}/delete")
    assert "Delete this comment?" in page
    assert "cannot be undone" in page
    assert stored_comment(dbsession, fresh.id) is not None


def test_deleting_your_comment_removes_it_and_logs_no_moderation(logged_in, dbsession, fresh):
    comment_id = fresh.id
    page = logged_in.get(f"/comments/{comment_id}/delete").forms["delete-form"].submit(status=303).follow()
    assert "The comment was deleted." in page
    assert page.html.find(id=f"comment-{comment_id}") is None
    assert stored_comment(dbsession, comment_id) is None
    assert dbsession.scalar(sa.select(sa.func.count()).select_from(ModerationAction)) == 0
    logged_in.get(f"/comments/{comment_id}", status=404)


def test_deleting_goes_back_to_the_page_that_showed_the_comment(logged_in, dbsession, alice, bob):
    """Deleting a reply on a thread's third page, or a thread on the board's second, landed on
    the thread's first page or the board's newest; hiding kept the place. Now the page that
    showed it (its neighbours are there), worked out before it goes."""
    my_thread = make_comment(dbsession, "My thread", commenter=alice)
    newer = [make_comment(dbsession, f"Newer {n}", commenter=bob) for n in range(50)]  # a page's worth
    root = newer[-1]
    replies = [make_reply(dbsession, root, f"Reply {n}", commenter=bob) for n in range(120)]
    my_reply = make_reply(dbsession, root, "My late reply", commenter=alice)  # the 121st: page 3
    places = [
        logged_in.get(f"/comments/{comment.id}/delete").forms["delete-form"].submit(status=303).location
        for comment in (my_reply, my_thread)
    ]
    assert places == [
        f"http://example.com/comments/{root.id}?after={replies[99].id}",
        f"http://example.com/?before={newer[0].id}",
    ]


def test_deleting_someone_elses_comment_is_forbidden(testapp, dbsession, fresh, bob, csrf_token):
    testapp.login("bob", PASSWORD)
    testapp.get(f"/comments/{fresh.id}/delete", status=403)
    testapp.post(f"/comments/{fresh.id}/delete", {"csrf_token": csrf_token()}, status=403)
    assert stored_comment(dbsession, fresh.id) is not None


def test_deleting_after_the_window_is_forbidden(logged_in, dbsession, stale, csrf_token):
    logged_in.post(f"/comments/{stale.id}/delete", {"csrf_token": csrf_token()}, status=403)
    assert stored_comment(dbsession, stale.id) is not None


def test_deleting_without_the_csrf_token_changes_nothing(logged_in, dbsession, fresh):
    logged_in.post(f"/comments/{fresh.id}/delete", {"csrf_token": "wrong"}, status=400)
    assert stored_comment(dbsession, fresh.id) is not None


def test_get_never_deletes(logged_in, dbsession, fresh):
    logged_in.get(f"/comments/{fresh.id}/delete")
    logged_in.head(f"/comments/{fresh.id}/delete")
    assert stored_comment(dbsession, fresh.id) is not None


def test_edits_and_deletions_go_to_the_audit_log_without_the_text(logged_in, fresh, csrf_token, caplog):
    comment_id = fresh.id
    with caplog.at_level(logging.INFO, logger="scratchpad.audit"):
        edit(logged_in, csrf_token, fresh, "Secret words")
        logged_in.post(f"/comments/{comment_id}/delete", {"csrf_token": csrf_token()}, status=303)
    lines = [line for line in caplog.messages if line.startswith("comment ")]
    assert [line.split(" addr=")[0] for line in lines] == [
        "comment edited user='alice'",
        "comment deleted user='alice'",
    ]
    assert all(line.endswith(f"comment={comment_id}") for line in lines)
    assert not any("Secret" in record.getMessage() for record in caplog.records)
