"""Issue 14, line 4: ``@name`` of an existing user becomes a link to ``/users/<name>``, made
when the comment is written (one statement for every name in it); anything else stays text;
no username, however hostile, breaks a page."""

import html
import json
from urllib.parse import quote

import pytest
import sqlalchemy as sa

from scratchpad.models import Comment
from scratchpad.models.user import canonical_username
from tests.support.factories import PASSWORD, make_comment, make_user, stored_comment
from tests.support.html_safety import page_problems
from tests.support.xss_vectors import ALL as XSS_VECTORS

#: Usernames nobody should be able to choose (validate_username would refuse some, accept
#: others): made directly, as an old database or an import could hold them.
HOSTILE_NAMES = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    'bob" onmouseover="alert(1)',
    "javascript:alert(1)",
    "../../admin/users",
    "a&amp;b",
    "x%2Fy",
    "{{ 7 * 7 }}",
    *XSS_VECTORS[:10],
]


def post(browser, text):
    form = browser.get("/").forms["comment-form"]
    form["contents"] = text
    form.submit(status=303)


def stored_html(dbsession):
    dbsession.expire_all()
    return dbsession.scalars(sa.select(Comment.html).order_by(Comment.id.desc()).limit(1)).one()


def test_a_mention_of_a_user_links_to_their_comments_page(logged_in, dbsession):
    make_user(dbsession, "bob")
    post(logged_in, "Thanks, @Bob! And @nobody.")
    content = logged_in.get("/").html.find("div", class_="comment-content")
    assert content.decode_contents().strip() == (
        '<p>Thanks, <a class="mention" href="/users/bob" rel="nofollow ugc noopener">@Bob</a>! And @nobody.</p>'
    )


def test_a_mention_in_code_or_an_email_address_stays_text(logged_in, dbsession):
    make_user(dbsession, "bob")
    post(logged_in, "`@bob` and bob@bob.example")
    assert "mention" not in stored_html(dbsession)


def test_a_user_created_later_is_linked_only_once_the_comment_is_edited(logged_in, dbsession):
    post(logged_in, "Has anyone seen @dave?")
    before = stored_html(dbsession)
    make_user(dbsession, "dave")
    still = stored_html(dbsession)
    comment_id = dbsession.scalar(sa.select(sa.func.max(Comment.id)))
    page = logged_in.get(f"/comments/{comment_id}/edit")
    form = next(form for form in page.forms.values() if "contents" in form.fields)
    form["contents"] = "Has anyone seen @dave? (edited)"
    form.submit(status=303)
    assert ("mention" in before, "mention" in still, 'href="/users/dave"' in stored_html(dbsession)) == (
        False,
        False,
        True,
    )


def test_a_user_deleted_later_leaves_a_link_to_a_404(testapp, dbsession, alice):
    dave = make_user(dbsession, "dave")
    comment = make_comment(dbsession, "Ask @dave", commenter=alice)
    testapp.get("/users/dave", status=200)
    dbsession.delete(dave)
    dbsession.flush()
    assert (
        'href="/users/dave"' in stored_comment(dbsession, comment.id).html,
        testapp.get("/users/dave", status=404).status_int,
    ) == (True, 404)


def test_mentions_are_resolved_in_one_statement_whatever_their_number(testapp, dbsession, alice, statements):
    for number in range(5):
        make_user(dbsession, f"user{number}")
    statements.clear()
    make_comment(dbsession, " ".join(f"@user{number} @ghost{number}" for number in range(5)), commenter=alice)
    lookups = [statement for statement in statements if "FROM users" in statement]
    assert (len(lookups), stored_html(dbsession).count('class="mention"')) == (1, 5)


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_a_hostile_username_breaks_no_page(testapp, dbsession, alice, name):
    name = canonical_username(name)  # as stored: the login form finds only that spelling
    hostile = make_user(dbsession, name)
    make_comment(dbsession, f"I am @{name} and I greet @alice", commenter=hostile)
    make_comment(dbsession, f"Hello @{name}", commenter=alice)
    testapp.login(name, PASSWORD)
    pages = [testapp.get("/"), testapp.get(f"/users/{quote(name, safe='')}"), testapp.get("/users/alice")]
    problems = [problem for page in pages for problem in page_problems(page.text)]
    heading = pages[1].html.find("h1").get_text()
    assert (problems, heading) == ([], f"Comments by {name}")


def test_a_mention_of_a_name_with_accents_and_dots_leads_to_its_page(testapp, dbsession, alice):
    make_user(dbsession, "zoë.o-neil")
    make_comment(dbsession, "Ask @Zoë.O-Neil.", commenter=alice)
    link = testapp.get("/").html.find("a", class_="mention")
    page = testapp.get(link["href"])
    assert (link["href"], link.get_text(), page.html.find("h1").get_text()) == (
        "/users/zo%C3%AB.o-neil",
        "@Zoë.O-Neil",
        "Comments by zoë.o-neil",
    )


def mention_links(page):
    return [link["href"] for link in page.html.find_all("a", class_="mention")]


@pytest.mark.parametrize("mount", ["", "/board"])
def test_a_mention_leads_to_the_users_page_under_the_boards_mount_point(browser, dbsession, alice, mount):
    """The HTML was stored before the board was mounted anywhere (as every stored comment);
    its mention leads to the page under whichever mount point serves it, in every page,
    the feed and the API."""
    make_user(dbsession, "bob")
    root = make_comment(dbsession, "Ask @bob", commenter=alice)
    assert 'href="/users/bob"' in stored_comment(dbsession, root.id).html
    answerer = browser(SCRIPT_NAME=mount)
    answerer.login("bob", PASSWORD)
    form = answerer.get(f"/comments/{root.id}/reply").forms["reply-form"]
    form["contents"] = "Thanks @alice"
    form.submit(status=303)
    reader = browser(SCRIPT_NAME=mount)
    member = browser(SCRIPT_NAME=mount)
    member.login("alice", PASSWORD)
    pages = {
        "board": (reader.get("/"), 2),
        "thread": (reader.get(f"/comments/{root.id}"), 2),
        "user": (reader.get("/users/alice"), 1),
        "member's board": (member.get("/"), 2),
        "notifications": (member.get("/notifications"), 1),
        "reply form": (member.get(f"/comments/{root.id}/reply"), 1),
    }
    for name, (page, count) in pages.items():
        links = mention_links(page)
        assert len(links) == count, name
        assert set(links) <= {f"{mount}/users/bob", f"{mount}/users/alice"}, name
    feed = html.unescape(reader.get("/feed.atom").text)
    assert feed.count(f'href="http://example.com{mount}/users/') == 2
    api = json.loads(reader.get("/api/comments").body)["comments"]
    assert [c["html"].count(f'href="http://example.com{mount}/users/') for c in api] == [1, 1]


def test_a_mentions_link_under_a_hostile_mount_point_breaks_no_page(browser, dbsession, alice):
    make_user(dbsession, "bob")
    make_comment(dbsession, "Ask @bob", commenter=alice)
    page = browser(SCRIPT_NAME='/x"y<z').get("/")
    assert page_problems(page.text) == []
    assert mention_links(page) == ['/x"y<z/users/bob']  # as the page's other links have it
    assert 'href="/x&#34;y&lt;z/users/bob"' in page.text
