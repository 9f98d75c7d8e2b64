"""Pre-moderation (``scratchpad.premoderate_first`` = N, issue 15, line 4): a member's comments
wait until N of theirs were approved, seen only by their author (marked) and the admins,
nowhere else (board, thread pages, permalinks, feed, API, page cache), until an admin approves
or rejects them in the inbox (/admin/inbox/waiting)."""

import logging
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from scratchpad.models import Comment, ModerationAction
from tests.support.factories import PASSWORD, make_comment, stored_comment

LONG_AGO = datetime(2026, 1, 1, tzinfo=UTC)
WAITING = "Waiting for a moderator"


@pytest.fixture(scope="module")
def premoderated(app_with):
    """The app with a member's first two comments held for approval."""
    return app_with(premoderate_first=2)


@pytest.fixture
def audit_lines(caplog):
    caplog.set_level(logging.INFO, logger="scratchpad.audit")
    return lambda: [record.getMessage() for record in caplog.records if record.name == "scratchpad.audit"]


def on(browser, app, name=None):
    """A browser of its own on ``app``, logged in as ``name`` (None: anonymous)."""
    visitor = browser(app)
    if name is not None:
        visitor.login(name, PASSWORD)
    return visitor


def post(member, contents, path="/"):
    form = next(form for form in member.get(path).forms.values() if "contents" in form.fields)
    form["contents"] = contents
    return form.submit(status=303)


def newest_id(dbsession):
    dbsession.expire_all()
    return dbsession.scalar(sa.select(sa.func.max(Comment.id)))


def waiting_ids(dbsession):
    dbsession.expire_all()
    return list(
        dbsession.scalars(
            sa.select(Comment.id).where(Comment.waiting_since.is_not(None)).order_by(Comment.id)
        )
    )


def decide(admin_browser, action, *ids, status=303):
    """Approve or reject ``ids``: one comment's own button, or several ticked."""
    params = {"csrf_token": admin_browser.get_csrf_token()}
    if len(ids) == 1:
        params["act"] = f"{action} {ids[0]}"
    else:
        params.update(action=action, comment=[str(i) for i in ids])
    return admin_browser.post("/admin/inbox/waiting", params, status=status)


@pytest.fixture
def waiting(browser, premoderated, dbsession, alice):
    """Alice's first comment, waiting; its id."""
    post(on(browser, premoderated, "alice"), "Hello, *new* here")
    return newest_id(dbsession)


def test_a_newcomers_comment_waits_and_its_author_sees_it_marked(browser, premoderated, dbsession, alice):
    author = on(browser, premoderated, "alice")
    page = post(author, "Hello, *new* here").follow()
    assert "waiting for a moderator" in page.html.select_one(".flash-message").text
    comment_id = newest_id(dbsession)
    assert waiting_ids(dbsession) == [comment_id]
    shown = page.html.find("article", id=f"comment-{comment_id}")
    assert "<em>new</em>" in shown.decode()
    assert WAITING in shown.get_text()
    assert "Only you and the admins see it" in " ".join(shown.get_text().split())
    assert shown.select("a.comment-reply-link") == []
    assert author.get(f"/comments/{comment_id}").status_int == 200


def test_nobody_else_sees_a_waiting_comment_anywhere(browser, premoderated, dbsession, waiting, bob):
    for visitor in (on(browser, premoderated), on(browser, premoderated, "bob")):
        assert "new</em> here" not in visitor.get("/").text
        assert "new</em> here" not in visitor.get("/").text  # the kept page too
        visitor.get(f"/comments/{waiting}", status=404)
        visitor.get(f"/comments/{waiting}/reply", status=404)
        visitor.get(f"/comments/{waiting}/report", status=404)
        assert "new here" not in visitor.get("/feed.atom").text
        assert [c["id"] for c in visitor.get("/api/comments").json["comments"]] == []


def test_admins_see_a_waiting_comment_marked_but_never_in_feed_or_api(
    browser, premoderated, dbsession, waiting, admin
):
    root = on(browser, premoderated, "root")
    shown = root.get("/").html.find("article", id=f"comment-{waiting}")
    assert WAITING in shown.get_text()
    assert root.get(f"/comments/{waiting}").status_int == 200
    assert "new here" not in root.get("/feed.atom").text
    assert root.get("/api/comments").json["comments"] == []


def test_approving_shows_it_to_everyone_with_its_posting_time(
    browser, premoderated, dbsession, waiting, admin, audit_lines
):
    anonymous = on(browser, premoderated)
    anonymous.get("/")
    anonymous.get("/")  # kept for anonymous visitors
    posted_at = stored_comment(dbsession, waiting).posted_at
    root = on(browser, premoderated, "root")
    page = decide(root, "approve", waiting).follow()
    assert "1 comment approved." in page.text
    comment = stored_comment(dbsession, waiting)
    assert (comment.waiting_since, comment.posted_at) == (None, posted_at)
    assert "<em>new</em> here" in anonymous.get("/").text  # the kept page was dropped
    assert anonymous.get(f"/comments/{waiting}").status_int == 200
    assert "new here" in anonymous.get("/feed.atom").text
    assert [c["id"] for c in anonymous.get("/api/comments").json["comments"]] == [waiting]
    entries = dbsession.execute(sa.select(ModerationAction.moderator_name, ModerationAction.action)).all()
    assert entries == [("root", "approve")]
    assert f"moderation approve user='root' addr=unknown comment={waiting}" in audit_lines()


def test_a_waiting_comment_is_approved_or_rejected_never_hidden(
    browser, premoderated, dbsession, waiting, admin
):
    """Hidden while it waited, then approved, it came out as "removed by a moderator" on the
    public board, a placeholder for a comment nobody else ever saw (and its author read
    "removed" and "only you see it" at once). The board offers an admin the inbox instead of
    Hide on it, and the hide itself is refused."""
    root = on(browser, premoderated, "root")
    shown = root.get("/").html.find("article", id=f"comment-{waiting}")
    buttons = [
        " ".join(element.get_text().split())
        for element in shown.select(".comment-actions a, .comment-actions button")
    ]
    links = [a["href"] for a in shown.select(".comment-actions a")]
    refused = root.post(f"/comments/{waiting}/hide", {"csrf_token": root.get_csrf_token()}, status=409)
    decide(root, "approve", waiting)
    public = on(browser, premoderated).get("/").html.find("article", id=f"comment-{waiting}")
    assert (
        any(button.startswith("Hide") for button in buttons),
        "/admin/inbox/waiting" in links,
        "approve or reject it in the inbox" in refused.text,
        stored_comment(dbsession, waiting).hidden_at,
        public.select(".comment-removed"),
        "new" in public.get_text(),
    ) == (False, True, True, None, [], True)


def test_rejecting_deletes_it(browser, premoderated, dbsession, waiting, admin, audit_lines):
    root = on(browser, premoderated, "root")
    assert "1 comment rejected." in decide(root, "reject", waiting).follow().text
    assert stored_comment(dbsession, waiting) is None
    entries = dbsession.execute(sa.select(ModerationAction.moderator_name, ModerationAction.action)).all()
    assert entries == [("root", "reject")]
    assert any(line.startswith("moderation reject user='root'") for line in audit_lines())
    assert "rejected" in root.get("/admin/moderation").text


def test_the_inbox_lists_waiting_comments_and_acts_on_the_ticked_ones(
    browser, premoderated, dbsession, alice, bob, admin
):
    post(on(browser, premoderated, "alice"), "From alice")
    post(on(browser, premoderated, "bob"), "From bob")
    post(on(browser, premoderated, "bob"), "Bob again")
    ids = waiting_ids(dbsession)
    root = on(browser, premoderated, "root")
    page = root.get("/admin/inbox/waiting")
    listed = [
        int(section["id"].removeprefix("waiting-")) for section in page.html.select("section.inbox-entry")
    ]
    assert listed == list(reversed(ids))
    assert "by alice" in " ".join(page.html.find("section", id=f"waiting-{ids[0]}").get_text().split())
    form = page.forms["waiting-form"]
    for field in form.fields["comment"]:
        field.checked = field._value != str(ids[1])
    assert "2 comments approved." in form.submit("action", value="approve", status=303).follow().text
    assert waiting_ids(dbsession) == [ids[1]]


def test_acting_on_an_older_page_of_the_waiting_list_goes_back_to_that_page(
    browser, premoderated, dbsession, alice, admin
):
    """The acts' 303 keeps ``?before=`` (it went back to the newest page)."""
    comments = [make_comment(dbsession, f"Waiting {n}", commenter=alice) for n in range(27)]
    for comment in comments:
        comment.waiting_since = LONG_AGO
    dbsession.flush()
    root = on(browser, premoderated, "root")
    second = root.get("/admin/inbox/waiting").click(linkid=None, href="before=", description="Older")
    approved = second.forms["waiting-form"].submit("act", value=f"approve {comments[1].id}", status=303)
    form = approved.follow().forms["waiting-form"]
    form.get("comment", index=0).checked = True  # comments[0], the page's last
    rejected = form.submit("action", value="reject", status=303)
    assert (
        approved.location.removeprefix("http://example.com"),
        rejected.location.removeprefix("http://example.com"),
        waiting_ids(dbsession),
    ) == (second.request.path_qs, second.request.path_qs, [c.id for c in comments[2:]])


def test_members_cannot_open_the_waiting_list(browser, premoderated, bob):
    on(browser, premoderated, "bob").get("/admin/inbox/waiting", status=403)


def test_admins_comments_never_wait(browser, premoderated, dbsession, admin):
    post(on(browser, premoderated, "root"), "From the admin")
    assert waiting_ids(dbsession) == []


def test_nothing_waits_by_default(browser, dbsession, alice):
    post(on(browser, None, "alice"), "Hello")
    assert waiting_ids(dbsession) == []


def test_comments_wait_until_n_of_the_members_were_approved(browser, premoderated, dbsession, alice, admin):
    author = on(browser, premoderated, "alice")
    root = on(browser, premoderated, "root")
    for number in range(3):  # none approved yet: the third waits too
        post(author, f"Comment {number}")
    first, second, third = waiting_ids(dbsession)
    decide(root, "reject", first)  # a rejected comment counts for nothing
    decide(root, "approve", second)
    post(author, "Comment 3")
    assert waiting_ids(dbsession) == [third, newest_id(dbsession)]
    decide(root, "approve", third)
    post(author, "Comment 4")  # two approved: no more waiting
    assert len(waiting_ids(dbsession)) == 1


def test_a_members_earlier_comments_count_as_approved(browser, premoderated, dbsession, alice):
    for number in range(2):
        make_comment(dbsession, f"Before {number}", commenter=alice, posted_at=LONG_AGO)
    post(on(browser, premoderated, "alice"), "After")
    assert waiting_ids(dbsession) == []


def test_replies_wait_and_count_once_approved(browser, premoderated, dbsession, alice, bob, admin):
    root_comment = make_comment(dbsession, "A question", commenter=alice, posted_at=LONG_AGO)
    root_id = root_comment.id
    post(on(browser, premoderated, "bob"), "My answer", path=f"/comments/{root_id}/reply")
    reply_id = newest_id(dbsession)
    assert waiting_ids(dbsession) == [reply_id]
    assert stored_comment(dbsession, root_id).reply_count == 0
    thread = on(browser, premoderated, "alice").get(f"/comments/{root_id}")
    assert "My answer" not in thread.text
    assert "0 replies" in thread.text
    own = on(browser, premoderated, "bob").get(f"/comments/{root_id}")
    assert WAITING in own.html.find("article", id=f"comment-{reply_id}").get_text()
    decide(on(browser, premoderated, "root"), "approve", reply_id)
    assert stored_comment(dbsession, root_id).reply_count == 1
    assert "My answer" in on(browser, premoderated).get(f"/comments/{root_id}").text


def test_a_waiting_comment_cannot_be_answered_until_approved(
    browser, premoderated, dbsession, waiting, admin
):
    root = on(browser, premoderated, "root")
    page = root.get(f"/comments/{waiting}/reply", status=409)
    assert "waiting for a moderator" in page.text


def test_deleting_a_root_whose_only_reply_waits_keeps_it_as_a_placeholder(
    browser, premoderated, dbsession, alice, bob, admin
):
    root_id = make_comment(dbsession, "Question", commenter=alice, posted_at=LONG_AGO).id
    post(on(browser, premoderated, "bob"), "Waiting answer", path=f"/comments/{root_id}/reply")
    root = on(browser, premoderated, "root")
    root.post(f"/comments/{root_id}/delete", {"csrf_token": root.get_csrf_token()}, status=303)
    assert stored_comment(dbsession, root_id).deleted_at is not None


def test_the_navbar_counts_waiting_comments_for_admins(browser, premoderated, dbsession, waiting, admin):
    link = on(browser, premoderated, "root").get("/").html.find("a", id="navbar-inbox")
    assert " ".join(link.get_text().split()) == "Inbox 1: 0 open reports, 1 comment waiting"


@pytest.fixture(scope="module")
def small_pages(app_with):
    """The app with two threads a board page."""
    return app_with(page_size=2)


def board_pages(reader):
    """The addresses of the board's pages as ``reader`` pages through them ("Older")."""
    addresses = ["/"]
    while older := reader.get(addresses[-1]).html.find("a", rel="next"):
        addresses.append(older["href"])
    return addresses


def test_after_an_action_the_board_page_shown_is_one_older_leads_to_though_newer_comments_wait(
    browser, small_pages, dbsession, alice, bob, admin
):
    target = make_comment(dbsession, "Alice's old comment", commenter=alice)
    make_comment(dbsession, "Newer, shown")
    for text in ("Bob's first, waiting", "Bob's second, waiting"):
        make_comment(dbsession, text, commenter=bob).waiting_since = LONG_AGO
    dbsession.flush()
    author = on(browser, small_pages, "alice")
    form = author.get(f"/comments/{target.id}/edit").forms["comment-form"]
    form["contents"] = "Alice's old comment, edited"
    landed = form.submit(status=303).location
    # Alice's newest page holds it: the waiting pair is not on her pages.
    assert landed == f"http://example.com/#comment-{target.id}"
    moderator = on(browser, small_pages, "root")
    landed = moderator.post(
        f"/comments/{target.id}/hide", {"csrf_token": moderator.get_csrf_token()}
    ).location
    # The admin's second page holds it: the waiting pair is on theirs.
    assert landed == f"http://example.com{board_pages(moderator)[1]}#comment-{target.id}"
