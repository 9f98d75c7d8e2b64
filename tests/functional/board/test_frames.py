"""The anonymous board page (issue 17, line 1) and thread page (issue 14, line 2) drawn from
their kept frames and runs of comments (board/frames.py), without a template, and never
stale, never a member's. Every test draws its pages (the page cache off), through the whole
app."""

import jinja2
import pytest

from scratchpad.i18n.time_zones import COOKIE as ZONE_COOKIE
from tests.support.factories import PASSWORD, make_comment, make_reply


@pytest.fixture
def wsgi(app_with):
    """One app the browsers of a test share, drawing every page: what one drew is kept.
    Two threads a board page, two replies a thread page."""
    return app_with(page_cache_bytes=0, page_size=2)


@pytest.fixture
def unkept(app_with):
    """An app that keeps nothing it draws: every page through the templates, fresh."""
    return app_with(page_cache_bytes=0, page_size=2, fragment_cache_bytes=0)


@pytest.fixture
def templates(monkeypatch):
    """The names of the templates rendered (``Template.render``: what pyramid_jinja2 calls
    for a view's renderer)."""
    rendered = []
    original = jinja2.Template.render

    def counted(self, *args, **kwargs):
        rendered.append(self.name)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(jinja2.Template, "render", counted)
    return rendered


def test_a_page_drawn_again_renders_no_template(dbsession, alice, browser, wsgi, templates):
    root = make_comment(dbsession, "Root", commenter=alice)
    make_reply(dbsession, root, "Reply", commenter=alice)
    first = browser(wsgi).get("/")
    rendered_first = len(templates)
    again = browser(wsgi).get("/")
    assert (rendered_first, len(templates) - rendered_first, again.body) == (1, 0, first.body)


@pytest.mark.parametrize("query", ["", "?before={oldest}"])
def test_the_framed_page_is_the_page_drawn_through_the_template(
    dbsession, alice, browser, app_with, wsgi, query
):
    """The same bytes and headers as a page drawn with nothing kept, newest page and older."""
    comments = [make_comment(dbsession, f"Comment {number}", commenter=alice) for number in range(5)]
    path = "/" + query.format(oldest=comments[-2].id)
    browser(wsgi).get(path)
    framed = browser(wsgi).get(path)
    unkept = browser(app_with(page_cache_bytes=0, page_size=2, fragment_cache_bytes=0)).get(path)
    assert (framed.body, sorted(framed.headers.items())) == (unkept.body, sorted(unkept.headers.items()))
    assert "Comment" in framed


def test_a_new_comment_shows_and_moves_the_page_links(dbsession, alice, browser, wsgi):
    """The frame holds the "Older comments" link: a new thread moves it, at once."""
    first, second = (make_comment(dbsession, f"Comment {number}", commenter=alice) for number in range(2))
    visitor = browser(wsgi)
    assert visitor.get("/").html.find("a", rel="next") is None
    third = make_comment(dbsession, "A third one", commenter=alice)
    page = visitor.get("/")
    assert ("A third one" in page, page.html.find("a", rel="next")["href"]) == (True, f"/?before={second.id}")
    assert third.id > second.id > first.id


def test_the_language_links_lead_back_to_the_page_asked_for(dbsession, alice, browser, wsgi):
    comments = [make_comment(dbsession, f"Comment {number}", commenter=alice) for number in range(5)]
    visitor = browser(wsgi)
    visitor.get("/")
    older = visitor.get(f"/?before={comments[-2].id}")
    french = older.html.find("a", hreflang="fr")["href"]
    assert french.endswith(f"came_from=%2F%3Fbefore%3D{comments[-2].id}")
    assert visitor.get("/").html.find("a", hreflang="fr")["href"].endswith("came_from=%2F")


def test_the_language_and_the_mount_point_are_part_of_the_frame(dbsession, alice, browser, wsgi):
    make_comment(dbsession, "Root", commenter=alice)
    browser(wsgi).get("/")
    german = browser(wsgi).get("/", headers={"Accept-Language": "de"})
    mounted = browser(wsgi, SCRIPT_NAME="/board").get("/board/")
    assert (german.html.find("html")["lang"], german.html.find("h1").get_text()) == ("de", "Kommentare")
    assert mounted.html.find("a", class_="navbar-brand")["href"] == "/board/"


def test_a_members_page_is_never_framed_nor_framed_for_visitors(dbsession, alice, browser, wsgi):
    make_comment(dbsession, "Root", commenter=alice)
    browser(wsgi).get("/")  # a visitor's frame is kept
    member = browser(wsgi)
    member.login("alice", PASSWORD)
    page = member.get("/")
    assert "alice" in page.html.find(class_="navbar-text").get_text()
    token = page.forms["comment-form"]["csrf_token"].value
    visitor = browser(wsgi).get("/")
    assert (visitor.html.find(id="logout-form"), token in visitor) == (None, False)


@pytest.mark.parametrize("query", ["?q=anything&after=3", "?before={oldest:05d}"])
def test_a_page_asked_for_by_another_address_is_framed_as_its_own_address(
    dbsession, alice, browser, wsgi, templates, query
):
    """Parameters a client adds at will cannot fill the cache with frames: such a page is
    the page of its own address (``/``, or ``?before=`` as a number), framed by that one
    frame, its language links leading back to that address."""
    comments = [make_comment(dbsession, f"Comment {number}", commenter=alice) for number in range(5)]
    own = "/" if query.startswith("?q") else f"/?before={comments[-2].id}"
    drawn = browser(wsgi).get(own)
    pages = [browser(wsgi).get("/" + query.format(oldest=comments[-2].id)) for _ in range(2)]
    assert (len(templates), pages[0].body, pages[1].body) == (1, drawn.body, drawn.body)


# -- a thread page --------------------------------------------------------------------------


@pytest.fixture
def thread(dbsession, alice):
    """A root and five replies: three pages of two replies (the last with one)."""
    root = make_comment(dbsession, "The root of it", commenter=alice)
    replies = [make_reply(dbsession, root, f"Reply number {number}", commenter=alice) for number in range(5)]
    return root, replies


def pages_of(thread):
    root, replies = thread
    return {
        "first": f"/comments/{root.id}",
        "second": f"/comments/{root.id}?after={replies[1].id}",
        "last": f"/comments/{root.id}?after={replies[3].id}",
    }


def same_page(one, other):
    return (one.status, one.body, sorted(one.headers.items())) == (
        other.status,
        other.body,
        sorted(other.headers.items()),
    )


@pytest.mark.parametrize("page", ["first", "second"])
def test_a_thread_page_drawn_again_renders_no_template(browser, wsgi, thread, templates, page):
    path = pages_of(thread)[page]
    first = browser(wsgi).get(path)
    rendered_first = len(templates)
    again = browser(wsgi).get(path)
    assert (rendered_first, len(templates) - rendered_first, again.body) == (1, 0, first.body)


READERS = {
    "English": {},
    "German": {"HTTP_ACCEPT_LANGUAGE": "de"},
    "Arabic": {"HTTP_ACCEPT_LANGUAGE": "ar"},
    "a time zone": {"zone": "Europe/Berlin"},
    "a mount point": {"SCRIPT_NAME": "/board"},
}


@pytest.mark.parametrize("reader", sorted(READERS))
@pytest.mark.parametrize("page", ["first", "second", "last"])
def test_the_framed_thread_page_is_the_page_drawn_through_the_template(
    browser, wsgi, unkept, thread, templates, reader, page
):
    """The same bytes and headers as a page drawn with nothing kept, whatever its language,
    time zone, mount point or page."""
    environ = dict(READERS[reader])
    zone = environ.pop("zone", None)
    path = environ.get("SCRIPT_NAME", "") + pages_of(thread)[page]

    def visitor(app):
        made = browser(app, **environ)
        if zone:
            made.set_cookie(ZONE_COOKIE, zone)
        return made

    drawn = visitor(wsgi).get(path)
    framed = visitor(wsgi).get(path)
    fresh = visitor(unkept).get(path)
    assert (same_page(framed, fresh), same_page(drawn, fresh)) == (True, True)
    assert (len(templates), "Reply number" in framed) == (2, True)  # wsgi's first, unkept's


def test_each_thread_page_has_its_own_frame(browser, wsgi, dbsession, alice, thread):
    other = make_comment(dbsession, "Another root", commenter=alice)
    root, _ = thread
    browser(wsgi).get(f"/comments/{root.id}")
    page = browser(wsgi).get(f"/comments/{other.id}")
    heading = page.html.find("h1").get_text()
    assert (heading, "The root of it" in page) == (f"Thread of comment {other.id}", False)
    assert "No replies yet." in page
    again = browser(wsgi).get(f"/comments/{root.id}")
    assert (again.html.find("h1").get_text(), "No replies yet." in again) == (
        f"Thread of comment {root.id}",
        False,
    )


def later_link(page):
    link = page.html.find("a", rel="next")
    return None if link is None else link["href"]


def test_a_new_reply_shows_at_once_and_moves_the_later_link(browser, wsgi, dbsession, alice, thread):
    """The frame holds the count of replies and the "Later replies" link: a new reply
    changes both, on the first page and on the last, at once."""
    root, replies = thread
    visitor = browser(wsgi)
    paths = pages_of(thread)
    first, last = visitor.get(paths["first"]), visitor.get(paths["last"])
    assert (later_link(first), later_link(last)) == (paths["second"], None)
    assert "5 replies, oldest first." in first
    newest = make_reply(dbsession, root, "A sixth reply", commenter=alice)
    first, last = visitor.get(paths["first"]), visitor.get(paths["last"])
    assert ("6 replies, oldest first." in first, "6 replies, oldest first." in last) == (True, True)
    assert ("A sixth reply" in last, later_link(last)) == (True, None)
    seventh = make_reply(dbsession, root, "A seventh reply", commenter=alice)
    last = visitor.get(paths["last"])
    assert ("A seventh reply" in last, later_link(last)) == (False, f"/comments/{root.id}?after={newest.id}")
    assert "A seventh reply" in visitor.get(later_link(last))
    assert seventh.id > newest.id > replies[-1].id


def edit(member, comment_id, contents):
    form = member.get(f"/comments/{comment_id}/edit").forms["comment-form"]
    form["contents"] = contents
    form.submit(status=303)


def test_an_edit_shows_at_once_on_a_thread_page(browser, wsgi, thread):
    """The root and the replies are the runs, kept under their rows: an edit of either is a
    new row, so a new run, at once."""
    root, replies = thread
    paths = pages_of(thread)
    visitor = browser(wsgi)
    visitor.get(paths["first"])
    visitor.get(paths["second"])
    member = browser(wsgi)
    member.login("alice", PASSWORD)
    edit(member, root.id, "The root, edited")
    edit(member, replies[2].id, "Reply two, edited")
    first, second = visitor.get(paths["first"]), visitor.get(paths["second"])
    assert ("The root, edited" in first, "The root of it" in first) == (True, False)
    assert ("Reply two, edited" in second, "Reply number 2" in second) == (True, False)


@pytest.fixture
def moderator(browser, wsgi, admin):
    member = browser(wsgi)
    member.login("root", PASSWORD)
    return member


def test_a_hide_shows_at_once_on_a_thread_page(browser, wsgi, unkept, thread, moderator):
    root, replies = thread
    paths = pages_of(thread)
    visitor = browser(wsgi)
    visitor.get(paths["first"])
    visitor.get(paths["second"])
    token = moderator.get_csrf_token()
    moderator.post(f"/comments/{replies[0].id}/hide", {"csrf_token": token}, status=303)
    moderator.post(f"/comments/{replies[3].id}/hide", {"csrf_token": token}, status=303)
    page, second = visitor.get(paths["first"]), visitor.get(paths["second"])
    assert ("Reply number 0" in page, "removed by a moderator" in page) == (False, True)
    assert ("Reply number 3" in second, "Reply number 2" in second, "removed by a moderator" in second) == (
        False,
        True,
        True,
    )
    assert same_page(visitor.get(paths["second"]), browser(unkept).get(paths["second"]))
    moderator.post(f"/comments/{root.id}/hide", {"csrf_token": token}, status=303)
    page = visitor.get(paths["first"])
    assert ("The root of it" in page, page.text.count("This comment was removed by a moderator.")) == (
        False,
        2,
    )
    assert same_page(visitor.get(paths["first"]), browser(unkept).get(paths["first"]))


def test_a_root_deleted_by_its_author_keeps_its_replies_under_its_placeholder(browser, wsgi, unkept, thread):
    root, _ = thread
    path = pages_of(thread)["first"]
    visitor = browser(wsgi)
    before = visitor.get(path)
    member = browser(wsgi)
    member.login("alice", PASSWORD)
    member.post(f"/comments/{root.id}/delete", {"csrf_token": member.get_csrf_token()}, status=303)
    after = visitor.get(path)
    assert ("The root of it" in before, "The root of it" in after) == (True, False)
    assert ("This comment was deleted by its author." in after, "Reply number 0" in after) == (True, True)
    assert same_page(visitor.get(path), browser(unkept).get(path))


@pytest.mark.parametrize("first_reader", ["a visitor", "the member"])
def test_a_members_thread_page_is_never_framed_nor_framed_for_visitors(browser, wsgi, thread, first_reader):
    """Whoever draws the page first, a member sees their own navbar and a visitor never
    sees the member's name or token."""
    path = pages_of(thread)["second"]
    member = browser(wsgi)
    member.login("alice", PASSWORD)
    pages = {}
    for reader in (first_reader, *{"a visitor", "the member"} - {first_reader}):
        pages[reader] = (member if reader == "the member" else browser(wsgi)).get(path)
    again = browser(wsgi).get(path)
    own = pages["the member"]
    token = own.html.find(id="logout-form").find("input", attrs={"name": "csrf_token"})["value"]
    assert "alice" in own.html.find(class_="navbar-text").get_text()
    for visitor in (pages["a visitor"], again):
        assert (visitor.html.find(id="logout-form"), token in visitor, "Logged in as" in visitor) == (
            None,
            False,
            False,
        )
        assert visitor.html.find("a", string="Log in") is not None


def test_a_thread_pages_language_links_lead_back_to_the_page_asked_for(browser, wsgi, thread):
    root, replies = thread
    paths = pages_of(thread)
    visitor = browser(wsgi)
    visitor.get(paths["first"])
    second = visitor.get(paths["second"])
    french = second.html.find("a", hreflang="fr")["href"]
    assert french.endswith(f"came_from=%2Fcomments%2F{root.id}%3Fafter%3D{replies[1].id}")
    first = visitor.get(paths["first"]).html.find("a", hreflang="fr")["href"]
    assert first.endswith(f"came_from=%2Fcomments%2F{root.id}")


@pytest.mark.parametrize("query", ["?q=anything&before=3", "?after=0{after}", "?after=00{after}&q=x"])
def test_a_thread_page_asked_for_by_another_address_is_framed_as_its_own_address(
    browser, wsgi, thread, templates, query
):
    """Parameters a client adds at will cannot fill the cache with frames: such a page is
    the page of its own address, framed by that one frame, its language links leading back
    to that address."""
    root, replies = thread
    own = pages_of(thread)["first" if query.startswith("?q") else "second"]
    drawn = browser(wsgi).get(own)
    asked = f"/comments/{root.id}" + query.format(after=replies[1].id)
    pages = [browser(wsgi).get(asked) for _ in range(2)]
    assert (len(templates), pages[0].body, pages[1].body) == (1, drawn.body, drawn.body)


def test_a_later_page_no_link_leads_to_is_drawn_not_framed(browser, wsgi, unkept, dbsession, alice, thread):
    """``?after=`` naming no reply of the thread is a page of the root alone: drawn each
    time, its frame not kept, so counting through numbers cannot fill the cache."""
    from scratchpad.board import drawing

    root, _ = thread
    elsewhere = [make_comment(dbsession, f"Elsewhere {number}", commenter=alice) for number in range(4)]
    cache = wsgi.registry[drawing.REGISTRY_KEY]
    first = browser(wsgi).get(f"/comments/{root.id}?after={elsewhere[0].id}")
    kept = len(cache)
    pages = [browser(wsgi).get(f"/comments/{root.id}?after={comment.id}") for comment in elsewhere[1:]]
    assert (len(cache), "Earlier replies are on the" in first, "Reply number" in first) == (kept, True, False)
    fresh = browser(unkept).get(f"/comments/{root.id}?after={elsewhere[-1].id}")
    assert same_page(pages[-1], fresh)


# -- the ETag of a framed page ------------------------------------------------------------


@pytest.mark.parametrize("kind", ["board", "thread"])
def test_the_etag_changes_with_the_page_and_a_conditional_get_gives_304(browser, wsgi, thread, kind):
    """Made of its parts' digests (page_cache.parts_etag): the same for the page drawn and
    joined, another for a page that differs by one letter or by its language."""
    root, _ = thread
    path = "/" if kind == "board" else pages_of(thread)["first"]
    visitor = browser(wsgi)
    drawn = visitor.get(path)
    etag = drawn.headers["ETag"]
    joined = visitor.get(path, headers={"If-None-Match": '"another"'})
    not_modified = visitor.get(path, headers={"If-None-Match": etag}, status=304)
    assert (joined.headers["ETag"], joined.body, not_modified.body) == (etag, drawn.body, b"")
    member = browser(wsgi)
    member.login("alice", PASSWORD)
    edit(member, root.id, "The root of is")  # one letter: the same length
    changed = visitor.get(path, headers={"If-None-Match": etag}, status=200)
    assert ("The root of is" in changed, changed.headers["ETag"] != etag) == (True, True)
    visitor.get(path, headers={"If-None-Match": changed.headers["ETag"]}, status=304)
    german = browser(wsgi, HTTP_ACCEPT_LANGUAGE="de").get(
        path, headers={"If-None-Match": changed.headers["ETag"]}
    )
    assert (german.status_int, german.headers["ETag"] != changed.headers["ETag"]) == (200, True)


def test_a_page_joined_from_kept_parts_is_not_hashed_again(browser, wsgi, thread, monkeypatch):
    """Its frame's and runs' digests are kept with them, and the page is then kept whole with
    its ETag under its threads' stamps (board/stamped.py): the page's ETag costs no hashing
    of its bytes again, nor its body an encoding of its text."""
    from scratchpad.board import page_cache

    hashed = []
    original = page_cache.part_digest
    monkeypatch.setattr(page_cache, "part_digest", lambda part: hashed.append(part) or original(part))
    paths = pages_of(thread)
    visitor = browser(wsgi)
    drawn = [visitor.get(path).body for path in (paths["first"], "/")]
    drawn_hashed = len(b"".join(hashed))
    joined_once = [visitor.get(path).body for path in (paths["first"], "/")]
    once_hashed = len(b"".join(hashed)) - drawn_hashed
    joined_again = [visitor.get(path).body for path in (paths["first"], "/")]
    assert (joined_once, joined_again) == (drawn, drawn)
    assert drawn_hashed == sum(map(len, drawn))  # every byte, once
    assert (once_hashed, len(b"".join(hashed)) - drawn_hashed) == (0, 0)
