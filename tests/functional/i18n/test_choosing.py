"""Which language a page is in (i18n/negotiation.py, menu.py, preference.py): the browser's
Accept-Language with its q-values, the language menu's cookie over it, a member's saved
choice over both; ``<html lang dir>`` follow, and the address never changes."""

import pytest

from scratchpad.i18n.languages import SUPPORTED
from scratchpad.models import User
from tests.support.factories import make_comment, make_reply

RTL = {"ar"}


def page_language(res):
    return res.html.html["lang"], res.html.html["dir"]


@pytest.mark.parametrize("language", SUPPORTED)
def test_accept_language_chooses_the_pages_language_and_direction(browser, language):
    res = browser().get("/", headers={"Accept-Language": f"{language};q=0.9, en;q=0.1"})
    assert page_language(res) == (language, "rtl" if language in RTL else "ltr")


@pytest.mark.parametrize(
    "header, language",
    [
        ("fr;q=0.3, ja;q=0.9", "ja"),
        ("de-CH, fr;q=0.5", "de"),
        ("de;q=0, es", "es"),
        ("de;q=0, en;q=0.1", "en"),
        ("zz, tlh;q=0.8", "en"),
        ("*", "en"),
        ("not a header;;;", "en"),
        ("", "en"),
    ],
)
def test_q_values_are_obeyed_and_unknown_languages_passed_over(browser, header, language):
    assert page_language(browser().get("/", headers={"Accept-Language": header}))[0] == language


def test_the_menu_keeps_the_choice_in_a_cookie_over_accept_language(browser, dbsession):
    comment = make_comment(dbsession, "Hello")
    visitor = browser()
    chosen = visitor.get(f"/language/fr?came_from=/comments/{comment.id}", status=303)
    cookie = chosen.headers["Set-Cookie"]
    assert (chosen.location, cookie.split(";")[0], "HttpOnly" in cookie, "SameSite=Lax" in cookie) == (
        f"http://example.com/comments/{comment.id}",
        "language=fr",
        True,
        True,
    )
    res = visitor.get(f"/comments/{comment.id}", headers={"Accept-Language": "de"})
    assert page_language(res) == ("fr", "ltr")


@pytest.mark.parametrize(
    "came_from",
    [
        "//evil.example/",
        "https://evil.example/",
        "/\\evil.example",
        "javascript:alert(1)",
        "",
        "%2F%2Fevil.example",
    ],
)
def test_the_menu_sends_back_to_this_site_only(browser, came_from):
    res = browser().get("/language/de", params={"came_from": came_from}, status=303)
    assert res.location == "http://example.com/"


def test_the_menu_refuses_a_language_the_board_does_not_speak(browser):
    res = browser().get("/language/xx?came_from=/", status=404)
    assert ("Set-Cookie" in res.headers, page_language(res)) == (False, ("en", "ltr"))


def test_a_cookie_naming_no_supported_language_is_ignored(browser):
    visitor = browser()
    visitor.set_cookie("language", "xx")
    assert page_language(visitor.get("/", headers={"Accept-Language": "ja"})) == ("ja", "ltr")


def test_every_page_has_the_menu_each_language_named_in_itself_linking_back_here(browser, dbsession):
    make_comment(dbsession, "Hello")
    res = browser().get("/?before=999999&utm_source=<script>", headers={"Accept-Language": "ar"})
    links = res.html.select("#language-menu a")
    assert [(a["lang"], a.get_text(), a["href"], a.get("aria-current")) for a in links] == [
        (code, name, f"/language/{code}?came_from=%2F%3Fbefore%3D999999", "true" if code == "ar" else None)
        for code, name in [
            ("en", "English"),
            ("de", "Deutsch"),
            ("fr", "Français"),
            ("es", "Español"),
            ("ja", "日本語"),
            ("ar", "العربية"),
        ]
    ]


def came_from_of(page):
    return {a["href"].split("came_from=")[1] for a in page.html.select("#language-menu a")}


def test_a_kept_page_leads_back_to_itself_whichever_of_its_addresses_drew_it(browser, dbsession):
    """The page cache keeps ``/?q=...`` as ``/``, and ``/?before=0251`` as the page of 251:
    their menus must not carry what the first visitor typed to every later one."""
    comments = [make_comment(dbsession, f"Comment {n}") for n in range(3)]
    oldest = comments[0].id
    first = browser().get("/?q=what+the+first+visitor+typed&utm_source=mail")
    later = browser().get("/")
    padded = browser().get(f"/?before=000{oldest}&q=typed")
    assert (came_from_of(first), came_from_of(later), came_from_of(padded)) == (
        {"%2F"},
        {"%2F"},
        {f"%2F%3Fbefore%3D{oldest}"},
    )


def test_a_search_and_a_threads_later_page_keep_their_words_and_place(browser, dbsession):
    root = make_comment(dbsession, "Root words")
    reply = make_reply(dbsession, root, "An answer")
    search = browser().get("/search?q=root&utm_source=mail")
    thread = browser().get(f"/comments/{root.id}?after={reply.id}")
    assert (came_from_of(search), came_from_of(thread)) == (
        {"%2Fsearch%3Fq%3Droot"},
        {f"%2Fcomments%2F{root.id}%3Fafter%3D{reply.id}"},
    )


def test_a_secret_links_page_never_copies_its_address_into_the_menu(browser):
    res = browser().get("/invitations/not-a-real-token-but-secret-looking", status=404)
    assert {a["href"].split("came_from=")[1] for a in res.html.select("#language-menu a")} == {"%2F"}


def test_a_members_saved_choice_wins_over_cookie_and_browser(logged_in, csrf_token, dbsession, alice):
    logged_in.set_cookie("language", "fr")
    res = logged_in.post("/account/language", {"language": "ar", "csrf_token": csrf_token()}, status=303)
    assert res.location == "http://example.com/account"
    dbsession.expire_all()
    page = logged_in.get("/", headers={"Accept-Language": "de"})
    assert (dbsession.get(User, alice.id).language, page_language(page)) == ("ar", ("ar", "rtl"))
    account = logged_in.get("/account")
    assert account.html.select_one("#language option[selected]")["value"] == "ar"


def test_the_menu_tells_a_member_their_saved_choice_comes_first(logged_in, csrf_token, dbsession, alice):
    """A member who saved Deutsch and clicks English in the menu got the German page back
    without a word: now a message, in English (the language they asked for), says why and
    where to change it. Choosing the saved language, or having saved none, says nothing."""
    logged_in.post("/account/language", {"language": "de", "csrf_token": csrf_token()}, status=303)
    logged_in.get("/account")  # the saving's own message, read
    told = logged_in.get("/language/en", params={"came_from": "/"}, status=303).follow()
    same = logged_in.get("/language/de", params={"came_from": "/"}, status=303).follow()
    flashes = [[div.get_text() for div in page.html.select(".flash-message")] for page in (told, same)]
    assert (page_language(told), flashes) == (
        ("de", "ltr"),
        [
            [
                "Your account is set to Deutsch, which comes before this menu: choose English on your "
                "account page."
            ],
            [],
        ],
    )


@pytest.mark.parametrize(
    "language, name", [("en", "Main"), ("de", "Hauptnavigation"), ("ar", "التنقل الرئيسي")]
)
def test_screen_readers_hear_the_main_navigation_named_in_the_pages_language(browser, language, name):
    page = browser(HTTP_ACCEPT_LANGUAGE=language).get("/")
    assert page.html.select_one("nav.navbar")["aria-label"] == name


def test_a_member_with_no_saved_choice_is_told_nothing(logged_in):
    logged_in.get("/")  # the login's own message, read
    page = logged_in.get("/language/fr", params={"came_from": "/"}, status=303).follow()
    assert (page_language(page), page.html.select(".flash-message")) == (("fr", "ltr"), [])


def test_saving_no_choice_goes_back_to_the_browsers(logged_in, csrf_token, dbsession, alice):
    logged_in.post("/account/language", {"language": "ja", "csrf_token": csrf_token()}, status=303)
    logged_in.post("/account/language", {"language": "", "csrf_token": csrf_token()}, status=303)
    dbsession.expire_all()
    page = logged_in.get("/", headers={"Accept-Language": "es"})
    assert (dbsession.get(User, alice.id).language, page_language(page)) == (None, ("es", "ltr"))


def test_an_unknown_saved_language_is_refused_and_nothing_stored(logged_in, csrf_token, dbsession, alice):
    res = logged_in.post("/account/language", {"language": "xx", "csrf_token": csrf_token()}, status=400)
    dbsession.expire_all()
    assert (res.html.select_one("#language-error").get_text(), dbsession.get(User, alice.id).language) == (
        "The board does not speak that language.",
        None,
    )


def test_saving_a_language_needs_the_csrf_token(logged_in, dbsession, alice):
    logged_in.post("/account/language", {"language": "de"}, status=400)
    dbsession.expire_all()
    assert dbsession.get(User, alice.id).language is None


def test_saving_a_language_needs_a_login(browser):
    visitor = browser()
    token = visitor.get("/login/").forms["login-form"]["csrf_token"].value
    res = visitor.post("/account/language", {"language": "de", "csrf_token": token}, status=303)
    assert res.location.startswith("http://example.com/login/")
