"""The security-headers tween, around a handler that stands in for the rest of the app."""

from types import SimpleNamespace

import pytest
from webob import Response

from scratchpad.web.tweens import HEADERS, STRICT_TRANSPORT_SECURITY, security_headers_tween_factory


def tween(hsts=False, response=None):
    registry = SimpleNamespace(settings={"scratchpad.hsts": hsts})
    handler = lambda request: response if response is not None else Response("ok")  # noqa: E731
    return security_headers_tween_factory(handler, registry)


HTTP, HTTPS = SimpleNamespace(scheme="http"), SimpleNamespace(scheme="https")


def csp_directives(value):
    return {part.strip().split()[0]: part.strip().split()[1:] for part in value.split(";")}


def test_every_header_is_added():
    response = tween()(request=HTTP)
    assert {name: response.headers.get(name) for name in HEADERS} == HEADERS


def test_no_hsts_unless_configured():
    assert "Strict-Transport-Security" not in tween(hsts=False)(request=HTTP).headers


def test_hsts_when_configured_over_https():
    response = tween(hsts=True)(request=HTTPS)
    assert response.headers["Strict-Transport-Security"] == STRICT_TRANSPORT_SECURITY


def test_no_hsts_over_http_even_when_configured():
    assert "Strict-Transport-Security" not in tween(hsts=True)(request=HTTP).headers


def test_hsts_lasts_at_least_a_year():
    max_age = STRICT_TRANSPORT_SECURITY.split(";")[0].split("=")[1]
    assert int(max_age) >= 365 * 86400


def test_a_header_the_view_set_is_kept():
    # A view may need a stricter (or different) value; the tween only fills gaps.
    own = Response("ok", headers={"Referrer-Policy": "no-referrer"})
    assert tween(response=own)(request=HTTP).headers["Referrer-Policy"] == "no-referrer"


def test_headers_are_not_doubled():
    response = tween()(request=HTTP)
    assert [len(response.headers.getall(name)) for name in HEADERS] == [1] * len(HEADERS)


@pytest.mark.parametrize(
    "directive, sources",
    [
        ("default-src", ["'self'"]),
        ("frame-ancestors", ["'none'"]),
        ("form-action", ["'self'"]),
        ("base-uri", ["'none'"]),
        ("object-src", ["'none'"]),
    ],
)
def test_csp_directive(directive, sources):
    assert csp_directives(HEADERS["Content-Security-Policy"])[directive] == sources


def test_csp_has_no_unsafe_sources():
    sources = [s for values in csp_directives(HEADERS["Content-Security-Policy"]).values() for s in values]
    assert [source for source in sources if source.startswith("'unsafe-")] == []


def test_csp_allows_no_other_origin():
    # Only 'self', 'none' and data: images: nothing is loaded from elsewhere.
    sources = {s for values in csp_directives(HEADERS["Content-Security-Policy"]).values() for s in values}
    assert sources <= {"'self'", "'none'", "data:"}


def test_data_urls_only_for_images():
    directives = csp_directives(HEADERS["Content-Security-Policy"])
    assert [name for name, sources in directives.items() if "data:" in sources] == ["img-src"]
