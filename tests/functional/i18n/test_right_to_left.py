"""Right-to-left: an Arabic reader's page is mirrored (``dir="rtl"``, Bootstrap's RTL
stylesheet, served from the package like the LTR one), and text people typed keeps its own
direction in any language (``dir="auto"``, ``<bdi>``)."""

import re
from datetime import UTC, datetime

import pytest

from tests.support.factories import PASSWORD, make_comment, make_user
from tests.support.paths import ROOT

VENDOR = ROOT / "scratchpad" / "static" / "vendor" / "bootstrap"


def reader(browser, language):
    visitor = browser(HTTP_ACCEPT_LANGUAGE=language)
    visitor.set_cookie("language", language)
    return visitor


def stylesheets(page):
    return [link["href"] for link in page.html.select("link[rel=stylesheet]")]


def bootstrap_version(text):
    return re.search(r"Bootstrap\s+v(\d+\.\d+\.\d+)", text[:400]).group(1)


@pytest.fixture
def posted(dbsession):
    author = make_user(dbsession, "سارة")
    return make_comment(
        dbsession, "مرحبا بالعالم", commenter=author, posted_at=datetime(2026, 11, 24, 9, 5, tzinfo=UTC)
    )


def test_an_arabic_page_is_mirrored(browser, posted):
    page = reader(browser, "ar").get("/")
    html = page.html.select_one("html")
    (bootstrap,) = [href for href in stylesheets(page) if "bootstrap" in href]
    assert (html["lang"], html["dir"], bootstrap.rsplit("/", 1)[1]) == ("ar", "rtl", "bootstrap.rtl.min.css")


@pytest.mark.parametrize("language", ["en", "ja", "de"])
def test_a_left_to_right_page_keeps_bootstrap_as_it_was(browser, posted, language):
    page = reader(browser, language).get("/")
    (bootstrap,) = [href for href in stylesheets(page) if "bootstrap" in href]
    assert (page.html.select_one("html")["dir"], bootstrap.rsplit("/", 1)[1]) == ("ltr", "bootstrap.min.css")


def test_the_rtl_stylesheet_is_served_from_the_package(browser):
    page = reader(browser, "ar").get("/")
    (bootstrap,) = [href for href in stylesheets(page) if "bootstrap" in href]
    served = browser().get(bootstrap, status=200)
    assert (bootstrap.endswith("/bootstrap.rtl.min.css"), served.content_type, served.body) == (
        True,
        "text/css",
        (VENDOR / "bootstrap.rtl.min.css").read_bytes(),
    )


def test_the_rtl_stylesheet_is_the_same_bootstrap_release_with_its_licence():
    ltr = (VENDOR / "bootstrap.min.css").read_text()
    rtl = (VENDOR / "bootstrap.rtl.min.css").read_text()
    assert (bootstrap_version(rtl), "Licensed under MIT" in rtl, (VENDOR / "LICENSE").is_file()) == (
        bootstrap_version(ltr),
        True,
        True,
    )


def test_the_kept_page_keeps_the_arabic_and_english_layouts_apart(browser, posted):
    for _ in range(2):
        assert (
            reader(browser, "en").get("/").html.select_one("html")["dir"],
            reader(browser, "ar").get("/").html.select_one("html")["dir"],
        ) == ("ltr", "rtl")


@pytest.mark.parametrize("language", ["en", "ar"])
def test_typed_text_keeps_its_own_direction(browser, posted, language):
    page = reader(browser, language).get("/")
    comment = page.html.select_one("article.comment")
    assert (
        comment.select_one(".comment-content")["dir"],
        comment.select_one("small bdi").get_text(),
    ) == ("auto", "سارة")


@pytest.mark.parametrize("language", ["en", "ar"])
def test_what_is_typed_into_a_form_keeps_its_own_direction(browser, posted, language, dbsession):
    """An English comment edited on an Arabic page was right-aligned, its trailing emoji or
    full stop moved to the start: every box for text people write follows that text."""
    make_user(dbsession, "reporter")
    member = reader(browser, language)
    member.login("reporter", PASSWORD)
    pages = [
        member.get("/"),
        member.get(f"/comments/{posted.id}/reply"),
        member.get(f"/comments/{posted.id}/report"),
    ]
    boxes = [box for page in pages for box in page.html.select("textarea")]
    template = pages[0].html.select_one("#reply-form-template")
    boxes += template.find_all("textarea") if template is not None else []
    assert (len(boxes) >= 4, {box.get("dir") for box in boxes}) == (True, {"auto"})


def test_a_permalinks_number_reads_left_to_right_on_an_arabic_page(browser, posted):
    """ "#8", not "8#": the number sign and digits are isolated from the Arabic date before them."""
    link = reader(browser, "ar").get("/").html.select_one("a.comment-permalink")
    assert (link.span["dir"], link.span.get_text()) == ("ltr", f"#{posted.id}")


def test_reply_indentation_follows_the_writing_direction():
    css = (ROOT / "scratchpad" / "static" / "scratchpad.css").read_text()
    assert (
        re.findall(r"\b(?:margin|padding|border)-(?:left|right)\b", css),
        "margin-inline-start" in css,
    ) == (
        [],
        True,
    )
