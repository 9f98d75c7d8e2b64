"""Pages and messages in the reader's language, through the real app and its catalogs, with
made-up translations laid over the shipped ones (tests/support/catalogs.py: the real words
are issue 18 line 2's): the main pages, a form's error with the typed text kept, a flash, an
error page, plural forms (Arabic's six), the kept page and the drawn fragments per language,
the feed, a mail in its recipient's language."""

import json

import pytest

from scratchpad.accounts import tokens
from scratchpad.i18n.languages import SOURCE, SUPPORTED
from tests.support.factories import PASSWORD, make_comment, make_reply, make_user

TRANSLATED = [language for language in SUPPORTED if language != SOURCE]
#: The messages these tests look for, each made up as "[de] Comments" and so on.
MESSAGES = [
    "Comments",
    "Please write something before posting.",
    "Your comment was posted.",
    "Page not found",
    "Bad Request",
    "Log in",
    "Scratchpad: newest comments",
    "anonymous",
]


BAD_PAGE = "That page does not exist: '${name}' must be a comment number."


def made_up(language):
    return {
        **{message: f"[{language}] {message}" for message in MESSAGES},
        BAD_PAGE: f"[{language}] '${{name}}': {language}",
    }


@pytest.fixture
def every_language(translations):
    translations({language: made_up(language) for language in TRANSLATED})


def speaking(browser, language):
    return browser(HTTP_ACCEPT_LANGUAGE=language)


@pytest.mark.parametrize("language", SUPPORTED)
def test_the_board_is_in_the_readers_language(browser, every_language, language):
    res = speaking(browser, language).get("/")
    expected = "Comments" if language == SOURCE else f"[{language}] Comments"
    assert (res.html.h1.get_text(), res.html.select_one("header a.btn").get_text()) == (
        expected,
        "Log in" if language == SOURCE else f"[{language}] Log in",
    )


@pytest.mark.parametrize("language", TRANSLATED)
def test_a_refused_comment_says_why_in_the_readers_language_and_keeps_the_text(
    browser, every_language, language, dbsession
):
    make_user(dbsession, "alice")
    member = speaking(browser, language)
    member.login("alice", PASSWORD)
    form = member.get("/").forms["comment-form"]
    form["contents"] = "   "
    res = form.submit(status=400)
    assert (
        res.html.select_one("#contents-error").get_text(),
        res.html.select_one("#contents").get_text().lstrip("\n"),
    ) == (
        f"[{language}] Please write something before posting.",
        "   ",
    )
    form = res.forms["comment-form"]
    form["contents"] = "Hello"
    board = form.submit(status=303).follow()
    assert board.html.select_one(".flash-message").get_text() == f"[{language}] Your comment was posted."


@pytest.mark.parametrize("language", TRANSLATED)
def test_error_pages_are_in_the_readers_language(browser, every_language, language):
    visitor = speaking(browser, language)
    missing_page = visitor.get("/no/such/page", status=404)
    bad_page = visitor.get("/?before=abc", status=400)
    assert (
        missing_page.html.h1.get_text(),
        bad_page.html.h1.get_text(),
        bad_page.html.main.p.get_text(),
    ) == (
        f"[{language}] Page not found",
        f"[{language}] Bad Request",
        f"[{language}] 'before': {language}",
    )


#: Arabic's six plural forms (zero, one, two, few, many, other), by a count of each.
ARABIC_REPLIES = ["zero", "one", "two", "few", "many", "other"]


@pytest.mark.parametrize("count, form", [(0, 0), (1, 1), (2, 2), (3, 3), (11, 4), (100, 5)])
def test_arabic_counts_take_their_six_plural_forms(browser, translations, dbsession, count, form):
    translations(
        {"ar": {("%(num)s reply, oldest first.", "%(num)s replies, oldest first."): tuple(
            f"{name} %(num)s" for name in ARABIC_REPLIES
        )}}
    )  # fmt: skip
    root = make_comment(dbsession, "Root")
    for _ in range(count):
        make_reply(dbsession, root, "Answer")
    res = speaking(browser, "ar").get(f"/comments/{root.id}")
    assert res.html.select_one("h1 + p").get_text().split()[:2] == [ARABIC_REPLIES[form], str(count)]


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_kept_page_is_kept_once_per_language(browser, every_language, language, statements):
    english, other = speaking(browser, "en"), speaking(browser, language)
    english.get("/")
    drawn = other.get("/")
    statements.clear()
    kept = other.get("/")
    again_english = english.get("/")
    # Each language's page is drawn once and kept under its own key: a kept page costs the
    # revision alone, whichever language asked first.
    assert (
        kept.body == drawn.body,
        kept.html.h1.get_text(),
        again_english.html.h1.get_text(),
        len(statements),
        kept.headers["Vary"],
    ) == (True, f"[{language}] Comments", "Comments", 2, "Accept-Language, Cookie")


def test_a_kept_page_in_one_language_is_never_served_in_another(browser, every_language):
    for language in SUPPORTED:
        speaking(browser, language).get("/")
    headings = {language: speaking(browser, language).get("/").html.h1.get_text() for language in SUPPORTED}
    assert headings == {
        language: "Comments" if language == SOURCE else f"[{language}] Comments" for language in SUPPORTED
    }


@pytest.mark.parametrize("language", TRANSLATED)
def test_a_comments_kept_fragment_is_kept_per_language(browser, every_language, language, dbsession):
    make_comment(dbsession, "Hello", commenter=None)
    english = speaking(browser, "en").get("/")
    other = speaking(browser, language).get("/")
    # The byline's "anonymous" is inside the comment's kept drawing (board/drawing.py); the
    # sentence around it is the catalog's.
    assert (
        "by <bdi>anonymous</bdi>" in english.text,
        f"<bdi>[{language}] anonymous</bdi>" in other.text,
    ) == (
        True,
        True,
    )


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_feed_speaks_accept_language_with_an_etag_per_language(browser, every_language, language):
    english = speaking(browser, "en").get("/feed.atom")
    other = speaking(browser, language).get("/feed.atom")
    assert (
        f"<title>[{language}] Scratchpad: newest comments</title>" in other.text,
        "<title>Scratchpad: newest comments</title>" in english.text,
        english.etag != other.etag,
        other.headers["Vary"],
    ) == (True, True, True, "Accept-Language")


def test_the_character_counter_gets_its_words_in_the_readers_language(browser, translations, dbsession):
    """scratchpad.js fills in the counter as the member types: from these attributes."""
    translations(
        {
            "de": {
                "%(left)s of %(most)s characters left": "noch %(left)s von %(most)s Zeichen",
                ("%(num)s character too many", "%(num)s characters too many"): (
                    "%(num)s Zeichen zu viel",
                    "%(num)s Zeichen zu viele",
                ),
            }
        }
    )
    make_user(dbsession, "alice")
    member = speaking(browser, "de")
    member.login("alice", PASSWORD)
    field = member.get("/").html.select_one("#contents")
    assert (field["data-left"], json.loads(field["data-over"])) == (
        "noch {left} von {most} Zeichen",
        {"one": "{over} Zeichen zu viel", "other": "{over} Zeichen zu viele"},
    )


def test_the_counter_has_every_plural_form_of_arabic(browser, dbsession):
    """Arabic says a count in six forms; the counter's script chooses among all of them by the
    browser's plural rules (scratchpad.js), as the server's ngettext does: it had only the
    forms of 1 and of 100, and wrote "3 حرف" where the server writes "3 أحرف"."""
    make_user(dbsession, "alice")
    member = speaking(browser, "ar")
    member.login("alice", PASSWORD)
    page = member.get("/")
    forms = json.loads(page.html.select_one("#contents")["data-over"])
    form = page.forms["comment-form"]
    form["contents"] = "x" * 4099  # three too many: Arabic's "few"
    refused = form.submit(status=400)
    assert (
        sorted(forms),
        len(set(forms.values())),
        refused.html.select_one("#contents-count").get_text(strip=True),
    ) == (["few", "many", "one", "other", "two", "zero"], 6, forms["few"].replace("{over}", "3"))


def test_a_revalidated_kept_page_says_what_it_varies_by(browser):
    visitor = speaking(browser, "fr")
    etag = visitor.get("/").etag
    res = visitor.get("/", headers={"If-None-Match": f'"{etag}"'}, status=304)
    assert res.headers["Vary"] == "Accept-Language, Cookie"


def test_a_name_filled_into_a_translated_sentence_stays_text(browser, translations, dbsession):
    """The translator's words are markup (a sentence may carry <strong>); what fills their
    placeholders never is: Jinja2 escapes it (newstyle), and a message translated in Python
    reaches the page as text the template escapes."""
    name = "<img src=x onerror=alert(1)>"
    translations(
        {
            "de": {
                "Logged in as <strong>%(username)s</strong>": "Angemeldet: <strong>%(username)s</strong>",
                "You are logged in as ${username}.": "Du bist ${username}.",
            }
        }
    )
    make_user(dbsession, name)
    member = speaking(browser, "de")
    board = member.login(name, PASSWORD).follow()
    assert (
        "<img" in board.text,
        board.html.select_one(".navbar-text").decode_contents(),
        board.html.select_one(".flash-message").get_text(),
    ) == (
        False,
        f"Angemeldet: <strong><bdi>{name.replace('<', '&lt;').replace('>', '&gt;')}</bdi></strong>",
        f"Du bist {name}.",
    )


@pytest.mark.parametrize(
    "language, said",
    [
        (
            "fr",
            "Mise en forme : *emphase*, **gras**, [lien](https://example.org), `code`, > citation et "
            "- élément de liste.",
        ),
        ("ja", "書式：*強調*、**太字**、[リンク](https://example.org)、`コード`、> 引用、- リスト項目。"),
        ("ar", None),
    ],
)
def test_the_formatting_helps_examples_are_in_the_readers_language(browser, dbsession, language, said):
    """Shipped catalogs (no made-up words): the marks stay as typed, the words around them
    are the reader's, and so is the way the list is joined (Japanese "、" and "。" where
    English commas and full stop were)."""
    make_user(dbsession, "alice")
    member = speaking(browser, language)
    member.login("alice", PASSWORD)
    help_element = member.get("/").html.find(id="formatting-help")
    help_text = " ".join(help_element.get_text().split())
    codes = [code.get_text() for code in help_element.find_all("code")]
    if said is None:  # Arabic: its own "و" between the items, no Latin comma
        assert (len(codes), "," in help_text, help_text.count(" و")) == (6, False, 5)
    else:
        assert (help_text, len(codes)) == (said, 6)


#: A reply's and a chosen password's refusals, made up in German.
REFUSALS = {
    "Please write something before posting.": "[de] Bitte etwas schreiben.",
    "This comment was deleted by its author, so it can no longer be answered.": "[de] Gelöscht.",
    "${reason} Your text is kept below.": "[de] ${reason} Der Text bleibt.",
    "The two passwords are not the same.": "[de] Ungleich.",
    "The password must not be empty.": "[de] Leer.",
}


@pytest.fixture
def german_refusals(translations):
    translations({"de": REFUSALS})


def test_a_refused_reply_says_why_in_the_readers_language_and_keeps_the_text(
    browser, german_refusals, dbsession
):
    root = make_comment(dbsession, "Root", commenter=make_user(dbsession, "alice"))
    member = speaking(browser, "de")
    member.login("alice", PASSWORD)
    form = member.get(f"/comments/{root.id}/reply").forms["reply-form"]
    form["contents"] = "   "
    res = form.submit(status=400)
    assert (
        res.html.select_one("#contents-error").get_text(),
        res.html.select_one("#contents").get_text(),
    ) == (
        "[de] Bitte etwas schreiben.",
        "\n   ",
    )


def test_a_reply_to_a_closed_comment_says_why_in_the_readers_language(browser, german_refusals, dbsession):
    alice = make_user(dbsession, "alice")
    root = make_comment(dbsession, "Root", commenter=alice)
    make_reply(dbsession, root, "Keeps it as a placeholder", commenter=alice)
    member = speaking(browser, "de")
    member.login("alice", PASSWORD)
    form = member.get(f"/comments/{root.id}/reply").forms["reply-form"]
    form["contents"] = "Too late"
    root.deleted_at, root.deleted_by = root.posted_at, "author"
    dbsession.flush()
    res = form.submit(status=409)
    assert res.html.select_one("#contents-error").get_text() == "[de] [de] Gelöscht. Der Text bleibt."


@pytest.mark.parametrize(
    "password, again, refusal",
    [("", "", "[de] Leer."), ("a long enough one", "another long one", "[de] Ungleich.")],
)
def test_a_refused_new_password_says_why_in_the_readers_language(
    browser, german_refusals, dbsession, password, again, refusal
):
    token, _ = tokens.create_invitation(dbsession, "dave", "member", "root", 168)
    newcomer = speaking(browser, "de")
    form = next(
        form
        for form in newcomer.get(f"/invitations/{token}").forms.values()
        if "password_again" in form.fields
    )
    form["password"], form["password_again"] = password, again
    res = form.submit(status=400)
    assert res.html.select_one(".alert-warning").get_text().strip() == refusal


@pytest.mark.parametrize("language, joined", [("ja", "。時刻は"), ("en", "first. Times are")])
def test_two_sentences_side_by_side_are_joined_as_the_language_joins_them(
    browser, dbsession, language, joined
):
    """Japanese puts no space after "。": the thread page read "…順。 時刻は…"."""
    root = make_comment(dbsession, "Hello")
    make_reply(dbsession, root, "Hi")
    page = speaking(browser, language).get(f"/comments/{root.id}")
    intro = page.html.select_one("main p.text-body-secondary").get_text()
    assert joined in " ".join(intro.split(" ")), intro
