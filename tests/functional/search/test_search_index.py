"""The index follows every change to the comments, on both backends: posting, editing,
hiding, deleting (through the app) and deleting a user (through ``scratchpad-admin``)."""

from tests.support.in_process import run_ok

PASSWORD = "correct horse battery"


def post(web, text):
    page = web.get("/")
    form = page.forms["comment-form"]
    form["contents"] = text
    form.submit(status=303)


def search(web, q):
    return web.get("/search", params={"q": q}, status=200)


def test_a_posted_comment_is_found(web, board, found):
    board.user("alice")
    web.login("alice", PASSWORD)
    post(web, "freshly posted aardvark")
    (comment_id,) = found(search(web, "aardvark"))
    # Its permalink (a root's: its thread's page) shows it.
    assert web.get(f"/comments/{comment_id}").html.find("article", id=f"comment-{comment_id}") is not None


def test_an_edit_replaces_the_old_words_with_the_new(web, board, found):
    alice = board.user("alice")
    comment_id = board.comment("original wording", commenter=alice)
    web.login("alice", PASSWORD)
    form = web.get(f"/comments/{comment_id}/edit").forms["comment-form"]
    form["contents"] = "revised phrasing"
    form.submit(status=303)
    assert (found(search(web, "original")), found(search(web, "revised phrasing"))) == ([], [comment_id])


def test_hiding_takes_a_comment_out_and_unhiding_puts_it_back(web, board, found):
    board.user("root", role="admin")
    comment_id = board.comment("moderated words")
    visitor = type(web)(web.app, extra_environ=web.extra_environ)
    web.login("root", PASSWORD)
    token = web.get_csrf_token()
    web.post(f"/comments/{comment_id}/hide", {"csrf_token": token}, status=303)
    assert found(search(visitor, "moderated")) == []
    web.post(f"/comments/{comment_id}/unhide", {"csrf_token": token}, status=303)
    assert found(search(visitor, "moderated")) == [comment_id]


def test_a_deleted_comment_is_never_found_again(web, board, found):
    alice = board.user("alice")
    comment_id = board.comment("short lived words", commenter=alice)
    kept = board.comment("short lived but kept")
    web.login("alice", PASSWORD)
    web.get(f"/comments/{comment_id}/delete").forms["delete-form"].submit(status=303)
    assert found(search(web, "short lived")) == [kept]
    assert web.get("/api/comments", params={"q": "words"}).json["comments"] == []


def test_a_deleted_users_comments_stay_found_as_by_anonymous(web, board, found, database_url):
    bob = board.user("bob")
    comment_id = board.comment("bob wrote this", commenter=bob)
    run_ok("scratchpad-admin", "testing.ini", "users", "delete", "bob", database_url=database_url)
    page = search(web, "wrote")
    assert found(page) == [comment_id]
    assert "by anonymous" in page.html.select_one(f"#result-{comment_id}").text
    answer = web.get("/api/comments", params={"q": "wrote"}).json
    assert [(c["id"], c["author"]) for c in answer["comments"]] == [(comment_id, None)]
