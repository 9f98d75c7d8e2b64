"""scratchpad.http.is_safe_url: only paths on this site may be redirect targets."""

import pytest

from scratchpad.http import is_safe_url


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
