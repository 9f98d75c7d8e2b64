"""``GET /account/comments.json``: a logged-in member downloads their own comments (hidden ones
included, nobody else's), as a file no cache keeps; anyone else is sent to log in."""

import json
from datetime import UTC, datetime

import pytest

from scratchpad.models.types import utcnow
from tests.support.factories import make_comment, make_user

PASSWORD = "correct horse battery"
LONG_AGO = datetime(2026, 1, 1, 8, 30, 0, 250000, tzinfo=UTC)
URL = "/account/comments.json"


@pytest.fixture
def comments(dbsession, alice):
    bob = make_user(dbsession, "bob", PASSWORD)
    mine = make_comment(dbsession, "Mine, with <b>tags</b> & emoji 🎉", commenter=alice, posted_at=LONG_AGO)
    make_comment(dbsession, "Bob's, not mine", commenter=bob, posted_at=LONG_AGO)
    hidden = make_comment(dbsession, "Mine, hidden by a moderator", commenter=alice, posted_at=LONG_AGO)
    hidden.hidden_at = utcnow()
    dbsession.flush()
    return mine, hidden


def test_a_member_downloads_their_own_comments_and_nobody_elses(logged_in, comments):
    mine, hidden = comments
    response = logged_in.get(URL, status=200)
    document = json.loads(response.body)
    assert (document["format"], document["version"], document["username"]) == (
        "scratchpad-member-comments",
        1,
        "alice",
    )
    assert [(row["id"], row["content"], row["hidden_at"] is not None) for row in document["comments"]] == [
        (mine.id, "Mine, with <b>tags</b> & emoji 🎉", False),
        (hidden.id, "Mine, hidden by a moderator", True),
    ]
    first = document["comments"][0]
    assert (first["posted_at"], first["permalink"]) == (
        "2026-01-01T08:30:00.250000Z",
        f"http://example.com/comments/{mine.id}",
    )


def test_the_download_is_a_file_no_cache_keeps(logged_in, comments):
    response = logged_in.get(URL, status=200)
    assert (
        response.headers["Content-Type"],
        response.headers["Content-Disposition"],
        response.headers["Cache-Control"],
    ) == ("application/json; charset=utf-8", 'attachment; filename="scratchpad-comments.json"', "no-store")


def test_a_visitor_who_is_not_logged_in_is_sent_to_log_in_and_back(testapp, comments):
    response = testapp.get(URL, status=303)
    assert response.location == "http://example.com/login/?next=%2Faccount%2Fcomments.json"
    assert "Mine" not in response.text


def test_a_member_without_comments_gets_an_empty_list(testapp, dbsession):
    make_user(dbsession, "carol", PASSWORD)
    testapp.login("carol", PASSWORD)
    assert json.loads(testapp.get(URL).body)["comments"] == []
