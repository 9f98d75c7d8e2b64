"""/feed.atom: a valid Atom 1.0 feed of the newest visible comments, revalidated by ETag.

Each feed is read twice over: with ElementTree, for the elements RFC 4287 requires, and with
feedparser, as feed readers read it (``bozo`` is its flag for a feed that is not well formed).
"""

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import feedparser

from scratchpad.models.types import utcnow
from tests.support.factories import PASSWORD, make_comment

ATOM = "{http://www.w3.org/2005/Atom}"
NOON = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def parse(res):
    return ET.fromstring(res.body)


def read_as_a_feed_reader(res):
    feed = feedparser.parse(res.body)
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


def entries(res):
    return parse(res).findall(f"{ATOM}entry")


def text_of(element, tag):
    return element.find(f"{ATOM}{tag}").text


def links(element):
    return {link.get("rel"): link.get("href") for link in element.findall(f"{ATOM}link")}


def permalink(comment):
    return f"http://example.com/comments/{comment.id}"


def post_comment(testapp, csrf_token, text):
    testapp.post("/", {"contents": text, "csrf_token": csrf_token()}, status=303)


# The document


def test_feed_is_served_as_atom_in_utf8(testapp):
    res = testapp.get("/feed.atom", status=200)
    assert (res.content_type, res.charset.lower()) == ("application/atom+xml", "utf-8")


def test_feed_is_well_formed_atom_1_0_to_a_feed_reader(testapp, dbsession, alice):
    make_comment(dbsession, "Hello", commenter=alice)
    feed = read_as_a_feed_reader(testapp.get("/feed.atom"))
    assert feed.version == "atom10"


def test_feed_has_the_elements_rfc_4287_requires_of_a_feed(testapp, dbsession, alice):
    make_comment(dbsession, "Hello", commenter=alice, posted_at=NOON)
    root = parse(testapp.get("/feed.atom"))
    assert (root.tag, text_of(root, "id"), text_of(root, "title"), text_of(root, "updated")) == (
        f"{ATOM}feed",
        "http://example.com/feed.atom",
        "Scratchpad: newest comments",
        "2026-11-24T12:00:00Z",
    )


def test_feed_links_to_itself_and_to_the_board(testapp):
    assert links(parse(testapp.get("/feed.atom"))) == {
        "self": "http://example.com/feed.atom",
        "alternate": "http://example.com/",
    }


def test_every_entry_has_the_elements_rfc_4287_requires(testapp, dbsession, alice):
    """id, title, updated, content and an author on each entry (so the feed needs none)."""
    make_comment(dbsession, "By alice", commenter=alice)
    make_comment(dbsession, "By nobody", commenter=None)
    make_comment(dbsession, "At no time", posted_at=None)
    required = [f"{ATOM}id", f"{ATOM}title", f"{ATOM}updated", f"{ATOM}content", f"{ATOM}author/{ATOM}name"]
    found = [
        [bool(entry.findtext(path)) for path in required] for entry in entries(testapp.get("/feed.atom"))
    ]
    assert found == [[True] * len(required)] * 3


def test_entry_describes_its_comment(testapp, dbsession, alice):
    comment = make_comment(dbsession, "Hello *world*", commenter=alice, posted_at=NOON)
    [entry] = read_as_a_feed_reader(testapp.get("/feed.atom")).entries
    assert (entry.id, entry.link, entry.title, entry.author, entry.published, entry.updated) == (
        permalink(comment),
        permalink(comment),
        "alice: Hello world",
        "alice",
        "2026-11-24T12:00:00Z",
        "2026-11-24T12:00:00Z",
    )


def test_long_comment_title_is_cut_with_an_ellipsis(testapp, dbsession, alice):
    make_comment(dbsession, "word " * 40, commenter=alice)
    [entry] = read_as_a_feed_reader(testapp.get("/feed.atom")).entries
    assert entry.title == "alice: " + ("word " * 12).strip() + "…"


def test_comment_without_words_is_titled_by_its_number(testapp, dbsession, alice):
    comment = make_comment(dbsession, "[](https://example.org/)", commenter=alice)
    [entry] = read_as_a_feed_reader(testapp.get("/feed.atom")).entries
    assert entry.title == f"alice: comment {comment.id}"


def test_comment_without_commenter_is_by_anonymous(testapp, dbsession):
    make_comment(dbsession, "Hi", commenter=None)
    [entry] = read_as_a_feed_reader(testapp.get("/feed.atom")).entries
    assert (entry.author, entry.title) == ("anonymous", "anonymous: Hi")


def test_edited_comment_is_updated_when_edited(testapp, dbsession, alice):
    comment = make_comment(dbsession, "Hello", commenter=alice, posted_at=NOON)
    comment.edited_at = NOON + timedelta(minutes=5)
    dbsession.flush()
    [entry] = entries(testapp.get("/feed.atom"))
    assert (text_of(entry, "published"), text_of(entry, "updated")) == (
        "2026-11-24T12:00:00Z",
        "2026-11-24T12:05:00Z",
    )


def test_feed_is_updated_when_its_latest_entry_was(testapp, dbsession, alice):
    edited = make_comment(dbsession, "Old but edited", commenter=alice, posted_at=NOON)
    make_comment(dbsession, "New", commenter=alice, posted_at=NOON + timedelta(minutes=1))
    edited.edited_at = NOON + timedelta(minutes=30)
    dbsession.flush()
    assert text_of(parse(testapp.get("/feed.atom")), "updated") == "2026-11-24T12:30:00Z"


def test_comment_from_before_timestamps_is_dated_at_the_epoch_with_no_published(testapp, dbsession):
    make_comment(dbsession, "Old", posted_at=None)
    [entry] = entries(testapp.get("/feed.atom"))
    assert (entry.find(f"{ATOM}published"), text_of(entry, "updated")) == (None, "1970-01-01T00:00:00Z")


def test_empty_board_gives_a_valid_feed_without_entries(testapp):
    res = testapp.get("/feed.atom")
    feed = read_as_a_feed_reader(res)
    assert (feed.entries, text_of(parse(res), "updated")) == ([], "1970-01-01T00:00:00Z")


# Which comments


def test_feed_holds_the_newest_50_comments_newest_first(testapp, dbsession, alice):
    comments = [
        make_comment(
            dbsession, f"Comment {number}", commenter=alice, posted_at=NOON + timedelta(minutes=number)
        )
        for number in range(55)
    ]
    feed = read_as_a_feed_reader(testapp.get("/feed.atom"))
    assert [entry.id for entry in feed.entries] == [permalink(comment) for comment in comments[:4:-1]]


def test_hidden_comments_are_left_out(testapp, dbsession, alice):
    shown = make_comment(dbsession, "Shown", commenter=alice)
    hidden = make_comment(dbsession, "Hidden", commenter=alice)
    hidden.hidden_at = utcnow()
    dbsession.flush()
    feed = read_as_a_feed_reader(testapp.get("/feed.atom"))
    assert [entry.id for entry in feed.entries] == [permalink(shown)]


def test_hidden_comments_do_not_take_places_in_the_50(testapp, dbsession, alice):
    comments = [make_comment(dbsession, f"Comment {number}", commenter=alice) for number in range(52)]
    for comment in comments[-2:]:
        comment.hidden_at = utcnow()
    dbsession.flush()
    feed = read_as_a_feed_reader(testapp.get("/feed.atom"))
    assert [entry.id for entry in feed.entries] == [permalink(comment) for comment in comments[-3::-1]]


# Content


def test_content_is_the_comments_markdown_as_html(testapp, dbsession, alice):
    make_comment(dbsession, "Some **bold** and [a link](https://example.org/)", commenter=alice)
    [entry] = entries(testapp.get("/feed.atom"))
    content = entry.find(f"{ATOM}content")
    assert (content.get("type"), content.text) == (
        "html",
        '<p>Some <strong>bold</strong> and <a href="https://example.org/" rel="nofollow ugc noopener">'
        "a link</a></p>\n",
    )


def test_feed_reader_sees_the_rendered_html(testapp, dbsession, alice):
    make_comment(dbsession, "Some **bold**", commenter=alice)
    [entry] = read_as_a_feed_reader(testapp.get("/feed.atom")).entries
    assert (entry.content[0].type, entry.content[0].value) == (
        "text/html",
        "<p>Some <strong>bold</strong></p>",
    )


def test_script_in_a_comment_is_no_script_in_the_feed(testapp, dbsession, alice):
    payload = '<script>alert(1)</script> <img src=x onerror="alert(2)"> [click](javascript:alert(3))'
    make_comment(dbsession, payload, commenter=alice)
    [entry] = entries(testapp.get("/feed.atom"))
    content_html = entry.find(f"{ATOM}content").text
    # The HTML a reader will show: only text in a paragraph, no element or attribute to run.
    elements = ET.fromstring(f"<div>{content_html}</div>").iter()
    assert [(element.tag, element.attrib) for element in elements] == [("div", {}), ("p", {})]


def test_script_in_a_comment_reaches_a_feed_reader_as_text(testapp, dbsession, alice):
    make_comment(dbsession, "<script>alert(1)</script>", commenter=alice)
    [entry] = read_as_a_feed_reader(testapp.get("/feed.atom")).entries
    assert entry.content[0].value == "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"


def test_control_characters_in_a_comment_keep_the_feed_well_formed(testapp, dbsession, alice):
    make_comment(dbsession, "bell\x07 escape\x1b[31m end", commenter=alice)
    [entry] = read_as_a_feed_reader(testapp.get("/feed.atom")).entries
    assert entry.title == "alice: bell\ufffd escape\ufffd[31m end"


def test_board_page_links_to_the_feed(testapp):
    link = testapp.get("/").html.find("link", rel="alternate")
    assert (link["type"], link["href"]) == ("application/atom+xml", "/feed.atom")


# Caching


def test_feed_has_a_strong_etag_and_asks_to_be_revalidated(testapp):
    res = testapp.get("/feed.atom")
    assert (res.etag is not None, res.headers["ETag"].startswith('"'), res.headers["Cache-Control"]) == (
        True,
        True,
        "no-cache",
    )


def test_same_etag_is_not_modified_with_an_empty_body(testapp, dbsession, alice):
    make_comment(dbsession, "Hello", commenter=alice)
    etag = testapp.get("/feed.atom").headers["ETag"]
    res = testapp.get("/feed.atom", headers={"If-None-Match": etag}, status=304)
    assert (res.body, res.headers["ETag"], res.headers["Cache-Control"]) == (b"", etag, "no-cache")


def test_weak_form_of_the_etag_is_not_modified_too(testapp):
    etag = testapp.get("/feed.atom").headers["ETag"]
    testapp.get("/feed.atom", headers={"If-None-Match": f"W/{etag}"}, status=304)


def test_other_etag_gets_the_feed(testapp):
    res = testapp.get("/feed.atom", headers={"If-None-Match": '"something-else"'}, status=200)
    assert res.content_type == "application/atom+xml"


def test_etag_is_the_same_while_the_board_is(testapp, dbsession, alice):
    make_comment(dbsession, "Hello", commenter=alice)
    assert testapp.get("/feed.atom").headers["ETag"] == testapp.get("/feed.atom").headers["ETag"]


def test_comment_posted_through_the_app_changes_the_etag(logged_in, csrf_token):
    old = logged_in.get("/feed.atom").headers["ETag"]
    post_comment(logged_in, csrf_token, "Something new")
    res = logged_in.get("/feed.atom", headers={"If-None-Match": old}, status=200)
    assert (res.headers["ETag"] != old, read_as_a_feed_reader(res).entries[0].title) == (
        True,
        "alice: Something new",
    )


def test_editing_a_comment_changes_the_etag(testapp, dbsession, alice):
    comment = make_comment(dbsession, "Hello", commenter=alice)
    old = testapp.get("/feed.atom").headers["ETag"]
    comment.content = "Hello, edited"
    comment.edited_at = utcnow()
    dbsession.flush()
    res = testapp.get("/feed.atom", headers={"If-None-Match": old}, status=200)
    assert read_as_a_feed_reader(res).entries[0].title == "alice: Hello, edited"


def test_hiding_a_comment_changes_the_etag(testapp, dbsession, alice):
    comment = make_comment(dbsession, "Hello", commenter=alice)
    old = testapp.get("/feed.atom").headers["ETag"]
    comment.hidden_at = utcnow()
    dbsession.flush()
    res = testapp.get("/feed.atom", headers={"If-None-Match": old}, status=200)
    assert read_as_a_feed_reader(res).entries == []


def test_renaming_a_commenter_changes_the_etag(testapp, dbsession, alice):
    make_comment(dbsession, "Hello", commenter=alice)
    old = testapp.get("/feed.atom").headers["ETag"]
    alice.username = "alicia"
    dbsession.flush()
    res = testapp.get("/feed.atom", headers={"If-None-Match": old}, status=200)
    assert read_as_a_feed_reader(res).entries[0].author == "alicia"


def test_etag_differs_between_hosts_since_the_addresses_do(testapp):
    etag = testapp.get("/feed.atom").headers["ETag"]
    res = testapp.get(
        "/feed.atom",
        headers={"If-None-Match": etag},
        extra_environ={"HTTP_HOST": "other.example"},
        status=200,
    )
    assert links(parse(res))["self"] == "http://other.example/feed.atom"


def test_etag_differs_between_schemes(testapp):
    etag = testapp.get("/feed.atom").headers["ETag"]
    res = testapp.get(
        "/feed.atom", headers={"If-None-Match": etag}, extra_environ={"wsgi.url_scheme": "https"}, status=200
    )
    assert links(parse(res))["self"] == "https://example.com/feed.atom"


def test_head_gives_the_headers_without_the_feed(testapp):
    get = testapp.get("/feed.atom")
    head = testapp.head("/feed.atom", status=200)
    assert (head.body, head.headers["ETag"], head.content_type) == (
        b"",
        get.headers["ETag"],
        get.content_type,
    )


# Everyone gets the same feed


def test_logged_in_visitor_gets_the_same_feed_and_no_cookie(testapp, dbsession, alice):
    make_comment(dbsession, "Hello", commenter=alice)
    anonymous = testapp.get("/feed.atom")
    testapp.login("alice", PASSWORD)
    logged_in = testapp.get("/feed.atom")
    assert (logged_in.body, logged_in.headers["ETag"], logged_in.headers.get("Set-Cookie")) == (
        anonymous.body,
        anonymous.headers["ETag"],
        None,
    )


def test_feed_carries_the_security_headers(testapp):
    res = testapp.get("/feed.atom")
    assert (
        res.headers["X-Content-Type-Options"],
        "default-src 'self'" in res.headers["Content-Security-Policy"],
    ) == (
        "nosniff",
        True,
    )


def test_not_modified_carries_the_security_headers(testapp):
    etag = testapp.get("/feed.atom").headers["ETag"]
    res = testapp.get("/feed.atom", headers={"If-None-Match": etag}, status=304)
    assert res.headers["X-Content-Type-Options"] == "nosniff"
