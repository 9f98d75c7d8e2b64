"""What ``/metrics`` counts moves with what happens, through the whole app: each request under
its route's name, the page cache's hits, misses and bytes, failed logins, refusals by each
limit, comments posted (once, however often a form is sent), and the database pool's use."""

import pytest
import sqlalchemy as sa

from scratchpad import main
from scratchpad.models import get_engine
from scratchpad.settings import load_settings
from tests.support.apps import TestApp
from tests.support.factories import PASSWORD, make_comment, make_user
from tests.support.metrics import BEARER, TOKEN, Scraper, value

RESPONSES = "scratchpad_http_responses_total"
DURATIONS = "scratchpad_http_request_duration_seconds_count"
REFUSALS = "scratchpad_throttle_refusals_total"
POSTED = "scratchpad_comments_posted_total"


@pytest.fixture(scope="module")
def counted(app_with):
    """An app whose metrics the token reads, with limits low enough to reach in a test."""
    return app_with(
        metrics_token=TOKEN,
        login_attempts_per_user=2,
        login_attempts_per_address=2,
        posts_per_minute=3,
        searches_per_minute=1,
    )


@pytest.fixture
def visitor(browser, counted):
    return browser(counted, REMOTE_ADDR="192.0.2.20")


@pytest.fixture
def metrics(browser, counted):
    return Scraper(browser(counted, REMOTE_ADDR="192.0.2.99"))


def comment_form(member, path="/"):
    return next(form for form in member.get(path).forms.values() if "contents" in form.fields)


def test_requests_are_counted_by_route_name_never_by_path(visitor, metrics, dbsession):
    comment = make_comment(dbsession, "Counted", commenter=make_user(dbsession, "ann"))
    for _ in range(2):
        visitor.get(f"/comments/{comment.id}", status=200)
    visitor.get("/no/such/page", status=404)
    moved = metrics.moved()
    changes = (
        moved(RESPONSES, route="comments.show", method="GET", code="200"),
        moved(DURATIONS, route="comments.show", method="GET"),
        moved(RESPONSES, route="none", method="GET", code="404"),
    )
    assert (changes, f"/comments/{comment.id}" in metrics.last) == ((2, 2, 1), False)


def test_a_method_of_the_clients_choosing_is_counted_as_other(visitor, metrics):
    visitor.request("/healthz", method="PUT", status="*")
    moved = metrics.moved()
    assert moved(DURATIONS, route="healthz", method="other") == 1


def test_scrapes_are_counted_as_responses_but_not_timed(metrics):
    metrics.scrape()
    moved = metrics.moved()
    changes = (
        moved(RESPONSES, route="metrics", method="GET", code="200"),
        moved(DURATIONS, route="metrics", method="GET"),
    )
    # The two scrapes before the second reading (the one above, and the first reading's own).
    assert changes == (2, 0)


def test_kept_pages_count_as_hits_with_their_bytes_drawn_ones_as_misses(visitor, metrics):
    visitor.get("/", status=200)
    kept = visitor.get("/", status=200)
    visitor.get("/", status=200)
    moved = metrics.moved()
    changes = (
        moved("scratchpad_page_cache_misses_total"),
        moved("scratchpad_page_cache_hits_total"),
        moved("scratchpad_page_cache_served_bytes_total"),
    )
    assert changes == (1, 2, 2 * len(kept.body))


def test_a_members_page_is_neither_hit_nor_miss(visitor, metrics, alice):
    visitor.login("alice", PASSWORD)
    visitor.get("/", status=200)
    moved = metrics.moved()
    changes = (
        moved("scratchpad_page_cache_misses_total"),
        moved("scratchpad_page_cache_hits_total"),
    )
    assert changes == (0, 0)


def test_failed_logins_and_the_login_limit_are_counted(visitor, metrics, alice):
    for _ in range(2):
        visitor.login("alice", "not the password", status=400)
    visitor.login("alice", PASSWORD, status=429)
    moved = metrics.moved()
    assert (moved("scratchpad_login_failures_total"), moved(REFUSALS, limit="login")) == (2, 1)


def test_comments_and_replies_are_counted_once_each(visitor, metrics, alice, dbsession):
    visitor.login("alice", PASSWORD)
    form = comment_form(visitor)
    form["contents"] = "Posted twice by a double click"
    form.submit(status=303)
    form.submit(status=303)  # the same submission: stored once
    parent = make_comment(dbsession, "Answer me", commenter=alice)
    reply = comment_form(visitor, f"/comments/{parent.id}/reply")
    reply["contents"] = "An answer"
    reply.submit(status=303)
    moved = metrics.moved()
    assert (moved(POSTED, kind="comment"), moved(POSTED, kind="reply")) == (1, 1)


def test_a_refused_post_is_counted_as_a_refusal_not_a_comment(visitor, metrics, alice):
    visitor.login("alice", PASSWORD)
    for number in range(4):
        form = comment_form(visitor)
        form["contents"] = f"Post {number}"
        form.submit(status=303 if number < 3 else 429)
    moved = metrics.moved()
    assert (moved(POSTED, kind="comment"), moved(REFUSALS, limit="post")) == (3, 1)


def test_a_refused_search_is_counted(visitor, metrics):
    visitor.get("/search", params={"q": "word"}, status=200)
    visitor.get("/search", params={"q": "word"}, status=429)
    moved = metrics.moved()
    assert moved(REFUSALS, limit="search") == 1


def test_a_refused_link_guess_is_counted(visitor, metrics):
    for _ in range(2):
        visitor.get("/invitations/guessed-token", status=404)
    visitor.get("/invitations/guessed-token", status=429)
    moved = metrics.moved()
    assert moved(REFUSALS, limit="link") == 1


def test_the_pool_gauges_follow_connections_lent_and_returned(app_settings, database_url, tmp_path):
    """On an engine of the test's own (the shared app's requests use the test's connection,
    never the pool), 2 pooled connections and 1 of overflow."""
    settings = load_settings(
        {**app_settings, "sqlalchemy.pool_size": "2", "sqlalchemy.max_overflow": "1"}, environ={}
    )
    settings["scratchpad.metrics_token"] = TOKEN
    engine = get_engine(settings)
    scraper = TestApp(main({}, **settings, dbengine=engine), extra_environ={"HTTP_HOST": "example.com"})

    def gauges():
        text = scraper.get("/metrics", headers=BEARER).text
        return tuple(
            value(text, f"scratchpad_db_pool_{name}_connections")
            for name in ("checked_out", "overflow", "max")
        )

    try:
        connections = [engine.connect() for _ in range(3)]
        for connection in connections:
            connection.execute(sa.text("SELECT 1"))
        while_lent = gauges()
        connections.pop().close()
        after_one = gauges()
        for connection in connections:
            connection.close()
        assert (while_lent, after_one, gauges()) == ((3, 1, 3), (2, 0, 3), (0, 0, 3))
    finally:
        engine.dispose()
