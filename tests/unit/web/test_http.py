"""scratchpad.web.http.is_safe_url: only paths on this site may be redirect targets."""

import pytest

from scratchpad.web.http import as_uri, is_safe_url


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/?before=10",
        "/login/",
        "/login/?next=%2F",
        "/a/b?c=d#fragment",
        "/%2F%2Fevil.example",
        "/path:with:colons",
    ],
)
def test_path_on_this_site_is_safe(url):
    assert is_safe_url(url) is True


@pytest.mark.parametrize(
    "url",
    [
        None,
        "",
        "//evil.example",
        "///evil.example",
        "//evil.example/",
        "https://evil.example/",
        "http:/evil.example",
        "HTTPS://evil.example",
        "javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "evil.example",
        "login/",
        " /",
        "/\\evil.example",
        "\\\\evil.example",
        "\\/evil.example",
        "/\t/evil.example",
        "/\n/evil.example",
        "/\r\nLocation: https://evil.example",
        "/\x00",
        "/\x7f",
    ],
)
def test_url_that_could_leave_the_site_is_unsafe(url):
    assert is_safe_url(url) is False


# as_uri: every Location the app sends is ASCII (tweens.py).


@pytest.mark.parametrize(
    "url, uri",
    [
        ("/", "/"),
        ("http://example.com/?before=10#comment-3", "http://example.com/?before=10#comment-3"),
        ("/%C4%80", "/%C4%80"),
        ("/\u0100", "/%C4%80"),
        ("/a b", "/a%20b"),
        ("/\r\nSet-Cookie: x=1", "/%0D%0ASet-Cookie:%20x=1"),
        ("/\x00", "/%00"),
        ("/\\evil", "/%5Cevil"),
        ("/\ud800", "/%ED%A0%80"),
        ("/\"<>'", "/%22%3C%3E'"),
        ("/\U0001f600?q=\u00e9", "/%F0%9F%98%80?q=%C3%A9"),
    ],
)
def test_as_uri_percent_encodes_what_a_uri_cannot_hold(url, uri):
    assert as_uri(url) == uri


def test_as_uri_is_ascii_for_every_character():
    every = "".join(chr(code) for code in range(0x110000) if code % 97 == 0 or code < 0x100)
    assert as_uri("/" + every).isascii()
