"""The comment page through the whole WSGI stack: reading, paging, posting."""

import time
from datetime import UTC, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from scratchpad.board.comments import REPEAT_WINDOW
from scratchpad.models import Comment
from tests.support.factories import make_comment, make_user, stored_comments

NOON = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def shown_comments(res):
    """The comment texts on a page, top to bottom, as a browser shows them (unescaped).

    Without the newline the Markdown renderer puts after the closing </p>: between blocks,
    a browser shows it as nothing.
    """
    return [div.get_text().strip("\n") for div in res.html.select("article.comment .comment-content")]


def bylines(res):
    """Each comment's "Posted ... by ..." line, whitespace collapsed."""
    return [" ".join(small.get_text().split()) for small in res.html.select("article.comment small")]


def make_undated_comment(dbsession, content="Hello", commenter=None):
    """A comment from before timestamps existed: posted_at NULL in the database.

    ``make_comment(posted_at=None)`` cannot make one: the ORM leaves a None value out of the
    INSERT when the column has a default, so ``utcnow`` fills it in.
    """
    comment = make_comment(dbsession, content, commenter=commenter)
    dbsession.execute(sa.update(Comment).where(Comment.id == comment.id).values(posted_at=None))
    dbsession.expire(comment)
    return comment


def comment_form(res):
    return next(form for form in res.forms.values() if "contents" in form.fields)


# Reading the page


def test_comments_are_listed_newest_first(testapp, dbsession):
    for minute, content in enumerate(["first", "second", "third"]):
        make_comment(dbsession, content, posted_at=NOON + timedelta(minutes=minute))
    assert shown_comments(testapp.get("/", status=200)) == ["third", "second", "first"]


def test_posted_time_is_written_out_inside_a_time_element(testapp, dbsession):
    make_comment(dbsession, posted_at=datetime(2026, 11, 24, 9, 5, tzinfo=UTC))
    time_element = testapp.get("/").html.select_one("article.comment time")
    assert (time_element["datetime"], time_element.get_text()) == (
        "2026-11-24T09:05:00+00:00",
        "Tuesday, 24 November 2026 at 09:05",
    )


def test_byline_names_the_commenter(testapp, dbsession):
    make_comment(
        dbsession,
        commenter=make_user(dbsession, "bob"),
        posted_at=datetime(2026, 11, 24, 9, 5, tzinfo=UTC),
    )
    assert bylines(testapp.get("/")) == ["Posted Tuesday, 24 November 2026 at 09:05 by bob"]


def test_comment_without_commenter_is_by_anonymous(testapp, dbsession):
    make_comment(dbsession, commenter=None, posted_at=datetime(2026, 1, 2, 3, 4, tzinfo=UTC))
    assert bylines(testapp.get("/")) == ["Posted Friday, 02 January 2026 at 03:04 by anonymous"]


def test_comment_without_timestamp_reads_at_an_unknown_time(testapp, dbsession):
    make_undated_comment(dbsession)
    assert bylines(testapp.get("/")) == ["Posted at an unknown time by anonymous"]


def test_time_posted_in_another_zone_is_shown_in_utc(testapp, dbsession):
    new_york_evening = datetime(2026, 11, 24, 23, 30, tzinfo=timezone(timedelta(hours=-5)))
    make_comment(dbsession, posted_at=new_york_evening)
    time_element = testapp.get("/").html.select_one("article.comment time")
    assert (time_element["datetime"], time_element.get_text()) == (
        "2026-11-25T04:30:00+00:00",
        "Wednesday, 25 November 2026 at 04:30",
    )


def test_page_says_times_are_in_utc_with_a_link_to_change_it(testapp):
    note = testapp.get("/").html.select_one(".time-zone-name").parent
    assert " ".join(note.get_text().split()).startswith("Times are shown in UTC (change the time zone).")
    assert note.select_one("a.time-zone-change")["href"] == "/time-zone?came_from=%2F"


def test_empty_board_says_there_are_no_comments(testapp):
    assert "No comments yet." in testapp.get("/")


def test_anonymous_visitor_gets_a_log_in_link(testapp):
    link = testapp.get("/").html.find("a", string="Log in")
    assert link["href"] == "/login/"


def test_anonymous_visitor_gets_no_comment_form(testapp):
    assert testapp.get("/").html.find("textarea", attrs={"name": "contents"}) is None


def test_logged_in_visitor_gets_the_comment_form(logged_in):
    assert "csrf_token" in comment_form(logged_in.get("/")).fields


# Pagination (page size 50 in testing.ini)


def expected(newest, oldest):
    return [f"comment {n}" for n in range(newest, oldest - 1, -1)]


@pytest.fixture
def comments_0_to_119(dbsession):
    for n in range(120):
        make_comment(dbsession, f"comment {n}", posted_at=NOON + timedelta(minutes=n))


def test_first_page_shows_the_newest_50(testapp, comments_0_to_119):
    assert shown_comments(testapp.get("/")) == expected(119, 70)


def test_older_comments_link_shows_the_next_50(testapp, comments_0_to_119):
    second_page = testapp.get("/").click("Older comments")
    assert shown_comments(second_page) == expected(69, 20)


def test_last_page_shows_the_oldest_comments(testapp, comments_0_to_119):
    last_page = testapp.get("/").click("Older comments").click("Older comments")
    assert shown_comments(last_page) == expected(19, 0)


def test_last_page_has_no_older_link(testapp, comments_0_to_119):
    last_page = testapp.get("/").click("Older comments").click("Older comments")
    assert last_page.html.find("a", string="Older comments") is None


def test_first_page_has_no_newest_link(testapp, comments_0_to_119):
    assert testapp.get("/").html.find("a", string="Newest comments") is None


def test_newest_link_on_an_older_page_leads_back_to_the_first_page(testapp, comments_0_to_119):
    older_page = testapp.get("/").click("Older comments").click("Older comments")
    assert shown_comments(older_page.click("Newest comments")) == expected(119, 70)


def test_exactly_one_page_of_comments_has_no_older_link(testapp, dbsession):
    for n in range(50):
        make_comment(dbsession, f"comment {n}")
    assert testapp.get("/").html.find("a", string="Older comments") is None


def test_51st_comment_is_alone_on_the_second_page(testapp, dbsession):
    for n in range(51):
        make_comment(dbsession, f"comment {n}")
    assert shown_comments(testapp.get("/").click("Older comments")) == ["comment 0"]


@pytest.mark.parametrize(
    "before",
    ["abc", "-1", "99999999999999999999999", "", "١٢", "１２", "²", "1.5", " 5", "0x10", "1e3"],
)
def test_malformed_before_is_a_400_with_a_message(testapp, before):
    res = testapp.get("/", {"before": before}, status=400)
    assert "must be a comment number" in res


def test_before_zero_is_an_empty_older_page(testapp, dbsession):
    make_comment(dbsession)
    assert "No comments yet." in testapp.get("/", {"before": "0"}, status=200)


def test_before_beyond_the_newest_comment_shows_the_newest(testapp, dbsession):
    for n in range(3):
        make_comment(dbsession, f"comment {n}")
    res = testapp.get("/", {"before": "999999999999999999"}, status=200)
    assert shown_comments(res) == expected(2, 0)


# Statement count: the page is one query however many comments and commenters it shows


def make_board(dbsession, comments, users):
    """``comments`` comments by ``users`` different people, every fifth one anonymous and
    every seventh one without a timestamp."""
    people = [make_user(dbsession, f"user{n}") for n in range(users)]
    for n in range(comments):
        commenter = None if n % 5 == 0 else people[n % users]
        if n % 7 == 0:
            make_undated_comment(dbsession, f"comment {n}", commenter)
        else:
            make_comment(dbsession, f"comment {n}", commenter, NOON + timedelta(minutes=n))


@pytest.mark.parametrize("comments, users", [(8, 2), (60, 6)])
def test_anonymous_page_is_the_revision_plus_one_statement(testapp, dbsession, statements, comments, users):
    # The board's revision first (page_cache.py): a page rendered for it before costs nothing
    # more. Then the page's statement, and its comments' texts: none of them is drawn yet
    # (threads.PageTexts).
    make_board(dbsession, comments, users)
    statements.clear()
    testapp.get("/", status=200)
    assert len(statements) == 3


def test_the_one_statement_loads_comments_with_their_commenters(testapp, dbsession, statements):
    make_board(dbsession, 60, 6)
    statements.clear()
    testapp.get("/")
    # The page's roots with their threads' stamps (board/stamped.py), then, none of its
    # threads being kept yet, their comments with the commenters joined in and their texts:
    # one statement for all of them, however many commenters.
    roots, comments = statements[-2:]
    assert ("thread_stamps" in roots, "users" in roots) == (True, False)
    assert ("LEFT OUTER JOIN users" in comments, "comments.html" in comments) == (True, True)


@pytest.mark.parametrize("comments, users", [(8, 2), (60, 6)])
def test_logged_in_page_is_the_identity_load_plus_one_statement(
    logged_in, dbsession, statements, comments, users
):
    # Drawn: the security policy loads the logged-in user (with the board's revision), then
    # the page query, then its comments' texts (threads.PageTexts); the user's own comments
    # reuse the user's row (identity map) rather than loading it again. Drawn twice: for this
    # member, then for every member (board/member_pages.py), kept from then on: the user alone.
    make_board(dbsession, comments, users)
    counts = []
    for _ in range(3):
        statements.clear()
        logged_in.get("/", status=200)
        counts.append(len(statements))
    assert counts == [3, 3, 1]


# Posting


def test_post_stores_the_text_and_the_commenter(logged_in, dbsession, csrf_token, alice):
    logged_in.post("/", {"contents": "Hello there", "csrf_token": csrf_token()}, status=303)
    assert [(c.content, c.commenter_id) for c in stored_comments(dbsession)] == [("Hello there", alice.id)]


def test_post_records_the_current_time_in_utc(logged_in, dbsession, csrf_token):
    token = csrf_token()
    start = datetime.now(UTC)
    logged_in.post("/", {"contents": "Hello", "csrf_token": token}, status=303)
    end = datetime.now(UTC)
    posted_at = stored_comments(dbsession)[0].posted_at
    assert start <= posted_at <= end
    assert posted_at.utcoffset() == timedelta(0)


@pytest.fixture
def server_clock_14_hours_ahead(monkeypatch):
    """The process's local time zone set to UTC+14 (POSIX TZ spells it UTC-14)."""
    monkeypatch.setenv("TZ", "UTC-14")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_post_records_utc_even_when_local_time_is_not(
    logged_in, dbsession, csrf_token, server_clock_14_hours_ahead
):
    token = csrf_token()
    start = datetime.now(UTC)
    logged_in.post("/", {"contents": "Hello", "csrf_token": token}, status=303)
    end = datetime.now(UTC)
    assert start <= stored_comments(dbsession)[0].posted_at <= end


def test_post_redirects_with_303_to_the_comment_page(logged_in, csrf_token):
    res = logged_in.post("/", {"contents": "Hello", "csrf_token": csrf_token()}, status=303)
    assert res.headers["Location"] == "http://example.com/"


def test_posted_comment_appears_at_the_top_by_its_author(logged_in, dbsession, csrf_token):
    make_comment(dbsession, "older", posted_at=NOON)
    res = logged_in.post("/", {"contents": "newest", "csrf_token": csrf_token()}).follow()
    assert (shown_comments(res)[0], bylines(res)[0].endswith(" by alice")) == ("newest", True)


BLANK = ["", " ", "\r\n\t \r\n", "\u00a0\u2003"]


@pytest.mark.parametrize("contents", BLANK)
def test_blank_comment_is_a_400_with_a_message(logged_in, csrf_token, contents):
    res = logged_in.post("/", {"contents": contents, "csrf_token": csrf_token()}, status=400)
    assert "Please write something before posting." in res


@pytest.mark.parametrize("contents", BLANK)
def test_blank_comment_stores_nothing(logged_in, dbsession, csrf_token, contents):
    logged_in.post("/", {"contents": contents, "csrf_token": csrf_token()}, status=400)
    assert stored_comments(dbsession) == []


def test_post_without_contents_field_is_a_400_with_a_message(logged_in, csrf_token):
    res = logged_in.post("/", {"csrf_token": csrf_token()}, status=400)
    assert "Please write something before posting." in res


def test_4096_characters_are_stored(logged_in, dbsession, csrf_token):
    logged_in.post("/", {"contents": "x" * 4096, "csrf_token": csrf_token()}, status=303)
    assert [c.content for c in stored_comments(dbsession)] == ["x" * 4096]


def test_4096_four_byte_characters_are_stored(logged_in, dbsession, csrf_token):
    # The limit counts characters, not bytes: 16 kB of UTF-8 (and of utf8mb4 on MySQL).
    logged_in.post("/", {"contents": "😀" * 4096, "csrf_token": csrf_token()}, status=303)
    assert [c.content for c in stored_comments(dbsession)] == ["😀" * 4096]


def test_4097_characters_are_a_400_naming_the_limit(logged_in, csrf_token):
    res = logged_in.post("/", {"contents": "x" * 4097, "csrf_token": csrf_token()}, status=400)
    assert "Comments can be at most 4,096 characters long; this one has 4,097." in res


def test_4097_characters_store_nothing(logged_in, dbsession, csrf_token):
    logged_in.post("/", {"contents": "x" * 4097, "csrf_token": csrf_token()}, status=400)
    assert stored_comments(dbsession) == []


def test_refused_text_is_kept_exactly_in_the_textarea(logged_in, csrf_token):
    # A leading newline (which HTML drops right after <textarea>), markup, entities and
    # trailing spaces must all come back as typed.
    typed = '\n<b>bold</b> &amp; "quoted"  \n'
    typed += "y" * (4097 - len(typed))
    res = logged_in.post("/", {"contents": typed, "csrf_token": csrf_token()}, status=400)
    assert comment_form(res)["contents"].value == typed


def test_crlf_and_lone_cr_are_stored_as_lf(logged_in, dbsession, csrf_token):
    logged_in.post("/", {"contents": "one\r\ntwo\rthree\n", "csrf_token": csrf_token()}, status=303)
    assert [c.content for c in stored_comments(dbsession)] == ["one\ntwo\nthree\n"]


UNICODE = {
    "emoji": "Party 🎉, coder 👩‍💻, flag 🇳🇿",
    "cjk": "你好，世界 こんにちは 안녕하세요",
    "arabic": "مرحبا بالعالم",
    "hebrew": "שלום עולם",
    "bidi_mixed": "abc \u202eedcba\u202c ١٢٣ xyz",
    "combining": "Cafe\u0301 n\u0303 a\u0308\u0304",
    "astral_math": "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𝟙𝟚𝟛",
}


@pytest.mark.parametrize("text", UNICODE.values(), ids=UNICODE.keys())
def test_unicode_is_stored_exactly(logged_in, dbsession, csrf_token, text):
    logged_in.post("/", {"contents": text, "csrf_token": csrf_token()}, status=303)
    assert [c.content for c in stored_comments(dbsession)] == [text]


@pytest.mark.parametrize("text", UNICODE.values(), ids=UNICODE.keys())
def test_unicode_is_shown_exactly(logged_in, csrf_token, text):
    res = logged_in.post("/", {"contents": text, "csrf_token": csrf_token()}).follow()
    assert shown_comments(res) == [text]


def test_the_same_form_submitted_twice_stores_one_comment(logged_in, dbsession):
    form = next(f for f in logged_in.get("/").forms.values() if "contents" in f.fields)
    form["contents"] = "Clicked twice"
    form.submit(status=303)
    form.submit(status=303)
    assert [c.content for c in stored_comments(dbsession)] == ["Clicked twice"]


def test_one_submission_is_one_comment_whatever_text_it_comes_back_with(logged_in, dbsession):
    """The submission id decides where ``repeat_of`` cannot: two sends of one form at once
    (neither sees the other's row), or one whose text changed. The second INSERT is refused by
    the id's unique index, and the answer is the first one's."""
    form = next(f for f in logged_in.get("/").forms.values() if "contents" in f.fields)
    form["contents"] = "First words"
    form.submit(status=303)
    form["contents"] = "Second thoughts"
    told = form.submit(status=303).follow()
    assert ([c.content for c in stored_comments(dbsession)], "Your comment was posted." in told.text) == (
        ["First words"],
        True,
    )


def test_the_same_text_from_a_new_form_is_one_comment_until_the_repeat_window_passed(logged_in, dbsession):
    """Back after posting draws the board's form anew (a new submission id) and the browser
    puts the text back: Post again stored it twice. Within ``REPEAT_WINDOW`` of the member's
    newest comment, the same text is that comment; later, it is a new one."""

    def post(text):
        form = next(f for f in logged_in.get("/").forms.values() if "contents" in f.fields)
        form["contents"] = text
        return form.submit(status=303).follow()

    post("Said twice")
    again = post("Said twice")
    (first,) = stored_comments(dbsession)
    first.posted_at = first.posted_at - REPEAT_WINDOW - timedelta(seconds=1)
    dbsession.flush()
    post("Said twice")
    assert (
        again.html.select_one(".flash-message").get_text(),
        [c.content for c in stored_comments(dbsession)],
    ) == ("Your comment was posted.", ["Said twice", "Said twice"])
