"""Kept pages (page_cache.py): anonymous visitors get a page rendered once, never a stale one,
never someone else's, and a kept page costs one statement (the board's revision)."""

import time
from types import SimpleNamespace

import alembic.command
import alembic.config
import pytest
import sqlalchemy as sa
import webtest
from pyramid.paster import get_appsettings
from sqlalchemy.orm import Session

from scratchpad import main
from scratchpad.board.lru import ENTRY_OVERHEAD
from scratchpad.models import BoardState, Comment, get_engine
from scratchpad.models.types import utcnow
from scratchpad.settings import load_settings
from tests.support.factories import PASSWORD, make_comment, make_user

REVISION_QUERY = "FROM board_state"
PAGE_QUERY = "FROM comments"


@pytest.fixture
def visitor(browser):
    """An anonymous visitor who has the front page kept: they have seen it twice."""
    anonymous = browser()
    anonymous.get("/", status=200)
    anonymous.get("/", status=200)
    return anonymous


def shown_comments(res):
    return [div.get_text().strip() for div in res.html.select("article.comment .comment-content")]


def bylines(res):
    return [" ".join(small.get_text().split()) for small in res.html.select("article.comment small")]


def kinds(statements):
    """Each statement as which of the two reads it is (or itself, if neither)."""
    return ["revision" if REVISION_QUERY in s else "page" if PAGE_QUERY in s else s for s in statements]


def post(poster, contents):
    form = next(form for form in poster.get("/").forms.values() if "contents" in form.fields)
    form["contents"] = contents
    return form.submit(status=303)


# Hits


def test_a_kept_page_costs_only_the_revision(browser, statements):
    anonymous = browser()
    rendered = anonymous.get("/")
    statements.clear()
    kept = anonymous.get("/")
    assert (kinds(statements), kept.body) == (["revision"], rendered.body)


def test_a_kept_page_gets_the_security_headers_and_no_cookie(visitor):
    kept = visitor.get("/")
    assert (
        kept.headers["Content-Security-Policy"].startswith("default-src 'self'"),
        "Set-Cookie" in kept.headers,
    ) == (
        True,
        False,
    )


def test_a_head_request_keeps_the_whole_page_for_the_next_get(browser, statements):
    anonymous = browser()
    anonymous.head("/", status=200)
    statements.clear()
    page = anonymous.get("/")
    assert (kinds(statements), page.html.h1.get_text()) == (["revision"], "Comments")


def test_older_pages_are_kept_apart(browser, dbsession, statements):
    comments = [make_comment(dbsession, f"comment {n}") for n in range(3)]
    anonymous = browser()
    anonymous.get("/")
    older = anonymous.get("/", {"before": comments[1].id})
    statements.clear()
    assert (shown_comments(anonymous.get("/", {"before": comments[1].id})), kinds(statements)) == (
        shown_comments(older),
        ["revision"],
    )


def test_a_page_under_another_script_name_has_its_own_links(browser):
    browser().get("/")
    mounted = browser(SCRIPT_NAME="/board").get("/")
    assert mounted.html.select_one("a.navbar-brand")["href"] == "/board/"


# Never stale


def test_a_new_comment_shows_at_once_to_a_visitor_with_the_page_kept(visitor, browser, alice):
    poster = browser()
    poster.login("alice", PASSWORD)
    post(poster, "Fresh news")
    assert shown_comments(visitor.get("/")) == ["Fresh news"]


def test_a_comment_edited_through_the_orm_shows_at_once(browser, dbsession):
    comment = make_comment(dbsession, "Before")
    anonymous = browser()
    anonymous.get("/")
    comment.content = "After"
    comment.edited_at = utcnow()
    dbsession.flush()
    assert shown_comments(anonymous.get("/")) == ["After"]


def test_a_comment_hidden_through_the_orm_is_read_again(browser, dbsession, statements):
    comment = make_comment(dbsession, "Rude")
    anonymous = browser()
    anonymous.get("/")
    comment.hidden_at = utcnow()
    dbsession.flush()
    statements.clear()
    anonymous.get("/")
    # How a hidden comment looks is the template's business; the page must be drawn again:
    # the kept page's revision is not the board's, so the revision is read once more in the
    # page's own transaction, then the page, then (its row has a new change stamp, so its
    # drawing is not kept) the page's texts.
    texts = ["texts" for statement in statements[3:] if "comments.html" in statement]
    assert kinds(statements)[:3] + texts == ["revision", "revision", "page", "texts"]
    assert len(statements) == 4


def test_a_deleted_users_comments_show_as_by_anonymous_at_once(browser, dbsession):
    bob = make_user(dbsession, "bob")
    make_comment(dbsession, "Mine", commenter=bob)
    anonymous = browser()
    anonymous.get("/")
    # As ``scratchpad-admin users delete`` does it.
    dbsession.execute(sa.update(Comment).where(Comment.commenter_id == bob.id).values(commenter_id=None))
    dbsession.delete(bob)
    dbsession.flush()
    assert bylines(anonymous.get("/"))[0].endswith("by anonymous")


def test_a_comment_posted_through_another_process_shows_at_once(visitor, browser, app_with, alice):
    poster = browser(app_with())
    poster.login("alice", PASSWORD)
    post(poster, "From the other process")
    assert shown_comments(visitor.get("/")) == ["From the other process"]


@pytest.fixture
def committing_browser(tmp_path, ini_file, monkeypatch):
    """A function making a browser on an app of its own (another process, as far as its cache
    goes) on a database of its own: a fresh SQLite file, migrated, with alice in it. Its
    requests commit for real, on connections of their own, as in production."""
    url = f"sqlite:///{tmp_path / 'own.sqlite'}"
    monkeypatch.setenv("SCRATCHPAD_DATABASE_URL", url)
    config = alembic.config.Config(ini_file)
    config.attributes["configure_logging"] = False
    alembic.command.upgrade(config, "head")
    settings = load_settings(get_appsettings(ini_file))
    engines = [get_engine(settings)]
    with Session(engines[0]) as dbsession, dbsession.begin():
        make_user(dbsession, "alice", PASSWORD)

    def make():
        app = main({}, **settings)
        engines.append(app.registry["dbengine"])
        return webtest.TestApp(app, extra_environ={"HTTP_HOST": "example.com"})

    yield make
    for engine in engines:
        engine.dispose()


def test_a_comment_committed_by_another_process_shows_at_once(committing_browser):
    visitor, poster = committing_browser(), committing_browser()
    visitor.get("/")
    visitor.get("/")
    login = poster.get("/login/").forms["login-form"]
    login["username"], login["password"] = "alice", PASSWORD
    login.submit(status=303)
    post(poster, "Committed elsewhere")
    assert shown_comments(visitor.get("/")) == ["Committed elsewhere"]


def test_without_a_revision_no_page_is_kept(browser, dbsession):
    dbsession.execute(sa.delete(BoardState))
    anonymous = browser()
    anonymous.get("/")
    make_comment(dbsession, "Unannounced")
    assert shown_comments(anonymous.get("/")) == ["Unannounced"]


# Never someone else's


@pytest.fixture
def member(browser, alice):
    """Alice, logged in, past the page that greeted her (with a message, which is never kept)."""
    logged_in = browser()
    logged_in.login("alice", PASSWORD).follow()
    return logged_in


def test_a_logged_in_page_is_not_kept(member, browser, statements):
    member.get("/")
    statements.clear()
    page = browser().get("/")
    assert (kinds(statements), "Logged in as" in page.text) == (["revision", "page"], False)


def test_a_logged_in_visitor_is_not_served_the_kept_page(visitor, member):
    page = member.get("/")
    has_comment_form = any("contents" in form.fields for form in page.forms.values())
    assert (page.html.select_one(".navbar-text strong").get_text(), has_comment_form) == ("alice", True)


def test_a_page_with_a_message_is_neither_kept_nor_served_from_the_cache(visitor, browser, member):
    token = member.get("/").forms["logout-form"]["csrf_token"].value
    farewell = member.post("/logout/", {"csrf_token": token}, status=303).follow()
    assert ("You are logged out." in farewell.text, "You are logged out." in browser().get("/").text) == (
        True,
        False,
    )


def test_a_page_answered_with_a_cookie_is_not_kept(browser, monkeypatch, statements):
    returning = browser()
    returning.get("/login/")  # a session (and its cookie) with a CSRF token in it
    # Minutes later the session cookie is renewed when read (security.py renews a session in
    # use at most every SESSION_TIMEOUT // 10 = 120 seconds).
    later = time.time() + 300
    monkeypatch.setattr("pyramid.session.time", SimpleNamespace(time=lambda: later))
    renewed = returning.get("/")
    statements.clear()
    browser().get("/")
    assert ("scratchpad_session=" in renewed.headers["Set-Cookie"], kinds(statements)) == (
        True,
        ["revision", "page"],
    )


# Size


def test_size_zero_keeps_nothing_and_reads_no_revision(browser, app_with, statements):
    anonymous = browser(app_with(page_cache_bytes=0))
    anonymous.get("/")
    anonymous.get("/")
    assert kinds(statements) == ["page", "page"]


def test_the_least_recently_used_page_is_forgotten_first(browser, app_with, statements):
    page_bytes = len(browser().get("/", {"before": "100"}).body)
    anonymous = browser(app_with(page_cache_bytes=page_bytes * 5 // 2))  # room for two pages
    for before in ("100", "200", "300"):
        anonymous.get("/", {"before": before})
    statements.clear()
    anonymous.get("/", {"before": "300"})
    anonymous.get("/", {"before": "100"})
    assert kinds(statements) == ["revision", "revision", "page"]


def test_a_page_bigger_than_the_whole_cache_is_not_kept(browser, app_with, statements):
    page_bytes = len(browser().get("/").body)
    anonymous = browser(app_with(page_cache_bytes=page_bytes - 1))
    anonymous.get("/")
    statements.clear()
    anonymous.get("/")
    assert kinds(statements) == ["revision", "page"]


def test_a_page_of_an_old_revision_is_replaced_not_kept_beside(browser, app, dbsession):
    anonymous = browser()
    for n in range(3):
        make_comment(dbsession, f"comment {n}")
        anonymous.get("/")
    assert len(app.registry["page_cache"]) == 1


def test_the_bound_counts_more_than_the_body(browser, app_with, statements):
    # Room for the page's bytes alone: its headers, its key and the LRU's bookkeeping weigh too.
    page_bytes = len(browser().get("/").body)
    anonymous = browser(app_with(page_cache_bytes=page_bytes))
    anonymous.get("/")
    statements.clear()
    anonymous.get("/")
    assert kinds(statements) == ["revision", "page"]


def test_a_kept_page_weighs_its_body_headers_key_and_bookkeeping(browser, app):
    page = browser().get("/")
    headers = sum(len(name) + len(value) for name, value in page.headerlist)
    assert app.registry["page_cache"].weight > len(page.body) + headers + ENTRY_OVERHEAD


# Keyed by what the page depends on


def test_one_page_however_its_before_is_spelled(browser, app):
    anonymous = browser()
    pages = [anonymous.get("/", {"before": spelling}) for spelling in ("251", "0251", "00251")]
    assert (len(app.registry["page_cache"]), len({page.body for page in pages})) == (1, 1)


def test_one_page_whatever_host_the_client_names(browser, app, statements):
    for number in range(5):
        browser(HTTP_HOST=f"host-{number}.{'x' * 1000}.example").get("/", status=200)
    statements.clear()
    browser(HTTP_HOST="another.example").get("/")
    assert (len(app.registry["page_cache"]), kinds(statements)) == (1, ["revision"])


def test_a_before_that_is_no_number_is_refused_and_not_kept(browser, app):
    browser().get("/", {"before": "25x"}, status=400)
    assert len(app.registry["page_cache"]) == 0


def test_a_visit_that_crosses_a_second_starts_no_session_and_is_kept(browser, statements, monkeypatch):
    """Pyramid renewed a session at any access in a later whole second than its creation: a
    visitor whose request crossed a second got a session cookie on a page meant for everyone,
    and the page was not kept (it failed the statement budget now and then). The clock here
    crosses a second between every two readings."""
    ticks = iter(range(10**6))
    clock = SimpleNamespace(time=lambda: 1796409920.9 + next(ticks) * 0.2)
    monkeypatch.setattr("pyramid.session.time", clock)
    anonymous = browser()
    drawn = anonymous.get("/")
    statements.clear()
    anonymous.get("/")
    assert ("Set-Cookie" in drawn.headers, kinds(statements)) == (False, ["revision"])
