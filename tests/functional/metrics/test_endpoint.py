"""Who may read ``/metrics``: nobody unless the settings say so; an allowed address (as the
app works it out, X-Forwarded-For only from a trusted proxy) or the bearer token; anyone
else gets the same 404 as any unknown address. What they read parses as Prometheus's text
format and is never kept by a cache."""

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.support.metrics import BEARER, TOKEN

OUTSIDER = "192.0.2.9"
PROXY = "127.0.0.1"


@pytest.fixture(scope="module")
def guarded(app_with):
    """An app whose metrics this machine, one documentation network, and the token may read."""
    return app_with(metrics_allow="127.0.0.1 2001:db8::/32", metrics_token=TOKEN)


def test_metrics_are_not_found_unless_a_setting_names_a_reader(browser):
    visitor = browser(REMOTE_ADDR="127.0.0.1")
    assert visitor.get("/metrics", headers=BEARER, status=404).status_code == 404


def test_a_refused_reader_gets_the_page_any_unknown_address_gets(browser, guarded):
    visitor = browser(guarded, REMOTE_ADDR=OUTSIDER)
    refused = visitor.get("/metrics", status=404)
    unknown = visitor.get("/no-such-page", status=404)
    assert (refused.body, sorted(refused.headers.items())) == (unknown.body, sorted(unknown.headers.items()))


@pytest.mark.parametrize("address", ["127.0.0.1", "2001:db8::7", "::ffff:127.0.0.1"])
def test_an_allowed_address_reads_the_metrics(browser, guarded, address):
    response = browser(guarded, REMOTE_ADDR=address).get("/metrics", status=200)
    names = {family.name for family in text_string_to_metric_families(response.text)}
    assert (response.content_type, "scratchpad_http_responses" in names) == ("text/plain", True)


@pytest.mark.parametrize("address", ["127.0.0.2", "2001:db9::7", "unknown"])
def test_an_address_outside_the_list_is_not_found(browser, guarded, address):
    assert browser(guarded, REMOTE_ADDR=address).get("/metrics", status=404).status_code == 404


def test_x_forwarded_for_from_an_untrusted_client_lets_nobody_in(browser, guarded):
    visitor = browser(guarded, REMOTE_ADDR=OUTSIDER)
    assert visitor.get("/metrics", headers={"X-Forwarded-For": "127.0.0.1"}, status=404).status_code == 404


def test_behind_the_trusted_proxy_the_visitors_address_decides(browser, app_with):
    proxied = app_with(trusted_proxies=PROXY, metrics_allow="198.51.100.0/24")
    via_proxy = browser(proxied, REMOTE_ADDR=PROXY)
    # A visitor who writes an allowed address into the header gets theirs appended by the proxy.
    forged = via_proxy.get("/metrics", headers={"X-Forwarded-For": "198.51.100.1, 203.0.113.7"}, status=404)
    allowed = via_proxy.get("/metrics", headers={"X-Forwarded-For": "198.51.100.1"}, status=200)
    assert (forged.status_code, allowed.status_code) == (404, 200)


def test_the_proxy_itself_is_not_let_in_for_its_visitors(browser, app_with):
    proxied = app_with(trusted_proxies=PROXY, metrics_allow=PROXY)
    visitor = browser(proxied, REMOTE_ADDR=PROXY)
    assert visitor.get("/metrics", headers={"X-Forwarded-For": "203.0.113.7"}, status=404).status_code == 404


def test_the_token_lets_a_reader_in_from_anywhere(browser, guarded):
    response = browser(guarded, REMOTE_ADDR=OUTSIDER).get("/metrics", headers=BEARER, status=200)
    assert "scratchpad_http_request_duration_seconds_bucket" in response.text


@pytest.mark.parametrize(
    "authorization",
    [
        f"Bearer {TOKEN[:-1]}",
        f"Bearer {TOKEN}x",
        f"Basic {TOKEN}",
        TOKEN,
        "Bearer ",
        "Bearer \u00e9t\u00e9",
    ],
    ids=["shorter", "longer", "another-scheme", "no-scheme", "empty", "not-ascii"],
)
def test_a_wrong_token_is_not_found(browser, guarded, authorization):
    visitor = browser(guarded, REMOTE_ADDR=OUTSIDER)
    headers = {"Authorization": authorization.encode("utf-8").decode("latin-1")}
    assert visitor.get("/metrics", headers=headers, status=404).status_code == 404


def test_a_token_alone_lets_in_no_address(browser, app_with):
    token_only = app_with(metrics_token=TOKEN)
    visitor = browser(token_only, REMOTE_ADDR="127.0.0.1")
    assert visitor.get("/metrics", status=404).status_code == 404


def test_metrics_are_never_kept_by_a_cache(browser, guarded):
    response = browser(guarded, REMOTE_ADDR="127.0.0.1").get("/metrics", status=200)
    assert (response.headers["Cache-Control"], response.etag) == ("no-store", None)


def test_a_scrape_reads_no_database(browser, guarded, statements):
    browser(guarded, REMOTE_ADDR="127.0.0.1").get("/metrics", status=200)
    assert statements == []
