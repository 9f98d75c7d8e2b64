"""Arabic and Japanese readers in a real browser, at 1280x800 and 390x844: a screenshot of
each page, the layout mirrored for Arabic (``dir="rtl"``, Bootstrap's RTL stylesheet), typed
text in its own direction, nothing sideways, axe clean, nothing wrong on the way.

The language is asked for as a browser does (``Accept-Language``) and by Pyramid's own
``_LOCALE_`` cookie: whichever the app's negotiation reads. Until the translations land the
words stay English, but the dates, the direction and the layout are the language's.
"""

import pytest
from babel.support import Translations

from tests.support.browsing import DESKTOP, PASSWORDS, PHONE, Tab
from tests.support.paths import ROOT

pytestmark = pytest.mark.e2e

SIZES = {"desktop": DESKTOP, "phone": PHONE}
LANGUAGES = {"ar": "rtl", "ja": "ltr"}


def board(tab):
    tab.goto("/")


def thread_page(tab):
    tab.goto("/")
    # A comment that shows its text: another test file may have left a placeholder first.
    shown = tab.page.locator("article.comment:not(:has(.comment-removed)) a.comment-permalink")
    tab.navigate(lambda: shown.first.click())


def search_results(tab):
    tab.goto("/search?q=long")


def time_zone_page(tab):
    tab.goto("/")
    tab.navigate(lambda: tab.page.locator("a.time-zone-change").click())


def logged_in_board(tab):
    tab.log_in("alice", PASSWORDS["alice"])


def account_page(tab):
    tab.goto("/account")


#: In order: the logged-out pages, then alice's.
PAGES = {
    "comments": board,
    "thread": thread_page,
    "search": search_results,
    "time-zone": time_zone_page,
    "comments-logged-in": logged_in_board,
    "account": account_page,
}

#: What the mirrored layout is made of, read in the browser.
LAYOUT = """() => {
  const html = document.documentElement;
  const brand = document.querySelector(".navbar-brand").getBoundingClientRect();
  const bootstrap = [...document.styleSheets].map((s) => s.href || "").find((h) => h.includes("bootstrap"));
  const comment = document.querySelector(".comment-content");
  return {
    lang: html.lang,
    dir: html.dir,
    direction: getComputedStyle(document.body).direction,
    bootstrap: bootstrap.split("/").pop(),
    brandOnTheRight: window.innerWidth - brand.right < brand.left,  // nearer the right edge
    commentDirection: comment ? getComputedStyle(comment).direction : null,
    widths: [document.documentElement.scrollWidth, window.innerWidth],
  };
}"""


def reader_tab(browser, live_server, axe_source, language, size):
    tab = Tab(browser, live_server, size, axe_source=axe_source)
    tab.context.set_extra_http_headers({"Accept-Language": language})
    tab.context.add_cookies([{"name": "language", "value": language, "url": live_server.origin}])
    return tab


@pytest.fixture(scope="module")
def tour(browser, live_server, axe_source):
    """{(language, page, size): report}, and {(language, size): problems} of each tab."""
    reports, problems = {}, {}
    for language in LANGUAGES:
        for size in SIZES.values():
            tab = reader_tab(browser, live_server, axe_source, language, size)
            try:
                for name, visit in PAGES.items():
                    visit(tab)
                    report = tab.page.evaluate(LAYOUT)
                    report["screenshot"] = tab.screenshot(f"{language}-{name}")
                    tab.page.mouse.move(0, 0)
                    tab.page.wait_for_timeout(300)
                    report["axe"] = tab.axe_violations()
                    reports[language, name, size] = report
                problems[language, size] = tab.problems()
            finally:
                tab.close()
    return reports, problems


@pytest.fixture(params=[(language, name) for language in LANGUAGES for name in PAGES], ids="-".join)
def visit(request):
    return request.param


@pytest.fixture(params=SIZES.values(), ids=SIZES.keys())
def size(request):
    return request.param


@pytest.fixture
def report(tour, visit, size):
    return tour[0][(*visit, size)]


def test_the_page_is_in_the_readers_language_and_direction(report, visit):
    language, _ = visit
    direction = LANGUAGES[language]
    assert (report["lang"], report["dir"], report["direction"]) == (language, direction, direction)


def test_an_arabic_page_is_mirrored_by_bootstraps_rtl_stylesheet(report, visit):
    rtl = LANGUAGES[visit[0]] == "rtl"
    assert (report["bootstrap"], report["brandOnTheRight"]) == (
        "bootstrap.rtl.min.css" if rtl else "bootstrap.min.css",
        rtl,
    )


def test_typed_text_keeps_its_own_direction(report):
    """The seeded comments are English: left to right even on an Arabic page."""
    assert report["commentDirection"] in (None, "ltr")


def test_the_page_does_not_scroll_sideways(report):
    scroll_width, window_width = report["widths"]
    assert scroll_width <= window_width


def test_axe_finds_no_serious_or_critical_violation(report):
    assert report["axe"] == []


def test_the_screenshot_is_saved(report):
    assert report["screenshot"].stat().st_size > 0


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("size", SIZES.values(), ids=SIZES.keys())
def test_nothing_went_wrong_on_the_tour(tour, language, size):
    assert tour[1][language, size] == {}


@pytest.mark.parametrize(
    "language, most, left",
    [("de", "4.096", "4.091"), ("fr", "4\u202f096", "4\u202f091"), ("ar", "4,096", "4,091")],
)
def test_the_counter_groups_digits_as_the_server_does(browser, live_server, axe_source, language, most, left):
    """The server's count (Babel) and the one scratchpad.js writes as the visitor types
    (Intl, in Latin digits) group digits alike, in the same words of the page's language."""
    tab = reader_tab(browser, live_server, axe_source, language, DESKTOP)
    try:
        tab.log_in("alice", PASSWORDS["alice"])
        server_count = tab.page.inner_text("#contents-count")
        tab.page.fill("#contents", "hello")
        typed_count = tab.page.inner_text("#contents-count")
        assert (
            server_count.count(most),
            typed_count.count(left),
            typed_count.replace(left, most, 1) == server_count,
            tab.problems(),
        ) == (2, 1, True, {})
    finally:
        tab.close()


def test_the_counter_says_each_count_in_its_arabic_plural_form(browser, live_server, axe_source):
    """Arabic says "حرف زائد", "حرفان زائدان", "3 أحرف زائدة", "11 حرفًا زائدًا", ...: six
    forms, which the script chooses among by the browser's plural rules, as the server's
    catalog does by its own (it had two, and wrote "3 حرف زائد" as the visitor typed)."""
    catalog = Translations.load(str(ROOT / "scratchpad" / "locale"), ["ar"], "scratchpad")
    overs = (1, 2, 3, 11, 100, 102)
    expected = [
        catalog.ungettext("%(num)s character too many", "%(num)s characters too many", over) % {"num": over}
        for over in overs
    ]
    tab = reader_tab(browser, live_server, axe_source, "ar", DESKTOP)
    try:
        tab.log_in("alice", PASSWORDS["alice"])
        typed = []
        for over in overs:
            tab.page.fill("#contents", "x" * (4096 + over))
            typed.append(tab.page.inner_text("#contents-count"))
        assert (typed, len(set(expected)), tab.problems()) == (expected, 6, {})
    finally:
        tab.close()


# The header's search box, in every language.

#: The header's search box and button, and the log-in or log-out button beside them (also
#: btn-sm): their heights, the button's lines of text, and what the box's placeholder needs.
NAVBAR_SEARCH = """() => {
  const box = document.querySelector("#navbar-search");
  const button = document.querySelector("#navbar-search-form button");
  const other = document.querySelector(".account .btn");
  const range = document.createRange();
  range.selectNodeContents(button);
  // The placeholder's words typed in: the box scrolls if they do not fit beside the room
  // Chromium keeps for its clear button.
  box.value = box.placeholder;
  const placeholder = [box.scrollWidth, box.clientWidth];
  box.value = "";
  return {
    heights: [box, button, other].map((el) => Math.round(el.getBoundingClientRect().height)),
    buttonLines: new Set([...range.getClientRects()].map((rect) => Math.round(rect.top))).size,
    placeholder,
    widths: [document.documentElement.scrollWidth, window.innerWidth],
  };
}"""
#: The narrowest phone the header must fit without sideways scroll.
SMALL_PHONE = (320, 568)


@pytest.fixture(scope="module")
def navbar_searches(browser, live_server, axe_source):
    """{(language, size): NAVBAR_SEARCH's report} on the board, logged out."""
    reports = {}
    for language in ("en", "de", "fr", "es", "ja", "ar"):
        for size in [*SIZES.values(), SMALL_PHONE]:
            tab = reader_tab(browser, live_server, axe_source, language, size)
            try:
                tab.goto("/")
                reports[language, size] = tab.page.evaluate(NAVBAR_SEARCH)
            finally:
                tab.close()
    return reports


@pytest.mark.parametrize("language", ["en", "de", "fr", "es", "ja", "ar"])
@pytest.mark.parametrize("size", [*SIZES.values(), SMALL_PHONE], ids=[*SIZES.keys(), "small-phone"])
def test_the_search_button_keeps_its_one_line(navbar_searches, language, size):
    """Japanese's 検索 stood one character above the other and stretched the box beside it to
    twice its height: the box and both small buttons are as tall as each other. The box's
    room for its placeholder does not widen the header past a 320px phone."""
    report = navbar_searches[language, size]
    heights = report["heights"]
    assert (report["buttonLines"], len(set(heights)), report["widths"]) == (1, 1, [size[0], size[0]])


@pytest.mark.parametrize(
    "language, size",
    [(language, DESKTOP) for language in ("en", "de", "fr", "es", "ja", "ar")]
    + [(language, PHONE) for language in ("en", "de", "es", "ja", "ar")],
    ids=lambda value: value if isinstance(value, str) else f"{value[0]}",
)
def test_the_search_placeholder_is_not_cut(navbar_searches, language, size):
    """German's "Kommentare durchsuchen" read "Kommentare durchsuc…" on both sizes. (French's,
    the longest, fits from Bootstrap's sm breakpoint up; on a phone it still needs more room
    than the box beside its button has.)"""
    scroll_width, client_width = navbar_searches[language, size]["placeholder"]
    assert scroll_width <= client_width


# Isolated names.

#: Where each character of the first element matching the selector is drawn, left to right.
CHARACTERS_LEFT_TO_RIGHT = """(selector) => {
  const el = document.querySelector(selector);
  const text = el.firstChild.nodeType === Node.TEXT_NODE ? el.firstChild : el.querySelector("*").firstChild;
  const range = document.createRange();
  const placed = [];
  for (let i = 0; i < text.length; i++) {
    range.setStart(text, i);
    range.setEnd(text, i + 1);
    placed.push([range.getBoundingClientRect().left, text.data[i]]);
  }
  return placed.sort((a, b) => a[0] - b[0]).map(([, character]) => character).join("");
}"""


def test_a_mention_in_an_arabic_comment_reads_at_name(browser, live_server, axe_source):
    """The mention's link in an Arabic sentence showed "bob@"."""
    comment_id = live_server.add_comment("alice", "مرحبا @bob كيف حالك؟")
    tab = reader_tab(browser, live_server, axe_source, "ar", PHONE)
    try:
        tab.goto(f"/comments/{comment_id}")
        drawn = tab.page.evaluate(CHARACTERS_LEFT_TO_RIGHT, f"#comment-{comment_id} a.mention")
        tab.screenshot("ar-mention")
        assert (drawn, tab.problems()) == ("@bob", {})
    finally:
        tab.close()


def test_the_notifications_page_names_the_reader_at_name_in_arabic(browser, live_server, axe_source):
    """Its first line, "mentions of you (@bob)", showed "(bob@)" on an Arabic page."""
    tab = reader_tab(browser, live_server, axe_source, "ar", DESKTOP)
    try:
        tab.log_in("bob", PASSWORDS["bob"])
        tab.goto("/notifications")
        drawn = tab.page.evaluate(CHARACTERS_LEFT_TO_RIGHT, "main p code")
        tab.screenshot("ar-notifications")
        assert (drawn, tab.problems()) == ("@bob", {})
    finally:
        tab.close()


def test_the_menu_shows_which_language_the_page_is_in(browser, live_server, axe_source):
    """Said to screen readers by aria-current; shown to everyone else as bold, plain text."""
    tab = reader_tab(browser, live_server, axe_source, "ja", DESKTOP)
    try:
        tab.page.goto(live_server.origin + "/")
        weights = tab.page.eval_on_selector_all(
            "#language-menu a",
            "links => links.map(a => [a.lang, getComputedStyle(a).fontWeight, getComputedStyle(a).textDecorationLine])",
        )
        shown = {lang: (int(weight) >= 700, decoration) for lang, weight, decoration in weights}
        assert (shown.pop("ja"), set(shown.values()), tab.problems()) == (
            (True, "none"),
            {(False, "underline")},
            {},
        )
    finally:
        tab.close()
