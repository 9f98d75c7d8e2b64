"""Issue 17, line 1: the anonymous board page drawn from its kept frame and run of threads
(board/frames.py), without a template, and never stale, never a member's. Every test draws
its pages (the page cache off), through the whole app."""

import jinja2
import pytest

from tests.support.factories import PASSWORD, make_comment, make_reply


@pytest.fixture
def wsgi(app_with):
    """One app the browsers of a test share, drawing every page: what one drew is kept."""
    return app_with(page_cache_bytes=0, page_size=2)


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
